"""Table models: what a sortable HTML table shows, and helpers every page uses. HTML only for
plain numbers of scorecard tables, written as they are made (`written`); rows.py writes the rest.

Every cell carries its display text and a sort key (`data-sort`): numbers
sort numerically, grades by their band's minimum score, and an empty sort key
means "missing", which sorts last in both directions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .. import memo
from ..safetext import escape_html
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


_FIELDS = (
    "text",
    "sort",
    "href",
    "best",
    "grade",
    "note",
    "kind",
    "flag",
    "flag_reason",
    "flag_href",
    "scored",
    "result",
)


class Cell:
    """One table cell. Everything the row writer (rows.py) needs is a plain attribute.

    A hand-written class with class-level defaults rather than a dataclass: a
    10,000-result site builds about a million cells, most of them a number and
    its sort key, so an instance holds only what differs from the defaults and
    the derived attributes (badge, tint, cls, flag_cls) are computed once.
    """

    # The defaults: a number cell with nothing but its text and sort key.
    sort: str | None = ""  # "" = missing; None = sort by the text itself (most text cells)
    href: str | None = None
    best = False
    grade = ""  # grade label, for the grade colour
    note = ""  # secondary text, e.g. the measured value under a score
    kind = NUMBER  # the column kind: number | text | grade
    badge = ""  # CSS suffix of a grade badge (A+ -> Aplus)
    tint = ""  # grade colour of a score cell's note
    cls = ""  # the cell's CSS classes
    flag = ""  # validity flag of the row's result: "invalid", "unreliable", "few samples", "stale"
    flag_reason = ""
    flag_href = ""  # the rule on the methodology page
    flag_cls = ""
    safe = False  # text and sort key known to need no escaping (a number in a sitegen format)
    scored = ""  # for a composite: what it was scored against ("run" or "standings")
    result = ""  # for a composite: the result it belongs to, "<run id>/<file>"
    html = ""  # the cell as rows.py writes it, kept once written (text cells are shared)

    def __init__(
        self,
        text: str,
        sort: str | None = "",
        href: str | None = None,
        best: bool = False,
        grade: str = "",
        note: str = "",
        kind: str = NUMBER,
        flag: str = "",
        flag_reason: str = "",
        flag_href: str = "",
        scored: str = "",
        result: str = "",
    ) -> None:
        self.text = text
        self.sort = sort
        if href is not None:
            self.href = href
        if note:
            self.note = note
        if kind != NUMBER:
            self.kind = kind
        if best:
            self.best = True
        if grade:
            self.grade = grade
            css = grade.replace("+", "plus").replace("-", "minus")
            if text == grade:
                self.badge = css
            else:
                self.tint = css
        cls = ("" if kind == NUMBER else f"k-{kind}") + (" best" if best else "")
        if cls:
            self.cls = cls.strip()
        if flag:
            self.flag, self.flag_reason, self.flag_href = flag, flag_reason, flag_href
            self.flag_cls = "flag-" + flag.replace(" ", "-")
        if scored:
            self.scored = scored
        if result:
            self.result = result

    def but(self, **changes: object) -> Cell:
        """A copy with some constructor arguments changed."""
        args = {name: getattr(self, name) for name in _FIELDS}
        return Cell(**(args | changes))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, sort={self.sort!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cell) and all(getattr(self, k) == getattr(other, k) for k in _FIELDS)


# A number cell written as it is made: its whole `<td>`, its text, its sort key and its note.
# Scorecard tables hold some two thousand of them per run page; a tuple costs a fraction of a
# Cell to make and nothing to write. Only plain cells are written so: no best mark, no link.
Written = tuple[str, str, str, str]
AnyCell = Cell | Written


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[AnyCell, ...], ...]
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
        rest = tuple(c.but(best=False) if drop_best[i] and type(c) is Cell and c.best else c for c in row[1:])
        rows.append((first, *rest))
        attrs[i] = attrs[i] | {"flag": flag[0]}
    return replace(table, rows=tuple(rows), row_attrs=tuple(attrs))


def mark_tied_bests(table: Table) -> Table:
    """Every cell whose shown value equals a best cell's in the same column is best too: the
    reference marks only the first of equal values; the site's standings mark them all."""
    rows = [list(row) for row in table.rows]
    for col in range(len(table.columns)):
        shown = {r[col].text for r in rows if type(r[col]) is Cell and r[col].best}
        if not shown:
            continue
        for r in rows:
            flagged_out = bool(r[0].flag)
            cell = r[col]
            if type(cell) is not Cell:  # a written number: never best
                if not flagged_out and cell[1] in shown:
                    r[col] = Cell(cell[1], cell[2], best=True, note=cell[3])
            elif not cell.best and not flagged_out and cell.text in shown:
                r[col] = cell.but(best=True)
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
    if value is None:
        return Cell("–", "", note=note) if note else Cell("–")
    if not math.isfinite(value):  # e.g. a rate over a duration of 5e-324 ms
        return Cell("–", "", note="cannot be computed")
    if href is not None:
        return Cell(fmt.format(value), f"{value:.10g}", href=href, best=best, note=note)
    # Made without the general constructor: most of a large site's million cells are made here.
    cell = object.__new__(Cell)
    cell.text, cell.sort = fmt.format(value), f"{value:.10g}"
    if _PLAIN_FORMATS[fmt]:
        cell.safe = True
    if best:
        cell.best, cell.cls = True, "best"
    if note:
        cell.note = note
    return cell


def written(value: float | int | None, fmt: str = "{:.1f}", note: str = "") -> AnyCell:
    """`num` for a plain number (no best mark, no link), written at once where its format
    needs no escaping; any other number is a Cell, as `num` makes it."""
    if type(value) is int and not note:  # scores, counts, levels: a few hundred values, all repeated
        return _written_int(value, fmt)
    return _written(value, fmt, note)


def _written(value: float | int | None, fmt: str, note: str) -> AnyCell:
    if value is None or not _isfinite(value) or not _PLAIN_FORMATS[fmt]:
        return num(value, fmt, note=note)
    text, sort = fmt.format(value), f"{value:.10g}"
    if note:
        return (f'<td data-sort="{sort}">{text}<small>{escape_html(note)}</small></td>', text, sort, note)
    return (f'<td data-sort="{sort}">{text}</td>', text, sort, note)


@memo.memoised(maxsize=4096)
def _written_int(value: int, fmt: str) -> AnyCell:
    """`written` for an integer without a note, each once: a run page has some four hundred."""
    return _written(value, fmt, "")


_isfinite = math.isfinite
_HTML_SPECIAL = frozenset("&<>\"'")


class _PlainFormats(dict[str, bool]):
    """Format -> whether a number written with it needs no escaping: digits, signs, points,
    commas, "%", "e", "inf" and "nan" never do; the format's own text must not either. A dict
    that fills itself, looked up without a call: `written` asks it a million times."""

    def __missing__(self, fmt: str) -> bool:
        self[fmt] = plain = not _HTML_SPECIAL & set(fmt)
        return plain


_PLAIN_FORMATS = _PlainFormats()


@memo.memoised(maxsize=4096)
def text(value: str, href: str | None = None, sort: str | None = None) -> Cell:
    """A text cell, made without the general constructor (every row starts with one). Equal
    text cells are one object: a runtime's name and link start a row of every table of a page,
    and rows.py writes each once (Cell.html). Cells are never changed once made."""
    cell = object.__new__(Cell)
    cell.text, cell.sort, cell.kind, cell.cls = value, sort, TEXT, "k-text"
    if href is not None:
        cell.href = href
    return cell


def grade(label: str, contract: ScoringContract) -> AnyCell:
    return _grade_cell(label, contract.grades)


@memo.memoised(maxsize=256)
def _grade_cell(label: str, grades: tuple[tuple[float, str], ...]) -> AnyCell:
    """A grade cell, written once per grade and shared by every table (a run page has some two
    hundred): its badge, and as sort key the band's minimum score (-1 for a grade the contract
    does not know). Never best, so a written cell, as rows.py would write the Cell."""
    bands = {name: minimum for minimum, name in grades}
    cell = Cell(label, sort_key(bands.get(label, -1.0)), grade=label, kind=GRADE)
    html = (
        f'<td data-sort="{escape_html(cell.sort or "")}" class="{cell.cls}">'
        f'<span class="grade g-{escape_html(cell.badge)}">{escape_html(cell.text)}</span></td>'
    )
    return (html, cell.text, cell.sort or "", "")


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
