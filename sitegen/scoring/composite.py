"""The composite scorecard: interactive at c=1, throughput (with scaling) at c>1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..results import LoadTestResult, TailAnalysis
from .contract import CONTRACT_VERSION, ScoringContract
from .metric import assign_grade, compute_jitter_penalty, compute_metric_score
from .numeric import rounded_weighted_sum, rust_min, saturating_add_u8, saturating_sub_u8

# A result paired with the file name it was read from.
Loaded = tuple[LoadTestResult, str]


@dataclass(frozen=True, slots=True)
class MetricScore:
    value: float
    score: int
    best: bool
    jitter_penalty: int | None = None


@dataclass(frozen=True, slots=True)
class RuntimeScore:
    name: str
    source_file: str
    metrics: Mapping[str, MetricScore]
    composite: float
    grade: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    contract_version: str
    concurrency: int
    runtimes: tuple[RuntimeScore, ...]


def strip_concurrency_suffix(name: str) -> str:
    """Drop a trailing `-c<digits>` (only ASCII digits, at least one): `rt-c4` -> `rt`."""
    pos = name.rfind("-c")
    if pos >= 0:
        suffix = name[pos + 2 :]
        if suffix and all("0" <= ch <= "9" for ch in suffix):
            return name[:pos]
    return name


def extract_metrics(result: LoadTestResult, is_throughput: bool) -> dict[str, float]:
    metrics = {
        "decode_tok_s": result.decode_tok_per_sec,
        "ttft_p50_ms": result.ttft_p50_ms,
        "itl_p50_ms": result.itl_p50_ms,
        "ttft_p99_ms": result.ttft_p99_ms,
        "error_rate": result.error_rate,
    }
    if is_throughput:
        metrics["aggregate_tok_s"] = result.tokens_per_sec
    return metrics


def weights_for(concurrency: int, contract: ScoringContract) -> Mapping[str, float]:
    return contract.throughput_weights if concurrency > 1 else contract.interactive_weights


def compute_scorecard(
    results: Sequence[Loaded],
    c1_results: Sequence[Loaded] | None,
    contract: ScoringContract,
) -> Scorecard:
    """Score one concurrency group. The group's first result decides interactive vs throughput."""
    concurrency = results[0][0].concurrency if results else 1
    is_throughput = concurrency > 1
    weights = weights_for(concurrency, contract)

    # As the reference: for a base name seen twice at c=1, the last result wins.
    c1_decode: dict[str, float] = {}
    for result, _ in c1_results or ():
        c1_decode[strip_concurrency_suffix(result.runtime_name)] = result.decode_tok_per_sec

    rows: list[tuple[str, str, dict[str, float], TailAnalysis | None]] = []
    for result, source_file in results:
        metrics = extract_metrics(result, is_throughput)
        if is_throughput:
            base = c1_decode.get(strip_concurrency_suffix(result.runtime_name))
            if base is not None and base > 0.0:
                metrics["throughput_scaling"] = result.tokens_per_sec / base
        rows.append((result.runtime_name, source_file, metrics, result.tail_analysis))

    # Best per metric: strictly better wins, so among equals the first in input order keeps it.
    best: dict[str, tuple[float, int]] = {}
    for idx, (_, _, metrics, _) in enumerate(rows):
        for metric, value in metrics.items():
            threshold = contract.thresholds.get(metric)
            if threshold is None:
                continue
            current = best.get(metric)
            if (
                current is None
                or (threshold.higher_is_better and value > current[0])
                or (not threshold.higher_is_better and value < current[0])
            ):
                best[metric] = (value, idx)

    scored: list[RuntimeScore] = []
    for idx, (name, source_file, metrics, tail) in enumerate(rows):
        metric_scores: dict[str, MetricScore] = {}
        weighted: list[tuple[float, int]] = []
        for metric in sorted(weights):
            value = metrics.get(metric)
            threshold = contract.thresholds.get(metric)
            if value is None or threshold is None:
                continue
            score = compute_metric_score(value, threshold)
            penalty = None
            if metric == "itl_p50_ms" and tail is not None:
                penalty = compute_jitter_penalty(tail)
                score = saturating_sub_u8(score, penalty)
            is_best = metric in best and best[metric][1] == idx
            if is_best:
                score = min(saturating_add_u8(score, contract.best_in_class_bonus), 100)
            weighted.append((weights[metric], score))
            metric_scores[metric] = MetricScore(value, score, is_best, penalty)
        # Exact sum, then half away from zero: the reference's f64 sum follows hash order.
        composite = rust_min(rounded_weighted_sum(weighted), 100.0)
        scored.append(
            RuntimeScore(
                name=name,
                source_file=source_file,
                metrics=metric_scores,
                composite=composite,
                grade=assign_grade(composite, contract.grades),
            )
        )

    # Stable: equal composites keep input order (timestamp, then file name).
    scored.sort(key=lambda rt: -rt.composite)
    return Scorecard(contract.version or CONTRACT_VERSION, concurrency, tuple(scored))


def _scenario(concurrency: int) -> str:
    return "Interactive (c=1)" if concurrency == 1 else f"Throughput (c={concurrency})"


def _cell(metric: MetricScore | None) -> str:
    if metric is None:
        return " -"
    return f"{metric.score:>3}{'*' if metric.best else ' '}"


def _md_cell(metric: MetricScore | None) -> str:
    if metric is None:
        return "-"
    return f" **{metric.score}**" if metric.best else f"{metric.score}"


INTERACTIVE_COLUMNS = ("decode_tok_s", "ttft_p50_ms", "itl_p50_ms", "ttft_p99_ms", "error_rate")
THROUGHPUT_COLUMNS = (
    "aggregate_tok_s",
    "decode_tok_s",
    "ttft_p50_ms",
    "itl_p50_ms",
    "throughput_scaling",
    "error_rate",
)


def format_table(card: Scorecard) -> str:
    lines = [f"Inference Runtime Scorecard — {_scenario(card.concurrency)}", ""]
    if card.concurrency == 1:
        lines.append(
            f"{'Runtime':<12} {'Decode':>8} {'TTFT':>8} {'ITL':>8} {'Tail':>8} {'Error':>8} {'Composite':>10}"
        )
        lines.append(f"{'':<12} {'tok/s':>8} {'P50':>8} {'P50':>8} {'P99':>8} {'Rate':>8} {'Score':>10}")
        lines.append("-" * 74)
        columns = INTERACTIVE_COLUMNS
    else:
        lines.append(
            f"{'Runtime':<12} {'Aggr':>8} {'Decode':>8} {'TTFT':>8} {'ITL':>8} {'Scale':>8} {'Error':>8} {'Composite':>10}"
        )
        lines.append(
            f"{'':<12} {'tok/s':>8} {'tok/s':>8} {'P50':>8} {'P50':>8} {'ratio':>8} {'Rate':>8} {'Score':>10}"
        )
        lines.append("-" * 88)
        columns = THROUGHPUT_COLUMNS
    for rt in card.runtimes:
        cells = " ".join(f"{_cell(rt.metrics.get(col)):>8}" for col in columns)
        lines.append(f"{rt.name:<12} {cells} {rt.composite:>5.1f} {rt.grade}")
    lines += ["", "* = best in class"]
    return "\n".join(lines)


def format_markdown(card: Scorecard) -> str:
    lines = [f"## Scorecard — {_scenario(card.concurrency)}", ""]
    if card.concurrency == 1:
        lines.append("| Runtime | Decode | TTFT P50 | ITL P50 | Tail P99 | Error | **Composite** |")
        lines.append("|---------|--------|----------|---------|----------|-------|---------------|")
        columns = INTERACTIVE_COLUMNS
    else:
        lines.append(
            "| Runtime | Aggregate | Decode | TTFT P50 | ITL P50 | Scaling | Error | **Composite** |"
        )
        lines.append(
            "|---------|-----------|--------|----------|---------|---------|-------|---------------|"
        )
        columns = THROUGHPUT_COLUMNS
    for rt in card.runtimes:
        cells = " | ".join(_md_cell(rt.metrics.get(col)) for col in columns)
        lines.append(f"| {rt.name} | {cells} | **{rt.composite:.1f} ({rt.grade})** |")
    return "\n".join(lines)
