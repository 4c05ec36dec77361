"""Sortable tables as HTML, for the `table` macro (partials/table.html).

Where sitegen writes HTML in Python, for speed: a 10,000-result site has about
a million table cells in some 25,000 tables, and jinja loops over them spent
two thirds of a build in attribute lookups and escape calls. Every value is
escaped exactly once, with markupsafe's entities; equal cells are written once.
"""

from __future__ import annotations

from markupsafe import Markup

from .. import memo
from ..safetext import escape_html as escape
from .tables import NUMBER, TEXT, Cell, Column, Table


def table_html(table: Table, caption: str = "") -> Markup:
    """The whole table: its scrolling wrapper, caption, header and body. Header cells carry the
    column's key, kind and better direction for the sorting script (static/site.js)."""
    out = [f'<div class="table-wrap">\n<table class="sortable" id="{escape(table.id)}">\n']
    if caption:
        out.append(f"<caption>{escape(caption)}</caption>\n")
    out.append(_header_html(table.columns))
    out.append(rows_html(table))
    out.append("</tbody>\n</table>\n</div>\n")
    return Markup("".join(out))


@memo.memoised(maxsize=512)
def _header_html(columns: tuple[Column, ...]) -> str:
    """A table's header row, written once per set of columns: every scorecard of a kind has the
    same (a run page has some twenty-five scorecards)."""
    out = ["<thead><tr>\n"]
    for col in columns:
        better = f' data-better="{escape(col.better)}"' if col.better else ""
        hint = f' title="{escape(col.hint)}"' if col.hint else ""
        kind = escape(col.kind)
        out.append(
            f'<th scope="col" class="k-{kind}" data-key="{escape(col.key)}" data-kind="{kind}"{better}'
            f' aria-sort="none"{hint}><button type="button">{escape(col.label)}</button></th>\n'
        )
    out.append("</tr></thead>\n<tbody>\n")
    return "".join(out)


def rows_html(table: Table) -> Markup:
    """Every `<tr>` of the table's body, escaped."""
    out: list[str] = []
    append = out.append
    attrs = table.row_attrs
    for i, row in enumerate(table.rows):
        if attrs:
            append("<tr" + "".join(f' data-{k}="{escape(str(v))}"' for k, v in attrs[i].items()) + ">")
        else:
            append("<tr>")
        for cell in row:
            append(cell_html(cell))
        append("</tr>\n")
    return Markup("".join(out))


def cell_html(c: Cell) -> str:
    """The cell as a `<td>`. A plain number (most cells: a run page's scorecards hold some two
    thousand, nearly all distinct) is written at once; any other cell is written once per
    distinct cell (a runtime's name and link start a row of every table of a page)."""
    if c.plain and c.kind == NUMBER and not (c.href or c.flag or c.scored or c.grade):
        body = c.text + f"<small>{escape(c.note)}</small>" if c.note else c.text
        if c.best:
            return f'<td data-sort="{c.sort}" class="best">{body}</td>'
        return f'<td data-sort="{c.sort}">{body}</td>'
    return _cell_html(c)


@memo.memoised(maxsize=8192)
def _cell_html(c: Cell) -> str:
    """Any cell as a `<td>`; `cell_html`'s shortcut writes plain numbers the same way."""
    esc = _as_is if c.plain else escape  # a plain number's text and sort key need no escaping
    head = "<td" if c.sort is None else f'<td data-sort="{esc(c.sort)}"'
    cls = ("" if c.kind == NUMBER else f"k-{c.kind}") + (" best" if c.best else "")
    if cls:
        head += f' class="{escape(cls.strip())}"'
    if c.scored:
        head += f' data-scored="{escape(c.scored)}" data-result="{escape(c.result)}"'
    colour = c.grade.replace("+", "plus").replace("-", "minus")
    if c.href:
        body = f'<a href="{escape(c.href)}">{esc(c.text)}</a>'
    elif c.grade and c.text == c.grade:
        body = f'<span class="grade g-{escape(colour)}">{esc(c.text)}</span>'
    else:
        body = esc(c.text)
    if c.note:
        tint = f' class="g-{escape(colour)}"' if c.grade and c.text != c.grade else ""
        body += f"<small{tint}>{escape(c.note)}</small>"
    if c.flag:
        flag_cls = "flag-" + c.flag.replace(" ", "-")
        body += (
            f'<small class="flag {escape(flag_cls)}"><a href="{escape(c.flag_href)}">{escape(c.flag)}</a>: '
            f"{escape(c.flag_reason)}</small>"
        )
    return f"{head}>{body}</td>"


def _as_is(text: str) -> str:
    return text


def data_table_html(table: Table) -> Markup:
    """A chart's data table: each value, and beneath it why it is missing or flagged. Numbers
    align right; text columns after the first (a result's name, a source) align left."""
    classes = [' class="k-text"' if i and col.kind == TEXT else "" for i, col in enumerate(table.columns)]
    head = "".join(
        f'<th scope="col"{cls}>{escape(col.label)}</th>'
        for col, cls in zip(table.columns, classes, strict=True)
    )
    out = [f'<div class="table-wrap">\n<table class="data" id="{escape(table.id)}">\n']
    out.append(f"<thead><tr>{head}</tr></thead>\n<tbody>\n")
    for row in table.rows:
        cells = "".join(
            f"<td{cls}>{escape(c.text)}" + (f" <small>{escape(c.note)}</small>" if c.note else "") + "</td>"
            for c, cls in zip(row, classes, strict=True)
        )
        out.append(f"<tr>{cells}</tr>\n")
    out.append("</tbody>\n</table>\n</div>\n")
    return Markup("".join(out))
