"""Per-metric scores, the jitter penalty and grade bands."""

from __future__ import annotations

from collections.abc import Sequence

from ..results import TailAnalysis
from .contract import (
    JITTER_CAP,
    JITTER_CV_CAP,
    JITTER_PER_CV,
    JITTER_PER_SPIKE,
    JITTER_SPIKES_CAP,
    SCORE_AT_EXCELLENT,
    SCORE_AT_GOOD,
    SCORE_BEYOND_GOOD_CAP,
    MetricThreshold,
)
from .numeric import as_u8, round_half_away, rust_max, rust_min


def compute_metric_score(value: float, threshold: MetricThreshold) -> int:
    """Score 0..100: 100 at excellent or better, 75 at good, linear between, proportional below."""
    if threshold.higher_is_better:
        return _score_higher_is_better(value, threshold.excellent, threshold.good)
    return _score_lower_is_better(value, threshold.excellent, threshold.good)


def _score_higher_is_better(value: float, excellent: float, good: float) -> int:
    if value >= excellent:
        return int(SCORE_AT_EXCELLENT)
    if value <= 0.0:
        return 0
    if value >= good:
        pct = (value - good) / (excellent - good)
        return as_u8(round_half_away(SCORE_AT_GOOD + (SCORE_AT_EXCELLENT - SCORE_AT_GOOD) * pct))
    return as_u8(rust_min(round_half_away(SCORE_AT_GOOD * value / good), SCORE_BEYOND_GOOD_CAP))


def _score_lower_is_better(value: float, excellent: float, good: float) -> int:
    if value <= excellent:
        return int(SCORE_AT_EXCELLENT)
    if value <= good:
        pct = (good - value) / (good - excellent)
        return as_u8(round_half_away(SCORE_AT_GOOD + (SCORE_AT_EXCELLENT - SCORE_AT_GOOD) * pct))
    if good > 0.0:
        return as_u8(
            rust_max(rust_min(round_half_away(SCORE_AT_GOOD * good / value), SCORE_BEYOND_GOOD_CAP), 0.0)
        )
    return 0


def compute_jitter_penalty(tail: TailAnalysis) -> int:
    """Points taken off the ITL score: 2 per spike (at most 20) plus ITL CV x 100 (at most 10)."""
    spike_penalty = rust_min(float(tail.jitter.spike_count) * JITTER_PER_SPIKE, JITTER_SPIKES_CAP)
    cv_penalty = rust_min(tail.jitter.itl_cv * JITTER_PER_CV, JITTER_CV_CAP)
    return as_u8(rust_min(round_half_away(spike_penalty + cv_penalty), JITTER_CAP))


def assign_grade(composite: float, grades: Sequence[tuple[float, str]]) -> str:
    """The label of the first band whose minimum the score reaches; F below every band."""
    for min_score, label in grades:
        if composite >= min_score:
            return label
    return "F"
