"""What a comparison of two runs needs from the catalog: each run's comparable values, value
directions and noise thresholds. The site's compare view and the pull-request tools both stand
on it.

Every value a comparison can show is taken here, once, from a run's scorecards and results:
each with the result it comes from (its file), that result's model and workload (cohort) and
validity flag, and the key of the history series whose noise judges it. A run publishes them
in its metrics.json; the comparison itself runs in the browser (static/compare.js) and in
`sitegen compare` and `sitegen report` (review/compare.py), with the same rules: values of
different cohorts are never matched, and a flagged value is shown with its flag, never as a
change beyond noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..scoring.contract import MetricThreshold
from .changes import series_noise
from .history import latest_valid
from .model import ResultEntry, Run, Series

# Directions of the scorecard values the compare view shows that are not contract metrics.
COMPARE_DIRECTIONS = {
    "composite": True,
    "us_per_layer": False,
    "tok_per_sec_per_gb": True,
    "cold_start_ms": False,
    "tok_per_watt": True,
    "scaling_efficiency": True,
    "pass_rate": True,
}
# How the compare view names each value: words and the unit it is shown in.
COMPARE_LABELS = {
    "composite": ("Composite score", "0–100"),
    "aggregate_tok_s": ("Aggregate throughput", "tok/s"),
    "decode_tok_s": ("Decode speed", "tok/s"),
    "ttft_p50_ms": ("Time to first token, P50", "ms"),
    "ttft_p99_ms": ("Time to first token, P99", "ms"),
    "itl_p50_ms": ("Inter-token latency, P50", "ms"),
    "throughput_scaling": ("Throughput scaling", "× c=1 decode"),
    "error_rate": ("Error rate", "fraction failed"),
    "us_per_layer": ("Time per layer", "µs"),
    "tok_per_sec_per_gb": ("Memory efficiency", "tok/s per GB"),
    "cold_start_ms": ("Cold start", "ms"),
    "tok_per_watt": ("Power efficiency", "tok/s per W"),
    "scaling_efficiency": ("Scaling efficiency", "fraction of linear"),
    "pass_rate": ("Correctness pass rate", "fraction passed"),
}
# Scorecard value -> (series metric, factor from the scorecard's unit to the series' unit).
COMPARE_SERIES = {
    "decode_tok_s": ("decode_tok_s", 1.0),
    "ttft_p50_ms": ("ttft_p50_ms", 1.0),
    "itl_p50_ms": ("itl_p50_ms", 1.0),
    "aggregate_tok_s": ("throughput_tok_s", 1.0),  # the throughput at the row's level
    "error_rate": ("error_rate", 100.0),
    "tok_per_sec_per_gb": ("memory_tok_s_per_gb", 1.0),
    "tok_per_watt": ("power_tok_s_per_w", 1.0),
    "cold_start_ms": ("cold_start_ms", 1.0),
    "scaling_efficiency": ("scaling_efficiency", 100.0),
    "pass_rate": ("correctness_pass_rate", 100.0),
}


def compare_directions(contract_thresholds: Mapping[str, MetricThreshold]) -> dict[str, bool]:
    """Each compared value's better direction (True: higher is better): the contract's metrics,
    then the values above. compare/index.json and `sitegen compare` both take it from here."""
    return {m: t.higher_is_better for m, t in contract_thresholds.items()} | COMPARE_DIRECTIONS


def group_of(runtime: str, cohort: str) -> str:
    """How values and noise of one runtime and cohort are keyed: "vllm|qwen-7b~chat"."""
    return f"{runtime}|{cohort}"


def compare_noise(series: list[Series]) -> dict[str, dict[str, dict[str, float]]]:
    """hardware -> runtime|cohort -> noise key -> smallest difference beyond noise, in the
    scorecard's unit. A value measured at a level is keyed with it ("composite@4",
    "decode_tok_s@1"); a value of a whole run without ("scaling_efficiency")."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for s in sorted(series, key=lambda s: (s.hardware, s.runtime, s.cohort, s.metric, s.concurrency or 0)):
        noise = series_noise(s)
        if noise is None:
            continue
        target = out.setdefault(s.hardware, {}).setdefault(group_of(s.runtime, s.cohort), {})
        at = f"@{s.concurrency}" if s.concurrency is not None else ""
        if s.metric == "composite":
            target[f"composite{at}"] = round(noise.threshold, 6)
        for key, (series_metric, factor) in COMPARE_SERIES.items():
            if series_metric == s.metric:
                target[f"{key}{at}"] = round(noise.threshold / factor, 6)
    return out


@dataclass(frozen=True, slots=True)
class Comparable:
    """One value a comparison can show, with the result it comes from."""

    section: str  # "composite c=4", "memory c=1", "scaling"
    order: int  # the section's concurrency level (whole-run sections after every level)
    runtime: str  # canonical runtime id
    cohort: str  # Cohort.key: values of different cohorts are never matched
    key: str  # "decode_tok_s", "composite", ...
    value: float
    noise_key: str  # where its noise threshold is kept ("composite@4", "scaling_efficiency")
    file: str  # the result's file in its run ("sweep.json#c4"); a scaling row names its first
    flag: str  # "" or "invalid: <reason>": a flagged value is shown, never judged
    engine: str = ""  # the runtime's version, where reported: a comparison across two says so
    ci95: tuple[float, float] | None = None  # its 95 % interval (repeats, or its result's requests)

    @property
    def group(self) -> str:
        return group_of(self.runtime, self.cohort)

    def as_row(self) -> list:
        """The value as a row of metrics.json's "compare" table (COMPARABLE_FIELDS). Its interval,
        which few values have, is published beside the table (exports.metrics_json)."""
        return [
            self.section, self.order, self.runtime, self.cohort, self.key, self.value, self.noise_key,
            self.file, self.flag, self.engine,
        ]  # fmt: skip


COMPARABLE_FIELDS = (
    "section",
    "order",
    "runtime",
    "cohort",
    "key",
    "value",
    "noise",
    "file",
    "flag",
    "engine",
)
# Scorecard values that may carry a 95 % interval (of a mean of repeats, or from the result's
# requests): the result field it is of.
INTERVAL_FIELDS = {
    "aggregate_tok_s": "tokens_per_sec",
    "ttft_p50_ms": "ttft_p50_ms",
    "ttft_p99_ms": "ttft_p99_ms",
    "itl_p50_ms": "itl_p50_ms",
}
WHOLE_RUN = 10**9  # the order of sections that are not one level's
# Single-table sections: (scorecard key, its value, the series metric its noise comes from).
LEVEL_SECTIONS = (
    ("layer", "us_per_layer"),
    ("memory", "tok_per_sec_per_gb"),
    ("cold_start", "cold_start_ms"),
    ("power", "tok_per_watt"),
    ("correctness", "pass_rate"),
)


def _flag_text(entry: ResultEntry) -> str:
    return f"{entry.flag.kind}: {entry.flag.reason}" if entry.flag is not None else ""


def comparable_values(run: Run) -> list[Comparable]:
    """Every value of a run a comparison can show, found by each row's result (never by the
    name it shows). Where one run holds several results for one place (variants of a runtime
    at one level), the latest valid one is taken, as standings and history take it."""
    by_source = {e.source: e for e in run.results}
    # What each value of a result repeats, worked out once per result (a run has thousands of values).
    said = {
        e.source: (
            e.runtime,
            e.cohort.key,
            group_of(e.runtime, e.cohort.key),
            _flag_text(e),
            e.engine_version,
        )
        for e in run.results
    }
    candidates: dict[tuple, list[tuple[ResultEntry, Comparable]]] = {}

    def add(section: str, order: int, entry: ResultEntry, key: str, value, noise_key: str) -> None:
        if type(value) is not float and (isinstance(value, bool) or not isinstance(value, int | float)):
            return
        runtime, cohort, group, flag, engine = said[entry.source]
        interval = entry.interval(INTERVAL_FIELDS[key]) if key in INTERVAL_FIELDS else None
        found = Comparable(
            section,
            order,
            runtime,
            cohort,
            key,
            float(value),
            noise_key,
            entry.source,
            flag,
            engine,
            (interval.low, interval.high) if interval else None,
        )
        candidates.setdefault((section, group, key), []).append((entry, found))

    for level, card in sorted(run.report.composite.items()):
        for rt in card.runtimes:
            entry = by_source[rt.source_file]
            add(f"composite c={level}", level, entry, "composite", rt.composite, f"composite@{level}")
            for metric, scored in rt.metrics.items():
                add(f"composite c={level}", level, entry, metric, scored.value, f"{metric}@{level}")
    for section, key in LEVEL_SECTIONS:
        for row in getattr(run.report, section).runtimes:
            entry = by_source.get(row.sources[0]) if row.sources else None
            if entry is not None:
                c = entry.result.concurrency
                add(f"{section} c={c}", c, entry, key, getattr(row, key), f"{key}@{c}")
    for row in run.report.scaling.runtimes:
        entries = [by_source[source] for source in row.sources if source in by_source]
        if not entries or len({(e.runtime, e.cohort.key) for e in entries}) != 1:
            continue  # a scaling row over two models compares nothing
        flagged = [e for e in entries if e.flag is not None]
        first = flagged[0] if flagged else entries[0]
        add("scaling", WHOLE_RUN, first, "scaling_efficiency", row.scaling_efficiency, "scaling_efficiency")
    out = []
    for found in candidates.values():
        if len(found) == 1:  # nearly always: one result per place
            out.append(found[0][1])
            continue
        chosen = latest_valid([entry for entry, _ in found])
        out.append(next(value for entry, value in found if entry is chosen))
    return out
