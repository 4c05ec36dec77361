"""Per-output-length scores: request details bucketed by completion length, scored on ITL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .composite import Loaded
from .contract import FALLBACK_ITL_THRESHOLD, ScoringContract
from .identity import sources_field
from .metric import assign_grade, compute_metric_score


class OutputLengthCategory(Enum):
    """Values are the reference's serialized names; `label` is what tables print."""

    SHORT = "Short"
    MEDIUM = "Medium"
    LONG = "Long"

    @classmethod
    def from_tokens(cls, tokens: int) -> OutputLengthCategory:
        return _CATEGORIES[bucket_of(tokens)]

    @property
    def label(self) -> str:
        return self.value.lower()

    @property
    def rank(self) -> int:
        return _LENGTH_ORDER[self]


_LENGTH_ORDER = {category: i for i, category in enumerate(OutputLengthCategory)}
_CATEGORIES = tuple(OutputLengthCategory)  # SHORT, MEDIUM, LONG: the buckets' order


def bucket_of(tokens: int) -> int:
    """The index of a completion length's category: short under 32 tokens, long over 128.
    An int, not the enum: it runs for every request of every result."""
    return 0 if tokens < 32 else 1 if tokens <= 128 else 2


@dataclass(frozen=True, slots=True)
class OutputLengthEntry:
    name: str
    category: OutputLengthCategory
    request_count: int
    avg_output_tokens: float
    decode_tok_s: float
    itl_p50_ms: float
    score: int
    grade: str
    sources: tuple[str, ...] = sources_field()


@dataclass(frozen=True, slots=True)
class OutputLengthScorecard:
    entries: tuple[OutputLengthEntry, ...]


def compute_output_length_scorecard(
    results: Sequence[Loaded], contract: ScoringContract
) -> OutputLengthScorecard:
    threshold = contract.thresholds.get("itl_p50_ms", FALLBACK_ITL_THRESHOLD)
    entries = []
    for result, source in results:
        if not result.request_details:
            continue
        # Per category: count, token sum, ITL sum. Left-to-right f64 sums in request order,
        # as the reference's iterator `sum` over each bucket (not a compensated sum).
        counts = [0, 0, 0]
        token_sums = [0.0, 0.0, 0.0]
        itl_sums = [0.0, 0.0, 0.0]
        for detail in result.request_details:
            tokens = detail["completion_tokens"]
            i = bucket_of(tokens)
            counts[i] += 1
            token_sums[i] += tokens
            itl_sums[i] += detail["itl_ms"]
        for i, count in enumerate(counts):
            if not count:
                continue
            avg_itl = itl_sums[i] / count
            score = compute_metric_score(avg_itl, threshold)
            entries.append(
                OutputLengthEntry(
                    name=result.runtime_name,
                    category=_CATEGORIES[i],
                    request_count=count,
                    avg_output_tokens=token_sums[i] / count,
                    decode_tok_s=1000.0 / avg_itl if avg_itl > 0.0 else 0.0,
                    itl_p50_ms=avg_itl,
                    score=score,
                    grade=assign_grade(score, contract.grades),
                    sources=(source,),
                )
            )
    # Stable: the same (name, category) from two results keeps input order.
    entries.sort(key=lambda e: (e.name, e.category.rank))
    return OutputLengthScorecard(tuple(entries))


def format_output_length_table(card: OutputLengthScorecard) -> str:
    lines = ["Per-Output-Length Scores", ""]
    lines.append(
        f"{'Runtime':<24} {'Output':>8} {'Count':>8} {'AvgTok':>8} {'Decode':>10} {'ITL':>8} {'Score':>8}"
    )
    lines.append("-" * 80)
    for e in card.entries:
        lines.append(
            f"{e.name:<24} {e.category.label:>8} {e.request_count:>8} {e.avg_output_tokens:>8.1f} "
            f"{e.decode_tok_s:>9.1f} {e.itl_p50_ms:>8.1f} {e.score:>5} {e.grade}"
        )
    return "\n".join(lines)


def format_output_length_markdown(card: OutputLengthScorecard) -> str:
    lines = ["## Per-Output-Length Scores", ""]
    lines.append("| Runtime | Output | Count | Avg Tokens | Decode tok/s | ITL ms | Score | Grade |")
    lines.append("|---------|--------|-------|------------|-------------|--------|-------|-------|")
    for e in card.entries:
        lines.append(
            f"| {e.name} | {e.category.label} | {e.request_count} | {e.avg_output_tokens:.1f} | "
            f"{e.decode_tok_s:.1f} | {e.itl_p50_ms:.1f} | {e.score} | {e.grade} |"
        )
    return "\n".join(lines)
