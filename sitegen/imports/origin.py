"""What an imported result carries beside its values: the format it came from, what it did not
report, what was derived or assumed, its load point when it is a rate, and its repeats."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import LoadTestResult

# The result fields a page or a scorecard shows: an imported result that lacks one says
# "not reported", never 0.
SHOWN_FIELDS = (
    "total_requests",
    "successful",
    "failed",
    "throughput_rps",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "ttft_p50_ms",
    "ttft_p90_ms",
    "ttft_p95_ms",
    "ttft_p99_ms",
    "tokens_per_sec",
    "avg_tok_per_req",
    "itl_p50_ms",
    "decode_tok_per_sec",
    "tpot_p50_ms",
    "tpot_p90_ms",
    "tpot_p95_ms",
    "tpot_p99_ms",
    "error_rate",
    "elapsed_secs",
    "completion_tokens_total",
    "prompt_tokens_total",
    "timestamp",
)

# What the composite scorecard reads: an imported result missing any of these is not scored.
SCORED_FIELDS = (
    "decode_tok_per_sec",
    "ttft_p50_ms",
    "itl_p50_ms",
    "ttft_p99_ms",
    "error_rate",
    "tokens_per_sec",
)


@dataclass(frozen=True, slots=True)
class Interval:
    """The 95 % confidence interval of a measured value: of a mean of repeats, or of a
    percentile or throughput over a result's requests (catalog/derived.py)."""

    metric: str  # a LoadTestResult field, e.g. "tokens_per_sec"
    mean: float  # the value the interval is of (a mean of repeats, or the reported percentile)
    low: float
    high: float
    n: int
    method: str  # where the bounds come from: the file's, or recomputed (Student's t), ...
    of: str = "repeats"  # what n counts: "repeats" or "requests"

    def words(self, scale: float = 1.0) -> str:
        """ "± 15.6 (95 % CI, 3 repeats)", the half-width times `scale` (to a value derived
        from this one, e.g. per GPU); "+3.2 −1.1 (95 % CI, 514 requests)" where the interval
        is not symmetric about the value (a percentile's)."""
        above, below = (self.high - self.mean) * scale, (self.mean - self.low) * scale
        said = f"(95 % CI, {self.n} {self.of})"
        if abs(above - below) <= 0.05 * max(above, below):
            return f"± {(self.high - self.low) / 2 * scale:.3g} {said}"
        return f"+{above:.3g} −{below:.3g} {said}"

    def as_json(self) -> dict:
        """As metrics.json gives it: the value ("mean" of repeats), "ci95": [low, high], n."""
        value = "mean" if self.of == "repeats" else "value"
        return {
            value: self.mean,
            "ci95": [self.low, self.high],
            "n": self.n,
            "of": self.of,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class Origin:
    """How a result that is not a plain load-tester result was read."""

    format: str  # e.g. "vLLM bench serve", "load tester console output"
    missing: frozenset[str] = frozenset()  # SHOWN_FIELDS the file does not report
    notes: tuple[str, ...] = ()  # what was derived or assumed, in words
    rate: float | None = None  # requests per second of an open-loop (rate-based) load point
    repeats: tuple[tuple[str, LoadTestResult], ...] = ()  # (source, result) of each repeat
    intervals: tuple[Interval, ...] = ()

    @property
    def scored(self) -> bool:
        """Whether the scoring contract can score it: a concurrency, and every value it reads."""
        return self.rate is None and not self.missing.intersection(SCORED_FIELDS)

    @property
    def load_point(self) -> str:
        return f"rate {self.rate:g} req/s" if self.rate is not None else ""

    def interval(self, metric: str) -> Interval | None:
        return next((i for i in self.intervals if i.metric == metric), None)

    def reported(self, field: str) -> bool:
        return field not in self.missing

    @property
    def unscored_reason(self) -> str:
        """Why the contract does not score it ("" when it does)."""
        if self.rate is not None:
            return "rate-based"
        lacking = [f for f in SCORED_FIELDS if f in self.missing]
        return f"no {', '.join(lacking)}" if lacking else ""

    @property
    def note(self) -> str:
        """One line for a result's row: the format, why it is not scored, what was assumed."""
        said = [f"from a {self.format} file"]
        if not self.scored:
            said.append(f"not scored: {self.unscored_reason}")
        return "; ".join(said + list(self.notes))


@dataclass(frozen=True, slots=True)
class Imported:
    """What an importer read from one file: its results (with their source names and origins)
    and the entries it skipped, each with its reason."""

    format: str
    results: tuple[tuple[LoadTestResult, str, Origin], ...]
    skipped: tuple[tuple[str, str], ...] = ()
    declared: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (source, cohort fields)
