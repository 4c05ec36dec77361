"""Every scorecard of one set of results: what `sitegen score` prints.

This is the reference CLI (`probador llm score`) with every view on:
composite per concurrency level, layer, profile per level, correctness,
output length per level, memory, cold start, power, scaling, then sitegen's
own training-step cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from .. import memo
from .cold_start import (
    ColdStartScorecard,
    compute_cold_start_scorecard,
)
from .composite import Loaded, Scorecard, compute_scorecard
from .contract import DEFAULT_CONTRACT, ScoringContract
from .correctness import (
    CorrectnessScorecard,
    compute_correctness_scorecard,
)
from .identity import is_internal
from .layer import LayerScorecard, compute_layer_scorecard
from .memory import MemoryScorecard, compute_memory_scorecard
from .output_length import (
    OutputLengthScorecard,
    compute_output_length_scorecard,
)
from .power import (
    PowerEfficiencyScorecard,
    compute_power_efficiency_scorecard,
)
from .profile import (
    ProfileScorecard,
    compute_profile_scorecard,
)
from .scaling import (
    ConcurrencyScalingScorecard,
    compute_concurrency_scaling_scorecard,
)
from .training import (
    TrainingStepInput,
    TrainingStepScorecard,
    compute_training_step_scorecard,
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
    # Each shown section's markdown, made when first asked for (sections.ReportSection): a run's
    # scorecards.md and its page's copy-as-Markdown text are the same. Not part of the value.
    markdown_made: dict[tuple[str, Any], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )


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


from .sections import SECTIONS, shown_sections  # noqa: E402 - sections reads ScoreReport only for typing


def render_text(report: ScoreReport, markdown: bool = False) -> str:
    """The text or markdown document: sections in the reference order, empty ones left out."""
    return "\n\n".join(s.markdown if markdown else s.text for s in shown_sections(report))


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
        if f.name not in out and not is_internal(f):
            out[f.name] = _plain(getattr(card, f.name))
    return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = memo.registered({})
_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain(value: Any) -> Any:
    """Dataclasses, enums and tuples as JSON values, field order kept (MetricScore drops an absent penalty).

    Dispatches on the exact type first: every run page publishes its report this way, about
    a hundred thousand values per thousand results."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float)):  # subclasses of the scalars
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value) if not is_internal(f))
    out = {}
    for name in names:  # most fields are scalars: no call for them
        field_value = getattr(value, name)
        out[name] = field_value if type(field_value) in _SCALARS else _plain(field_value)
    if out.get("jitter_penalty", 0) is None:
        del out["jitter_penalty"]
    return out


def report_to_json(report: ScoreReport, timestamp: str) -> dict[str, Any]:
    """The scorecard sections of the `--format json` document (every section, empty ones too)."""
    out: dict[str, Any] = {}
    for kind in SECTIONS:
        cards = kind.cards(report)
        if kind.keyed:
            out[kind.key] = {str(k): card_to_json(card, timestamp) for k, card in cards}
        else:
            out[kind.key] = card_to_json(cards[0][1], timestamp)
    return out
