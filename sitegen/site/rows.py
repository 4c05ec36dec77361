"""Sortable tables as HTML, for the `table` macro (partials/table.html).

Where sitegen writes HTML in Python, for speed: a 10,000-result site has about
a million table cells in some 25,000 tables, and jinja loops over them spent
two thirds of a build in attribute lookups and escape calls. Every value is
escaped exactly once, with markupsafe's entities; the plain numbers of
scorecard tables come written already (tables.written).
"""

from __future__ import annotations

from markupsafe import Markup

from .. import memo
from ..safetext import escape_html as escape
from .tables import TEXT, Cell, Column, Table


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
            append(cell[0] if type(cell) is tuple else cell.html or _cell(cell))  # a tuple: written already
        append("</tr>\n")
    return Markup("".join(out))


def _cell(c: Cell) -> str:
    sort = c.sort
    if c.safe:  # a number in one of sitegen's formats: nothing to escape in its text or sort key
        head = f'<td data-sort="{sort}"'
        body = c.text
        if c.cls:
            head += f' class="{c.cls}"'
        if c.note:
            body += f"<small>{escape(c.note)}</small>"
        return f"{head}>{body}</td>"
    head = "<td" if sort is None else f'<td data-sort="{escape(sort)}"'
    if c.cls:
        head += f' class="{escape(c.cls)}"'
    if c.scored:
        head += f' data-scored="{escape(c.scored)}" data-result="{escape(c.result)}"'
    if c.href:
        body = f'<a href="{escape(c.href)}">{escape(c.text)}</a>'
    elif c.badge:
        body = f'<span class="grade g-{escape(c.badge)}">{escape(c.text)}</span>'
    else:
        body = escape(c.text)
    if c.note:
        tint = f' class="g-{escape(c.tint)}"' if c.tint else ""
        body += f"<small{tint}>{escape(c.note)}</small>"
    if c.flag:
        body += (
            f'<small class="flag {escape(c.flag_cls)}"><a href="{escape(c.flag_href)}">{escape(c.flag)}</a>: '
            f"{escape(c.flag_reason)}</small>"
        )
    c.html = html = f"{head}>{body}</td>"
    return html


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
