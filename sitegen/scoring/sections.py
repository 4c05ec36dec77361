"""The sections of a score report, in the reference's order: one list that every output iterates.

`sitegen score` (text, markdown, JSON), each run's scorecards.json/.md, and the
site's scorecard tables all walk SECTIONS, so a section is added or changed in
one place. A kind of section is either per concurrency level (composite,
profile, output length), per model (training) or flat (one card).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cold_start import format_cold_start_markdown, format_cold_start_table
from .composite import format_markdown, format_table
from .correctness import format_correctness_markdown, format_correctness_table
from .layer import format_layer_markdown, format_layer_table
from .memory import format_memory_markdown, format_memory_table
from .output_length import format_output_length_markdown, format_output_length_table
from .power import format_power_markdown, format_power_table
from .profile import format_profile_markdown, format_profile_table
from .scaling import format_scaling_markdown, format_scaling_table
from .training import format_training_step_markdown, format_training_step_table

if TYPE_CHECKING:
    from .report import ScoreReport


@dataclass(frozen=True, slots=True)
class SectionKind:
    key: str  # the report field and JSON key, e.g. "composite", "cold_start"
    keyed: bool  # one card per concurrency level or model (a dict), or one card
    text: Callable[[Any], str]
    markdown: Callable[[Any], str]
    shown: Callable[[Any], bool]  # whether text and pages show the card (JSON always has it)

    def cards(self, report: ScoreReport) -> list[tuple[Any, Any]]:
        """(level or model, card) of this kind, in report order; (None, card) for a flat kind."""
        value = getattr(report, self.key)
        return list(value.items()) if self.keyed else [(None, value)]


def _rows(card: Any) -> bool:
    return bool(card.runtimes)


def _entries(card: Any) -> bool:
    return bool(card.entries)


SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("composite", True, format_table, format_markdown, lambda card: True),
    SectionKind("layer", False, format_layer_table, format_layer_markdown, _rows),
    SectionKind("profile", True, format_profile_table, format_profile_markdown, _entries),
    SectionKind("correctness", False, format_correctness_table, format_correctness_markdown, _rows),
    SectionKind("output_length", True, format_output_length_table, format_output_length_markdown, _entries),
    SectionKind("memory", False, format_memory_table, format_memory_markdown, _rows),
    SectionKind("cold_start", False, format_cold_start_table, format_cold_start_markdown, _rows),
    SectionKind("power", False, format_power_table, format_power_markdown, _rows),
    SectionKind("scaling", False, format_scaling_table, format_scaling_markdown, _rows),
    SectionKind("training", True, format_training_step_table, format_training_step_markdown, _rows),
)


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One shown card of a report."""

    kind: SectionKind
    instance: Any  # concurrency level, model name, or None
    card: Any
    made: dict[tuple[str, Any], str] = field(default_factory=dict, compare=False)  # its report's

    @property
    def markdown(self) -> str:
        key = (self.kind.key, self.instance)
        text = self.made.get(key)
        if text is None:
            text = self.made[key] = self.kind.markdown(self.card)
        return text

    @property
    def text(self) -> str:
        return self.kind.text(self.card)


def shown_sections(report: ScoreReport) -> list[ReportSection]:
    """Every card that text, markdown and pages show, in the reference's order."""
    return [
        ReportSection(kind, instance, card, report.markdown_made)
        for kind in SECTIONS
        for instance, card in kind.cards(report)
        if kind.shown(card)
    ]
