"""A comparison written out: as an aligned text table, as markdown, as JSON."""

from __future__ import annotations

from ..safetext import dumps_finite, printable
from .compare import HISTORY_HEADER, Comparison, Delta, history_cells, number, percent, signed
from .markdown import code, plain, table

HEADER = ["Scorecard", "Runtime", "Value", "A", "B", "Change", "%", "Verdict", "Noise"]


def verdict_text(d: Delta) -> str:
    """The verdict as the compare view words it: a change within noise says so; a flagged value
    is not judged."""
    if d.flag:
        return "not judged"
    hedge = d.threshold is not None and not d.beyond and d.verdict != "same"
    return d.verdict + (" (within noise)" if hedge else "")


def noise_text(d: Delta) -> str:
    if d.flag:
        text = d.flag
    elif d.threshold is None:
        text = "no estimate"
    else:
        text = ("beyond noise" if d.beyond else "within noise") + f" (±{number(d.threshold)})"
    return f"{text} · {d.note}" if d.note else text


def runtime_text(d: Delta, with_cohort: bool) -> str:
    """The runtime, with its model and workload where the rows hold several (values of two
    models are never matched: the model says which was compared)."""
    return f"{d.runtime} ({d.cohort})" if with_cohort else d.runtime


def cells(d: Delta, with_cohort: bool = False) -> list[str]:
    return [
        d.section,
        runtime_text(d, with_cohort),
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
    shown = comparison.shown(everything)
    several = len({d.cohort for d in shown}) > 1
    rows = [HEADER] + [[printable(c) for c in cells(d, several)] for d in shown]
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
    return "\n".join(lines) + "\n" + history_text(comparison)


def history_text(comparison: Comparison) -> str:
    """The history's changes between the two runs, as aligned text (nothing when there are none)."""
    if not comparison.history:
        return ""
    rows = [HISTORY_HEADER] + [
        [printable(c) for c in history_cells(h, h.runtime)] for h in comparison.history
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HISTORY_HEADER))]
    lines = ["", HISTORY_TITLE, ""]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


HISTORY_TITLE = (
    "Changes the history shows after A, up to B (the site's change detector, as on the hardware page):"
)


def history_markdown(changes, runtime_name=lambda runtime: runtime) -> str:
    """The history's changes as a GFM table; a change for the worse has its verdict in bold."""
    rows = []
    for c in changes:
        row = [plain(cell) for cell in history_cells(c, runtime_name(c.runtime))]
        if not c.better:
            row[5] = f"**{row[5]}**"
        rows.append(row)
    return table(HISTORY_HEADER, rows, "llrrrlll")


def markdown_table(deltas: list[Delta], header: list[str] = HEADER) -> str:
    """The rows as a GFM table; a change beyond noise for the worse has its verdict in bold."""
    rows = []
    several = len({d.cohort for d in deltas}) > 1
    for d in deltas:
        row = cells(d, several)
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
    if comparison.history:
        parts += [plain(HISTORY_TITLE), history_markdown(comparison.history[:limit])]
    return "\n\n".join(parts) + "\n"


def as_json(comparison: Comparison, everything: bool = True) -> str:
    return dumps_finite(comparison.as_json(everything), indent=2, ensure_ascii=False) + "\n"
