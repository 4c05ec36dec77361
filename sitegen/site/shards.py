"""The work a build gives its executors, shard by shard (parallel.py).

Plain functions of picklable values, run in this process or in a worker; a shard's
calls all run in one place, in order:

1. `read_shard`: read the shard's runs (catalog/reading.py, the one read path) and
   keep them here in full; send back what pages about many runs need of them.
2. `write_run_files`: each kept run's exports and source files, made from the run
   alone, while the build puts the catalog together.
3. `draw_runs`: each run's own page and files from the run (kept, or read again
   when no worker kept it) and its context (views/context.py); each kept run is
   let go once drawn.

So no process holds more full runs than those of its own shard, and none at all
once they are drawn.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from ..catalog.discover import RunDir
from ..catalog.fingerprints import StatKey
from ..catalog.model import ResultEntry, Run
from ..catalog.reading import EntryKey, ReadRequest, read_one, read_runs
from ..config import LoadedConfig
from .cache_store import CacheHome
from .cards import Cards
from .raw import link_source_files
from .render import render_jobs, shared_environment
from .sources import SourceLinks
from .views import RunContext, RunPages, export_jobs

# The runs this process read, in full, from read_shard until they are drawn.
_kept: dict[str, Run] = {}


@dataclass(frozen=True, slots=True)
class ShardRead:
    """What a shard sends back of its runs: each record pickled on its own (as the build cache
    keeps it: the build saves it without pickling it again), the full entry of each standings
    candidate that is the latest of its key in the shard, fingerprints and file hashes."""

    records: dict[str, bytes]  # run id -> its pickled RunRecord
    latest: dict[EntryKey, ResultEntry]
    fingerprints: dict[str, str]
    file_hashes: dict[str, tuple[StatKey, str]]


@dataclass(frozen=True, slots=True)
class DrawSetup:
    """Where and how pages are drawn: the new site's folder, the theme, the compiled templates'
    folder and the key of their sources, the base URL and how preview cards are made (None: no
    cards)."""

    out: Path
    config: LoadedConfig  # site settings, the scoring contract, and how to read a run again
    theme: Path | None
    bytecode: CacheHome | None
    templates: str  # the key of the templates' contents (render.shared_environment)
    base_url: str
    cards: Cards | None
    sources: SourceLinks = SourceLinks()  # where run pages link source files (copies, or online)


def read_shard(request: ReadRequest) -> ShardRead:
    """Read the shard's runs; keep them here for their pages."""
    read, runs = read_runs(request)
    _kept.update((run.id, run) for run in runs)
    records = {r.summary.id: pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in read.records}
    return ShardRead(records, read.latest, read.fingerprints, read.file_hashes)


def write_run_files(setup: DrawSetup, run_ids: tuple[str, ...]) -> int:
    """The exports and source files of kept runs (made from the run alone); files written."""
    runs = [_kept[run_id] for run_id in run_ids]
    env = shared_environment(setup.theme, setup.bytecode, setup.templates)
    written = render_jobs(env, setup.out, [job for run in runs for job in export_jobs(run)])
    return written + (0 if setup.sources.linking else link_source_files(runs, setup.out))


@dataclass(frozen=True, slots=True)
class DrawRuns:
    """Runs whose own page and files are to be drawn, each with its context. `files_written`:
    the ids of those whose exports and source files write_run_files wrote already."""

    runs: tuple[tuple[RunDir, RunContext], ...]
    files_written: frozenset[str]


def draw_runs(setup: DrawSetup, job: DrawRuns) -> int:
    """Draw each run's page and files; the number of pages written."""
    config = setup.config
    env = shared_environment(setup.theme, setup.bytecode, setup.templates)
    pages = 0
    for run_dir, context in job.runs:
        run = _kept.pop(run_dir.id, None) or read_one(config, run_dir)
        done = run.id in job.files_written
        builder = RunPages(context, config.site, config.contract, setup.base_url, setup.cards, setup.sources)
        pages += render_jobs(env, setup.out, builder.jobs(run, with_exports=not done))
        if not done and not setup.sources.linking:
            link_source_files([run], setup.out)
    return pages


def forget() -> None:
    """Let go of every run kept here (a build that stopped before drawing them)."""
    _kept.clear()
