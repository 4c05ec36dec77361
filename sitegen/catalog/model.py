"""The catalog's typed values: what the site pages read. Frozen; built once per build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..config import HardwareConfig, RuntimeConfig
from ..results import LoadTestResult
from ..scoring.report import ScoreReport
from ..training import TrainingStepResult
from .classify import Classified, CorrectnessReport
from .metadata import RunMetadata


class Level(StrEnum):
    ERROR = "error"  # a file that looks like a result was rejected
    WARNING = "warning"  # read, but something about it is suspicious
    INFO = "info"  # not a result, and that is fine


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str  # relative to its results root (run id / file name), or a root path
    level: Level
    reason: str


@dataclass(frozen=True, slots=True)
class ResultEntry:
    result: LoadTestResult
    source: str  # file name in the run ("x.json", or "sweep.json#c4" for a sweep level)
    runtime: str  # canonical runtime id
    runtime_reason: str
    measured_at: dt.datetime | None  # parsed timestamp, None when it does not parse


@dataclass(frozen=True, slots=True)
class Run:
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

    @property
    def title(self) -> str:
        return self.metadata.title or self.id

    @property
    def runtimes(self) -> tuple[str, ...]:
        return tuple(sorted({e.runtime for e in self.results}))

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.date.isoformat() if self.date else "", self.id)


@dataclass(frozen=True, slots=True)
class HardwareTarget:
    id: str
    config: HardwareConfig  # from site.toml, or a bare one for a discovered target
    declared: bool  # listed in site.toml

    @property
    def name(self) -> str:
        return self.config.display_name


@dataclass(frozen=True, slots=True)
class RuntimeInfo:
    id: str
    config: RuntimeConfig
    declared: bool
    spellings: tuple[str, ...]  # every original runtime_name resolved to it

    @property
    def name(self) -> str:
        return self.config.display_name


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    run_id: str
    date: dt.date | None
    value: float
    runtime_name: str  # original runtime_name of the result the value comes from
    source: str


@dataclass(frozen=True, slots=True)
class Series:
    hardware: str
    runtime: str
    metric: str  # e.g. "composite", "decode_tok_s"
    concurrency: int | None  # for per-level metrics
    points: tuple[SeriesPoint, ...]  # in run order (date, then run id)


@dataclass(frozen=True, slots=True)
class Standing:
    """Current standings of one hardware target: the latest result per (runtime, concurrency)."""

    hardware: str
    entries: tuple[tuple[str, ResultEntry], ...]  # (run id, entry), in scoring order
    report: ScoreReport


@dataclass(frozen=True, slots=True)
class Catalog:
    runs: tuple[Run, ...]  # by date, then id
    hardware: tuple[HardwareTarget, ...]
    runtimes: tuple[RuntimeInfo, ...]
    standings: dict[str, Standing]
    series: tuple[Series, ...]
    diagnostics: tuple[Diagnostic, ...]  # sorted by path

    def runs_on(self, hardware: str) -> tuple[Run, ...]:
        return tuple(r for r in self.runs if r.hardware == hardware)

    @property
    def rejected_results(self) -> int:
        return sum(1 for d in self.diagnostics if d.level is Level.ERROR)
