"""Per-metric scores, the jitter penalty and grade bands."""

from __future__ import annotations

from collections.abc import Sequence

from ..results import TailAnalysis
from .contract import MetricThreshold
from .numeric import as_u8, round_half_away, rust_max, rust_min


def compute_metric_score(value: float, threshold: MetricThreshold) -> int:
    """Score 0..100: 100 at excellent or better, 75 at good, linear between, proportional below."""
    if threshold.higher_is_better:
        return _score_higher_is_better(value, threshold.excellent, threshold.good)
    return _score_lower_is_better(value, threshold.excellent, threshold.good)


def _score_higher_is_better(value: float, excellent: float, good: float) -> int:
    if value >= excellent:
        return 100
    if value <= 0.0:
        return 0
    if value >= good:
        pct = (value - good) / (excellent - good)
        return as_u8(round_half_away(75.0 + 25.0 * pct))
    return as_u8(rust_min(round_half_away(75.0 * value / good), 74.0))


def _score_lower_is_better(value: float, excellent: float, good: float) -> int:
    if value <= excellent:
        return 100
    if value <= good:
        pct = (good - value) / (good - excellent)
        return as_u8(round_half_away(75.0 + 25.0 * pct))
    if good > 0.0:
        return as_u8(rust_max(rust_min(round_half_away(75.0 * good / value), 74.0), 0.0))
    return 0


def compute_jitter_penalty(tail: TailAnalysis) -> int:
    """Points taken off the ITL score: 2 per spike (at most 20) plus ITL CV x 100 (at most 10)."""
    spike_penalty = rust_min(float(tail.jitter.spike_count) * 2.0, 20.0)
    cv_penalty = rust_min(tail.jitter.itl_cv * 100.0, 10.0)
    return as_u8(rust_min(round_half_away(spike_penalty + cv_penalty), 30.0))


def assign_grade(composite: float, grades: Sequence[tuple[float, str]]) -> str:
    """The label of the first band whose minimum the score reaches; F below every band."""
    for min_score, label in grades:
        if composite >= min_score:
            return label
    return "F"
