"""Table models: what a sortable HTML table shows, and helpers every page uses; rows.py writes
them as HTML.

Every cell carries its display text and a sort key (`data-sort`): numbers
sort numerically, grades by their band's minimum score, and an empty sort key
means "missing", which sorts last in both directions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from .. import memo
from ..scoring.contract import SCORE_AT_EXCELLENT, SCORE_AT_GOOD, ScoringContract
from ..scoring.numeric import rust_display

NUMBER, TEXT, GRADE = "number", "text", "grade"
HIGHER, LOWER = "higher", "lower"  # which values of a column are better


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str = NUMBER  # number | text | grade
    hint: str = ""  # unit or explanation, shown as the header's title
    better: str = ""  # HIGHER or LOWER: the first click on the header sorts the best first


class Cell(NamedTuple):
    """One table cell: what it shows, its sort key, and what the row writer (rows.py) marks.

    Frozen (a named tuple): equal cells are interchangeable, so the renderer
    may write each distinct cell once, and constructors may hand out one
    object for equal cells. Change one with `but`.
    """

    text: str
    sort: str | None = ""  # "" = missing; None = sort by the text itself (most text cells)
    href: str | None = None
    best: bool = False
    grade: str = ""  # grade label, for the grade colour: a badge when it is the text, else a tint
    note: str = ""  # secondary text, e.g. the measured value under a score
    kind: str = NUMBER  # the column kind: number | text | grade
    flag: str = ""  # validity flag of the row's result: "invalid", "unreliable", "few samples", "stale"
    flag_reason: str = ""
    flag_href: str = ""  # the rule on the methodology page
    scored: str = ""  # for a composite: what it was scored against ("run" or "standings")
    result: str = ""  # for a composite: the result it belongs to, "<run id>/<file>"
    plain: bool = False  # text and sort key need no escaping (a number in one of sitegen's formats)

    def but(self, **changes: object) -> Cell:
        """A copy with some fields changed."""
        return self._replace(**changes)


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    row_attrs: tuple[dict[str, str], ...] = field(default=())  # data-* per row, for filters


RowFlag = tuple[str, str]  # (kind, reason) of a flagged row


def flag_rows(
    table: Table, flags: Sequence[RowFlag | None], rule_href: str, *, drop_best: Sequence[bool]
) -> Table:
    """The table with each flagged row's first cell carrying its flag and reason (linked to the
    rule), and no best mark on rows whose `drop_best` is set (invalid and unreliable results)."""
    rows = []
    attrs = list(table.row_attrs) or [{} for _ in table.rows]
    for i, (row, flag) in enumerate(zip(table.rows, flags, strict=True)):
        if flag is None:
            rows.append(row)
            continue
        first = row[0].but(flag=flag[0], flag_reason=flag[1], flag_href=rule_href)
        rest = tuple(c.but(best=False) if drop_best[i] and c.best else c for c in row[1:])
        rows.append((first, *rest))
        attrs[i] = attrs[i] | {"flag": flag[0]}
    return replace(table, rows=tuple(rows), row_attrs=tuple(attrs))


def mark_rows(table: Table, marks: Sequence[str]) -> Table:
    """The table with each row's first cell noting its mark ("scored from a vLLM bench serve
    result"), where it has one and no note yet."""
    rows = tuple(
        (row[0].but(note=mark), *row[1:]) if mark and not row[0].note else row
        for row, mark in zip(table.rows, marks, strict=True)
    )
    return replace(table, rows=rows)


def add_notes(table: Table, notes: Sequence[Mapping[str, str]]) -> Table:
    """The table with, per row, text added to the notes of the cells of the named columns
    ("± 15.6 (95 % CI)" under a mean of repeats)."""
    keys = [c.key for c in table.columns]
    rows = []
    for row, extra in zip(table.rows, notes, strict=True):
        if extra:
            row = tuple(
                c.but(note=f"{c.note} · {extra[k]}" if c.note else extra[k]) if k in extra else c
                for k, c in zip(keys, row, strict=True)
            )
        rows.append(row)
    return replace(table, rows=tuple(rows))


def mark_tied_bests(table: Table) -> Table:
    """Every cell whose shown value equals a best cell's in the same column is best too: the
    reference marks only the first of equal values; the site's standings mark them all."""
    rows = [list(row) for row in table.rows]
    for col in range(len(table.columns)):
        shown = {r[col].text for r in rows if r[col].best}
        if not shown:
            continue
        for r in rows:
            cell = r[col]
            if not cell.best and not r[0].flag and cell.text in shown:
                r[col] = cell.but(best=True)
    return replace(table, rows=tuple(tuple(r) for r in rows))


TIE_WITHIN_NOISE = "tie within noise"


def mark_ties_within_noise(table: Table, intervals: Sequence[Mapping[str, tuple[float, float]]]) -> Table:
    """Where a best value and another row's value both have a 95 % interval (means of repeats)
    and the intervals overlap, the lead is within noise: both carry the best mark, noted as a
    tie. Flagged rows never take a best mark."""
    rows = [list(row) for row in table.rows]
    for col, column in enumerate(table.columns):
        best = [
            intervals[i][column.key] for i, r in enumerate(rows) if r[col].best and column.key in intervals[i]
        ]
        if not best:
            continue
        tied = [
            i
            for i, r in enumerate(rows)
            if column.key in intervals[i]
            and not r[0].flag
            and any(
                low <= intervals[i][column.key][1] and intervals[i][column.key][0] <= high
                for low, high in best
            )
        ]
        if len(tied) < 2:
            continue  # the best alone: a clear lead
        for i in tied:
            cell = rows[i][col]
            note = f"{cell.note} · {TIE_WITHIN_NOISE}" if cell.note else TIE_WITHIN_NOISE
            rows[i][col] = cell.but(best=True, note=note)
    return replace(table, rows=tuple(tuple(r) for r in rows))


def stamp_scored(table: Table, scored: str, result_prefix: str = "") -> Table:
    """Composite cells say what they were scored against (data-scored) and whose result they are
    (data-result), so one label never means two numbers: "run" (within its run) or "standings"
    (among the latest results on a target). `result_prefix`: the run id, where the report's
    source files are named within one run."""
    cols = [i for i, col in enumerate(table.columns) if col.key == "composite"]
    if not cols:
        return table
    rows = tuple(
        tuple(
            c.but(scored=scored, result=result_prefix + c.result if c.result else "") if i in cols else c
            for i, c in enumerate(r)
        )
        for r in table.rows
    )
    return replace(table, rows=rows)


def sort_key(value: float) -> str:
    """A compact numeric sort key: ten significant digits are plenty to order table rows."""
    return f"{value:.10g}"


def num(
    value: float | int | None,
    fmt: str = "{:.1f}",
    *,
    best: bool = False,
    note: str = "",
    href: str | None = None,
) -> Cell:
    """A number cell: the value in `fmt`, sorted by its value; "–" when missing or not finite
    (e.g. a rate over a duration of 5e-324 ms)."""
    if value is None:
        return Cell("–", "", note=note) if note else _MISSING
    if not _isfinite(value):
        return _CANNOT
    if type(value) is int and not (best or note or href):  # scores, counts, levels: all repeated
        return _int_cell(value, fmt)
    # _make: the named tuple's constructor from a sequence, a C call (most cells are made here).
    return _make(
        (
            fmt.format(value),
            f"{value:.10g}",
            href,
            best,
            "",
            note,
            NUMBER,
            "",
            "",
            "",
            "",
            "",
            _PLAIN_FORMATS[fmt],
        )
    )


@memo.memoised(maxsize=4096)
def _int_cell(value: int, fmt: str) -> Cell:
    """An integer without a note, made once: a run page has some four hundred, all repeated."""
    return Cell(fmt.format(value), f"{value:.10g}", plain=_PLAIN_FORMATS[fmt])


_isfinite = math.isfinite
_make = Cell._make
_MISSING = Cell("–")
_CANNOT = Cell("–", "", note="cannot be computed")
_HTML_SPECIAL = frozenset("&<>\"'")


class _PlainFormats(dict[str, bool]):
    """Format -> whether a number written with it needs no escaping: digits, signs, points,
    commas, "%", "e", "inf" and "nan" never do; the format's own text must not either. A dict
    that fills itself, looked up without a call: `num` asks it a million times."""

    def __missing__(self, fmt: str) -> bool:
        self[fmt] = plain = not _HTML_SPECIAL & set(fmt)
        return plain


_PLAIN_FORMATS = _PlainFormats()


@memo.memoised(maxsize=4096)
def text(value: str, href: str | None = None, sort: str | None = None) -> Cell:
    """A text cell. Equal text cells are one object: a runtime's name and link start a row of
    every table of a page, and the renderer writes each once."""
    return Cell(value, sort, href, kind=TEXT)


def grade(label: str, contract: ScoringContract) -> Cell:
    return _grade_cell(label, contract.grades)


@memo.memoised(maxsize=256)
def _grade_cell(label: str, grades: tuple[tuple[float, str], ...]) -> Cell:
    """A grade cell, its badge, sorted by the band's minimum score (-1 for a grade the contract
    does not know); one object per grade, shared by every table."""
    bands = {name: minimum for minimum, name in grades}
    return Cell(label, sort_key(bands.get(label, -1.0)), grade=label, kind=GRADE)


def threshold_table(table_id: str, first: str, rows) -> Table:
    """(name, MetricThreshold) rows as excellent / good / direction, thresholds printed as the scorer prints them."""
    return Table(
        table_id,
        (
            Column("name", first, TEXT),
            Column("excellent", f"Excellent ({SCORE_AT_EXCELLENT:g})"),
            Column("good", f"Good ({SCORE_AT_GOOD:g})"),
            Column("direction", "Direction", TEXT),
        ),
        tuple(
            (
                text(name),
                text(rust_display(t.excellent)),
                text(rust_display(t.good)),
                text("higher is better" if t.higher_is_better else "lower is better"),
            )
            for name, t in rows
        ),
    )
