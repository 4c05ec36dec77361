"""Training-step scorecard: training throughput, with the step's bottleneck classified.

The reference computes this card from tuples; sitegen reads them from its own
training-step JSON format (see `sitegen/training.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .contract import TRAINING_THRESHOLD
from .metric import assign_grade, compute_metric_score
from .ranking import mark_first_best


class TrainingBottleneck(Enum):
    """Values are the reference's serialized names; `label` is what tables print."""

    MEMORY_BW = "MemoryBw"
    COMPUTE = "Compute"
    LAUNCH = "Launch"
    TRANSFER = "Transfer"

    @property
    def label(self) -> str:
        return _BOTTLENECK_LABELS[self]


_BOTTLENECK_LABELS = {
    TrainingBottleneck.MEMORY_BW: "memory_bw",
    TrainingBottleneck.COMPUTE: "compute",
    TrainingBottleneck.LAUNCH: "launch",
    TrainingBottleneck.TRANSFER: "transfer",
}


def classify_bottleneck(forward_pct: float, transfer_pct: float, compute_util: float) -> TrainingBottleneck:
    """Transfer above 30 % of the step, else launch-bound below 20 % forward, else by utilisation."""
    if transfer_pct > 30.0:
        return TrainingBottleneck.TRANSFER
    if forward_pct < 20.0:
        return TrainingBottleneck.LAUNCH
    if compute_util > 50.0:
        return TrainingBottleneck.COMPUTE
    return TrainingBottleneck.MEMORY_BW


@dataclass(frozen=True, slots=True)
class TrainingStepInput:
    """One runtime's measured training step, as the reference's tuple."""

    name: str
    tokens_per_sec: float
    wall_coverage: float
    bottleneck: TrainingBottleneck
    hotspot_layers: int
    ms_per_step: float


@dataclass(frozen=True, slots=True)
class TrainingStepScore:
    name: str
    ms_per_step: float
    tokens_per_sec: float
    wall_coverage: float
    bottleneck: TrainingBottleneck
    hotspot_layers: int
    score: int
    grade: str
    best: bool


@dataclass(frozen=True, slots=True)
class TrainingStepScorecard:
    model_name: str
    runtimes: tuple[TrainingStepScore, ...]


def compute_training_step_scorecard(
    inputs: Sequence[TrainingStepInput], model_name: str, grades: Sequence[tuple[float, str]]
) -> TrainingStepScorecard:
    runtimes = []
    for step in inputs:
        score = compute_metric_score(step.tokens_per_sec, TRAINING_THRESHOLD)
        runtimes.append(
            TrainingStepScore(
                name=step.name,
                ms_per_step=step.ms_per_step,
                tokens_per_sec=step.tokens_per_sec,
                wall_coverage=step.wall_coverage,
                bottleneck=step.bottleneck,
                hotspot_layers=step.hotspot_layers,
                score=score,
                grade=assign_grade(score, grades),
                best=False,
            )
        )
    runtimes.sort(key=lambda row: -row.tokens_per_sec)
    return TrainingStepScorecard(model_name, mark_first_best(runtimes))


def format_training_step_table(card: TrainingStepScorecard) -> str:
    lines = [f"Training Step Scorecard — {card.model_name}"]
    lines.append(
        f"{'Runtime':<12} {'tok/s':>10} {'ms/step':>10} {'WC%':>5} {'Score':>5} {'Bottleneck':>10} {'Grd':>3}"
    )
    lines.append("-" * 62)
    for rt in card.runtimes:
        star = "*" if rt.best else " "
        lines.append(
            f"{rt.name:<12}{star}{rt.tokens_per_sec:>9.0f} {rt.ms_per_step:>10.1f} "
            f"{rt.wall_coverage * 100.0:>4.0f}% {rt.score:>5} {rt.bottleneck.label:>10} {rt.grade:>3}"
        )
    return "\n".join(lines)


def format_training_step_markdown(card: TrainingStepScorecard) -> str:
    """sitegen's markdown form of the training table (the reference has only the text table)."""
    lines = [f"## Training Step Scorecard — {card.model_name}", ""]
    lines.append("| Runtime | tok/s | ms/step | WC% | Score | Bottleneck | Grade |")
    lines.append("|---------|-------|---------|-----|-------|------------|-------|")
    for rt in card.runtimes:
        tok_s = f" **{rt.tokens_per_sec:.0f}**" if rt.best else f"{rt.tokens_per_sec:.0f}"
        lines.append(
            f"| {rt.name} | {tok_s} | {rt.ms_per_step:.1f} | {rt.wall_coverage * 100.0:.0f}% | "
            f"{rt.score} | {rt.bottleneck.label} | {rt.grade} |"
        )
    return "\n".join(lines)
