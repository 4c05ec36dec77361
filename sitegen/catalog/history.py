"""History across runs: current standings per hardware target and time series.

Standings: the latest result of each (cohort, canonical runtime, concurrency)
on a target; the valid, fresh ones scored together, the others set apart.
Series: one value per run for each (hardware, cohort, runtime, metric[,
concurrency]), in run order, each point naming its run (an invalid
measurement is a point without a value).

Per run and runtime, a value comes from the runtime's latest valid result at
each level, in that level's series (a run measured at c=1 and the next at
c=128 are two series); aggregate tok/s (the peak over levels), scaling
efficiency (the run's scaling scorecard), throughput at the reference
interactivity, energy and cost per token (at the peak-throughput level) are
one value per run.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..scoring.composite import strip_concurrency_suffix
from ..scoring.contract import ScoringContract
from ..scoring.report import order_results, score_results
from .derived import TradeoffPoint, at_interactivity
from .model import Apart, Cohort, ResultEntry, Run, Series, SeriesPoint, Standing
from .validity import Validity

# Series charted for context, with no better direction: power draw is neither good nor bad by
# itself (less of it may mean less work done), so a change of it is never a change to report.
CONTEXT_METRICS = frozenset({"power_w", "power_w_max"})

# Series that are rates of requests, in percent: their points carry the request count, and
# their noise has at least the binomial spread of it (catalog/changes.py).
RATE_METRICS = frozenset({"error_rate", "correctness_pass_rate"})

# Metric key -> (label, unit, higher is better); the site reads this for titles and axes.
SERIES_METRICS: dict[str, tuple[str, str, bool]] = {
    "composite": ("Composite score", "score", True),
    "decode_tok_s": ("Decode speed", "tok/s", True),
    "aggregate_tok_s": ("Peak aggregate throughput", "tok/s", True),
    "throughput_tok_s": ("Aggregate throughput", "tok/s", True),
    "error_rate": ("Error rate", "%", False),
    "ttft_p50_ms": ("Time to first token, median", "ms", False),
    "itl_p50_ms": ("Inter-token latency, median", "ms", False),
    "scaling_efficiency": ("Concurrency scaling efficiency", "%", True),
    "power_tok_s_per_w": ("Power efficiency", "tok/s/W", True),
    "power_w": ("Power draw, mean", "W", False),
    "power_w_max": ("Power draw, peak", "W", False),
    "memory_tok_s_per_gb": ("Memory efficiency", "tok/s/GB", True),
    "cold_start_ms": ("Cold start", "ms", False),
    "correctness_pass_rate": ("Correctness pass rate", "%", True),
    "throughput_per_gpu_at_ref": (
        "Output throughput per GPU at the reference interactivity",
        "tok/s per GPU",
        True,
    ),
    "joules_per_token": ("Energy per output token (at peak-throughput level)", "J", False),
    "cost_per_million": (
        "Cost per million output tokens, at each run's peak-throughput level",
        "per 1M tokens",
        False,
    ),
}


def latest_valid(entries: Sequence[ResultEntry]) -> ResultEntry:
    """Of one run's results of a runtime at one level, the one standings and history take: the
    latest valid one, else the latest (flagged: a gap with its reason)."""
    return max(entries, key=lambda e: (not e.excluded, e.result.timestamp, e.source))


StandingCandidates = dict[
    tuple[Cohort, str, int | str, bool], tuple[tuple, str, ResultEntry]
]  # (cohort, runtime, c, flagged) -> (rank, run id, entry); an unscored import's level is a text


def standing_candidates(runs: Sequence[Run], into: StandingCandidates | None = None) -> StandingCandidates:
    """The latest valid result and the latest flagged one of each (cohort, canonical runtime,
    concurrency) among `runs` (merged into `into`): standings rank the latest valid result and
    list a newer flagged one apart, never hiding the valid one behind it."""
    latest: StandingCandidates = {} if into is None else into
    for run in runs:
        sort_key, run_id = run.sort_key, run.id
        for entry in run.results:
            # An imported result the contract cannot score stands apart from the scored ones at
            # its level: drawn and ranked under latency targets, never scored (Standing.unranked).
            level = (
                entry.result.concurrency
                if entry.scored
                else f"unscored {entry.rate} {entry.result.concurrency}"
            )
            key = (entry.cohort, entry.runtime, level, entry.flag is not None)
            rank = (sort_key, entry.result.timestamp, entry.source)
            known = latest.get(key)
            if known is None or rank > known[0]:
                latest[key] = (rank, run_id, entry)
    return latest


def merge_candidates(into: StandingCandidates, more: StandingCandidates) -> None:
    """Keep in `into` the latest candidate of each key of `more` (standing_candidates' rule)."""
    for key, candidate in more.items():
        known = into.get(key)
        if known is None or candidate[0] > known[0]:
            into[key] = candidate


def standing_from(
    hardware: str,
    latest: StandingCandidates,
    contract: ScoringContract,
    stale_after_days: int,
    newest: dt.date | None,
) -> tuple[Standing, ...]:
    """One standing per cohort, the cohort with the most entries first.

    Only valid, fresh entries are scored together: the latest valid result of each runtime
    and level; a flagged result newer than it, or one from a run more than
    `stale_after_days` before the target's newest run, is listed apart and can take no best
    mark (nor the best-in-class bonus) from the others.
    """
    by_cohort: dict[Cohort, list[tuple[tuple, str, ResultEntry]]] = {}
    valid_ranks = {key[:3]: candidate[0] for key, candidate in latest.items() if not key[3]}
    for (cohort, runtime, c, flagged), candidate in latest.items():
        # A flagged result is shown only when it is newer than the valid one ranked in its place.
        if flagged and candidate[0] < valid_ranks.get((cohort, runtime, c), candidate[0]):
            continue
        by_cohort.setdefault(cohort, []).append(candidate)
    standings = []
    for cohort, candidates in by_cohort.items():
        ranked, apart, unranked = [], [], []
        for rank, run_id, entry in sorted(candidates, key=lambda c: c[0]):
            run_date = rank[0][0]
            stale = _stale_reason(run_date, newest, stale_after_days)
            if entry.excluded:
                apart.append(Apart(run_id, entry, str(entry.flag.kind), entry.flag.reason))
            elif stale:
                apart.append(Apart(run_id, entry, "stale", stale))
            elif not entry.scored:
                unranked.append((run_id, entry))
            else:
                ranked.append((run_id, entry))
        loaded = order_results([(entry.result, f"{run_id}/{entry.source}") for run_id, entry in ranked])
        order = {source: i for i, (_, source) in enumerate(loaded)}
        ranked.sort(key=lambda item: order[f"{item[0]}/{item[1].source}"])
        apart.sort(key=lambda a: (a.entry.runtime, a.entry.result.concurrency, a.run_id))
        unranked.sort(key=lambda item: (item[1].runtime, item[1].rate or 0.0, item[1].result.concurrency))
        standings.append(
            Standing(
                hardware,
                tuple(ranked),
                score_results(loaded, contract),
                cohort,
                tuple(apart),
                tuple(unranked),
            )
        )
    standings.sort(key=lambda s: (-(len(s.entries) + len(s.apart) + len(s.unranked)), s.cohort))
    return tuple(standings)


def _stale_reason(run_date: str, newest: dt.date | None, stale_after_days: int) -> str:
    if not run_date or newest is None:
        return ""
    measured = dt.date.fromisoformat(run_date)
    age = (newest - measured).days
    if age > stale_after_days:
        return f"last measured {measured}, {age} days before the newest run here (over {stale_after_days})"
    return ""


def newest_date(runs: Sequence) -> dt.date | None:
    return max((r.date for r in runs if r.date), default=None)


def merge_series(parts: Sequence[Sequence[Series]], run_order: dict[str, int]) -> list[Series]:
    """Series computed over disjoint sets of runs, joined: points in run order."""
    points: dict[tuple[str, str, str, str, int | None], list[SeriesPoint]] = {}
    for part in parts:
        for s in part:
            points.setdefault((s.hardware, s.cohort, s.runtime, s.metric, s.concurrency), []).extend(s.points)
    return [
        Series(hw, runtime, metric, c, tuple(sorted(pts, key=lambda p: run_order[p.run_id])), cohort)
        for (hw, cohort, runtime, metric, c), pts in sorted(
            points.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2], kv[0][3], kv[0][4] or 0)
        )
    ]


@dataclass
class _Collector:
    points: dict[tuple[str, str, str, int | None], list[SeriesPoint]]

    def add(
        self,
        runtime: str,
        metric: str,
        concurrency: int | None,
        run: Run,
        entry: ResultEntry,
        value: float | None,
        absent_is_gap: bool = True,
        trials: int = 0,
    ) -> None:
        """A point for the entry; an invalid measurement gives a gap (no value) with its reason.
        `absent_is_gap`: off for values few results have (telemetry, cold start): an invalid
        result without one adds no point at all."""
        flag = f"{entry.flag.kind}: {entry.flag.reason}" if entry.excluded else ""
        if value is None and not absent_is_gap:
            return
        if entry.flag is not None and entry.flag.kind is Validity.INVALID:
            value = None
        elif value is None:
            return
        self.points.setdefault((entry.cohort.key, runtime, metric, concurrency), []).append(
            SeriesPoint(
                run.id,
                run.date,
                value,
                entry.result.runtime_name,
                entry.source,
                flag,
                entry.engine_version,
                repeat_spread(entry, metric),
                trials,
                point_interval(entry, metric, value),
            )
        )


# Series metrics measured in the load tester's repeats: the result field repeated.
REPEATED_METRICS = {
    "aggregate_tok_s": "tokens_per_sec",
    "throughput_tok_s": "tokens_per_sec",
    "ttft_p50_ms": "ttft_p50_ms",
}


# Series metrics that are one of a result's own values (not derived from it), by the result
# field whose 95 % interval they carry (from its repeats, or from its requests).
INTERVAL_METRICS = REPEATED_METRICS | {"itl_p50_ms": "itl_p50_ms"}


def point_interval(entry: ResultEntry, metric: str, value: float | None) -> tuple[float, float] | None:
    """The 95 % interval of a series point that is one of its result's own values, where the
    result has one (and it holds the value drawn: a peak over levels is that level's value)."""
    field = INTERVAL_METRICS.get(metric)
    found = entry.interval(field) if field is not None and value is not None else None
    if found is None or not found.low <= value <= found.high:
        return None
    return (found.low, found.high)


def repeat_spread(entry: ResultEntry, metric: str) -> float | None:
    """The sample standard deviation of the repeats a series point is the mean of: the noise
    of one measurement, measured (None when the point is no mean of repeats)."""
    field = REPEATED_METRICS.get(metric)
    if field is None or entry.origin is None or len(entry.origin.repeats) < 2:
        return None
    return statistics.stdev(getattr(r, field) for _, r in entry.origin.repeats)


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None (absent) where that is no finite number: a denominator
    of 5e-324 gives Infinity, which no chart or JSON file may hold."""
    if denominator <= 0:
        return None
    value = numerator / denominator
    return value if math.isfinite(value) else None


def _power(entry: ResultEntry) -> float | None:
    t = entry.result.gpu_telemetry
    if t is None or entry.result.decode_tok_per_sec <= 0:
        return None
    return _ratio(entry.result.decode_tok_per_sec, t.power_draw_w.mean)


def _memory(entry: ResultEntry) -> float | None:
    t = entry.result.gpu_telemetry
    if t is None:
        return None
    return _ratio(entry.result.decode_tok_per_sec, t.memory_used_mb.max / 1024.0)


def _power_draw(entry: ResultEntry) -> float | None:
    t = entry.result.gpu_telemetry
    return t.power_draw_w.mean if t is not None and t.power_draw_w.mean > 0 else None


def _power_peak(entry: ResultEntry) -> float | None:
    t = entry.result.gpu_telemetry
    return t.power_draw_w.max if t is not None and t.power_draw_w.max > 0 else None


def _cold_start(entry: ResultEntry) -> float | None:
    ms = entry.result.cold_start_ms
    return ms if ms is not None and ms > 0 else None


def _pass_rate(entry: ResultEntry) -> float | None:
    q = entry.result.quality
    return q.pass_rate * 100.0 if q is not None and q.total_validated > 0 else None


def _validated(entry: ResultEntry) -> int:
    q = entry.result.quality
    return q.total_validated if q is not None else 0


# Values of a result that some results have (telemetry, cold start, inline validation), each a
# series per concurrency level.
LEVEL_METRICS: tuple[tuple[str, Callable[[ResultEntry], float | None]], ...] = (
    ("power_tok_s_per_w", _power),
    ("power_w", _power_draw),
    ("power_w_max", _power_peak),
    ("memory_tok_s_per_gb", _memory),
    ("cold_start_ms", _cold_start),
)


def _add_practitioner_series(
    collector: _Collector, runtime: str, run: Run, per_level: list[ResultEntry], reference: float
) -> None:
    usable = [e for e in per_level if e.derived is not None and not e.excluded]
    curve = [
        TradeoffPoint(runtime, e.result.concurrency, e.derived.interactivity, e.derived.throughput_per_gpu)
        for e in usable
        if e.derived.interactivity is not None
    ]
    at_ref = at_interactivity(curve, reference)
    if at_ref is not None and usable:
        collector.add(runtime, "throughput_per_gpu_at_ref", None, run, usable[0], at_ref)
    if usable:
        peak = max(usable, key=lambda e: (e.derived.throughput_per_gpu, -e.result.concurrency))
        collector.add(runtime, "joules_per_token", None, run, peak, peak.derived.joules_per_token)
        collector.add(runtime, "cost_per_million", None, run, peak, peak.derived.cost_per_million)


def compute_series(hardware: str, runs: Sequence[Run], reference_interactivity: float = 20.0) -> list[Series]:
    """Every series of one target over `runs`. Throughput per GPU is read off each runtime's
    curve at `reference_interactivity`; energy and cost per token are taken at the runtime's
    peak-throughput level (where a token is cheapest)."""
    collector = _Collector({})
    for run in runs:
        composite_by_source = {
            rt.source_file: rt.composite for card in run.report.composite.values() for rt in card.runtimes
        }
        scaling_by_base = {row.name: row.scaling_efficiency * 100.0 for row in run.report.scaling.runtimes}
        by_runtime: dict[tuple[str, str], list[ResultEntry]] = {}
        for entry in run.results:
            if entry.scored:  # a value an imported file did not report is no point of a series
                by_runtime.setdefault((entry.runtime, entry.cohort.key), []).append(entry)
        for (runtime, _), entries in sorted(by_runtime.items()):
            by_level: dict[int, list[ResultEntry]] = {}
            for entry in entries:
                by_level.setdefault(entry.result.concurrency, []).append(entry)
            per_level = [latest_valid(by_level[c]) for c in sorted(by_level)]
            # A value measured at a concurrency level belongs to that level's series: a run at c=1
            # and the next at c=128 are two series, never one line that reads as a trend.
            for entry in per_level:
                c, r = entry.result.concurrency, entry.result
                collector.add(runtime, "composite", c, run, entry, composite_by_source.get(entry.source))
                collector.add(runtime, "decode_tok_s", c, run, entry, r.decode_tok_per_sec)
                collector.add(runtime, "ttft_p50_ms", c, run, entry, r.ttft_p50_ms)
                collector.add(runtime, "itl_p50_ms", c, run, entry, r.itl_p50_ms)
                collector.add(runtime, "throughput_tok_s", c, run, entry, r.tokens_per_sec)
                if r.total_requests and entry.reported("error_rate"):
                    collector.add(
                        runtime, "error_rate", c, run, entry, r.error_rate * 100.0, trials=r.total_requests
                    )
                for metric, getter in LEVEL_METRICS:
                    collector.add(runtime, metric, c, run, entry, getter(entry), absent_is_gap=False)
                collector.add(
                    runtime,
                    "correctness_pass_rate",
                    c,
                    run,
                    entry,
                    _pass_rate(entry),
                    absent_is_gap=False,
                    trials=_validated(entry),
                )
            lowest = per_level[0]
            peak = max(per_level, key=lambda e: (not e.excluded, e.result.tokens_per_sec))
            collector.add(runtime, "aggregate_tok_s", None, run, peak, peak.result.tokens_per_sec)
            base = strip_concurrency_suffix(lowest.result.runtime_name)
            collector.add(runtime, "scaling_efficiency", None, run, lowest, scaling_by_base.get(base))
            _add_practitioner_series(collector, runtime, run, per_level, reference_interactivity)
        # A correctness-tester report stands in for a runtime without inline validation in this run
        # (at the runtime's lowest level, where the inline rate of such a run would be).
        lowest_of = {}
        for e in run.results:
            known = lowest_of.get(e.runtime)
            if known is None or e.result.concurrency < known[1]:
                lowest_of[e.runtime] = (e.cohort.key, e.result.concurrency)
        for (name, report), runtime in zip(run.correctness, run.correctness_runtimes, strict=False):
            cohort, level = lowest_of.get(runtime, (Cohort().key, 1))
            key = (cohort, runtime, "correctness_pass_rate", level)
            if report.total and not any(p.run_id == run.id for p in collector.points.get(key, [])):
                collector.points.setdefault(key, []).append(
                    SeriesPoint(
                        run.id,
                        run.date,
                        report.pass_rate * 100.0,
                        report.runtime_name,
                        name,
                        trials=report.total,
                    )
                )
    return [
        Series(hardware, runtime, metric, concurrency, tuple(points), cohort)
        for (cohort, runtime, metric, concurrency), points in sorted(
            collector.points.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0], kv[0][3] or 0)
        )
    ]
