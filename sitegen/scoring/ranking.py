"""Ordering of the single-table scorecards (layer, correctness, memory, cold start, power).

The reference sorts these stably over results flattened from a hash map of
concurrency groups, so rows with equal values come out in hash order, and
the first of them gets "best". sitegen breaks those ties by runtime name,
then concurrency, then file name: one answer for the same inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

# A scored row with where it came from: (row, concurrency, file name).
Origin = tuple[Any, int, str]


def ranked(rows: list[Origin], value: Callable[[Any], float]) -> tuple:
    """Rows by `value` (ascending; negate it for descending), ties broken as above; the first is best."""
    rows.sort(key=lambda item: (value(item[0]), item[0].name, item[1], item[2]))
    out = [row for row, _, _ in rows]
    if out:
        out[0] = replace(out[0], best=True)
    return tuple(out)


def mark_first_best(rows: list) -> tuple:
    """The reference marks only the first row after sorting as best."""
    if rows:
        rows[0] = replace(rows[0], best=True)
    return tuple(rows)
