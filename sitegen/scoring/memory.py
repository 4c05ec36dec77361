"""Memory efficiency: decode tok/s per GB of peak GPU memory used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .composite import Loaded
from .contract import MEMORY_EFFICIENCY_EXCELLENT, MEMORY_EFFICIENCY_GOOD, MEMORY_THRESHOLD
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .numeric import rust_display
from .ranking import ranked


@dataclass(frozen=True, slots=True)
class MemoryScore:
    name: str
    vram_used_mb: float
    vram_total_mb: float
    tok_per_sec_per_gb: float
    score: int
    grade: str
    best: bool
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class MemoryScorecard:
    runtimes: tuple[MemoryScore, ...]


def compute_memory_scorecard(
    results: Sequence[Loaded], grades: Sequence[tuple[float, str]]
) -> MemoryScorecard:
    scored = []
    for result, source in results:
        telemetry = result.gpu_telemetry
        if telemetry is None:
            continue
        vram_gb = telemetry.memory_used_mb.max / 1024.0
        if vram_gb <= 0.0:
            continue
        efficiency = result.decode_tok_per_sec / vram_gb
        score = compute_metric_score(efficiency, MEMORY_THRESHOLD)
        scored.append(
            (
                MemoryScore(
                    result.runtime_name,
                    telemetry.memory_used_mb.max,
                    telemetry.memory_total_mb,
                    efficiency,
                    score,
                    assign_grade(score, grades),
                    False,
                    (source,),
                ),
                result.concurrency,
                source,
            )
        )
    return MemoryScorecard(ranked(scored, lambda row: -row.tok_per_sec_per_gb))


def format_memory_table(card: MemoryScorecard) -> str:
    lines = ["Memory Efficiency", ""]
    lines.append(
        f"{'Runtime':<24} {'VRAM MB':>10} {'Total MB':>10} {'tok/s/GB':>12} {'Score':>8} {'Grade':>8}"
    )
    lines.append("-" * 76)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(
            f"{rt.name:<24} {rt.vram_used_mb:>10.0f} {rt.vram_total_mb:>10.0f} "
            f"{rt.tok_per_sec_per_gb:>11.1f}{star} {rt.score:>8} {rt.grade:>8}"
        )
    lines.append("")
    lines.append(
        f"Thresholds: excellent >= {rust_display(MEMORY_EFFICIENCY_EXCELLENT)} tok/s/GB, "
        f"good >= {rust_display(MEMORY_EFFICIENCY_GOOD)} tok/s/GB"
    )
    return "\n".join(lines)


def format_memory_markdown(card: MemoryScorecard) -> str:
    lines = ["## Memory Efficiency", ""]
    lines.append("| Runtime | VRAM (MB) | Total (MB) | tok/s/GB | Score | Grade |")
    lines.append("|---------|-----------|------------|----------|-------|-------|")
    for rt in card.runtimes:
        lines.append(
            f"| {rt.name} | {rt.vram_used_mb:.0f} | {rt.vram_total_mb:.0f} | "
            f"{rt.tok_per_sec_per_gb:.1f} | {rt.score} | {rt.grade} |"
        )
    return "\n".join(lines)
