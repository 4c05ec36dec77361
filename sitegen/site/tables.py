"""Table models: what a sortable HTML table shows, built from scorecards. No HTML here.

Every cell carries its display text and a sort key (`data-sort`): numbers
sort numerically, grades by their band's minimum score, and an empty sort key
means "missing", which sorts last in both directions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..scoring import (
    cold_start,
    composite,
    correctness,
    layer,
    memory,
    output_length,
    power,
    profile,
    scaling,
)
from ..scoring.composite import INTERACTIVE_COLUMNS, THROUGHPUT_COLUMNS, MetricScore, Scorecard
from ..scoring.contract import ScoringContract
from ..scoring.numeric import rust_display
from ..scoring.report import ScoreReport
from ..scoring.training import format_training_step_markdown

NUMBER, TEXT, GRADE = "number", "text", "grade"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str = NUMBER  # number | text | grade
    hint: str = ""  # unit or explanation, shown as the header's title


class Cell:
    """One table cell. Everything the template needs is a plain attribute, so rendering stays cheap.

    A hand-written class rather than a dataclass: a run page builds thousands of
    cells, and the derived attributes are computed once here.
    """

    __slots__ = (
        "text",
        "sort",
        "href",
        "best",
        "grade",
        "note",
        "kind",
        "badge",
        "tint",
        "cls",
        "flag",
        "flag_reason",
        "flag_href",
        "flag_cls",
        "scored",
        "result",
    )

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
        self.sort = sort  # "" = missing; None = sort by the text itself (most text cells)
        self.href = href
        self.best = best
        self.grade = grade  # grade label, for the grade colour
        self.note = note  # secondary text, e.g. the measured value under a score
        self.kind = kind  # the column kind: number | text | grade
        css = grade.replace("+", "plus").replace("-", "minus") if grade else ""
        shows_grade = bool(grade) and text == grade
        self.badge = css if shows_grade else ""  # CSS suffix of a grade badge (A+ -> Aplus)
        self.tint = css if grade and not shows_grade else ""  # grade colour of a score cell's note
        self.cls = (("" if kind == NUMBER else f"k-{kind}") + (" best" if best else "")).strip()
        self.flag = flag  # validity flag of the row's result: "invalid", "unreliable", "few samples", "stale"
        self.flag_reason = flag_reason
        self.flag_href = flag_href  # the rule on the methodology page
        self.flag_cls = "flag-" + flag.replace(" ", "-") if flag else ""
        self.scored = scored  # for a composite: what it was scored against ("run" or "standings")
        self.result = result  # for a composite: the result it belongs to, "<run id>/<file>"

    def but(self, **changes: object) -> Cell:
        """A copy with some constructor arguments changed."""
        args = {
            "text": self.text,
            "sort": self.sort,
            "href": self.href,
            "best": self.best,
            "grade": self.grade,
            "note": self.note,
            "kind": self.kind,
            "flag": self.flag,
            "flag_reason": self.flag_reason,
            "flag_href": self.flag_href,
            "scored": self.scored,
            "result": self.result,
        }
        return Cell(**(args | changes))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, sort={self.sort!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cell) and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)


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


def mark_tied_bests(table: Table) -> Table:
    """Every cell whose shown value equals a best cell's in the same column is best too: the
    reference marks only the first of equal values; the site's standings mark them all."""
    rows = [list(row) for row in table.rows]
    for col in range(len(table.columns)):
        shown = {(r[col].note or r[col].text) for r in rows if r[col].best}
        if not shown:
            continue
        for r in rows:
            flagged_out = r[0].flag in ("invalid", "unreliable", "stale")
            if not r[col].best and not flagged_out and (r[col].note or r[col].text) in shown:
                r[col] = r[col].but(best=True)
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
    return Cell(fmt.format(value), f"{value:.10g}", href=href, best=best, note=note)


def text(value: str, href: str | None = None, sort: str | None = None) -> Cell:
    return Cell(value, sort, href=href, kind=TEXT)


def grade(label: str, contract: ScoringContract) -> Cell:
    bands = {name: minimum for minimum, name in contract.grades}
    return Cell(label, sort_key(bands.get(label, -1.0)), grade=label, kind=GRADE)


# How a metric of the composite scorecard is labelled, and how its raw value prints.
METRIC_LABELS: dict[str, tuple[str, str, str]] = {
    "aggregate_tok_s": ("Aggregate", "tok/s", "{:.1f}"),
    "decode_tok_s": ("Decode", "tok/s", "{:.1f}"),
    "ttft_p50_ms": ("TTFT P50", "ms", "{:.1f}"),
    "itl_p50_ms": ("ITL P50", "ms", "{:.2f}"),
    "ttft_p99_ms": ("TTFT P99", "ms", "{:.1f}"),
    "throughput_scaling": ("Scaling", "× c=1 decode", "{:.2f}"),
    "error_rate": ("Errors", "share failed", "{:.2%}"),
}

RuntimeLink = Callable[[str], str | None]  # source_file -> link to the runtime page


def _metric_cell(metric: MetricScore | None, fmt: str, unit: str) -> Cell:
    if metric is None:
        return Cell("–")
    if math.isfinite(metric.value):
        value = fmt.format(metric.value) + ("" if "%" in fmt else f" {unit}")
    else:
        value = "value cannot be computed"
    penalty = f", jitter −{metric.jitter_penalty}" if metric.jitter_penalty else ""
    return Cell(str(metric.score), sort_key(metric.score), best=metric.best, note=value + penalty)


def composite_table(card: Scorecard, table_id: str, link: RuntimeLink, contract: ScoringContract) -> Table:
    metrics = INTERACTIVE_COLUMNS if card.concurrency == 1 else THROUGHPUT_COLUMNS
    columns = [Column("runtime", "Runtime", TEXT)]
    columns += [
        Column(m, METRIC_LABELS[m][0], NUMBER, f"score 0–100; value in {METRIC_LABELS[m][1]}")
        for m in metrics
    ]
    columns += [
        Column("composite", "Composite", NUMBER, "weighted score 0–100"),
        Column("grade", "Grade", GRADE),
    ]
    rows = []
    for rt in card.runtimes:
        cells = [text(rt.name, link(rt.source_file))]
        for m in metrics:
            label, unit, fmt = METRIC_LABELS[m]
            cells.append(_metric_cell(rt.metrics.get(m), fmt, unit))
        cells.append(
            Cell(f"{rt.composite:.0f}", sort_key(rt.composite), grade=rt.grade, result=rt.source_file)
        )
        cells.append(grade(rt.grade, contract))
        rows.append(tuple(cells))
    return Table(table_id, tuple(columns), tuple(rows))


def _scorecard_table(section_id: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> Table:
    """A scorecard's table: its runtime column, its own columns, then score and grade (each row the same)."""
    framed = (
        Column("runtime", "Runtime", TEXT),
        *columns,
        Column("score", "Score"),
        Column("grade", "Grade", GRADE),
    )
    return Table(f"{section_id}-table", framed, tuple(tuple(r) for r in rows))


def report_tables(
    report: ScoreReport,
    prefix: str,
    link_by_name: Callable[[str], str | None],
    link_by_source: RuntimeLink,
    contract: ScoringContract,
) -> list[tuple[str, str, Table, str]]:
    """Every non-empty scorecard of a report as (section id, title, table, markdown key), in report order."""
    out: list[tuple[str, str, Table, str]] = []
    for c, card in report.composite.items():
        title = "Interactive scorecard (c=1)" if c == 1 else f"Throughput scorecard (c={c})"
        out.append(
            (
                f"composite-c{c}",
                title,
                composite_table(card, f"{prefix}composite-c{c}-table", link_by_source, contract),
                f"composite:{c}",
            )
        )
    g = lambda label: grade(label, contract)  # noqa: E731
    if report.layer.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.us_per_layer, best=r.best),
                num(r.num_layers, "{:.0f}"),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.layer.runtimes
        ]
        out.append(
            (
                "layer",
                "Per-layer decode efficiency",
                _scorecard_table(
                    f"{prefix}layer",
                    [
                        Column("us_per_layer", "µs/layer", NUMBER, "lower is better"),
                        Column("layers", "Layers"),
                    ],
                    rows,
                ),
                "layer",
            )
        )
    for c, card in report.profile.items():
        if not card.entries:
            continue
        rows = [
            [
                text(e.name, link_by_name(e.name)),
                text(e.profile.label, sort=str(e.profile.rank)),
                num(e.avg_prompt_tokens, "{:.0f}"),
                num(e.decode_tok_s),
                num(e.ttft_p50_ms),
                num(e.itl_p50_ms),
                Cell(f"{e.composite:.0f}", sort_key(e.composite), grade=e.grade),
                g(e.grade),
            ]
            for e in card.entries
        ]
        out.append(
            (
                f"profile-c{c}",
                f"Prompt profiles (c={c})",
                _scorecard_table(
                    f"{prefix}profile-c{c}",
                    [
                        Column("profile", "Profile", NUMBER, "micro < short < medium < long"),
                        Column("tokens", "Prompt tokens"),
                        Column("decode", "Decode tok/s"),
                        Column("ttft", "TTFT P50 ms"),
                        Column("itl", "ITL P50 ms"),
                    ],
                    rows,
                ),
                f"profile:{c}",
            )
        )
    if report.correctness.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.pass_rate * 100, "{:.1f}%", best=r.best),
                num(r.passed, "{:.0f}"),
                num(r.total, "{:.0f}"),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.correctness.runtimes
        ]
        out.append(
            (
                "correctness",
                "Correctness",
                _scorecard_table(
                    f"{prefix}correctness",
                    [
                        Column("pass_rate", "Pass rate"),
                        Column("passed", "Passed"),
                        Column("total", "Total"),
                    ],
                    rows,
                ),
                "correctness",
            )
        )
    for c, card in report.output_length.items():
        if not card.entries:
            continue
        rows = [
            [
                text(e.name, link_by_name(e.name)),
                text(e.category.label, sort=str(e.category.rank)),
                num(e.request_count, "{:.0f}"),
                num(e.avg_output_tokens),
                num(e.decode_tok_s),
                num(e.itl_p50_ms),
                num(e.score, "{:.0f}"),
                g(e.grade),
            ]
            for e in card.entries
        ]
        out.append(
            (
                f"output-length-c{c}",
                f"Output lengths (c={c})",
                _scorecard_table(
                    f"{prefix}output-length-c{c}",
                    [
                        Column("output", "Output", NUMBER, "short < medium < long"),
                        Column("count", "Requests"),
                        Column("avg_tokens", "Avg tokens"),
                        Column("decode", "Decode tok/s"),
                        Column("itl", "ITL ms"),
                    ],
                    rows,
                ),
                f"output_length:{c}",
            )
        )
    if report.memory.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.vram_used_mb, "{:.0f}"),
                num(r.vram_total_mb, "{:.0f}"),
                num(r.tok_per_sec_per_gb, best=r.best),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.memory.runtimes
        ]
        out.append(
            (
                "memory",
                "Memory efficiency",
                _scorecard_table(
                    f"{prefix}memory",
                    [
                        Column("vram", "VRAM MB"),
                        Column("total", "Total MB"),
                        Column("efficiency", "tok/s/GB"),
                    ],
                    rows,
                ),
                "memory",
            )
        )
    if report.cold_start.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.cold_start_ms, "{:.0f}", best=r.best),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.cold_start.runtimes
        ]
        out.append(
            (
                "cold-start",
                "Cold start",
                _scorecard_table(
                    f"{prefix}cold-start",
                    [
                        Column("cold_start", "Start ms", NUMBER, "lower is better"),
                    ],
                    rows,
                ),
                "cold_start",
            )
        )
    if report.power.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.mean_power_w),
                num(r.energy_per_token_mj),
                num(r.tok_per_watt, "{:.2f}", best=r.best),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.power.runtimes
        ]
        out.append(
            (
                "power",
                "Power efficiency",
                _scorecard_table(
                    f"{prefix}power",
                    [
                        Column("power", "Power W"),
                        Column("energy", "mJ/token"),
                        Column("efficiency", "tok/s/W"),
                    ],
                    rows,
                ),
                "power",
            )
        )
    if report.scaling.runtimes:
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.c1_decode_tok_s),
                num(r.peak_aggregate_tok_s),
                num(r.peak_concurrency, "{:.0f}"),
                num(r.scaling_efficiency * 100, "{:.1f}%", best=r.best),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in report.scaling.runtimes
        ]
        out.append(
            (
                "scaling",
                "Concurrency scaling",
                _scorecard_table(
                    f"{prefix}scaling",
                    [
                        Column("c1", "c=1 tok/s"),
                        Column("peak", "Peak aggregate tok/s"),
                        Column("peak_c", "Peak c"),
                        Column("efficiency", "Efficiency"),
                    ],
                    rows,
                ),
                "scaling",
            )
        )
    for model, card in report.training.items():
        rows = [
            [
                text(r.name, link_by_name(r.name)),
                num(r.tokens_per_sec, "{:.0f}", best=r.best),
                num(r.ms_per_step),
                num(r.wall_coverage * 100, "{:.0f}%"),
                text(r.bottleneck.label),
                num(r.hotspot_layers, "{:.0f}"),
                num(r.score, "{:.0f}"),
                g(r.grade),
            ]
            for r in card.runtimes
        ]
        section = "training-" + "".join(ch if ch.isalnum() else "-" for ch in model.lower()).strip("-")
        out.append(
            (
                section,
                f"Training step — {model}",
                _scorecard_table(
                    f"{prefix}{section}",
                    [
                        Column("tok_s", "tok/s"),
                        Column("ms", "ms/step"),
                        Column("wc", "Wall coverage"),
                        Column("bottleneck", "Bottleneck", TEXT),
                        Column("hotspots", "Hotspots"),
                    ],
                    rows,
                ),
                f"training:{model}",
            )
        )
    return out


def threshold_table(table_id: str, first: str, rows) -> Table:
    """(name, MetricThreshold) rows as excellent / good / direction, thresholds printed as the scorer prints them."""
    return Table(
        table_id,
        (
            Column("name", first, TEXT),
            Column("excellent", "Excellent (100)"),
            Column("good", "Good (75)"),
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


def markdown_of(report: ScoreReport, key: str) -> str:
    """The reference's markdown form of one section of a report."""
    kind, _, arg = key.partition(":")
    if kind == "composite":
        return composite.format_markdown(report.composite[int(arg)])
    if kind == "profile":
        return profile.format_profile_markdown(report.profile[int(arg)])
    if kind == "output_length":
        return output_length.format_output_length_markdown(report.output_length[int(arg)])
    if kind == "training":
        return format_training_step_markdown(report.training[arg])
    formatter = {
        "layer": lambda: layer.format_layer_markdown(report.layer),
        "correctness": lambda: correctness.format_correctness_markdown(report.correctness),
        "memory": lambda: memory.format_memory_markdown(report.memory),
        "cold_start": lambda: cold_start.format_cold_start_markdown(report.cold_start),
        "power": lambda: power.format_power_markdown(report.power),
        "scaling": lambda: scaling.format_scaling_markdown(report.scaling),
    }[kind]
    return formatter()
