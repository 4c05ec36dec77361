"""Run-to-run noise and the changes that exceed it.

The noise of a series (one metric of one runtime on one target, a value per
run) is estimated from the differences between consecutive runs: for a
stable series each difference is the difference of two noisy measurements,
with standard deviation sigma * sqrt(2). The median absolute deviation of the
differences, scaled by 1.4826, estimates that spread while ignoring the few
large differences that real changes cause. A change between two consecutive
runs is significant when it exceeds SIGNIFICANCE times that spread and also
MIN_RELATIVE of the earlier value (a floor for series that barely move).

Where a series has too few runs for that, but its points are means of the load tester's
repeats, the repeats' own spread is the measured noise: sigma is the root mean square of the
repeats' sample standard deviations (pooled over the points, equal repeat counts assumed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from .history import CONTEXT_METRICS, SERIES_METRICS
from .model import Series, trusted_points

MIN_DIFFERENCES = 4  # fewer consecutive differences give no estimate
SIGNIFICANCE = 4.0  # multiples of the run-to-run spread
MIN_RELATIVE = 0.02  # 2 % of the earlier value
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True, slots=True)
class Noise:
    sigma: float  # estimated standard deviation of one measurement
    differences: int  # how many consecutive differences it rests on (0: from repeats)
    repeats: int = 0  # how many means of repeats it rests on, where it comes from them

    @property
    def threshold(self) -> float:
        """The smallest difference between two runs that counts as a change."""
        return SIGNIFICANCE * self.sigma * math.sqrt(2.0)


def estimate_noise(values: Sequence[float], spreads: Sequence[float] = ()) -> Noise | None:
    """The run-to-run noise of a series' values; `spreads`: the repeats' standard deviations of
    the points that are means of repeats, used when the history is too short."""
    diffs = [b - a for a, b in zip(values, values[1:], strict=False)]
    if len(diffs) < MIN_DIFFERENCES:
        if not spreads:
            return None
        return Noise(math.sqrt(math.fsum(s * s for s in spreads) / len(spreads)), 0, len(spreads))
    centre = median(diffs)
    spread = median(abs(d - centre) for d in diffs) * MAD_TO_SIGMA  # sigma of a difference
    return Noise(spread / math.sqrt(2.0), len(diffs))


def is_significant(before: float, after: float, noise: Noise) -> bool:
    delta = abs(after - before)
    return delta > noise.threshold and delta > MIN_RELATIVE * abs(before)


@dataclass(frozen=True, slots=True)
class Change:
    hardware: str
    runtime: str
    metric: str
    concurrency: int | None
    run_id: str
    previous_run_id: str
    before: float
    after: float
    noise: Noise
    better: bool

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        return self.delta / self.before if self.before else None


def significant_changes(series: Sequence[Series]) -> list[Change]:
    """Every change between consecutive points of each series that exceeds its noise.

    Invalid and unreliable measurements are left out: a broken run is neither a change nor the
    baseline of one (the next valid point is compared with the previous valid one).
    """
    out = []
    for s in series:
        if s.metric in CONTEXT_METRICS:
            continue
        points = trusted_points(s.points)
        noise = estimate_noise([p.value for p in points], [p.spread for p in points if p.spread is not None])
        if noise is None:
            continue
        higher_is_better = SERIES_METRICS[s.metric][2]
        for prev, cur in zip(points, points[1:], strict=False):
            if is_significant(prev.value, cur.value, noise):
                out.append(
                    Change(
                        s.hardware,
                        s.runtime,
                        s.metric,
                        s.concurrency,
                        cur.run_id,
                        prev.run_id,
                        prev.value,
                        cur.value,
                        noise,
                        (cur.value > prev.value) == higher_is_better,
                    )
                )
    return out
