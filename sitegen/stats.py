"""Small statistics: percentiles of per-request values (the importers), the 95 % confidence
interval of a mean from a few repeats and the tail of Student's t (repeats, changes)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import memo

# t(0.975, df) for df = 1..30 (standard tables); beyond, the Cornish-Fisher expansion below.
_T975 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)  # fmt: skip


def t975(df: int) -> float:
    """The two-sided 95 % quantile of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_interval(values: Sequence[float]) -> tuple[float, float, float] | None:
    """(mean, low, high): mean ± t(0.975, n−1) · s / √n, s the sample standard deviation;
    None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    mean = mean_of(values)
    try:
        s = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    except OverflowError:  # values near the float limit: no interval, rather than an infinite one
        return None
    half = t975(n - 1) * s / math.sqrt(n)
    bounds = (mean, mean - half, mean + half)
    return bounds if all(math.isfinite(b) for b in bounds) else None


def mean_of(values: Sequence[float]) -> float:
    """The mean, without overflow for values near the float limit (each divided first)."""
    n = len(values)
    return math.fsum(v / n for v in values)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) of `values` by linear interpolation between closest ranks
    (numpy's default), the way the other load testers compute theirs."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with `df` degrees of freedom (df > 0), from the regularised
    incomplete beta function: P(|T| > t) = I(df / (df + t²); df/2, 1/2)."""
    if not math.isfinite(t):
        return 0.0 if t > 0 else 1.0
    tail = 0.5 * _incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
    return tail if t >= 0 else 1.0 - tail


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), by its continued fraction (modified Lentz), on the side where it converges
    fast (Numerical Recipes, 6.4)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b
    return front * _beta_fraction(x, a, b) / a


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


# --- intervals from per-request samples ---------------------------------------------------------

Z975 = 1.959963984540054  # the normal distribution's two-sided 95 % quantile


def quantile_rank(n: int, p: float) -> int:
    """The nearest-rank order statistic (1-based) that is the p-quantile (0 < p < 1) of n values."""
    return min(n, max(1, math.ceil(p * n - 1e-9)))


@memo.memoised(maxsize=4096)
def bootstrap_ranks(n: int, p: float) -> tuple[int, int]:
    """The order statistics (1-based) that bound the 95 % percentile-bootstrap interval of the
    p-quantile of n values, computed exactly, as if from infinitely many resamples.

    A resample's k-th smallest value is at most the j-th smallest of the sample exactly when at
    least k of its n draws fall among those j values: with probability P(Binomial(n, j/n) >= k)
    = I(j/n; k, n - k + 1), the regularised incomplete beta function (Hutson and Ernst 2000, "The
    exact bootstrap mean and variance of an L-estimator"). The interval's ends are the smallest j
    whose probability reaches 2.5 % and 97.5 %. It depends on n and p only, so it is worked out
    once per sample size: no resampling, no seed, the same bounds every build."""
    k = quantile_rank(n, p)

    def first_reaching(level: float) -> int:
        low, high = 1, n
        while low < high:
            j = (low + high) // 2
            if _incomplete_beta(j / n, k, n - k + 1) >= level:
                high = j
            else:
                low = j + 1
        return low

    return first_reaching(0.025), first_reaching(0.975)


def quantile_interval(values: Sequence[float], p: float) -> tuple[float, float] | None:
    """The exact 95 % percentile-bootstrap interval of the p-quantile of `values` (bootstrap_ranks);
    None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    ordered = sorted(values)
    low, high = bootstrap_ranks(n, p)
    return ordered[low - 1], ordered[high - 1]


@memo.memoised(maxsize=4096)
def order_statistic_ranks(n: int, p: float) -> tuple[int, int] | None:
    """The order statistics (1-based) of a distribution-free 95 % interval of the p-quantile of n
    values (Conover 1999, "Practical Nonparametric Statistics", 3.2): how many values fall below
    the true quantile is Binomial(n, p), so [x_(l), x_(u)] holds it with probability
    P(l <= B < u), at least 95 % here. None where no such u <= n exists (a p99 of fewer than about 370
    requests has no upper bound among them: 0.99^n must fall below 2.5 %). The percentile bootstrap falls short in the tail
    (it cannot reach past the largest value): measured at 86 % for a p99 of 200 requests."""

    def below(m: int) -> float:  # P(B <= m)
        return 1.0 - _incomplete_beta(p, m + 1, n - m) if m < n else 1.0

    def first(condition) -> int:
        low, high = 0, n
        while low < high:
            m = (low + high) // 2
            if condition(m):
                high = m
            else:
                low = m + 1
        return low

    upper = first(lambda m: below(m) >= 0.975) + 1  # smallest u with P(B <= u - 1) >= 97.5 %
    lower = first(lambda m: below(m) > 0.025)  # largest l with P(B <= l - 1) <= 2.5 %
    if upper > n or lower < 1:
        return None
    return lower, upper


def tail_interval(values: Sequence[float], p: float) -> tuple[float, float] | None:
    """The distribution-free 95 % interval of a high quantile (order_statistic_ranks), or None."""
    ranks = order_statistic_ranks(len(values), p)
    if ranks is None:
        return None
    ordered = sorted(values)
    return ordered[ranks[0] - 1], ordered[ranks[1] - 1]


def ratio_interval(numerators: Sequence[float], denominators: Sequence[float]) -> float | None:
    """The relative half-width of the 95 % interval of sum(numerators) / sum(denominators) over
    requests resampled with replacement: the bootstrap's normal limit, by the delta method (the
    ratio estimator's standard error, Cochran 1977, 6.3). None for fewer than two requests or a
    zero total."""
    n = len(numerators)
    total_n, total_d = math.fsum(numerators), math.fsum(denominators)
    if n < 2 or total_n <= 0 or total_d <= 0:
        return None
    ratio = total_n / total_d
    residual = math.fsum((a - ratio * b) ** 2 for a, b in zip(numerators, denominators, strict=True))
    error = math.sqrt(residual / (n * (n - 1))) / (total_d / n)
    half = Z975 * error / ratio
    return half if math.isfinite(half) else None
