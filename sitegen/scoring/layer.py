"""Per-layer decode efficiency: microseconds per transformer layer, lower is better."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .composite import Loaded
from .contract import LAYER_THRESHOLD, LAYER_US_EXCELLENT, LAYER_US_GOOD
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .numeric import rust_display
from .ranking import ranked


@dataclass(frozen=True, slots=True)
class LayerScore:
    name: str
    us_per_layer: float
    num_layers: int
    score: int
    grade: str
    best: bool
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class LayerScorecard:
    runtimes: tuple[LayerScore, ...]


def compute_layer_scorecard(results: Sequence[Loaded], grades: Sequence[tuple[float, str]]) -> LayerScorecard:
    scored = []
    for result, source in results:
        us, layers = result.decode_us_per_layer, result.num_layers
        if us is None or layers is None or us <= 0.0:
            continue
        score = compute_metric_score(us, LAYER_THRESHOLD)
        scored.append(
            (
                LayerScore(
                    result.runtime_name, us, layers, score, assign_grade(score, grades), False, (source,)
                ),
                result.concurrency,
                source,
            )
        )
    return LayerScorecard(ranked(scored, lambda row: row.us_per_layer))


def format_layer_table(card: LayerScorecard) -> str:
    lines = ["Per-Layer Decode Efficiency", ""]
    lines.append(f"{'Runtime':<20} {'us/layer':>12} {'Layers':>8} {'Score':>8} {'Grade':>8}")
    lines.append("-" * 60)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(
            f"{rt.name:<20} {rt.us_per_layer:>11.1f}{star} {rt.num_layers:>8} {rt.score:>8} {rt.grade:>8}"
        )
    lines.append("")
    lines.append(
        f"Thresholds: excellent <= {rust_display(LAYER_US_EXCELLENT)}us, "
        f"good <= {rust_display(LAYER_US_GOOD)}us"
    )
    return "\n".join(lines)


def format_layer_markdown(card: LayerScorecard) -> str:
    lines = ["## Per-Layer Decode Efficiency", ""]
    lines.append("| Runtime | us/layer | Layers | Score | Grade |")
    lines.append("|---------|----------|--------|-------|-------|")
    for rt in card.runtimes:
        value = f" **{rt.us_per_layer:.1f}**" if rt.best else f"{rt.us_per_layer:.1f}"
        lines.append(f"| {rt.name} | {value} | {rt.num_layers} | {rt.score} | {rt.grade} |")
    return "\n".join(lines)
