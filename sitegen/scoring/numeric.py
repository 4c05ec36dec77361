"""Numeric helpers that reproduce Rust's float semantics where Python differs.

The reference scorer is Rust. Three of its float habits change results if
ported naively: `f64::round` rounds halves away from zero, `x as u8`
saturates instead of wrapping, and `f64::min`/`f64::max` ignore a NaN operand.
Its `{}` formatting of floats also differs from Python's `str()`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from .. import memo


def round_half_away(x: float) -> float:
    """Round like Rust's `f64::round`: halves go away from zero (2.5 -> 3, -2.5 -> -3)."""
    if not math.isfinite(x):
        return x
    if x < 0:
        return -round_half_away(-x)
    floor = math.floor(x)
    # x - floor(x) is exact for doubles, so this compares the true fraction.
    return float(floor + 1) if x - floor >= 0.5 else float(floor)


def rust_min(a: float, b: float) -> float:
    """`f64::min`: the other operand wins when one is NaN."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return a if a <= b else b


def rust_max(a: float, b: float) -> float:
    """`f64::max`: the other operand wins when one is NaN."""
    if math.isnan(a):
        return b
    if math.isnan(b):
        return a
    return a if a >= b else b


def as_u8(x: float) -> int:
    """`x as u8`: truncate toward zero, NaN and negatives give 0, above 255 gives 255."""
    if math.isnan(x) or x <= 0:
        return 0
    if x >= 255:
        return 255
    return int(x)


def saturating_add_u8(a: int, b: int) -> int:
    return min(a + b, 255)


def saturating_sub_u8(a: int, b: int) -> int:
    return max(a - b, 0)


@memo.memoised(maxsize=256)
def _decimal_fraction(weight: float) -> tuple[int, int]:
    """The weight as the decimal it was written as (0.15 -> 15/100), not its binary value."""
    f = Fraction(repr(weight))
    return f.numerator, f.denominator


def rounded_weighted_sum(pairs: Iterable[tuple[float, int]]) -> float:
    """Sum weight * score exactly, reading each weight as the decimal it was written as, and
    round half away from zero.

    The reference adds f64 products in hash-map order, so a sum that is exactly
    k + 0.5 (common: weights are multiples of 0.05) can come out as k + 0.4999...
    or k + 0.5 depending on that order. Summing the decimal weights exactly over a
    common denominator, in integers, gives one answer, fast.
    """
    terms = [(*_decimal_fraction(weight), score) for weight, score in pairs]
    if not terms:
        return 0.0
    denominator = math.lcm(*(den for _, den, _ in terms))
    numerator = sum(num * (denominator // den) * score for num, den, score in terms)
    quotient, remainder = divmod(abs(numerator), denominator)
    rounded = quotient + (1 if 2 * remainder >= denominator else 0)
    return float(rounded if numerator >= 0 else -rounded)


def rust_display(x: float) -> str:
    """Format a float like Rust's `{}`: shortest round-trip digits, never an exponent.

    `220.0` prints as `220`, `1.5` as `1.5`, `1e-7` as `0.0000001`.
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    text = format(Decimal(repr(x)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
