"""The one way from run folders to what is kept of them: every command and every build reads runs here.

`read_runs` reads a set of run folders. Each run's files are hashed as they are
read (the bytes hashed are the bytes parsed: a file is read once), then the run
is read, resolved, judged and scored (build.read_run) and reduced to its record
(records.py) and the full entries of its standings candidates. The command
line's catalog, an incremental build and a build from scratch all call it; a
build only chooses where it runs: in this process, or in worker processes
(parallel.py), each reading a shard of the runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import LoadedConfig
from .discover import RunDir
from .fingerprints import FileHashes, Fingerprints, StatKey
from .history import StandingCandidates, merge_candidates, standing_candidates
from .model import ResultEntry, Run
from .records import RunRecord, record_of
from .run_folder import read_run

EntryKey = tuple[str, str]  # (run id, file): a result, by its identity


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """A set of run folders to read and what reading them needs. Every field pickles: the
    reader may be another process."""

    config: LoadedConfig
    run_dirs: tuple[RunDir, ...]
    root_places: Mapping[Path, int]  # each results root's place in site.toml: part of a fingerprint
    known_hashes: FileHashes  # hashes taken already (the last build's, or this one's): reused by stat


@dataclass(frozen=True, slots=True)
class RunsRead:
    """What a build keeps of a set of runs it read: each run's record, the full entry of each
    standings candidate that is the latest of its key in the set (the latest of all runs is
    among the latest of each set), each run's fingerprint and the file hashes behind them."""

    records: tuple[RunRecord, ...]
    latest: dict[EntryKey, ResultEntry]
    fingerprints: dict[str, str]  # run id -> fingerprint of its files, taken as they were read
    file_hashes: dict[str, tuple[StatKey, str]]


def read_runs(request: ReadRequest) -> tuple[RunsRead, list[Run]]:
    """Read every run of `request`: what is kept of them, and the runs in full (for their own
    pages; the caller keeps them or lets them go)."""
    config = request.config
    prints = Fingerprints(request.known_hashes, int(config.site.max_file_mb * 1024 * 1024))
    interactivity = config.site.reference_interactivity
    fingerprints: dict[str, str] = {}
    runs: list[Run] = []
    records: list[RunRecord] = []
    latest: dict[str, StandingCandidates] = {}  # per target: the set's latest candidates
    for run_dir in request.run_dirs:
        # Fingerprinted just before it is read, from the same bytes: each file is read once.
        contents: dict[str, bytes] = {}
        fingerprints[run_dir.id] = prints.run(run_dir, request.root_places.get(run_dir.root, -1), contents)
        run, found = read_run(config, run_dir, contents)
        candidates = standing_candidates([run])
        records.append(record_of(run, found, interactivity, candidates))
        merge_candidates(latest.setdefault(run.hardware, {}), candidates)
        runs.append(run)
    entries = {(run_id, e.source): e for part in latest.values() for _, run_id, e in part.values()}
    return RunsRead(tuple(records), entries, fingerprints, prints.now), runs


def read_one(config: LoadedConfig, run_dir: RunDir) -> Run:
    """One run in full, read again (its page must be redrawn, and no reader kept it)."""
    return read_run(config, run_dir)[0]
