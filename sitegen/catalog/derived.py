"""What practitioners decide by, derived from each result: pure functions, no I/O, no HTML.

- interactivity (tok/s per user) = 1000 / tpot_p50_ms, or 1000 / itl_p50_ms where TPOT is 0
  or a unit error (over TPOT_BELOW_ITL times below ITL); absent where both are 0;
- output throughput per GPU = tokens_per_sec / the target's GPUs;
- energy per output token (J) = gpu_telemetry.energy_per_token_mj / 1000, else mean power (W)
  x elapsed seconds / completion tokens; absent without telemetry;
- cost per million output tokens = price_per_hour / (tokens_per_sec x 3600) x 1,000,000;
  absent without a price;
- a latency target (SLO) is met at a level when its p99 TTFT and p99 TPOT are both within it;
- 95 % intervals of TTFT p50/p99, ITL p50 and throughput from the result's own requests.

The Pareto frontier of throughput per GPU against interactivity, the throughput a runtime
reaches at a given interactivity (read off its curve by linear interpolation), and the
leaderboard under a latency target are computed here too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import SloConfig
from ..imports.origin import Interval
from ..results import LoadTestResult
from ..stats import quantile_interval, ratio_interval, tail_interval

if TYPE_CHECKING:
    from .model import ResultEntry

ENERGY_FROM_TELEMETRY = "telemetry's energy per token"
ENERGY_FROM_POWER = "mean power × elapsed time ÷ completion tokens"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class Derived:
    interactivity: float | None  # tok/s per user
    throughput_per_gpu: float  # output tok/s per GPU
    ttft_p99_ms: float | None  # None when the result does not report it
    tpot_p99_ms: float | None  # None when the result reports none, or it is not used
    joules_per_token: float | None
    energy_source: str  # ENERGY_FROM_TELEMETRY, ENERGY_FROM_POWER or ""
    cost_per_million: float | None  # in the site's currency
    meets: tuple[str, ...]  # names of the latency targets met
    tpot_note: str = ""  # why there is no p99 TPOT: not reported, or not used (a unit error)
    tail_requests: int = 0  # the requests of a p99 that is their maximum (fewer than 100), else 0
    intervals: tuple[Interval, ...] = ()  # 95 % intervals from the result's requests (request_intervals)

    @property
    def tail_note(self) -> str:
        """ "p99 of 40 requests is their maximum", where it is; else ""."""
        return tail_words(self.tail_requests)

    def as_json(self) -> dict:
        intervals = (
            {"request_intervals": {i.metric: i.as_json() for i in self.intervals}} if self.intervals else {}
        )
        return (
            ({"p99_note": self.tail_note} if self.tail_note else {})
            | intervals
            | {
                "interactivity_tok_s_per_user": self.interactivity,
                "throughput_tok_s_per_gpu": self.throughput_per_gpu,
                "ttft_p99_ms": self.ttft_p99_ms,
                "tpot_p99_ms": self.tpot_p99_ms,
                "joules_per_output_token": self.joules_per_token,
                "energy_source": self.energy_source or None,
                "cost_per_million_output_tokens": self.cost_per_million,
                "latency_targets_met": list(self.meets),
            }
        )


# A TPOT this many times below the ITL is a unit error (a load tester that wrote seconds where
# milliseconds were due), not tokens sent a few to an event, which puts TPOT a few times below.
TPOT_BELOW_ITL = 100.0


def tpot_unit_error(result: LoadTestResult) -> bool:
    """Whether the result's TPOT is too far below its ITL to be believed: neither its median
    nor its p99 is then used (a user reading millions of tokens a second, every target met)."""
    tpot, itl = result.tpot_p50_ms, result.itl_p50_ms
    return tpot > 0 and itl > 0 and tpot * TPOT_BELOW_ITL < itl


def interactivity(result: LoadTestResult) -> float | None:
    credible = result.tpot_p50_ms > 0 and not tpot_unit_error(result)
    per_token = result.tpot_p50_ms if credible else result.itl_p50_ms
    return _finite(1000.0 / per_token) if per_token > 0 else None


def energy_per_token(result: LoadTestResult) -> tuple[float | None, str]:
    t = result.gpu_telemetry
    if t is None:
        return None, ""
    if t.energy_per_token_mj > 0:
        return _finite(t.energy_per_token_mj / 1000.0), ENERGY_FROM_TELEMETRY
    if t.power_draw_w.mean > 0 and result.elapsed_secs > 0 and result.completion_tokens_total > 0:
        joules = t.power_draw_w.mean * result.elapsed_secs / result.completion_tokens_total
        return _finite(joules), ENERGY_FROM_POWER
    return None, ""


def cost_per_million(result: LoadTestResult, price_per_hour: float | None) -> float | None:
    if price_per_hour is None or result.tokens_per_sec <= 0:
        return None
    return _finite(price_per_hour / (result.tokens_per_sec * 3600.0) * 1_000_000.0)


def meets(slo: SloConfig, ttft_p99_ms: float | None, tpot_p99_ms: float | None) -> bool:
    return (
        tpot_p99_ms is not None
        and ttft_p99_ms is not None
        and ttft_p99_ms <= slo.ttft_p99_ms
        and tpot_p99_ms <= slo.tpot_p99_ms
    )


def tail_requests(requests: int) -> int:
    """`requests` when a p99 of so few rests on their slowest two: the load tester interpolates
    between closest ranks, at rank (n − 1) · 0.99, which lies past the second-slowest request
    whenever n ≤ 100 (checked on the sample runs' request details); else 0."""
    return requests if 0 < requests < 100 else 0


def tail_words(requests: int, short: bool = False) -> str:
    """A p99 of few requests in words: "p99 of 40 requests lies between their two slowest", or
    under a value in a p99 column, "set by the 2 slowest of 40"; "" for 0 (enough requests)."""
    if not requests:
        return ""
    if requests == 1:
        return "its only request" if short else "p99 of 1 request is that request"
    if short:
        return f"set by the 2 slowest of {requests:,}"
    return f"p99 of {requests:,} requests lies between their two slowest"


def tpot_note(result: LoadTestResult, missing: frozenset[str] = frozenset()) -> str:
    """Why the result's p99 TPOT is not used, or "" when it is."""
    if "tpot_p99_ms" in missing:
        return "no p99 TPOT reported"
    if tpot_unit_error(result):
        return (
            f"p99 TPOT not used: median TPOT {result.tpot_p50_ms:.3g} ms is over "
            f"{TPOT_BELOW_ITL:g} times below ITL {result.itl_p50_ms:.3g} ms, a unit error"
        )
    if result.tpot_p99_ms <= 0:
        return "no p99 TPOT reported"
    return ""


def derive(
    result: LoadTestResult,
    gpus: int,
    price_per_hour: float | None,
    slos: Sequence[SloConfig],
    missing: frozenset[str] = frozenset(),
) -> Derived:
    """`missing`: the fields an imported result's file did not report (never read as 0)."""
    note = tpot_note(result, missing)
    tpot_p99 = None if note else result.tpot_p99_ms
    ttft_p99 = None if "ttft_p99_ms" in missing else result.ttft_p99_ms
    joules, source = energy_per_token(result)
    return Derived(
        interactivity=interactivity(result),
        throughput_per_gpu=result.tokens_per_sec / gpus,
        ttft_p99_ms=ttft_p99,
        tpot_p99_ms=tpot_p99,
        joules_per_token=joules,
        energy_source=source,
        cost_per_million=cost_per_million(result, price_per_hour),
        meets=tuple(slo.name for slo in slos if meets(slo, ttft_p99, tpot_p99)),
        tpot_note=note,
        tail_requests=tail_requests(result.successful),
        intervals=request_intervals(result, missing),
    )


def request_intervals(result: LoadTestResult, missing: frozenset[str] = frozenset()) -> tuple[Interval, ...]:
    """95 % intervals of the values the result's requests measure, where its request_details hold
    every successful request (else they are a sample of them and measure something else):
    TTFT and our ITL p50 by the exact percentile bootstrap, TTFT p99 by distribution-free order
    statistics (the bootstrap falls short in the tail), throughput by the delta method
    (sitegen/stats.py). An interval that does not hold the reported value (a tester computing
    it otherwise) is left out rather than shown beside a value it does not describe."""
    details = result.request_details
    n = len(details)
    if n < MIN_INTERVAL_REQUESTS or n != result.successful:
        return ()
    ttft = [d["ttft_ms"] for d in details]
    found = [
        ("ttft_p50_ms", result.ttft_p50_ms, quantile_interval(ttft, 0.5), BOOTSTRAP),
        ("ttft_p99_ms", result.ttft_p99_ms, tail_interval(ttft, 0.99), ORDER_STATISTICS),
        ("itl_p50_ms", result.itl_p50_ms, quantile_interval([d["itl_ms"] for d in details], 0.5), BOOTSTRAP),
    ]
    half = ratio_interval([d["completion_tokens"] for d in details], [d["latency_ms"] for d in details])
    if half is not None:
        tps = result.tokens_per_sec
        found.append(("tokens_per_sec", tps, (tps * (1.0 - half), tps * (1.0 + half)), DELTA_METHOD))
    return tuple(
        Interval(metric, value, bounds[0], bounds[1], n, method, "requests")
        for metric, value, bounds, method in found
        if bounds is not None and metric not in missing and bounds[0] <= value <= bounds[1]
    )


# Fewer requests give no interval: the bootstrap's coverage of a median falls to 87 % at 6
# requests; from 20 to 100 it steps between 92 % and 96 % with the discrete ranks (measured on
# lognormal samples, 3,000 trials each; tests/test_uncertainty.py).
MIN_INTERVAL_REQUESTS = 30
BOOTSTRAP = "exact percentile bootstrap over the requests"
ORDER_STATISTICS = "distribution-free order statistics of the requests"
DELTA_METHOD = "delta method over the requests (the bootstrap's normal limit)"


@dataclass(frozen=True, slots=True)
class TradeoffPoint:
    """One (runtime, level) on the throughput-interactivity plane."""

    runtime: str
    concurrency: int
    x: float  # interactivity, tok/s per user
    y: float  # throughput per GPU


def pareto_frontier(points: Iterable[TradeoffPoint]) -> list[TradeoffPoint]:
    """The points no other point beats on both axes, by rising interactivity."""
    best_y = -math.inf
    frontier = []
    for p in sorted(points, key=lambda p: (-p.x, -p.y, p.runtime, p.concurrency)):
        if p.y > best_y:
            frontier.append(p)
            best_y = p.y
    return sorted(frontier, key=lambda p: (p.x, -p.y))


def frontier_summary(frontier: Sequence[TradeoffPoint], name_of: Callable[[str], str]) -> str:
    """Who leads where, in words: "vLLM leads above 40 tok/s per user, SGLang below"."""
    if not frontier:
        return ""
    spans: list[tuple[str, float, float]] = []  # runtime, lowest x, highest x
    for p in frontier:
        if spans and spans[-1][0] == p.runtime:
            spans[-1] = (p.runtime, spans[-1][1], p.x)
        else:
            spans.append((p.runtime, p.x, p.x))
    if len(spans) == 1:
        return f"{name_of(spans[0][0])} leads at every interactivity measured"
    if len(spans) == 2:
        (low, _, _), (high, start, _) = spans
        return f"{name_of(high)} leads above {start:.0f} tok/s per user, {name_of(low)} below"
    parts = [f"{name_of(spans[0][0])} below {spans[1][1]:.0f}"]
    parts += [f"{name_of(rt)} from {lo:.0f}" for rt, lo, _ in spans[1:]]
    return "Along the frontier, by rising tok/s per user: " + ", then ".join(parts)


def at_interactivity(curve: Sequence[TradeoffPoint], x: float) -> float | None:
    """Throughput per GPU at interactivity `x`, read off the curve by linear interpolation
    between its measured levels; None where the curve does not reach `x`."""
    pts = sorted(curve, key=lambda p: p.x)
    for a, b in zip(pts, pts[1:], strict=False):
        if a.x <= x <= b.x:
            if b.x == a.x:
                return max(a.y, b.y)
            return a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)
    if len(pts) == 1 and pts[0].x == x:
        return pts[0].y
    return None


@dataclass(frozen=True, slots=True)
class SloCandidate:
    """One (runtime, level) as the latency-target leaderboard needs it."""

    runtime: str
    concurrency: int
    throughput_per_gpu: float
    ttft_p99_ms: float | None
    tpot_p99_ms: float | None
    run_id: str
    tpot_note: str = ""  # why there is no p99 TPOT (Derived.tpot_note)
    rate: float | None = None  # requests per second of a rate-based load point (no concurrency)
    cost_per_million: float | None = None  # output tokens at the target's price, where it has one

    @property
    def load(self) -> str:
        """The load point in words: "4", or "rate 8 req/s"."""
        return f"rate {self.rate:g} req/s" if self.rate is not None else str(self.concurrency)


@dataclass(frozen=True, slots=True)
class SloRow:
    runtime: str
    meets: bool
    best: SloCandidate  # the best level meeting the target, else the closest level
    miss: str  # why the closest level misses ("" when met)


def slo_board(candidates: Iterable[SloCandidate], slo: SloConfig) -> list[SloRow]:
    """Per runtime: the highest throughput per GPU at a level meeting `slo`; runtimes that never
    meet it follow, each with its closest level (the smallest overshoot of either limit)."""
    by_runtime: dict[str, list[SloCandidate]] = {}
    for c in candidates:
        by_runtime.setdefault(c.runtime, []).append(c)
    met, missed = [], []
    for runtime, levels in sorted(by_runtime.items()):
        ok = [c for c in levels if meets(slo, c.ttft_p99_ms, c.tpot_p99_ms)]
        if ok:
            best = max(ok, key=lambda c: (c.throughput_per_gpu, -c.concurrency, -(c.rate or 0.0)))
            met.append(SloRow(runtime, True, best, ""))
        else:
            closest = min(levels, key=lambda c: (_overshoot(c, slo), c.concurrency, c.rate or 0.0))
            missed.append(SloRow(runtime, False, closest, _miss(closest, slo)))
    met.sort(key=lambda r: (-r.best.throughput_per_gpu, r.runtime))
    missed.sort(key=lambda r: (_overshoot(r.best, slo), r.runtime))
    return met + missed


def _overshoot(c: SloCandidate, slo: SloConfig) -> float:
    tpot = c.tpot_p99_ms if c.tpot_p99_ms is not None else math.inf
    ttft = c.ttft_p99_ms if c.ttft_p99_ms is not None else math.inf
    return max(ttft / slo.ttft_p99_ms, tpot / slo.tpot_p99_ms)


def _miss(c: SloCandidate, slo: SloConfig) -> str:
    reasons = []
    if c.ttft_p99_ms is None:
        reasons.append("no p99 TTFT reported")
    elif c.ttft_p99_ms > slo.ttft_p99_ms:
        reasons.append(f"p99 TTFT {c.ttft_p99_ms:,.0f} ms > {slo.ttft_p99_ms:,.0f}")
    if c.tpot_p99_ms is None:
        reasons.append(c.tpot_note or "no p99 TPOT reported")
    elif c.tpot_p99_ms > slo.tpot_p99_ms:
        reasons.append(f"p99 TPOT {c.tpot_p99_ms:,.1f} ms > {slo.tpot_p99_ms:,.0f}")
    return "; ".join(reasons)


def slo_candidate(run_id: str, entry: ResultEntry) -> SloCandidate | None:
    """A result as the latency-target leaderboards rank it (None: nothing derived from it)."""
    d = entry.derived
    if d is None:
        return None
    return SloCandidate(
        entry.runtime,
        entry.result.concurrency,
        d.throughput_per_gpu,
        d.ttft_p99_ms,
        d.tpot_p99_ms,
        run_id,
        d.tpot_note,
        entry.rate,
        d.cost_per_million,
    )
