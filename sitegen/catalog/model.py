"""The catalog's typed values: what the site pages read. Frozen; built once per build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from .. import memo
from ..config import HardwareConfig, RuntimeConfig
from ..imports import Origin
from ..imports.origin import Interval
from ..results import LoadTestResult
from ..scoring.report import ScoreReport
from ..training import TrainingStepResult
from .classify import Classified, CorrectnessReport
from .derived import Derived
from .directory import NOT_A_LOAD_TEST_RESULT
from .metadata import RunMetadata
from .validity import Flag, Validity


class Level(StrEnum):
    ERROR = "error"  # a file that looks like a result was rejected, or a link leaving the results root
    WARNING = "warning"  # read, but something about it is suspicious
    INFO = "info"  # not a result, and that is fine


class Diagnostic(NamedTuple):
    """A named tuple, like the other small values of run records: the build cache pickles
    hundreds of thousands of them, and tuples pickle in C."""

    path: str  # relative to its results root (run id / file name), or a root path
    level: Level
    reason: str


# Settings that make two results incomparable when they differ (read from run.toml or the result
# file): (field, its short name in a cohort's key, its words in a label).
SETTINGS = (
    ("precision", "p", "precision"),
    ("tensor_parallel", "tp", "tensor parallel"),
    ("dataset", "ds", "dataset"),
    ("load_generator", "lg", "load generator"),
)


_SHORT_NAMES = {name: abbr for name, abbr, _ in SETTINGS}


class Cohort(NamedTuple):
    """What a result was measured with: model, workload and the settings that make results
    incomparable (precision, tensor parallelism, dataset, load generator). Only results of one
    cohort are ranked, drawn as one series or compared together. A named tuple: cohorts key the
    standings' candidates, and a tuple hashes in C (a frozen dataclass called Python for every
    lookup)."""

    model: str = "unspecified"  # id
    workload: str = "unspecified"  # id
    model_name: str = "unspecified"
    workload_name: str = "unspecified"
    settings: tuple[tuple[str, str, str], ...] = ()  # (field, id, as written) of each one reported

    @property
    def key(self) -> str:
        """A stable, URL-safe key: `model`, `model~workload`, then `~p-fp8~tp-2` for settings."""
        return _cohort_key(self)

    @property
    def label(self) -> str:
        label = f"model {self.model_name}"
        if self.workload != "unspecified":
            label += f", workload {self.workload_name}"
        words = {name: said for name, _, said in SETTINGS}
        return label + "".join(f", {words[name]} {shown}" for name, _, shown in self.settings)


@memo.memoised(maxsize=1024)
def _cohort_key(cohort: Cohort) -> str:
    """Cohort.key, worked out once per cohort: series, comparisons and standings key their
    values by it, some twenty times per result."""
    key = cohort.model if cohort.workload == "unspecified" else f"{cohort.model}~{cohort.workload}"
    return key + "".join(f"~{_SHORT_NAMES[name]}-{value}" for name, value, _ in cohort.settings)


@dataclass(frozen=True, slots=True)
class ResultEntry:
    result: LoadTestResult
    source: str  # file name in the run ("x.json", or "sweep.json#c4" for a sweep level)
    runtime: str  # canonical runtime id
    runtime_reason: str
    measured_at: dt.datetime | None  # parsed timestamp, None when it does not parse
    flag: Flag | None = None  # measurement validity (catalog/validity.py); None: a valid measurement
    cohort: Cohort = Cohort()
    cohort_reason: str = ""  # how its model and workload were resolved
    derived: Derived | None = None  # interactivity, throughput per GPU, energy, cost, targets met
    engine_version: str = ""  # the runtime's version, where reported: a change of it is said, not split
    origin: Origin | None = None  # how an imported result was read; None for the load tester's own

    @property
    def excluded(self) -> bool:
        """Flagged (invalid, unreliable, few samples): never best, never ranked."""
        return self.flag is not None

    @property
    def scored(self) -> bool:
        """Whether the scoring contract scores it, so it takes part in standings and history:
        the load tester's results, and imported ones with a concurrency and every value the
        contract reads. The others are shown on their run's page with what they lack."""
        return self.origin is None or self.origin.scored

    @property
    def rate(self) -> float | None:
        """Requests per second of a rate-based load point (it has no concurrency)."""
        return self.origin.rate if self.origin is not None else None

    @property
    def load_point(self) -> str:
        """How its load is named: "c=4", or "rate 8 req/s" for a rate-based result."""
        if self.origin is not None and self.origin.rate is not None:
            return self.origin.load_point
        return f"c={self.result.concurrency}"

    def reported(self, field: str) -> bool:
        """Whether the result's file reported `field` (an imported file may not)."""
        return self.origin is None or field not in self.origin.missing

    def interval(self, field: str) -> Interval | None:
        """The 95 % interval of one of the result's values (a LoadTestResult field): of the mean
        of its repeats where it is one, else from its requests, where they give one."""
        found = self.origin.interval(field) if self.origin is not None else None
        if found is None and self.derived is not None:
            found = next((i for i in self.derived.intervals if i.metric == field), None)
        return found


class ScalingPoint(NamedTuple):
    """One result's aggregate throughput at its concurrency: a point of a run's scaling curve."""

    runtime: str
    concurrency: int
    tokens_per_sec: float
    runtime_name: str
    source: str
    invalid: str = ""  # "invalid: <reason>" for an invalid measurement: drawn as a gap
    cohort: str = ""  # Cohort.label: a run of two models draws a line per model
    interval: Interval | None = None  # the 95 % interval of tokens_per_sec, where it has one


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A run as pages about many runs see it: where it is, when, on what, and its headline
    numbers. Small enough to pass between processes and to keep for every run; the catalog
    holds runs as summaries only."""

    id: str  # path relative to its root; stable; its URL
    root: Path
    path: Path
    date: dt.date | None
    date_reason: str
    hardware: str
    hardware_reason: str
    metadata: RunMetadata
    runtimes: tuple[str, ...]  # canonical runtimes of its results, sorted
    n_results: int
    n_files: int
    # Files (and sweep levels) not read as results: invalid, unreadable, or JSON that is not a
    # result. Correctness reports, shown on the run page, are not counted.
    n_skipped: int
    # Per concurrency level, the best composite and grade of each canonical runtime, valid
    # measurements only (what a scorecard's link preview shows).
    composite_by_level: dict[int, dict[str, tuple[float, str]]]
    best_c1: tuple[float, str, str] | None  # top valid c=1 composite, its grade and its file
    curve: tuple[ScalingPoint, ...]
    dated_ahead: bool = False  # its date or a result's timestamp is after the build's: judged by the clock

    @property
    def title(self) -> str:
        return self.metadata.title or self.id

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.date.isoformat() if self.date else "", self.id)

    @property
    def c1_by_runtime(self) -> dict[str, tuple[float, str]]:
        """Best c=1 composite and grade of each canonical runtime, valid measurements only."""
        return self.composite_by_level.get(1, {})

    def composite_at(self, level: int) -> dict[str, tuple[float, str]]:
        return self.composite_by_level[level]


@dataclass(frozen=True, slots=True)
class Run:
    """A run in full: every result, file and scorecard, for its own page and files. Where it is
    and what pages about many runs see of it is its summary, made when it was read."""

    summary: RunSummary
    results: tuple[ResultEntry, ...]  # scoring order: timestamp, then file name
    skipped: tuple[tuple[str, str], ...]  # (file, reason): what `sitegen score` lists as skipped
    files: tuple[Classified, ...]  # every *.json file of the run
    correctness: tuple[tuple[str, CorrectnessReport], ...]
    training: tuple[tuple[str, TrainingStepResult], ...]
    report: ScoreReport  # what `sitegen score` gives on this directory, with imported results it can score
    correctness_runtimes: tuple[str, ...] = ()  # canonical runtime of each correctness report, in order
    other_files: tuple[str, ...] = ()  # the folder's other regular files (not JSON): listed, never published

    # Who and where the run is: its summary's.
    id = property(lambda self: self.summary.id)
    root = property(lambda self: self.summary.root)
    path = property(lambda self: self.summary.path)
    date = property(lambda self: self.summary.date)
    date_reason = property(lambda self: self.summary.date_reason)
    hardware = property(lambda self: self.summary.hardware)
    hardware_reason = property(lambda self: self.summary.hardware_reason)
    metadata = property(lambda self: self.summary.metadata)
    title = property(lambda self: self.summary.title)
    sort_key = property(lambda self: self.summary.sort_key)
    dated_ahead = property(lambda self: self.summary.dated_ahead)
    # And what pages about many runs read of it.
    runtimes = property(lambda self: self.summary.runtimes)
    n_results = property(lambda self: self.summary.n_results)
    n_files = property(lambda self: self.summary.n_files)
    n_skipped = property(lambda self: self.summary.n_skipped)
    c1_by_runtime = property(lambda self: self.summary.c1_by_runtime)
    composite_by_level = property(lambda self: self.summary.composite_by_level)
    best_c1 = property(lambda self: self.summary.best_c1)
    curve = property(lambda self: self.summary.curve)

    def best_at(self, level: int, by: Callable[[ResultEntry], Any] | None = None) -> dict:
        """Per canonical runtime (or per `by(entry)`: runtime and cohort, say), the best
        composite at `level`, its grade and its result file, valid measurements only."""
        return best_at(self.results, self.report, level, by)


def best_at(
    results: Sequence[ResultEntry],
    report: ScoreReport,
    level: int,
    by: Callable[[ResultEntry], Any] | None = None,
) -> dict:
    """`Run.best_at` of a run's results and report (before the run is made)."""
    by_source = {e.source: e for e in results}
    card = report.composite.get(level)
    out: dict = {}
    for rt in card.runtimes if card else ():
        entry = by_source[rt.source_file]
        if entry.excluded:
            continue
        key = entry.runtime if by is None else by(entry)
        if key not in out or rt.composite > out[key][0]:
            out[key] = (rt.composite, rt.grade, rt.source_file)
    return out


def summarise_run(
    identity: dict[str, Any],
    results: Sequence[ResultEntry],
    report: ScoreReport,
    files: Sequence[Classified],
    skipped: Sequence[tuple[str, str]],
) -> RunSummary:
    """A run's summary from its identity (id, root, path, date, date_reason, hardware,
    hardware_reason, metadata, dated_ahead) and what was read of it."""
    by_level = {
        level: {
            runtime: (score, grade) for runtime, (score, grade, _) in best_at(results, report, level).items()
        }
        for level in sorted(report.composite)
    }
    best_c1 = max(best_at(results, report, 1).values(), key=lambda v: (v[0], v[2]), default=None)
    curve = tuple(
        ScalingPoint(
            e.runtime,
            e.result.concurrency,
            e.result.tokens_per_sec,
            e.result.runtime_name,
            e.source,
            f"{e.flag.kind}: {e.flag.reason}" if e.flag and e.flag.kind is Validity.INVALID else "",
            e.cohort.label,
            e.interval("tokens_per_sec"),
        )
        for e in results
        if e.rate is None
    )
    return RunSummary(
        **identity,
        runtimes=tuple(sorted({e.runtime for e in results})),
        n_results=len(results),
        n_files=len(files),
        n_skipped=sum(1 for _, reason in skipped if reason != NOT_A_LOAD_TEST_RESULT),
        composite_by_level=by_level,
        best_c1=best_c1,
        curve=curve,
    )


class _Named:
    """A configured thing shown by its display name (site.toml's `name`, else its id)."""

    __slots__ = ()
    config: HardwareConfig | RuntimeConfig

    @property
    def name(self) -> str:
        return self.config.display_name


@dataclass(frozen=True, slots=True)
class HardwareTarget(_Named):
    id: str
    config: HardwareConfig  # from site.toml, or a bare one for a discovered target
    declared: bool  # listed in site.toml


@dataclass(frozen=True, slots=True)
class RuntimeInfo(_Named):
    id: str
    config: RuntimeConfig
    declared: bool
    spellings: tuple[str, ...]  # every original runtime_name resolved to it


class SeriesPoint(NamedTuple):
    run_id: str
    date: dt.date | None
    value: float | None  # None: no value drawn, an invalid measurement (the reason in `flag`)
    runtime_name: str  # original runtime_name of the result the value comes from
    source: str
    flag: str = ""  # "invalid: ..." or "unreliable: ...": never compared, never best
    engine: str = ""  # the runtime's version, where reported: its hover says it
    spread: float | None = None  # the sample standard deviation of its repeats, where it is a mean of them
    trials: int = 0  # of a rate of requests (errors, passes): how many requests it is a rate of
    interval: tuple[float, float] | None = None  # its 95 % interval (repeats, or its requests), where known


def trusted_points(points: Iterable[SeriesPoint]) -> list[SeriesPoint]:
    """The points changes and noise are computed from: measured, and neither invalid nor
    unreliable. One comprehension, no call per point: a large history has a million points."""
    return [p for p in points if p.value is not None and not p.flag]


class Series(NamedTuple):
    hardware: str
    runtime: str
    metric: str  # e.g. "composite", "decode_tok_s"
    concurrency: int | None  # for per-level metrics
    points: tuple[SeriesPoint, ...]  # in run order (date, then run id)
    cohort: str = "unspecified"  # Cohort.key: series of different models are never joined


@dataclass(frozen=True, slots=True)
class Apart:
    """A standings entry shown apart from the ranking, with the reason."""

    run_id: str
    entry: ResultEntry
    why: str  # "invalid", "unreliable" or "stale"
    reason: str


@dataclass(frozen=True, slots=True)
class Standing:
    """Current standings of one cohort (model and workload) on one hardware target.

    The latest result of each (runtime, concurrency) of the cohort; those that are valid and
    fresh are scored together (`entries`, `report`); invalid, unreliable and stale ones are
    listed apart, never ranked and never best.
    """

    hardware: str
    entries: tuple[tuple[str, ResultEntry], ...]  # (run id, entry), in scoring order
    report: ScoreReport
    cohort: Cohort = Cohort()
    apart: tuple[Apart, ...] = ()
    # The latest valid, fresh imported results the contract cannot score (rate-based, or lacking
    # a value it reads): drawn on the frontier and ranked under latency targets, never scored.
    unranked: tuple[tuple[str, ResultEntry], ...] = ()

    def by_runtime(self) -> dict[str, dict[int, tuple[float, str, str]]]:
        """Canonical runtime -> concurrency -> (composite, grade, run id).

        Standings hold one result per runtime and level, so each cell has one value.
        """
        owner = {f"{run_id}/{e.source}": (e.runtime, run_id) for run_id, e in self.entries}
        out: dict[str, dict[int, tuple[float, str, str]]] = {}
        for c, card in sorted(self.report.composite.items()):
            for rt in card.runtimes:
                runtime, run_id = owner[rt.source_file]
                out.setdefault(runtime, {})[c] = (rt.composite, rt.grade, run_id)
        return out

    def at_lowest_level(self) -> dict[str, tuple[int, float, str]]:
        """Canonical runtime -> (its lowest measured concurrency, composite there, grade there)."""
        return {
            runtime: (min(levels), levels[min(levels)][0], levels[min(levels)][1])
            for runtime, levels in self.by_runtime().items()
        }


@dataclass(frozen=True, slots=True)
class Catalog:
    runs: tuple[RunSummary, ...]  # by date, then id
    hardware: tuple[HardwareTarget, ...]
    runtimes: tuple[RuntimeInfo, ...]
    standings: dict[str, tuple[Standing, ...]]  # hardware id -> one standing per cohort, largest first
    series: tuple[Series, ...]
    diagnostics: tuple[Diagnostic, ...]  # sorted by path

    def runs_on(self, hardware: str) -> tuple[RunSummary, ...]:
        return tuple(r for r in self.runs if r.hardware == hardware)

    def on_target(self, hardware: str) -> Catalog:
        """The part of the catalog one target's page sees: the target, its runs, its series
        and its standings; no runtime list and no diagnostics."""
        return Catalog(
            self.runs_on(hardware),
            tuple(h for h in self.hardware if h.id == hardware),
            (),
            {hardware: self.standings[hardware]} if hardware in self.standings else {},
            tuple(s for s in self.series if s.hardware == hardware),
            (),
        )

    @property
    def rejected_results(self) -> int:
        return sum(1 for d in self.diagnostics if d.level is Level.ERROR)

    @property
    def flagged_results(self) -> int:
        """Results with a validity flag (invalid, unreliable, few samples)."""
        kinds = tuple(f"{kind}: " for kind in Validity)
        return sum(1 for d in self.diagnostics if d.reason.startswith(kinds))
