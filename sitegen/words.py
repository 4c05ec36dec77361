"""Wording shared by pages, reports and messages."""

from __future__ import annotations


def count_of(n: int, one: str, many: str | None = None) -> str:
    """`n` and the noun for it: "1 run", "3 runs", "2 analyses" (with `many`)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
