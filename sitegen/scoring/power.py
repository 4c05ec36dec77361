"""Power efficiency: decode tok/s per watt of mean GPU power draw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .composite import Loaded
from .contract import POWER_EFFICIENCY_EXCELLENT, POWER_EFFICIENCY_GOOD, POWER_THRESHOLD
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .numeric import rust_display
from .ranking import ranked


@dataclass(frozen=True, slots=True)
class PowerEfficiencyScore:
    name: str
    mean_power_w: float
    energy_per_token_mj: float
    tok_per_watt: float
    score: int
    grade: str
    best: bool
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class PowerEfficiencyScorecard:
    runtimes: tuple[PowerEfficiencyScore, ...]


def compute_power_efficiency_scorecard(
    results: Sequence[Loaded], grades: Sequence[tuple[float, str]]
) -> PowerEfficiencyScorecard:
    scored = []
    for result, source in results:
        telemetry = result.gpu_telemetry
        if telemetry is None:
            continue
        watts = telemetry.power_draw_w.mean
        if watts <= 0.0 or result.decode_tok_per_sec <= 0.0:
            continue
        tok_per_watt = result.decode_tok_per_sec / watts
        score = compute_metric_score(tok_per_watt, POWER_THRESHOLD)
        scored.append(
            (
                PowerEfficiencyScore(
                    result.runtime_name,
                    watts,
                    telemetry.energy_per_token_mj,
                    tok_per_watt,
                    score,
                    assign_grade(score, grades),
                    False,
                    (source,),
                ),
                result.concurrency,
                source,
            )
        )
    return PowerEfficiencyScorecard(ranked(scored, lambda row: -row.tok_per_watt))


def format_power_table(card: PowerEfficiencyScorecard) -> str:
    lines = ["Power Efficiency", ""]
    lines.append(
        f"{'Runtime':<24} {'Power (W)':>10} {'mJ/token':>12} {'tok/s/W':>10} {'Score':>8} {'Grade':>8}"
    )
    lines.append("-" * 76)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(
            f"{rt.name:<24} {rt.mean_power_w:>10.1f} {rt.energy_per_token_mj:>12.1f} "
            f"{rt.tok_per_watt:>9.2f}{star} {rt.score:>8} {rt.grade:>8}"
        )
    lines.append("")
    lines.append(
        f"Thresholds: excellent >= {rust_display(POWER_EFFICIENCY_EXCELLENT)} tok/s/W, "
        f"good >= {rust_display(POWER_EFFICIENCY_GOOD)} tok/s/W"
    )
    return "\n".join(lines)


def format_power_markdown(card: PowerEfficiencyScorecard) -> str:
    lines = ["## Power Efficiency", ""]
    lines.append("| Runtime | Power (W) | mJ/token | tok/s/W | Score | Grade |")
    lines.append("|---------|-----------|----------|---------|-------|-------|")
    for rt in card.runtimes:
        lines.append(
            f"| {rt.name} | {rt.mean_power_w:.1f} | {rt.energy_per_token_mj:.1f} | "
            f"{rt.tok_per_watt:.2f} | {rt.score} | {rt.grade} |"
        )
    return "\n".join(lines)
