"""What the compare view needs from the catalog: value directions and noise thresholds.

The comparison itself runs in the browser (static/compare.js) on the two
runs' scorecards.json; this module gives it, per machine and runtime, the
smallest difference that is beyond that machine's run-to-run noise.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalog.changes import estimate_noise
from ..catalog.model import Series, trusted_points
from ..scoring.contract import MetricThreshold

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
    "aggregate_tok_s": ("aggregate_tok_s", 1.0),
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


def compare_noise(series: list[Series]) -> dict[str, dict[str, dict[str, float]]]:
    """hardware -> runtime -> value key -> smallest difference beyond noise, in the scorecard's unit.

    Composite scores are keyed per level ("composite@4"); other values use the series of the
    runtime's lowest level, as the history charts do.
    """
    out: dict[str, dict[str, dict[str, float]]] = {}
    for s in sorted(series, key=lambda s: (s.hardware, s.runtime, s.metric, s.concurrency or 0)):
        noise = estimate_noise([p.value for p in trusted_points(s.points)])
        if noise is None:
            continue
        target = out.setdefault(s.hardware, {}).setdefault(s.runtime, {})
        if s.metric == "composite":
            target[f"composite@{s.concurrency}"] = round(noise.threshold, 6)
        for key, (series_metric, factor) in COMPARE_SERIES.items():
            if series_metric == s.metric:
                target[key] = round(noise.threshold / factor, 6)
    return out
