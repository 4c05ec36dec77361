"""Warnings about results the reference scorer accepts without a word."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence

from ..results import LoadTestResult
from .derived import tpot_unit_error
from .history import latest_valid

# A result timestamp this far from its run's date is suspicious (real files can be off by a day).
FAR_OFF = dt.timedelta(days=7)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

_LATENCY_FIELDS = (
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "ttft_p50_ms",
    "ttft_p90_ms",
    "ttft_p95_ms",
    "ttft_p99_ms",
    "itl_p50_ms",
    "tpot_p50_ms",
    "tpot_p90_ms",
    "tpot_p95_ms",
    "tpot_p99_ms",
    "latency_min_ms",
    "latency_max_ms",
)


def _read_timestamp(text: str) -> dt.datetime | str:
    """The time in UTC, or why there is none."""
    if "T" not in text and " " not in text.strip():
        return "is not an RFC 3339 date and time"
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        return "is not an RFC 3339 date and time"
    try:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC, which no date can hold
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except OverflowError:
        return "is outside the years a date can hold"


def parse_timestamp(text: str) -> dt.datetime | None:
    """RFC 3339 / ISO 8601 with a time, in UTC; a time without zone is taken as UTC."""
    value = _read_timestamp(text)
    return value if isinstance(value, dt.datetime) else None


def result_warnings(
    result: LoadTestResult,
    measured_at: dt.datetime | None,
    run_date: dt.date | None,
    date_is_declared: bool,
    timestamp_reported: bool = True,
) -> Iterator[str]:
    """`timestamp_reported`: False for an imported result whose format has no timestamp (its
    import notes say so)."""
    if measured_at is None and not timestamp_reported:
        pass
    elif measured_at is None:
        reason = _read_timestamp(result.timestamp)
        yield f"timestamp {result.timestamp!r} {reason}"
    elif not EARLIEST <= measured_at < LATEST:
        yield f"timestamp {result.timestamp} is far from any plausible run date"
    elif run_date is not None and date_is_declared:
        midday = dt.datetime.combine(run_date, dt.time(12), tzinfo=dt.UTC)
        if abs(measured_at - midday) > FAR_OFF:
            yield f"timestamp {result.timestamp} is more than 7 days from the run date {run_date}"
    if not 0.0 <= result.error_rate <= 1.0:
        yield f"error_rate {result.error_rate:g} is outside 0..1"
    negative = [name for name in _LATENCY_FIELDS if getattr(result, name) < 0]
    if negative:
        yield f"negative latency: {', '.join(negative)}"
    if tpot_unit_error(result):
        tpot, itl = result.tpot_p50_ms, result.itl_p50_ms
        yield (
            f"tpot_p50_ms {tpot:g} is {itl / tpot:,.0f} times below itl_p50_ms {itl:g}, a unit error: "
            "TPOT is not used (interactivity from ITL; no latency target is met without a p99 TPOT)"
        )


def variant_warnings(entries: Sequence) -> Iterator[tuple[str, str]]:
    """(file, warning) for each runtime that has results of several runtime_names at one level of
    the run (variants mapped to one runtime: `realizr-4090-grid16`, `realizr-4090-nograph`):
    standings and history take one of them, which the warning names."""
    groups: dict[tuple, list] = {}
    for e in entries:
        groups.setdefault((e.cohort, e.runtime, e.result.concurrency), []).append(e)
    for (_, runtime, c), group in groups.items():
        names = {e.result.runtime_name for e in group}
        if len(names) < 2:
            continue
        chosen = latest_valid(group)
        listed = ", ".join(
            f"{e.result.runtime_name} in {e.source}" for e in sorted(group, key=lambda e: e.source)
        )
        which = "the latest valid one" if not chosen.excluded else "the latest one (none is valid)"
        yield (
            chosen.source,
            f"{len(group)} results of runtime {runtime} at c={c} in this run ({listed}): standings and "
            f"history take {chosen.result.runtime_name}, {which}",
        )


def duplicate_warnings(results: Sequence[tuple[LoadTestResult, str]]) -> Iterator[tuple[str, str]]:
    """(file, warning) for each result sharing (runtime_name, concurrency) with another in the run."""
    counts = Counter((r.runtime_name, r.concurrency) for r, _ in results)
    for r, source in results:
        n = counts[(r.runtime_name, r.concurrency)]
        if n > 1:
            yield (
                source,
                (
                    f"{n} results in this run have runtime_name {r.runtime_name!r} at c={r.concurrency}; "
                    "the scorecards list each of them"
                ),
            )
