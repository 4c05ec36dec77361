"""Scorecard tables: one builder per kind of report section (scoring/sections.py), no HTML.

Every table shows measured values with their units first, then the score and
grade; sorting a value column sorts by the measured value, and each column
says which direction is better (data-better), so its first click sorts best first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..scoring.composite import INTERACTIVE_COLUMNS, THROUGHPUT_COLUMNS, MetricScore
from ..scoring.contract import ScoringContract
from ..scoring.report import ScoreReport
from ..scoring.sections import ReportSection, shown_sections
from .tables import (
    HIGHER,
    LOWER,
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    grade,
    num,
    sort_key,
    text,
)

RuntimeLink = Callable[[str], str | None]  # a name or source file -> link to the runtime page

# How a metric of the composite scorecard is labelled, its unit, how its value prints, and
# which direction is better.
METRIC_LABELS: dict[str, tuple[str, str, str, str]] = {
    "aggregate_tok_s": ("Aggregate", "tok/s", "{:.1f}", HIGHER),
    "decode_tok_s": ("Decode", "tok/s", "{:.1f}", HIGHER),
    "ttft_p50_ms": ("TTFT P50", "ms", "{:.1f}", LOWER),
    "itl_p50_ms": ("ITL P50", "ms", "{:.2f}", LOWER),
    "ttft_p99_ms": ("TTFT P99", "ms", "{:.1f}", LOWER),
    "throughput_scaling": ("Scaling", "× c=1 decode", "{:.2f}", HIGHER),
    "error_rate": ("Errors", "failed", "{:.2%}", LOWER),
}


@dataclass(frozen=True, slots=True)
class ScorecardTable:
    id: str  # the section's anchor, e.g. "composite-c4"
    title: str
    table: Table
    markdown: str  # the reference's markdown of the same card
    sources: tuple[tuple[str, ...], ...]  # per row, the results it stands for (scoring/identity.py)


@dataclass(frozen=True, slots=True)
class Links:
    by_name: RuntimeLink  # runtime_name (or base name) -> runtime page
    by_source: RuntimeLink  # result file -> runtime page


def scorecard_tables(
    report: ScoreReport, prefix: str, links: Links, contract: ScoringContract
) -> list[ScorecardTable]:
    """Every shown card of a report as a table, in the reference's order."""
    out = []
    for section in shown_sections(report):
        section_id, title, columns, rows = BUILDERS[section.kind.key](section, links, contract)
        framed = (RUNTIME_COLUMN, *columns)
        table = Table(f"{prefix}{section_id}-table", framed, tuple(tuple(r) for r in rows))
        out.append(ScorecardTable(section_id, title, table, section.markdown, row_sources(section)))
    return out


def row_sources(section: ReportSection) -> tuple[tuple[str, ...], ...]:
    """The results each row of a section's table stands for, in row order: a composite row's
    file, the sources the other rows carry (a scaling row has one per level), none for a
    training step."""
    card = section.card
    if section.kind.key == "composite":
        return tuple((rt.source_file,) for rt in card.runtimes)
    rows = card.entries if section.kind.key in ("profile", "output_length") else card.runtimes
    return tuple(getattr(row, "sources", ()) for row in rows)


def _link(row, links: Links) -> str | None:
    """A row's runtime page, found by the first result it stands for (two results may share a
    runtime_name, and an unnamed runtime is named by its file)."""
    return links.by_source(row.sources[0]) if row.sources else links.by_name(row.name)


# Every table of one kind has the same columns, so they are made once, here (a large site has tens
# of thousands of scorecard tables).
RUNTIME_COLUMN = Column("runtime", "Runtime", TEXT)


def _score_and_grade(score: float, label: str, contract: ScoringContract) -> list[Cell]:
    return [num(score, "{:.0f}"), grade(label, contract)]


SCORE_COLUMNS = (
    Column("score", "Score", NUMBER, better=HIGHER),
    Column("grade", "Grade", "grade", better=HIGHER),
)


def _metric_cell(metric: MetricScore | None, fmt: str, unit: str) -> Cell:
    """The measured value with its unit; its score (and jitter penalty) beneath."""
    if metric is None:
        return Cell("–")
    penalty = f", jitter −{metric.jitter_penalty}" if metric.jitter_penalty else ""
    note = f"score {metric.score}{penalty}"
    if not math.isfinite(metric.value):  # "–", its score beneath instead of why it is missing
        return Cell("–", "", best=metric.best, note=note)
    fmt = fmt + ("" if "%" in fmt else f" {unit}")
    return num(metric.value, fmt, best=metric.best, note=note)


def _composite_columns(metrics: Sequence[str]) -> tuple[Column, ...]:
    return (
        *(
            Column(
                m,
                METRIC_LABELS[m][0],
                NUMBER,
                f"measured value in {METRIC_LABELS[m][1]}; score 0–100 below",
                METRIC_LABELS[m][3],
            )
            for m in metrics
        ),
        Column("composite", "Composite", NUMBER, "weighted score 0–100", HIGHER),
        Column("grade", "Grade", "grade", better=HIGHER),
    )


INTERACTIVE_TABLE_COLUMNS = _composite_columns(INTERACTIVE_COLUMNS)
THROUGHPUT_TABLE_COLUMNS = _composite_columns(THROUGHPUT_COLUMNS)


def _composite(section: ReportSection, links: Links, contract: ScoringContract):
    card, c = section.card, section.instance
    metrics = INTERACTIVE_COLUMNS if c == 1 else THROUGHPUT_COLUMNS
    columns = INTERACTIVE_TABLE_COLUMNS if c == 1 else THROUGHPUT_TABLE_COLUMNS
    rows = []
    for rt in card.runtimes:
        cells = [text(rt.name, links.by_source(rt.source_file))]
        for m in metrics:
            label, unit, fmt, _ = METRIC_LABELS[m]
            cells.append(_metric_cell(rt.metrics.get(m), fmt, unit))
        cells.append(
            Cell(f"{rt.composite:.0f}", sort_key(rt.composite), grade=rt.grade, result=rt.source_file)
        )
        cells.append(grade(rt.grade, contract))
        rows.append(cells)
    return f"composite-c{c}", composite_title(c), columns, rows


def composite_title(level: int) -> str:
    return "Interactive scorecard (c=1)" if level == 1 else f"Throughput scorecard (c={level})"


LAYER_COLUMNS = (
    Column("us_per_layer", "Per layer", NUMBER, "µs per layer per token", LOWER),
    Column("layers", "Layers"),
    *SCORE_COLUMNS,
)


def _layer(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.us_per_layer, "{:.1f} µs", best=r.best),
            num(r.num_layers, "{:.0f}"),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "layer", "Per-layer decode efficiency", LAYER_COLUMNS, rows


PROFILE_COLUMNS = (
    Column("profile", "Profile", NUMBER, "micro < short < medium < long"),
    Column("tokens", "Prompt tokens"),
    Column("decode", "Decode", NUMBER, "tok/s", HIGHER),
    Column("ttft", "TTFT P50", NUMBER, "ms", LOWER),
    Column("itl", "ITL P50", NUMBER, "ms", LOWER),
    *SCORE_COLUMNS,
)


def _profile(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(e.name, _link(e, links)),
            text(e.profile.label, sort=str(e.profile.rank)),
            num(e.avg_prompt_tokens, "{:.0f}"),
            num(e.decode_tok_s, "{:.1f} tok/s"),
            num(e.ttft_p50_ms, "{:.1f} ms"),
            num(e.itl_p50_ms, "{:.1f} ms"),
            Cell(f"{e.composite:.0f}", sort_key(e.composite), grade=e.grade),
            grade(e.grade, contract),
        ]
        for e in section.card.entries
    ]
    return f"profile-c{section.instance}", f"Prompt profiles (c={section.instance})", PROFILE_COLUMNS, rows


CORRECTNESS_COLUMNS = (
    Column("pass_rate", "Pass rate", better=HIGHER),
    Column("passed", "Passed"),
    Column("total", "Total"),
    *SCORE_COLUMNS,
)


def _correctness(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.pass_rate * 100, "{:.1f}%", best=r.best),
            num(r.passed, "{:.0f}"),
            num(r.total, "{:.0f}"),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "correctness", "Correctness", CORRECTNESS_COLUMNS, rows


OUTPUT_LENGTH_COLUMNS = (
    Column("output", "Output", NUMBER, "short < medium < long"),
    Column("count", "Requests"),
    Column("avg_tokens", "Avg tokens"),
    Column("decode", "Decode", NUMBER, "tok/s", HIGHER),
    Column("itl", "ITL", NUMBER, "ms", LOWER),
    *SCORE_COLUMNS,
)


def _output_length(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(e.name, _link(e, links)),
            text(e.category.label, sort=str(e.category.rank)),
            num(e.request_count, "{:.0f}"),
            num(e.avg_output_tokens),
            num(e.decode_tok_s, "{:.1f} tok/s"),
            num(e.itl_p50_ms, "{:.1f} ms"),
            *_score_and_grade(e.score, e.grade, contract),
        ]
        for e in section.card.entries
    ]
    c = section.instance
    return f"output-length-c{c}", f"Output lengths (c={c})", OUTPUT_LENGTH_COLUMNS, rows


MEMORY_COLUMNS = (
    Column("vram", "VRAM used", better=LOWER),
    Column("total", "VRAM total"),
    Column("efficiency", "Efficiency", NUMBER, "decode tok/s per GB of VRAM used", HIGHER),
    *SCORE_COLUMNS,
)


def _memory(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.vram_used_mb, "{:.0f} MB"),
            num(r.vram_total_mb, "{:.0f} MB"),
            num(r.tok_per_sec_per_gb, "{:.1f} tok/s/GB", best=r.best),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "memory", "Memory efficiency", MEMORY_COLUMNS, rows


COLD_START_COLUMNS = (
    Column("cold_start", "Cold start", NUMBER, "ms until the first token is served", LOWER),
    *SCORE_COLUMNS,
)


def _cold_start(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.cold_start_ms, "{:.0f} ms", best=r.best),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "cold-start", "Cold start", COLD_START_COLUMNS, rows


POWER_COLUMNS = (
    Column("power", "Power", better=LOWER),
    Column("energy", "Energy per token", better=LOWER),
    Column("efficiency", "Efficiency", NUMBER, "decode tok/s per watt", HIGHER),
    *SCORE_COLUMNS,
)


def _power(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.mean_power_w, "{:.1f} W"),
            num(r.energy_per_token_mj, "{:.1f} mJ"),
            num(r.tok_per_watt, "{:.2f} tok/s/W", best=r.best),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "power", "Power efficiency", POWER_COLUMNS, rows


SCALING_COLUMNS = (
    Column("c1", "c=1 decode", better=HIGHER),
    Column("peak", "Peak aggregate", better=HIGHER),
    Column("peak_c", "Peak c"),
    Column("efficiency", "Efficiency", NUMBER, "peak aggregate ÷ (c=1 decode × peak c)", HIGHER),
    *SCORE_COLUMNS,
)


def _scaling(section: ReportSection, links: Links, contract: ScoringContract):
    rows = [
        [
            text(r.name, _link(r, links)),
            num(r.c1_decode_tok_s, "{:.1f} tok/s"),
            num(r.peak_aggregate_tok_s, "{:.1f} tok/s"),
            num(r.peak_concurrency, "{:.0f}"),
            num(r.scaling_efficiency * 100, "{:.1f}%", best=r.best),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    return "scaling", "Concurrency scaling", SCALING_COLUMNS, rows


TRAINING_COLUMNS = (
    Column("tok_s", "Throughput", better=HIGHER),
    Column("ms", "Step", better=LOWER),
    Column("wc", "Wall coverage"),
    Column("bottleneck", "Bottleneck", TEXT),
    Column("hotspots", "Hotspots"),
    *SCORE_COLUMNS,
)


def _training(section: ReportSection, links: Links, contract: ScoringContract):
    model = section.instance
    rows = [
        [
            text(r.name, links.by_name(r.name)),
            num(r.tokens_per_sec, "{:.0f} tok/s", best=r.best),
            num(r.ms_per_step, "{:.1f} ms"),
            num(r.wall_coverage * 100, "{:.0f}%"),
            text(r.bottleneck.label),
            num(r.hotspot_layers, "{:.0f}"),
            *_score_and_grade(r.score, r.grade, contract),
        ]
        for r in section.card.runtimes
    ]
    section_id = "training-" + "".join(ch if ch.isalnum() else "-" for ch in model.lower()).strip("-")
    return section_id, f"Training step — {model}", TRAINING_COLUMNS, rows


Builder = Callable[
    [ReportSection, Links, ScoringContract], tuple[str, str, Sequence[Column], list[list[Cell]]]
]
BUILDERS: dict[str, Builder] = {
    "composite": _composite,
    "layer": _layer,
    "profile": _profile,
    "correctness": _correctness,
    "output_length": _output_length,
    "memory": _memory,
    "cold_start": _cold_start,
    "power": _power,
    "scaling": _scaling,
    "training": _training,
}
