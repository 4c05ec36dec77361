"""The body rows of a sortable table as HTML, for the `table` macro (partials/table.html).

The one place sitegen writes HTML in Python, for speed: a 10,000-result site
has millions of table cells, and a jinja loop over them spent two thirds of a
build in attribute lookups and escape calls. Every value is escaped exactly
once here, with markupsafe, and the markup mirrors the macro's header cells.
The table's structure (wrapper, header, caption) stays in the template.
"""

from __future__ import annotations

from markupsafe import Markup

from .tables import Cell, Table


def escape(text: str) -> str:
    """HTML-escape as markupsafe does (same entities), without building a Markup object; most
    cell values are numbers and units with nothing to escape."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return (
            text.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return text


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
            append(_cell(cell))
        append("</tr>\n")
    return Markup("".join(out))


def _cell(c: Cell) -> str:
    parts = ["<td"]
    if c.sort is not None:
        parts.append(f' data-sort="{escape(c.sort)}"')
    if c.cls:
        parts.append(f' class="{escape(c.cls)}"')
    if c.scored:
        parts.append(f' data-scored="{escape(c.scored)}" data-result="{escape(c.result)}"')
    parts.append(">")
    if c.href:
        parts.append(f'<a href="{escape(c.href)}">{escape(c.text)}</a>')
    elif c.badge:
        parts.append(f'<span class="grade g-{escape(c.badge)}">{escape(c.text)}</span>')
    else:
        parts.append(escape(c.text))
    if c.note:
        tint = f' class="g-{escape(c.tint)}"' if c.tint else ""
        parts.append(f"<small{tint}>{escape(c.note)}</small>")
    if c.flag:
        parts.append(
            f'<small class="flag {escape(c.flag_cls)}"><a href="{escape(c.flag_href)}">{escape(c.flag)}</a>: '
            f"{escape(c.flag_reason)}</small>"
        )
    parts.append("</td>")
    return "".join(parts)


def data_rows_html(table: Table) -> Markup:
    """The body rows of a chart's data table: each value, and beneath it why it is missing or
    flagged, escaped (the `data_table` macro's rows)."""
    out: list[str] = []
    for row in table.rows:
        cells = "".join(
            f"<td>{escape(c.text)}" + (f" <small>{escape(c.note)}</small>" if c.note else "") + "</td>"
            for c in row
        )
        out.append(f"<tr>{cells}</tr>\n")
    return Markup("".join(out))
