"""Cold start: process launch to first served token, lower is better."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .composite import Loaded
from .contract import COLD_START_EXCELLENT_MS, COLD_START_GOOD_MS, COLD_START_THRESHOLD
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .numeric import rust_display
from .ranking import ranked


@dataclass(frozen=True, slots=True)
class ColdStartScore:
    name: str
    cold_start_ms: float
    score: int
    grade: str
    best: bool
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class ColdStartScorecard:
    runtimes: tuple[ColdStartScore, ...]


def compute_cold_start_scorecard(
    results: Sequence[Loaded], grades: Sequence[tuple[float, str]]
) -> ColdStartScorecard:
    scored = []
    for result, source in results:
        ms = result.cold_start_ms
        if ms is None or ms <= 0.0:
            continue
        score = compute_metric_score(ms, COLD_START_THRESHOLD)
        scored.append(
            (
                ColdStartScore(result.runtime_name, ms, score, assign_grade(score, grades), False, (source,)),
                result.concurrency,
                source,
            )
        )
    return ColdStartScorecard(ranked(scored, lambda row: row.cold_start_ms))


def format_cold_start_table(card: ColdStartScorecard) -> str:
    lines = ["Cold Start Time", ""]
    lines.append(f"{'Runtime':<24} {'Start (ms)':>12} {'Score':>8} {'Grade':>8}")
    lines.append("-" * 56)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(f"{rt.name:<24} {rt.cold_start_ms:>11.0f}{star} {rt.score:>8} {rt.grade:>8}")
    lines.append("")
    lines.append(
        f"Thresholds: excellent <= {rust_display(COLD_START_EXCELLENT_MS)}ms, "
        f"good <= {rust_display(COLD_START_GOOD_MS)}ms"
    )
    return "\n".join(lines)


def format_cold_start_markdown(card: ColdStartScorecard) -> str:
    lines = ["## Cold Start Time", ""]
    lines.append("| Runtime | Start (ms) | Score | Grade |")
    lines.append("|---------|------------|-------|-------|")
    for rt in card.runtimes:
        lines.append(f"| {rt.name} | {rt.cold_start_ms:.0f} | {rt.score} | {rt.grade} |")
    return "\n".join(lines)
