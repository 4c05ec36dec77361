"""Changes in a history that exceed its noise: where a series steps to a new level and stays.

A series is one metric of one runtime on one target, at one concurrency level, for one model
and workload: a value per run, in run order. Its changes are found in three steps.

**Noise.** The spread of one measurement, sigma, is measured where the series' points are means
of the load tester's repeats (the root mean square of the repeats' standard deviations), else
estimated from the series' own history, which needs MIN_DIFFERENCES consecutive differences.
Each difference is of two noisy values (spread sigma * sqrt(2), mean zero when nothing
changed): a rough, robust scale is the median absolute difference times MAD_TO_SIGMA; the
estimate is the root mean square of the differences within TRIM of that scale (steps and
outliers make the few left out), corrected for the trimming. It has about as many degrees of
freedom as differences kept. Two floors keep sigma above zero where values are coarse: whole
numbers (composite scores) are rounded, which alone adds a spread of 1/sqrt(12); a rate of
requests (errors, passes) has at least the binomial spread of its request count.

**Change points.** Binary segmentation, the method of asv's step detection and of Apache
Otava's e-divisive means (Matteson & James 2014; Fleming et al. 2023), on the values with
single-run outliers pulled in (`tamed`): each split of a stretch of runs into a part before and
a part after is scored by the difference of the parts' means over its standard error; the best
split is kept when its two-sided tail probability (Student's t at the noise's degrees of
freedom), times the number of splits tried (Bonferroni), is below ALPHA, and the difference
exceeds MIN_RELATIVE of the level before; both parts are then split again. A part holds at least
MIN_RUNS runs: a change must persist, so one outlying run is never a change.

**The latest run.** A step at the newest run has no run after it to confirm it. It is listed as
unconfirmed when that run lies beyond the level of the runs before it: by SIGNIFICANCE standard
errors where sigma is known (more where it is estimated: Student's t at the same level), or,
for a rate of requests, by an exact binomial test at LATEST_ALPHA in its direction.

Two runs compared side by side (the compare view, `sitegen compare` and `report`) use the same
noise: a difference is beyond noise past SIGNIFICANCE standard errors of a difference of two runs.

`replay` measures the detector on synthetic series whose truth is known: the false-alarm rate on
pure noise (with single-run outliers) and the detection rate of injected steps. The methodology
page and bench/bench_changes.py print its figures; tests/test_changes.py holds it to them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist, median

from .. import memo
from ..stats import t_sf
from .history import CONTEXT_METRICS, RATE_METRICS, SERIES_METRICS
from .metadata import RunMetadata
from .model import Series, SeriesPoint, trusted_points

MIN_DIFFERENCES = 6  # consecutive differences a history needs for its own noise estimate
MIN_RUNS = 2  # runs a new level must hold for to be a change (the persistence rule)
ALPHA = 3e-3  # false-alarm level of one split test, over every split of the stretch tried
SIGNIFICANCE = 4.0  # standard errors a single run (the latest, or one of two compared) must lie beyond
LATEST_ALPHA = 0.025  # one-sided level of the exact binomial test of a rate at the latest run
MIN_RELATIVE = 0.02  # 2 % of the level before: a floor for series that barely move
MAD_TO_SIGMA = 1.4826
TRIM = 3.0  # deviations beyond which a difference between runs is a step or an outlier, not noise
TRIMMED_VARIANCE = 0.9733  # the variance of a standard normal value within ±3 of its mean
CLIP = 2.0  # standard deviations a run may lie from its neighbours' median before it is clipped
ROUNDING_SIGMA = 1.0 / math.sqrt(12.0)  # spread a value rounded to a whole number carries
INTERVAL_Z = NormalDist().inv_cdf(0.975)
REPEAT_DF = 2  # degrees of freedom of one point's repeats: the load tester makes at least three
_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class Noise:
    sigma: float  # estimated standard deviation of one measurement
    differences: int  # how many consecutive differences it rests on (0: from repeats)
    repeats: int = 0  # how many means of repeats it rests on, where it comes from them
    floor: str = ""  # "rounding" or "requests": the floor that set sigma, where one did
    df: float = math.inf  # degrees of freedom of the estimate (infinite: sigma is known)

    @property
    def threshold(self) -> float:
        """The smallest difference between two single runs that a comparison of the two calls
        beyond noise: SIGNIFICANCE standard errors of a difference."""
        return SIGNIFICANCE * self.sigma * math.sqrt(2.0)

    def p(self, z: float) -> float:
        """Two-sided probability of a difference of `z` standard errors or more under noise alone."""
        return 2.0 * (_NORMAL.cdf(-abs(z)) if math.isinf(self.df) else t_sf(abs(z), self.df))

    @property
    def source(self) -> str:
        """Where sigma comes from, in words."""
        if self.floor == "rounding":
            return "whole-number rounding"
        if self.floor == "requests":
            return "request count"
        return f"{self.repeats} means of repeats" if self.repeats else f"{self.differences + 1} runs"


SINGLE_ALPHA = 2.0 * NormalDist().cdf(-SIGNIFICANCE)  # the level of SIGNIFICANCE known standard errors


def _whole(values: Sequence[float]) -> bool:
    return all(v == int(v) for v in values)


def _binomial_sigma(points: Sequence[SeriesPoint]) -> float:
    """The spread, in percent, of a rate of requests measured at the series' typical request
    count, at the series' pooled rate (with half a request either way, so a rate of 0 keeps a
    spread: Jeffreys' prior)."""
    counted = [p for p in points if p.trials]
    if not counted:
        return 0.0
    trials = sum(p.trials for p in counted)
    events = sum(round((p.value or 0.0) / 100.0 * p.trials) for p in counted)  # whole requests
    rate = (events + 0.5) / (trials + 1.0)
    typical = median(p.trials for p in counted)
    return 100.0 * math.sqrt(rate * (1.0 - rate) / typical)


def estimate_noise(
    values: Sequence[float], spreads: Sequence[float] = (), points: Sequence[SeriesPoint] = ()
) -> Noise | None:
    """The noise of one measurement of a series: from its repeats' standard deviations
    (`spreads`) where it has them, else from its history; `points`, of a rate series, give the
    request counts its binomial floor rests on."""
    if spreads:
        sigma = math.sqrt(math.fsum(s * s for s in spreads) / len(spreads))
        noise = Noise(sigma, 0, len(spreads), df=REPEAT_DF * len(spreads))
    else:
        diffs = [b - a for a, b in zip(values, values[1:], strict=False)]
        if len(diffs) < MIN_DIFFERENCES:
            return None
        # A difference of a stable series has mean zero: deviations are measured from zero, not
        # from the median difference (with few runs that median lands anywhere).
        rough = median(abs(d) for d in diffs) * MAD_TO_SIGMA  # sigma of a difference
        # The median absolute deviation is robust but rough (it uses a third of the information
        # in the differences). The root mean square of the differences within TRIM of those
        # deviations uses nearly all of it, and leaves out the few that steps and outliers make.
        kept = [d for d in diffs if abs(d) <= TRIM * rough]
        spread = math.sqrt(math.fsum(d * d for d in kept) / len(kept) / TRIMMED_VARIANCE) if rough else 0.0
        noise = Noise(spread / math.sqrt(2.0), len(diffs), df=max(1.0, len(kept) - 1.0))
    floors = []
    if values and _whole(values):
        floors.append((ROUNDING_SIGMA, "rounding"))
    if points:
        floors.append((_binomial_sigma(points), "requests"))
    for sigma, name in floors:
        if sigma > noise.sigma:
            noise = Noise(sigma, noise.differences, noise.repeats, name)  # known: infinite df
    return noise if noise.sigma > 0 else None


def values_of(points: Sequence[SeriesPoint]) -> list[float]:
    """The values of trusted points (trusted_points: every one has a value)."""
    return [p.value for p in points if p.value is not None]


def series_noise(series: Series) -> Noise | None:
    """`estimate_noise` of a series' trusted points: the one estimate changes, the compare
    view and the pull-request tools use."""
    points = trusted_points(series.points)
    return estimate_noise(
        values_of(points),
        [p.spread for p in points if p.spread is not None],
        points if series.metric in RATE_METRICS else (),
    )


@dataclass(frozen=True, slots=True)
class Change:
    hardware: str
    runtime: str
    metric: str
    concurrency: int | None
    run_id: str  # the first run at the new level
    previous_run_id: str  # the last run before it
    before: float  # the level before (the median of the runs since the previous change)
    after: float  # the level after, likewise
    noise: Noise
    better: bool
    cohort: str = "unspecified"
    low: float = 0.0  # the 95 % interval of after - before
    high: float = 0.0
    confidence: float = 0.0  # 1 - the test's p value (Bonferroni-corrected over the splits tried)
    runs_after: int = 0  # runs the new level holds for; 1: the latest run alone, unconfirmed
    runs_before: int = 0
    engines: tuple[str, str] = ("", "")  # the runtime's version in the run before and the first after

    @property
    def confirmed(self) -> bool:
        return self.runs_after >= MIN_RUNS

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        return self.delta / abs(self.before) if self.before else None

    @property
    def relative_interval(self) -> tuple[float, float] | None:
        return (self.low / abs(self.before), self.high / abs(self.before)) if self.before else None


@dataclass(frozen=True, slots=True)
class Step:
    """A change point in a list of values: `at` is the index of the first value after it."""

    at: int
    before: float
    after: float
    error: float  # standard error of after - before
    p: float
    runs_before: int
    runs_after: int


def tamed(values: Sequence[float], sigma: float) -> list[float]:
    """The values with single-run outliers pulled in: each is kept within CLIP * sigma of the
    median of itself and its two neighbours (at either end, of the three end values). A step
    moves those medians with it, so it stays where it is and as large; one outlying run does
    not, so it is clipped."""
    n = len(values)
    if n < 3:
        return list(values)
    reach = CLIP * sigma
    out = []
    for i, v in enumerate(values):
        j = min(max(i - 1, 0), n - 3)
        a, b, c = values[j], values[j + 1], values[j + 2]
        centre = a + b + c - max(a, b, c) - min(a, b, c)  # the median of three
        out.append(min(max(v, centre - reach), centre + reach))
    return out


@memo.memoised(maxsize=4096)
def _normal_critical(splits: int) -> float:
    """The z where `splits` times the normal's two-sided tail is ALPHA."""
    return _NORMAL.inv_cdf(1.0 - ALPHA / (2.0 * splits))


def _best_split(values: Sequence[float], noise: Noise) -> Step | None:
    """The split of `values` whose parts' means differ most, in standard errors, and its test
    (p is 1 for a split short of the critical value: no change there)."""
    n = len(values)
    splits = n - 2 * MIN_RUNS + 1
    if splits < 1:
        return None
    total = math.fsum(values)
    head = math.fsum(values[: MIN_RUNS - 1])
    best_z, best_t, best_head = -1.0, 0, 0.0
    for t in range(MIN_RUNS, n - MIN_RUNS + 1):
        head += values[t - 1]
        # |mean after - mean before| in units of sigma * sqrt(1/t + 1/(n - t)), sigma aside.
        z = abs((total - head) / (n - t) - head / t) / math.sqrt(1.0 / t + 1.0 / (n - t))
        if z > best_z:
            best_z, best_t, best_head = z, t, head
    t = best_t
    error = noise.sigma * math.sqrt(1.0 / t + 1.0 / (n - t))
    z = best_z / noise.sigma
    # Student's t has heavier tails than the normal: a z short of the normal's critical value
    # fails the test too, and its tail need not be computed (most splits of most series).
    p = min(1.0, splits * noise.p(z)) if z >= _normal_critical(splits) else 1.0
    return Step(t, best_head / t, (total - best_head) / (n - t), error, p, t, n - t)


def find_steps(values: Sequence[float], noise: Noise) -> list[Step]:
    """Every change point of `values`, in order."""
    found: list[Step] = []
    values = tamed(values, noise.sigma)

    def split(lo: int, hi: int) -> None:
        step = _best_split(values[lo:hi], noise)
        if step is None or step.p >= ALPHA:
            return
        if abs(step.after - step.before) <= MIN_RELATIVE * abs(step.before):
            return
        split(lo, lo + step.at)
        found.append(replace(step, at=lo + step.at))
        split(lo + step.at, hi)

    split(0, len(values))
    return found


def latest_step(values: Sequence[float], noise: Noise, start: int, trials: Sequence[int] = ()) -> Step | None:
    """The newest value, if it lies beyond the level of values[start:-1] (the runs since the
    last change): an unconfirmed step. `trials`, for a rate in percent, holds each value's
    request count: the test is then an exact binomial one."""
    history = list(values[start:-1])
    if len(history) < MIN_RUNS:
        return None
    level, last = median(history), values[-1]
    if abs(last - level) <= MIN_RELATIVE * abs(level):
        return None
    error = noise.sigma * math.sqrt(1.0 + math.pi / (2.0 * len(history)))
    if trials:
        n = trials[-1]
        events = sum(round(v / 100.0 * k) for v, k in zip(history, trials[start:-1], strict=False))
        rate = (events + 0.5) / (sum(trials[start:-1]) + 1.0)
        observed = round(last / 100.0 * n)
        p = binomial_tail(observed, n, rate, upper=last > level)
        if p >= LATEST_ALPHA:
            return None
    else:
        z = abs(last - level) / error
        if z <= SIGNIFICANCE:  # short of it under the normal, so under Student's t too
            return None
        p = noise.p(z)
        if p >= SINGLE_ALPHA:
            return None
    return Step(len(values) - 1, level, last, error, p, len(history), 1)


def binomial_tail(k: int, n: int, p: float, upper: bool) -> float:
    """P(X >= k) (upper) or P(X <= k) for X ~ Binomial(n, p), summed exactly."""
    terms = range(k, n + 1) if upper else range(0, k + 1)
    log_p, log_q = math.log(p), math.log1p(-p)
    total = math.fsum(
        math.exp(
            math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        )
        for i in terms
    )
    return min(1.0, total)


def series_changes(series: Series) -> list[Change]:
    """The changes of one series: confirmed change points, then an unconfirmed step at its
    latest run. Invalid and unreliable measurements are left out: a broken run is neither a
    change nor the baseline of one."""
    if series.metric in CONTEXT_METRICS:
        return []
    points = trusted_points(series.points)
    noise = series_noise(series)
    if noise is None:
        return []
    values = values_of(points)
    steps = find_steps(values, noise)
    start = steps[-1].at if steps else 0
    rate = series.metric in RATE_METRICS
    latest = latest_step(values, noise, start, [p.trials for p in points] if rate else ())
    if latest is not None:
        steps.append(latest)
    higher_is_better = SERIES_METRICS[series.metric][2]
    out = []
    for step in steps:
        delta = step.after - step.before
        out.append(
            Change(
                series.hardware,
                series.runtime,
                series.metric,
                series.concurrency,
                points[step.at].run_id,
                points[step.at - 1].run_id,
                step.before,
                step.after,
                noise,
                (delta > 0) == higher_is_better,
                series.cohort,
                delta - INTERVAL_Z * step.error,
                delta + INTERVAL_Z * step.error,
                round(1.0 - step.p, 6),
                step.runs_after,
                step.runs_before,
                (points[step.at - 1].engine, points[step.at].engine),
            )
        )
    return out


def change_size(c: Change) -> str:
    """A change's relative size with its 95 % interval: "+25.9% (+21.0% to +30.8%)"; in the
    metric's unit where the level before is 0 ("+4.17 percentage points (+1.2 to +7.14)")."""
    if c.relative is None:
        unit = SERIES_METRICS[c.metric][1]
        unit = "percentage points" if unit == "%" else unit
        return f"{c.delta:+.3g} {unit} ({c.low:+.3g} to {c.high:+.3g})"
    low, high = c.relative_interval or (c.relative, c.relative)
    return f"{c.relative:+.1%} ({low:+.1%} to {high:+.1%})"


def change_entry(c: Change) -> dict[str, object]:
    """A change as changes.json and `sitegen compare --format json` give it (JSON values)."""
    return {
        "hardware": c.hardware,
        "runtime": c.runtime,
        "cohort": c.cohort,
        "metric": c.metric,
        "concurrency": c.concurrency,
        "run": c.run_id,
        "previous_run": c.previous_run_id,
        "direction": "better" if c.better else "worse",
        "before": c.before,
        "after": c.after,
        "delta_ci95": [c.low, c.high],
        "relative": c.relative,
        "relative_ci95": list(c.relative_interval) if c.relative_interval else None,
        "confidence": c.confidence,
        "confirmed": c.confirmed,
        "runs_before": c.runs_before,
        "runs_after": c.runs_after,
        "noise": {"sigma": c.noise.sigma, "from": c.noise.source},
    }


def significant_changes(series: Sequence[Series]) -> list[Change]:
    """Every change of every series (`series_changes`)."""
    return [change for s in series for change in series_changes(s)]


def what_differed(change: Change, before: RunMetadata, after: RunMetadata) -> tuple[str, ...]:
    """What else differed between the run before a change and the run where it starts, from
    their results (the runtime's version) and run.toml: engine version, commit, tags, the
    comparability settings and free fields (an image, flags), as "field: before → after"."""
    pairs = [
        (
            "engine version",
            change.engines[0] or before.engine_version,
            change.engines[1] or after.engine_version,
        ),
        ("commit", before.commit, after.commit),
        ("tags", ", ".join(before.tags), ", ".join(after.tags)),
    ]
    for mine, theirs in ((before.settings, after.settings), (before.fields, after.fields)):
        was, now = dict(mine), dict(theirs)
        pairs += [(key, was.get(key, ""), now.get(key, "")) for key in sorted(was.keys() | now.keys())]
    return tuple(f"{name}: {a or 'not set'} → {b or 'not set'}" for name, a, b in pairs if a != b)


# --- the method measured on series whose truth is known -----------------------------------------

REPLAY_LENGTHS = (8, 12, 24)  # history lengths the methodology page gives the detector's figures at
REPLAY_SET = {"noise_series": 500, "step_series": 100}  # the series of each length


def published_replays() -> tuple[Replay, ...]:
    """The figures the methodology page states: `replay()` (the test suite's set), then
    REPLAY_SET at each of REPLAY_LENGTHS. Kept as numbers, since every build writes that page
    and replaying takes a tenth of a second; tests/test_changes.py replays them and fails,
    naming the new figures, when the detector's behaviour changes."""
    return tuple(Replay(*figures, 0.03, 0.10, 0.25) for figures in PUBLISHED_FIGURES)


# (noise series, false alarms, outliers, outliers reported, step series, steps found, misplaced, runs)
PUBLISHED_FIGURES = (
    (40, 0, 20, 0, 10, 10, 0, 24),
    (500, 2, 250, 0, 100, 9, 0, 8),
    (500, 4, 250, 0, 100, 44, 3, 12),
    (500, 4, 250, 0, 100, 93, 2, 24),
)


@dataclass(frozen=True, slots=True)
class Replay:
    """What the detector found on synthetic series."""

    noise_series: int
    false_alarms: int  # changes reported on pure-noise series (confirmed or not)
    outliers: int  # single-run outliers put into noise series
    outliers_reported: int  # changes reported at an outlier's run or the run after it
    step_series: int
    steps_found: int  # steps found at their run, or one run either side
    misplaced: int  # changes reported on step series away from the step
    runs: int
    spread: float  # relative standard deviation of the noise
    step: float  # relative size of the injected steps
    outlier: float  # relative size of the outliers

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.noise_series if self.noise_series else 0.0

    @property
    def detection_rate(self) -> float:
        return self.steps_found / self.step_series if self.step_series else 0.0


def replay(
    noise_series: int = 40,
    step_series: int = 10,
    runs: int = 24,
    spread: float = 0.03,
    step: float = 0.10,
    outlier: float = 0.25,
    seed: int = 2026,
) -> Replay:
    """Run the detector on `noise_series` series of pure noise (relative `spread`; every other
    one with a single-run outlier of relative size `outlier` somewhere in its middle) and
    `step_series` series with a step of relative size `step` at a known run. Seeded: the same
    arguments give the same figures."""
    rng = random.Random(seed)
    false_alarms = outliers = outliers_reported = 0
    for i in range(noise_series):
        values = [100.0 * (1.0 + rng.gauss(0.0, spread)) for _ in range(runs)]
        at = None
        if i % 2:
            at = rng.randrange(2, runs - 2)
            values[at] *= 1.0 + outlier * rng.choice((-1.0, 1.0))
            outliers += 1
        found = _changes_at(values)
        false_alarms += len(found)
        outliers_reported += sum(1 for j in found if at is not None and j in (at, at + 1))
    steps_found = misplaced = 0
    for _ in range(step_series):
        values = [100.0 * (1.0 + rng.gauss(0.0, spread)) for _ in range(runs)]
        at = rng.randrange(runs // 4, runs - runs // 4)
        sign = rng.choice((-1.0, 1.0))
        for j in range(at, runs):
            values[j] *= 1.0 + sign * step
        found = _changes_at(values)
        steps_found += any(abs(j - at) <= 1 for j in found)
        misplaced += sum(1 for j in found if abs(j - at) > 1)
    return Replay(
        noise_series,
        false_alarms,
        outliers,
        outliers_reported,
        step_series,
        steps_found,
        misplaced,
        runs,
        spread,
        step,
        outlier,
    )


def _changes_at(values: list[float]) -> list[int]:
    """The runs where the detector finds changes in one synthetic series."""
    points = tuple(
        SeriesPoint(f"run-{i:03d}", None, v, "synthetic", "synthetic.json") for i, v in enumerate(values)
    )
    changes = series_changes(Series("synthetic", "synthetic", "decode_tok_s", 1, points))
    return [int(c.run_id.removeprefix("run-")) for c in changes]
