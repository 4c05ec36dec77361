"""The catalog's typed values: what the site pages read. Frozen; built once per build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from ..config import HardwareConfig, RuntimeConfig
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
        key = self.model if self.workload == "unspecified" else f"{self.model}~{self.workload}"
        short = {name: abbr for name, abbr, _ in SETTINGS}
        return key + "".join(f"~{short[name]}-{value}" for name, value, _ in self.settings)

    @property
    def label(self) -> str:
        label = f"model {self.model_name}"
        if self.workload != "unspecified":
            label += f", workload {self.workload_name}"
        words = {name: said for name, _, said in SETTINGS}
        return label + "".join(f", {words[name]} {shown}" for name, _, shown in self.settings)


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

    @property
    def excluded(self) -> bool:
        """Flagged (invalid, unreliable, few samples): never best, never ranked."""
        return self.flag is not None


class _RunIdentity:
    """Title and ordering, shared by a run and its summary."""

    __slots__ = ()
    id: str
    date: dt.date | None
    metadata: RunMetadata

    @property
    def title(self) -> str:
        return self.metadata.title or self.id

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.date.isoformat() if self.date else "", self.id)


@dataclass(frozen=True, slots=True)
class Run(_RunIdentity):
    id: str  # path relative to its root; stable; its URL
    root: Path
    path: Path
    date: dt.date | None
    date_reason: str
    hardware: str
    hardware_reason: str
    metadata: RunMetadata
    results: tuple[ResultEntry, ...]  # scoring order: timestamp, then file name
    skipped: tuple[tuple[str, str], ...]  # (file, reason): what `sitegen score` lists as skipped
    files: tuple[Classified, ...]  # every *.json file of the run
    correctness: tuple[tuple[str, CorrectnessReport], ...]
    training: tuple[tuple[str, TrainingStepResult], ...]
    report: ScoreReport  # exactly what `sitegen score` gives on this directory
    correctness_runtimes: tuple[str, ...] = ()  # canonical runtime of each correctness report, in order
    other_files: tuple[
        str, ...
    ] = ()  # the run directory's other regular files (not JSON): listed, never published
    dated_ahead: bool = False  # its date or a result's timestamp is after the build's: judged by the clock

    @property
    def runtimes(self) -> tuple[str, ...]:
        return tuple(sorted({e.runtime for e in self.results}))

    # What pages about many runs read of one run; RunSummary carries the same, precomputed.

    @property
    def n_results(self) -> int:
        return len(self.results)

    @property
    def n_files(self) -> int:
        return len(self.files)

    @property
    def n_skipped(self) -> int:
        """Files (and sweep levels) not read as results: invalid, unreadable, or JSON that is not a
        result. Correctness reports, shown on the run page, are not counted."""
        return sum(1 for _, reason in self.skipped if reason != NOT_A_LOAD_TEST_RESULT)

    @property
    def c1_by_runtime(self) -> dict[str, tuple[float, str]]:
        """Best c=1 composite and grade of each canonical runtime (scored within this run),
        leaving out invalid and unreliable measurements."""
        return {runtime: (score, grade) for runtime, (score, grade, _) in self._c1_best().items()}

    @property
    def composite_by_level(self) -> dict[int, dict[str, tuple[float, str]]]:
        """Per concurrency level, the best composite and grade of each canonical runtime, valid
        measurements only (what a scorecard's link preview shows)."""
        return {level: self.composite_at(level) for level in sorted(self.report.composite)}

    def composite_at(self, level: int) -> dict[str, tuple[float, str]]:
        """`composite_by_level` at one level, computed for that level only."""
        return {runtime: (score, grade) for runtime, (score, grade, _) in self.best_at(level).items()}

    def _c1_best(self) -> dict[str, tuple[float, str, str]]:
        return self.best_at(1)

    def best_at(self, level: int, by: Callable[[ResultEntry], Any] | None = None) -> dict:
        """Per canonical runtime (or per `by(entry)`: runtime and cohort, say), the best
        composite at `level`, its grade and its result file, valid measurements only."""
        by_source = {e.source: e for e in self.results}
        card = self.report.composite.get(level)
        out: dict = {}
        for rt in card.runtimes if card else ():
            entry = by_source[rt.source_file]
            if entry.excluded:
                continue
            key = entry.runtime if by is None else by(entry)
            if key not in out or rt.composite > out[key][0]:
                out[key] = (rt.composite, rt.grade, rt.source_file)
        return out

    @property
    def best_c1(self) -> tuple[float, str, str] | None:
        """The top c=1 composite of the run, its grade and its result file, among valid measurements."""
        return max(self._c1_best().values(), key=lambda v: (v[0], v[2]), default=None)

    @property
    def curve(self) -> tuple[CurvePoint, ...]:
        return tuple(
            CurvePoint(
                e.runtime,
                e.result.concurrency,
                e.result.tokens_per_sec,
                e.result.runtime_name,
                e.source,
                f"{e.flag.kind}: {e.flag.reason}" if e.flag and e.flag.kind is Validity.INVALID else "",
                e.cohort.label,
            )
            for e in self.results
        )

    def summary(self) -> RunSummary:
        return RunSummary(
            id=self.id,
            root=self.root,
            path=self.path,
            date=self.date,
            date_reason=self.date_reason,
            hardware=self.hardware,
            hardware_reason=self.hardware_reason,
            metadata=self.metadata,
            runtimes=self.runtimes,
            n_results=self.n_results,
            n_files=len(self.files),
            n_skipped=self.n_skipped,
            c1_by_runtime=self.c1_by_runtime,
            composite_by_level=self.composite_by_level,
            best_c1=self.best_c1,
            curve=self.curve,
        )


class CurvePoint(NamedTuple):
    """One result's aggregate throughput, for scaling curves."""

    runtime: str
    concurrency: int
    tokens_per_sec: float
    runtime_name: str
    source: str
    invalid: str = ""  # "invalid: <reason>" for an invalid measurement: drawn as a gap
    cohort: str = ""  # Cohort.label: a run of two models draws a line per model


@dataclass(frozen=True, slots=True)
class RunSummary(_RunIdentity):
    """What pages about many runs need of a run, small enough to pass between processes."""

    id: str
    root: Path
    path: Path
    date: dt.date | None
    date_reason: str
    hardware: str
    hardware_reason: str
    metadata: RunMetadata
    runtimes: tuple[str, ...]
    n_results: int
    n_files: int
    n_skipped: int
    c1_by_runtime: dict[str, tuple[float, str]]
    composite_by_level: dict[int, dict[str, tuple[float, str]]]
    best_c1: tuple[float, str, str] | None
    curve: tuple[CurvePoint, ...]

    def composite_at(self, level: int) -> dict[str, tuple[float, str]]:
        return self.composite_by_level[level]


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
    runs: tuple[Run, ...] | tuple[RunSummary, ...]  # by date, then id; summaries in a sharded build
    hardware: tuple[HardwareTarget, ...]
    runtimes: tuple[RuntimeInfo, ...]
    standings: dict[str, tuple[Standing, ...]]  # hardware id -> one standing per cohort, largest first
    series: tuple[Series, ...]
    diagnostics: tuple[Diagnostic, ...]  # sorted by path

    def runs_on(self, hardware: str) -> tuple[Run, ...]:
        return tuple(r for r in self.runs if r.hardware == hardware)

    @property
    def rejected_results(self) -> int:
        return sum(1 for d in self.diagnostics if d.level is Level.ERROR)

    @property
    def flagged_results(self) -> int:
        """Results with a validity flag (invalid, unreliable, few samples)."""
        kinds = tuple(f"{kind}: " for kind in Validity)
        return sum(1 for d in self.diagnostics if d.reason.startswith(kinds))
