"""Every scorecard of one set of results: what `sitegen score` prints.

This is the reference CLI (`probador llm score`) with every view on:
composite per concurrency level, layer, profile per level, correctness,
output length per level, memory, cold start, power, scaling, then sitegen's
own training-step cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

from .cold_start import (
    ColdStartScorecard,
    compute_cold_start_scorecard,
    format_cold_start_markdown,
    format_cold_start_table,
)
from .composite import Loaded, Scorecard, compute_scorecard, format_markdown, format_table
from .contract import DEFAULT_CONTRACT, ScoringContract
from .correctness import (
    CorrectnessScorecard,
    compute_correctness_scorecard,
    format_correctness_markdown,
    format_correctness_table,
)
from .layer import LayerScorecard, compute_layer_scorecard, format_layer_markdown, format_layer_table
from .memory import MemoryScorecard, compute_memory_scorecard, format_memory_markdown, format_memory_table
from .output_length import (
    OutputLengthScorecard,
    compute_output_length_scorecard,
    format_output_length_markdown,
    format_output_length_table,
)
from .power import (
    PowerEfficiencyScorecard,
    compute_power_efficiency_scorecard,
    format_power_markdown,
    format_power_table,
)
from .profile import (
    ProfileScorecard,
    compute_profile_scorecard,
    format_profile_markdown,
    format_profile_table,
)
from .scaling import (
    ConcurrencyScalingScorecard,
    compute_concurrency_scaling_scorecard,
    format_scaling_markdown,
    format_scaling_table,
)
from .training import (
    TrainingStepInput,
    TrainingStepScorecard,
    compute_training_step_scorecard,
    format_training_step_markdown,
    format_training_step_table,
)


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """All scorecards of one directory (or any set of results)."""

    composite: dict[int, Scorecard]
    layer: LayerScorecard
    profile: dict[int, ProfileScorecard]
    correctness: CorrectnessScorecard
    output_length: dict[int, OutputLengthScorecard]
    memory: MemoryScorecard
    cold_start: ColdStartScorecard
    power: PowerEfficiencyScorecard
    scaling: ConcurrencyScalingScorecard
    training: dict[str, TrainingStepScorecard]


def order_results(loaded: Sequence[Loaded]) -> list[Loaded]:
    """Timestamp (as a string, like the reference), then file name: one order for every input."""
    return sorted(loaded, key=lambda item: (item[0].timestamp, item[1]))


def score_results(
    loaded: Sequence[Loaded],
    contract: ScoringContract = DEFAULT_CONTRACT,
    *,
    concurrency: int | None = None,
    platform: str | None = None,
    training: Sequence[tuple[str, TrainingStepInput]] = (),
) -> ScoreReport:
    """Compute every scorecard. `loaded` must already be in `order_results` order.

    As the reference: `platform` keeps results whose runtime_name contains it;
    `concurrency` limits the per-level sections only (the flat sections and the
    c=1 baseline for throughput scaling still see every level).
    """
    kept = [item for item in loaded if platform is None or platform in item[0].runtime_name]
    groups: dict[int, list[Loaded]] = {}
    for item in kept:
        groups.setdefault(item[0].concurrency, []).append(item)
    levels = sorted(groups) if concurrency is None else [c for c in (concurrency,) if c in groups]
    c1 = groups.get(1)
    # The reference flattens its level map in hash order; sitegen takes ascending levels.
    flat = [item for c in sorted(groups) for item in groups[c]]
    by_model: dict[str, list[TrainingStepInput]] = {}
    for model_name, step in training:
        if platform is None or platform in step.name:
            by_model.setdefault(model_name, []).append(step)
    return ScoreReport(
        composite={c: compute_scorecard(groups[c], c1, contract) for c in levels},
        layer=compute_layer_scorecard(flat, contract.grades),
        profile={c: compute_profile_scorecard(groups[c], contract) for c in levels},
        correctness=compute_correctness_scorecard(flat, contract.grades),
        output_length={c: compute_output_length_scorecard(groups[c], contract) for c in levels},
        memory=compute_memory_scorecard(flat, contract.grades),
        cold_start=compute_cold_start_scorecard(flat, contract.grades),
        power=compute_power_efficiency_scorecard(flat, contract.grades),
        scaling=compute_concurrency_scaling_scorecard(flat, contract.grades),
        training={
            model: compute_training_step_scorecard(steps, model, contract.grades)
            for model, steps in sorted(by_model.items())
        },
    )


def render_text(report: ScoreReport, markdown: bool = False) -> str:
    """The text or markdown document: sections in the reference order, empty ones left out."""
    sections: list[str] = []
    for card in report.composite.values():
        sections.append(format_markdown(card) if markdown else format_table(card))
    if report.layer.runtimes:
        sections.append((format_layer_markdown if markdown else format_layer_table)(report.layer))
    for card in report.profile.values():
        if card.entries:
            sections.append((format_profile_markdown if markdown else format_profile_table)(card))
    if report.correctness.runtimes:
        sections.append(
            (format_correctness_markdown if markdown else format_correctness_table)(report.correctness)
        )
    for card in report.output_length.values():
        if card.entries:
            sections.append((format_output_length_markdown if markdown else format_output_length_table)(card))
    if report.memory.runtimes:
        sections.append((format_memory_markdown if markdown else format_memory_table)(report.memory))
    if report.cold_start.runtimes:
        sections.append(
            (format_cold_start_markdown if markdown else format_cold_start_table)(report.cold_start)
        )
    if report.power.runtimes:
        sections.append((format_power_markdown if markdown else format_power_table)(report.power))
    if report.scaling.runtimes:
        sections.append((format_scaling_markdown if markdown else format_scaling_table)(report.scaling))
    for card in report.training.values():
        if card.runtimes:
            sections.append((format_training_step_markdown if markdown else format_training_step_table)(card))
    return "\n\n".join(sections)


def card_to_json(card: Any, timestamp: str) -> dict[str, Any]:
    """A scorecard as the reference serializes it, with `timestamp` in the reference's place.

    The reference stamps each card with the wall clock; sitegen uses the newest
    result timestamp instead, so the same inputs always give the same document.
    """
    out: dict[str, Any] = {}
    if isinstance(card, Scorecard):
        out["contract_version"] = card.contract_version
    out["timestamp"] = timestamp
    for f in fields(card):
        if f.name not in out:
            out[f.name] = _plain(getattr(card, f.name))
    return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """Dataclasses, enums and tuples as JSON values, field order kept (MetricScore drops an absent penalty)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    names = _FIELD_NAMES.get(type(value))
    if names is None:
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    out = {name: _plain(getattr(value, name)) for name in names}
    if out.get("jitter_penalty", 0) is None:
        del out["jitter_penalty"]
    return out


def report_to_json(report: ScoreReport, timestamp: str) -> dict[str, Any]:
    """The scorecard sections of the `--format json` document."""

    def per_key(cards: dict) -> dict[str, Any]:
        return {str(k): card_to_json(card, timestamp) for k, card in cards.items()}

    return {
        "composite": per_key(report.composite),
        "layer": card_to_json(report.layer, timestamp),
        "profile": per_key(report.profile),
        "correctness": card_to_json(report.correctness, timestamp),
        "output_length": per_key(report.output_length),
        "memory": card_to_json(report.memory, timestamp),
        "cold_start": card_to_json(report.cold_start, timestamp),
        "power": card_to_json(report.power, timestamp),
        "scaling": card_to_json(report.scaling, timestamp),
        "training": per_key(report.training),
    }
