"""A comparison written out: as an aligned text table, as markdown, as JSON."""

from __future__ import annotations

from ..safetext import dumps_finite, printable
from .compare import Comparison, Delta, number, percent, signed
from .markdown import code, plain, table

HEADER = ["Scorecard", "Runtime", "Value", "A", "B", "Change", "%", "Verdict", "Noise"]


def verdict_text(d: Delta) -> str:
    """The verdict as the compare view words it: a change within noise says so."""
    hedge = d.threshold is not None and not d.beyond and d.verdict != "same"
    return d.verdict + (" (within noise)" if hedge else "")


def noise_text(d: Delta) -> str:
    if d.threshold is None:
        return "no estimate"
    return ("beyond noise" if d.beyond else "within noise") + f" (±{number(d.threshold)})"


def cells(d: Delta) -> list[str]:
    return [
        d.section,
        d.runtime,
        d.label,
        number(d.before),
        number(d.after),
        signed(d.delta),
        percent(d.relative),
        verdict_text(d),
        noise_text(d),
    ]


def as_table(comparison: Comparison, everything: bool = False) -> str:
    """The summary line, A and B, then the rows in aligned columns."""
    rows = [HEADER] + [[printable(c) for c in cells(d)] for d in comparison.shown(everything)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    right = {3, 4, 5, 6}
    lines = [comparison.summary(), f"A: {printable(comparison.a)}", f"B: {printable(comparison.b)}", ""]
    for row in rows:
        lines.append(
            "  ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    return "\n".join(lines) + "\n"


def markdown_table(deltas: list[Delta], header: list[str] = HEADER) -> str:
    """The rows as a GFM table; a change beyond noise for the worse has its verdict in bold."""
    rows = []
    for d in deltas:
        row = cells(d)
        row[:3] = [plain(c) for c in row[:3]]  # scorecard and runtime names come from result files
        if d.regression:
            row[7] = f"**{row[7]}**"
        rows.append(row)
    return table(header, rows, "lllrrrrll")


def as_markdown(comparison: Comparison, everything: bool = False, limit: int | None = None) -> str:
    """The summary line, then a table; `limit`: at most this many rows, the rest counted."""
    shown = comparison.shown(everything)
    parts = [plain(comparison.summary(), limit=2000), f"A: {code(comparison.a)} · B: {code(comparison.b)}"]
    if shown:
        parts.append(markdown_table(shown[:limit]))
    if limit is not None and len(shown) > limit:
        parts.append(f"… and {len(shown) - limit} more.")
    return "\n\n".join(parts) + "\n"


def as_json(comparison: Comparison, everything: bool = True) -> str:
    return dumps_finite(comparison.as_json(everything), indent=2, ensure_ascii=False) + "\n"
