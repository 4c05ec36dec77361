"""What to deploy for one model and workload: every machine and runtime side by side.

A cohort page (models/<model>/<workload>/) puts every (hardware, runtime) that measured one
model and workload on one frontier. Its lines come from each target's standings: the latest
valid result of each runtime and level. Results that differ in a comparability setting
(precision, tensor parallelism, dataset, load generator: the cohort key) or in the runtime's
version are never one line: each is an option of its own, and its name says what differs.

Ranking at a target: a level meets the reader's target when each user gets at least the
target's tokens per second and its p99 TTFT is within the target's. The per-user speed a level
guarantees is 1000 / its p99 TPOT; where a result reports no p99 TPOT, its median (1000 / median
TPOT, or ITL) stands in, and the row says so, rather than the result dropping out. Each option's
best level within the target ranks it, by output throughput per GPU and by cost per million
output tokens at the price per GPU-hour of its hardware.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .derived import TradeoffPoint, at_interactivity, cost_per_million, frontier_summary, pareto_frontier
from .model import Cohort, ResultEntry, Standing

UNNAMED = "unspecified"  # Cohort.model of results that name no model


def unnamed_targets(standings: Mapping[str, Sequence[Standing]]) -> list[str]:
    """The targets with results that name no model (they have no cohort page)."""
    return sorted(h for h, sts in standings.items() if any(st.cohort.model == UNNAMED for st in sts))


@dataclass(frozen=True, slots=True)
class Target:
    speed: float  # tok/s per user, at least
    ttft_p99_ms: float  # at most


@dataclass(frozen=True, slots=True)
class Level:
    """One measured level of an option."""

    run_id: str
    entry: ResultEntry
    speed: float | None  # tok/s per user the level guarantees (see the module's docstring)
    speed_from: str  # "p99 TPOT", or "median" where no p99 TPOT was reported
    interactivity: float | None  # tok/s per user at the median (the frontier's x)
    throughput_per_gpu: float
    ttft_p99_ms: float | None
    joules_per_token: float | None

    @property
    def concurrency(self) -> int:
        return self.entry.result.concurrency

    @property
    def cost(self) -> float | None:
        """Cost per million output tokens at site.toml's price (catalog/derived.py)."""
        return self.entry.derived.cost_per_million if self.entry.derived is not None else None

    def cost_per_million(self, price_per_gpu_hour: float | None, gpus: int) -> float | None:
        """Cost per million output tokens at a price per GPU-hour (None without a price): the
        derived value's formula, at the reader's price."""
        price = None if price_per_gpu_hour is None else price_per_gpu_hour * gpus
        return cost_per_million(self.entry.result, price)

    def meets(self, target: Target) -> bool:
        return (
            self.speed is not None
            and self.speed >= target.speed
            and self.ttft_p99_ms is not None
            and self.ttft_p99_ms <= target.ttft_p99_ms
        )

    def miss(self, target: Target) -> str:
        """What the level misses the target by, in words ("" when it meets it)."""
        said = []
        if self.speed is None:
            said.append("no per-user speed reported")
        elif self.speed < target.speed:
            said.append(f"{target.speed - self.speed:,.1f} tok/s per user short")
        if self.ttft_p99_ms is None:
            said.append("no p99 TTFT reported")
        elif self.ttft_p99_ms > target.ttft_p99_ms:
            said.append(f"p99 TTFT {self.ttft_p99_ms - target.ttft_p99_ms:,.0f} ms over")
        return "; ".join(said)

    def shortfall(self, target: Target) -> float:
        """How far the level is from the target, as the largest ratio of either limit."""
        speed = target.speed / self.speed if self.speed else math.inf
        ttft = self.ttft_p99_ms / target.ttft_p99_ms if self.ttft_p99_ms is not None else math.inf
        return max(speed, ttft)


@dataclass(frozen=True, slots=True)
class Option:
    """One (hardware, runtime) with one set of comparability settings and one runtime version:
    a line on the cohort's charts and a row of its table."""

    hardware: str
    runtime: str
    cohort: Cohort
    engine: str
    levels: tuple[Level, ...]  # by concurrency

    @property
    def key(self) -> str:
        return "|".join((self.hardware, self.runtime, self.cohort.key, self.engine))

    def curve(self) -> list[TradeoffPoint]:
        return [
            TradeoffPoint(self.key, lv.concurrency, lv.interactivity, lv.throughput_per_gpu)
            for lv in self.levels
            if lv.interactivity is not None
        ]


@dataclass(frozen=True, slots=True)
class TargetRow:
    option: Option
    meets: bool
    best: Level  # the best level within the target, else the closest
    at_speed: float | None  # throughput per GPU at exactly the target's speed, read off the curve
    miss: str  # what the closest level misses by ("" when met)


def level_of(run_id: str, entry: ResultEntry) -> Level | None:
    d = entry.derived
    if d is None or (entry.flag is not None and entry.flag.kind == "invalid"):
        return None
    speed: float | None
    if d.tpot_p99_ms is not None and d.tpot_p99_ms > 0:
        speed, speed_from = 1000.0 / d.tpot_p99_ms, "p99 TPOT"
    else:
        speed, speed_from = d.interactivity, "median"
    return Level(
        run_id,
        entry,
        speed,
        speed_from,
        d.interactivity,
        d.throughput_per_gpu,
        d.ttft_p99_ms,
        d.joules_per_token,
    )


def cohorts_of(standings: Mapping[str, Sequence[Standing]]) -> list[tuple[str, str, str, str]]:
    """Every (model, workload) measured on some target, with their names, in name order. Results
    that name no model have none: nothing says two machines ran the same one."""
    found = {
        (st.cohort.model, st.cohort.workload): (st.cohort.model_name, st.cohort.workload_name)
        for sts in standings.values()
        for st in sts
        if (st.entries or st.unranked) and st.cohort.model != UNNAMED
    }
    return sorted(((m, w, *names) for (m, w), names in found.items()), key=lambda c: (c[2].casefold(), c[3]))


def cohort_title(model_name: str, workload_name: str) -> str:
    """ "Qwen2.5 7B, chat"; the model alone where no workload is named."""
    return model_name if workload_name == UNNAMED else f"{model_name}, {workload_name}"


def options_of(standings: Mapping[str, Sequence[Standing]], model: str, workload: str) -> list[Option]:
    """Every option measuring `model` and `workload`, from each target's standings (the latest
    valid result of each runtime and level; rate-based results have no level and are left out)."""
    grouped: dict[tuple[str, str, Cohort, str], list[Level]] = {}
    for hardware, sts in standings.items():
        for st in sts:
            if (st.cohort.model, st.cohort.workload) != (model, workload):
                continue
            for run_id, entry in st.entries + st.unranked:
                level = level_of(run_id, entry) if entry.rate is None else None
                if level is not None:
                    key = (hardware, entry.runtime, st.cohort, entry.engine_version)
                    grouped.setdefault(key, []).append(level)
    return [
        Option(hw, rt, cohort, engine, tuple(sorted(levels, key=lambda lv: lv.concurrency)))
        for (hw, rt, cohort, engine), levels in sorted(
            grouped.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2].key, kv[0][3])
        )
    ]


def differences(options: Sequence[Option]) -> dict[str, str]:
    """Option key -> what sets it apart from the others ranked beside it: its comparability
    settings and runtime version where those differ among the options ("" where all agree)."""
    settings = {o.cohort.settings for o in options}
    engines = {o.engine for o in options}
    out = {}
    for o in options:
        said = []
        if len(settings) > 1:
            said += [f"{name.replace('_', ' ')} {shown}" for name, _, shown in o.cohort.settings] or [
                "no settings given"
            ]
        if len(engines) > 1:
            said.append(f"version {o.engine}" if o.engine else "version not given")
        out[o.key] = ", ".join(said)
    return out


def rank_at(options: Iterable[Option], target: Target) -> list[TargetRow]:
    """Each option at the target: those meeting it by their best throughput per GPU, then the
    others by how close they come."""
    met, missed = [], []
    for o in options:
        within = [lv for lv in o.levels if lv.meets(target)]
        at_speed = at_interactivity(o.curve(), target.speed)
        if within:
            best = max(within, key=lambda lv: (lv.throughput_per_gpu, -lv.concurrency))
            met.append(TargetRow(o, True, best, at_speed, ""))
        elif o.levels:
            closest = min(o.levels, key=lambda lv: (lv.shortfall(target), lv.concurrency))
            missed.append(TargetRow(o, False, closest, at_speed, closest.miss(target)))
    met.sort(key=lambda r: (-r.best.throughput_per_gpu, r.option.key))
    missed.sort(key=lambda r: (r.best.shortfall(target), r.option.key))
    return met + missed


def frontier_words(options: Sequence[Option], name_of) -> str:
    """Who leads where across every option: "H100 + vLLM leads above 40 tok/s per user, ..."."""
    by_key = {o.key: o for o in options}
    frontier = pareto_frontier(p for o in options for p in o.curve())
    return frontier_summary(frontier, lambda key: name_of(by_key[key]))
