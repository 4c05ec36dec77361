"""Correctness: the pass rate of inline output validation (`quality`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .composite import Loaded
from .contract import CORRECTNESS_THRESHOLD
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .ranking import ranked


@dataclass(frozen=True, slots=True)
class CorrectnessScore:
    name: str
    pass_rate: float
    total: int
    passed: int
    score: int
    grade: str
    best: bool
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class CorrectnessScorecard:
    runtimes: tuple[CorrectnessScore, ...]


def compute_correctness_scorecard(
    results: Sequence[Loaded], grades: Sequence[tuple[float, str]]
) -> CorrectnessScorecard:
    scored = []
    for result, source in results:
        quality = result.quality
        if quality is None or quality.total_validated == 0:
            continue
        score = compute_metric_score(quality.pass_rate, CORRECTNESS_THRESHOLD)
        scored.append(
            (
                CorrectnessScore(
                    result.runtime_name,
                    quality.pass_rate,
                    quality.total_validated,
                    quality.passed,
                    score,
                    assign_grade(score, grades),
                    False,
                    (source,),
                ),
                result.concurrency,
                source,
            )
        )
    return CorrectnessScorecard(ranked(scored, lambda row: -row.pass_rate))


def format_correctness_table(card: CorrectnessScorecard) -> str:
    lines = ["Correctness Scores", ""]
    lines.append(f"{'Runtime':<24} {'Pass Rate':>10} {'Passed':>8} {'Total':>8} {'Score':>8} {'Grade':>8}")
    lines.append("-" * 70)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(
            f"{rt.name:<24} {rt.pass_rate * 100.0:>9.1f}%{star} {rt.passed:>8} {rt.total:>8} "
            f"{rt.score:>8} {rt.grade:>8}"
        )
    lines += ["", "Thresholds: excellent = 100%, good = 95%"]
    return "\n".join(lines)


def format_correctness_markdown(card: CorrectnessScorecard) -> str:
    lines = ["## Correctness Scores", ""]
    lines.append("| Runtime | Pass Rate | Passed | Total | Score | Grade |")
    lines.append("|---------|-----------|--------|-------|-------|-------|")
    for rt in card.runtimes:
        lines.append(
            f"| {rt.name} | {rt.pass_rate * 100.0:.1f}% | {rt.passed} | {rt.total} | {rt.score} | {rt.grade} |"
        )
    return "\n".join(lines)
