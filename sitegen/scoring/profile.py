"""Per-prompt-profile scores (micro/short/medium/long prompts) and their consistency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ..results import LoadTestResult
from .composite import Loaded, weights_for
from .contract import ScoringContract
from .identity import sources_field
from .metric import assign_grade, compute_metric_score
from .numeric import round_half_away, rounded_weighted_sum, rust_min


class PromptCategory(Enum):
    """Values are the reference's serialized names; `label` is what tables print."""

    MICRO = "Micro"
    SHORT = "Short"
    MEDIUM = "Medium"
    LONG = "Long"

    @classmethod
    def from_avg_prompt_tokens(cls, avg: float) -> PromptCategory:
        if avg < 15.0:
            return cls.MICRO
        if avg < 64.0:
            return cls.SHORT
        if avg < 256.0:
            return cls.MEDIUM
        return cls.LONG

    @property
    def label(self) -> str:
        return self.value.lower()

    @property
    def rank(self) -> int:
        return _PROMPT_ORDER[self]


_PROMPT_ORDER = {category: i for i, category in enumerate(PromptCategory)}


@dataclass(frozen=True, slots=True)
class ProfileEntry:
    name: str
    profile: PromptCategory
    avg_prompt_tokens: float
    composite: float
    grade: str
    decode_tok_s: float
    ttft_p50_ms: float
    itl_p50_ms: float
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class ConsistencyScore:
    name: str
    best_score: float
    worst_score: float
    consistency: float
    grade: str
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class ProfileScorecard:
    concurrency: int
    entries: tuple[ProfileEntry, ...]
    consistency: tuple[ConsistencyScore, ...]


def average_prompt_tokens(result: LoadTestResult) -> float:
    if result.total_requests > 0:
        return result.prompt_tokens_total / result.total_requests
    return 0.0


def _metric_values(result: LoadTestResult) -> dict[str, float]:
    # Throughput scaling needs the c=1 group, which the profile view does not have: left out.
    return {
        "decode_tok_s": result.decode_tok_per_sec,
        "ttft_p50_ms": result.ttft_p50_ms,
        "itl_p50_ms": result.itl_p50_ms,
        "ttft_p99_ms": result.ttft_p99_ms,
        "error_rate": result.error_rate,
        "aggregate_tok_s": result.tokens_per_sec,
    }


def compute_profile_scorecard(results: Sequence[Loaded], contract: ScoringContract) -> ProfileScorecard:
    concurrency = results[0][0].concurrency if results else 1
    # The last result of each (runtime_name, category) in input order represents it.
    grouped: dict[tuple[str, PromptCategory], tuple[LoadTestResult, str]] = {}
    for result, source in results:
        category = PromptCategory.from_avg_prompt_tokens(average_prompt_tokens(result))
        grouped[(result.runtime_name, category)] = (result, source)

    weights = weights_for(concurrency, contract)
    entries = []
    for (name, category), (result, source) in grouped.items():
        weighted = []
        values = _metric_values(result)
        for metric in sorted(weights):
            value = values.get(metric)
            threshold = contract.thresholds.get(metric)
            if value is None or threshold is None:
                continue
            weighted.append((weights[metric], compute_metric_score(value, threshold)))
        # Exact sum, then half away from zero: the reference's f64 sum follows hash order.
        composite = rust_min(rounded_weighted_sum(weighted), 100.0)
        entries.append(
            ProfileEntry(
                name=name,
                profile=category,
                avg_prompt_tokens=average_prompt_tokens(result),
                composite=composite,
                grade=assign_grade(composite, contract.grades),
                decode_tok_s=result.decode_tok_per_sec,
                ttft_p50_ms=result.ttft_p50_ms,
                itl_p50_ms=result.itl_p50_ms,
                sources=(source,),
            )
        )
    # (name, profile) keys are unique, so this order is total.
    entries.sort(key=lambda e: (e.name, e.profile.rank))

    scores_by_name: dict[str, list[float]] = {}
    sources_by_name: dict[str, list[str]] = {}
    for entry in entries:
        scores_by_name.setdefault(entry.name, []).append(entry.composite)
        sources_by_name.setdefault(entry.name, []).extend(entry.sources)
    consistency = []
    for name, scores in scores_by_name.items():
        if len(scores) < 2:
            continue
        best, worst = max(scores), min(scores)
        value = round_half_away(worst / best * 100.0) if best > 0.0 else 0.0
        consistency.append(
            ConsistencyScore(
                name, best, worst, value, assign_grade(value, contract.grades), tuple(sources_by_name[name])
            )
        )
    # The reference leaves equal consistencies in hash order; sitegen breaks ties by name.
    consistency.sort(key=lambda c: (-c.consistency, c.name))
    return ProfileScorecard(concurrency, tuple(entries), tuple(consistency))


def format_profile_table(card: ProfileScorecard) -> str:
    lines = ["Per-Prompt-Profile Scores", ""]
    lines.append(
        f"{'Runtime':<20} {'Profile':>8} {'Tokens':>8} {'Decode':>10} {'TTFT':>10} {'ITL':>8} {'Score':>10}"
    )
    lines.append("-" * 82)
    for e in card.entries:
        lines.append(
            f"{e.name:<20} {e.profile.label:>8} {e.avg_prompt_tokens:>8.0f} {e.decode_tok_s:>9.1f} "
            f"{e.ttft_p50_ms:>9.1f} {e.itl_p50_ms:>8.1f} {e.composite:>5.1f} {e.grade}"
        )
    if card.consistency:
        lines.append("")
        lines.append("Profile Consistency (worst/best score across profiles)")
        lines.append(f"{'Runtime':<20} {'Best':>8} {'Worst':>8} {'Consistency':>10} {'Grade':>8}")
        lines.append("-" * 58)
        for c in card.consistency:
            lines.append(
                f"{c.name:<20} {c.best_score:>8.1f} {c.worst_score:>8.1f} {c.consistency:>9.0f}% {c.grade:>8}"
            )
    return "\n".join(lines)


def format_profile_markdown(card: ProfileScorecard) -> str:
    lines = ["## Per-Prompt-Profile Scores", ""]
    lines.append("| Runtime | Profile | Tokens | Decode tok/s | TTFT P50 ms | ITL P50 ms | **Score** |")
    lines.append("|---------|---------|--------|-------------|-------------|------------|-----------|")
    for e in card.entries:
        lines.append(
            f"| {e.name} | {e.profile.label} | {e.avg_prompt_tokens:.0f} | {e.decode_tok_s:.1f} | "
            f"{e.ttft_p50_ms:.1f} | {e.itl_p50_ms:.1f} | **{e.composite:.1f} ({e.grade})** |"
        )
    if card.consistency:
        lines += ["", "### Profile Consistency", ""]
        lines.append("| Runtime | Best | Worst | Consistency | Grade |")
        lines.append("|---------|------|-------|-------------|-------|")
        for c in card.consistency:
            lines.append(
                f"| {c.name} | {c.best_score:.1f} | {c.worst_score:.1f} | {c.consistency:.0f}% | {c.grade} |"
            )
    return "\n".join(lines)
