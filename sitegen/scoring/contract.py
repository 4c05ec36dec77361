"""The scoring contract: thresholds, weights, grade bands and fixed dimension thresholds.

Values are those of the reference scorer (contract version 2.0.0). A site may
override thresholds, weights and grade bands; the dimension thresholds below
(per-layer, memory, cold start, power, scaling, correctness, training) are
constants of the reference and are not configurable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

CONTRACT_VERSION = "2.0.0"


@dataclass(frozen=True, slots=True)
class MetricThreshold:
    """Score 100 at `excellent` or better, 75 at `good`, and scaled in between and beyond."""

    excellent: float
    good: float
    higher_is_better: bool


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


DEFAULT_THRESHOLDS: Mapping[str, MetricThreshold] = _frozen(
    {
        "decode_tok_s": MetricThreshold(160.0, 120.0, True),
        "ttft_p50_ms": MetricThreshold(12.0, 50.0, False),
        "itl_p50_ms": MetricThreshold(6.0, 10.0, False),
        "ttft_p99_ms": MetricThreshold(15.0, 50.0, False),
        "error_rate": MetricThreshold(0.0, 0.01, False),
        "aggregate_tok_s": MetricThreshold(600.0, 300.0, True),
        "throughput_scaling": MetricThreshold(3.8, 2.0, True),
    }
)

DEFAULT_INTERACTIVE_WEIGHTS: Mapping[str, float] = _frozen(
    {
        "decode_tok_s": 0.30,
        "ttft_p50_ms": 0.30,
        "itl_p50_ms": 0.15,
        "ttft_p99_ms": 0.15,
        "error_rate": 0.10,
    }
)

DEFAULT_THROUGHPUT_WEIGHTS: Mapping[str, float] = _frozen(
    {
        "aggregate_tok_s": 0.30,
        "decode_tok_s": 0.15,
        "ttft_p50_ms": 0.15,
        "itl_p50_ms": 0.15,
        "throughput_scaling": 0.15,
        "error_rate": 0.10,
    }
)

DEFAULT_GRADES: tuple[tuple[float, str], ...] = (
    (95.0, "A+"),
    (90.0, "A"),
    (85.0, "A-"),
    (80.0, "B+"),
    (70.0, "B"),
    (60.0, "C+"),
    (50.0, "C"),
    (40.0, "D"),
    (30.0, "D-"),
    (0.0, "F"),
)


@dataclass(frozen=True, slots=True)
class ScoringContract:
    """What the composite scorecards are computed against."""

    thresholds: Mapping[str, MetricThreshold] = field(default_factory=lambda: DEFAULT_THRESHOLDS)
    interactive_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_INTERACTIVE_WEIGHTS)
    throughput_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_THROUGHPUT_WEIGHTS)
    best_in_class_bonus: int = 5
    grades: tuple[tuple[float, str], ...] = DEFAULT_GRADES
    version: str = CONTRACT_VERSION


DEFAULT_CONTRACT = ScoringContract()

# How a value becomes a score (metric.py; constants of the reference, named so that the
# methodology page can state them from the values in use).
SCORE_AT_EXCELLENT = 100.0
SCORE_AT_GOOD = 75.0
SCORE_BEYOND_GOOD_CAP = 74.0  # beyond the good threshold a score never reaches SCORE_AT_GOOD
JITTER_PER_SPIKE = 2.0
JITTER_SPIKES_CAP = 20.0
JITTER_PER_CV = 100.0  # points per unit of ITL coefficient of variation
JITTER_CV_CAP = 10.0
JITTER_CAP = 30.0

# Fixed thresholds of the other scorecards (constants in the reference).
LAYER_US_EXCELLENT = 220.0
LAYER_US_GOOD = 300.0
MEMORY_EFFICIENCY_EXCELLENT = 40.0
MEMORY_EFFICIENCY_GOOD = 20.0
COLD_START_EXCELLENT_MS = 500.0
COLD_START_GOOD_MS = 3000.0
POWER_EFFICIENCY_EXCELLENT = 3.0
POWER_EFFICIENCY_GOOD = 1.5
SCALING_EFFICIENCY_EXCELLENT = 0.90
SCALING_EFFICIENCY_GOOD = 0.50
TRAINING_TOK_S_EXCELLENT = 6000.0
TRAINING_TOK_S_GOOD = 1500.0
CORRECTNESS_EXCELLENT = 1.0
CORRECTNESS_GOOD = 0.95

LAYER_THRESHOLD = MetricThreshold(LAYER_US_EXCELLENT, LAYER_US_GOOD, False)
MEMORY_THRESHOLD = MetricThreshold(MEMORY_EFFICIENCY_EXCELLENT, MEMORY_EFFICIENCY_GOOD, True)
COLD_START_THRESHOLD = MetricThreshold(COLD_START_EXCELLENT_MS, COLD_START_GOOD_MS, False)
POWER_THRESHOLD = MetricThreshold(POWER_EFFICIENCY_EXCELLENT, POWER_EFFICIENCY_GOOD, True)
SCALING_THRESHOLD = MetricThreshold(SCALING_EFFICIENCY_EXCELLENT, SCALING_EFFICIENCY_GOOD, True)
TRAINING_THRESHOLD = MetricThreshold(TRAINING_TOK_S_EXCELLENT, TRAINING_TOK_S_GOOD, True)
CORRECTNESS_THRESHOLD = MetricThreshold(CORRECTNESS_EXCELLENT, CORRECTNESS_GOOD, True)
# Used by the output-length scorecard when a contract has no itl_p50_ms threshold.
FALLBACK_ITL_THRESHOLD = MetricThreshold(6.0, 10.0, False)
