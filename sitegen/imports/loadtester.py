"""The load tester's two other files: its repeat mode and its console report saved as `.json`.

A repeat file is `{"runs": [result, ...], "aggregate": {...}, "regressions": [...]}`: each
repeat of one runtime and level, and per metric the mean, the sample standard deviation and the
95 % interval of the mean (Student's t). Every repeat is kept; the result that stands for them
(in standings, charts and leaderboards) is their mean, with the interval beside it.

A console report is the text after `--- Load Test Results ---`; it is read only when it holds
every line a result needs. Its values are rounded as printed; what it does not print is "not
reported".
"""

from __future__ import annotations

import re
from typing import Any

from ..results import FIELD_ORDER, LoadTestResult, ParseFailure, result_from_value
from ..stats import mean_interval, mean_of
from .origin import Interval, Origin
from .values import Draft, Skip, count, label, mapping, number

REPEATS = "load tester repeats"
CONSOLE = "load tester console output"
CONSOLE_MARK = b"--- Load Test Results ---"

# aggregate key -> the result field it summarises
AGGREGATED = {
    "throughput_rps": "throughput_rps",
    "latency_p50": "latency_p50_ms",
    "tokens_per_sec": "tokens_per_sec",
    "ttft_p50": "ttft_p50_ms",
    "tpot_p50": "tpot_p50_ms",
}
_REQUIRED_FIELDS = frozenset(n for n, f in LoadTestResult.model_fields.items() if f.is_required())
_COUNTS = ("total_requests", "successful", "failed", "prompt_tokens_total", "completion_tokens_total")


def is_repeats(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("runs"), list) and "aggregate" in value


def repeats_summary(value: dict) -> str:
    """The repeat file in words, for `sitegen score`, which reads single results only."""
    runs = value["runs"]
    first = runs[0] if runs and isinstance(runs[0], dict) else {}
    what = f"{len(runs)} repeats"
    name, c = label(first.get("runtime_name"), 60), count(first.get("concurrency"))
    if name:
        what += f" of {name}" + (f" at c={c}" if c is not None else "")
    return f"a repeat file of the load tester ({what}, with their mean and 95 % interval)"


def _interval(field: str, given: Any, values: list[float]) -> Interval | None:
    """The file's interval where it gives a finite one, else recomputed from the values."""
    n = len(values)
    if isinstance(given, dict):
        mean, low, high = (number(given.get(k)) for k in ("mean", "ci_95_lower", "ci_95_upper"))
        if mean is not None and low is not None and high is not None and low <= mean <= high:
            return Interval(field, mean, low, high, n, "the file's 95 % interval (Student's t)")
    computed = mean_interval(values)
    if computed is None:
        return None
    mean, low, high = computed
    return Interval(field, mean, low, high, n, "95 % interval of the mean, Student's t, recomputed")


def read_repeats(value: dict, name: str) -> tuple[LoadTestResult, Origin]:
    """The mean of the repeats as one result, and an origin holding every repeat. Skip when
    a repeat is not a valid result or the repeats are not of one runtime and level."""
    runs = value["runs"]
    if not runs:
        raise Skip("a repeat file with no repeat")
    repeats: list[tuple[str, LoadTestResult]] = []
    for i, run in enumerate(runs):
        try:
            repeats.append((f"{name}#run{i + 1}", result_from_value(run)))
        except ParseFailure as failure:
            raise Skip(f"runs[{i}]: {failure.reason}") from None
    points = {(r.runtime_name, r.concurrency) for _, r in repeats}
    if len(points) > 1:
        raise Skip("its repeats are of different runtimes or concurrency levels")
    results = [r for _, r in repeats]
    aggregate = mapping(value.get("aggregate"))
    intervals = []
    for key, field in AGGREGATED.items():
        found = _interval(field, aggregate.get(key), [getattr(r, field) for r in results])
        if found is not None:
            intervals.append(found)
    mean = _mean_result(results, {i.metric: i.mean for i in intervals})
    notes = (f"the mean of {len(results)} repeats stands for them in standings and charts",)
    return mean, Origin(REPEATS, notes=notes, repeats=tuple(repeats), intervals=tuple(intervals))


def _mean_result(results: list[LoadTestResult], means: dict[str, float]) -> LoadTestResult:
    """Every number the repeats share, averaged (counts rounded); the aggregate's means where
    it gives them; the earliest timestamp; no per-request details."""
    first = results[0]
    body: dict[str, Any] = {}
    for field in FIELD_ORDER:
        values = [getattr(r, field) for r in results]
        sample = values[0]
        if field in means:
            body[field] = means[field]
        elif isinstance(sample, float) and all(isinstance(v, float) for v in values):
            body[field] = mean_of(values)
        elif field in _COUNTS:
            body[field] = round(mean_of(values))
    body |= {
        "timestamp": min(r.timestamp for r in results),
        "runtime_name": first.runtime_name,
        "concurrency": first.concurrency,
    }
    set_in_all = set.intersection(*(set(r.model_fields_set) for r in results))
    return LoadTestResult.model_validate(
        {k: v for k, v in body.items() if k in set_in_all or k in _REQUIRED_FIELDS}
    )


# --- console output -----------------------------------------------------------------------

_NUMBER = r"([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)"
_LINES = {
    "runtime": re.compile(r"^Runtime:\s*(\S.*)$"),
    "requests": re.compile(rf"^Requests:\s*{_NUMBER}\s*\(\s*{_NUMBER}\s*ok,\s*{_NUMBER}\s*failed\)"),
    "throughput_rps": re.compile(rf"^Throughput:\s*{_NUMBER}\s*req/s"),
    "latency_p50_ms": re.compile(rf"^Latency P50:\s*{_NUMBER}\s*ms"),
    "latency_p95_ms": re.compile(rf"^Latency P95:\s*{_NUMBER}\s*ms"),
    "latency_p99_ms": re.compile(rf"^Latency P99:\s*{_NUMBER}\s*ms"),
    "ttft_p50_ms": re.compile(rf"^TTFT P50:\s*{_NUMBER}\s*ms"),
    "tokens_per_sec": re.compile(rf"^Tokens/sec:\s*{_NUMBER}"),
    "avg_tok_per_req": re.compile(rf"^Avg tok/req:\s*{_NUMBER}"),
    "prefill_tok_per_sec": re.compile(rf"^Prefill tok/s:\s*{_NUMBER}"),
    "decode_tok_per_sec": re.compile(rf"^Decode tok/s:\s*{_NUMBER}"),
    "itl_p50_ms": re.compile(rf"^ITL P50:\s*{_NUMBER}\s*ms"),
    "tpot_p50_ms": re.compile(rf"^TPOT P50:\s*{_NUMBER}\s*ms"),
}
_REQUIRED = ("runtime", "requests", "throughput_rps", "latency_p50_ms", "latency_p95_ms",
             "latency_p99_ms", "ttft_p50_ms", "tokens_per_sec")  # fmt: skip
_HEADER = re.compile(r"\(concurrency=([0-9]+), duration=([0-9.]+)s")


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def read_console(raw: bytes) -> tuple[Draft, str, int | None, dict[str, str]]:
    """The block after the results mark. Skip unless it holds every line a result needs."""
    text = raw.decode("utf-8", errors="replace")
    head, _, block = text.partition(CONSOLE_MARK.decode())
    found: dict[str, re.Match] = {}
    for line in block.splitlines():
        for key, pattern in _LINES.items():
            match = pattern.match(line.strip())
            if match and key not in found:
                found[key] = match
    lacking = [k for k in _REQUIRED if k not in found]
    if lacking:
        raise Skip(f"an incomplete console report: no {', '.join(lacking)} line")
    draft = Draft(CONSOLE)
    total, ok, failed = (_num(found["requests"].group(i)) for i in (1, 2, 3))
    draft.put_count("total_requests", total)
    draft.put_count("successful", ok)
    draft.put_count("failed", failed)
    for key, match in found.items():
        if key not in ("runtime", "requests"):
            draft.put(key, _num(match.group(1)))
    header = _HEADER.search(head)
    concurrency = int(header.group(1)) if header else None
    if header:
        draft.put("elapsed_secs", _num(header.group(2)))
        draft.note("elapsed time is the configured duration")
    draft.note("values rounded as printed")
    draft.note("no timestamp in console output")
    return draft, label(found["runtime"].group(1)), concurrency, {}
