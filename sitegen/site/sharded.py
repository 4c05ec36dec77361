"""A build shared among forked worker processes, each owning a shard of the runs.

Reading and scoring runs is most of a large build, and handing full results
between processes costs as much as reading them again. So each worker reads
and scores its own shard and keeps it: it sends the parent only what pages
about many runs need (run summaries, its diagnostics and series points, and
the latest result per runtime and level for the standings), then, once the
parent has put the whole catalog together, renders its own runs' pages and
files. The parent renders the other pages meanwhile. The output is the same,
byte for byte, as a build in one process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from ..catalog.build import read_run
from ..catalog.discover import RunDir, WalkNote
from ..catalog.history import StandingCandidates, standing_candidates
from ..catalog.model import Catalog, ResultEntry
from ..catalog.records import RunRecord, assemble, record_of
from ..config import LoadedConfig
from ..errors import BuildError
from .incremental import Built
from .raw import link_source_files
from .render import render_jobs
from .views import ViewBuilder


def build_sharded(
    config: LoadedConfig,
    tmp: Path,
    base_url: str,
    env,
    workers: int,
    say: Callable[[str], None],
    meanwhile: Callable[[Catalog, list], None],
    cards_from: Path | None,
    run_dirs: list[RunDir],
    notes: list[WalkNote],
) -> Built:
    """Build every page into `tmp` with `workers` processes: the catalog (of run summaries),
    the pages written, and every run's record for the next build's cache."""
    site = config.site
    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for index in range(workers):
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_worker,
            args=(child_end, config, run_dirs[index::workers], tmp, env, base_url, cards_from),
            daemon=True,
        )
        process.start()
        child_end.close()
        pipes.append(parent_end)
        processes.append(process)
    try:
        shards = [_receive(pipe, ShardRead) for pipe in pipes]
        records = [record for shard in shards for record in shard.records]
        say(
            f"read {sum(r.summary.n_files for r in records)} files: "
            f"{sum(r.summary.n_results for r in records)} results, "
            f"{sum(r.summary.n_skipped for r in records)} not read as results"
        )
        latest = {key: entry for shard in shards for key, entry in shard.latest.items()}
        used: dict[tuple[str, str], ResultEntry] = {}

        def entry_of(run_id: str, source: str) -> ResultEntry:
            used[(run_id, source)] = latest[(run_id, source)]
            return used[(run_id, source)]

        catalog = assemble(config, notes, records, entry_of)
        for pipe in pipes:
            pipe.send(catalog)
        builder = ViewBuilder(catalog, site, config.contract, base_url, cards_from)
        jobs = builder.jobs()
        pages = render_jobs(env, tmp, [job for job in jobs if not job.per_run])
        meanwhile(catalog, jobs)
        pages += sum(_receive(pipe, ShardWritten).pages for pipe in pipes)
    except BaseException:
        for process in processes:  # a failed build stops its workers at once
            process.kill()
        raise
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return Built(catalog, pages, {r.summary.id: r for r in records}, used, {})


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ShardRead:
    """A worker's first message: the record of each of its runs, and the full entry of each
    standings candidate that is the latest of its key within the shard (the latest of all
    shards is among them)."""

    records: list[RunRecord]
    latest: dict[tuple[str, str], ResultEntry]  # (run id, file) -> entry


@dataclass(frozen=True, slots=True)
class ShardWritten:
    """A worker's last message: how many pages it wrote."""

    pages: int


@dataclass(frozen=True, slots=True)
class WorkerFailed:
    """Sent instead when a worker fails; the parent reports it as a build error."""

    reason: str


def _receive(pipe: Connection, expected: type[T]) -> T:
    try:
        message = pipe.recv()
    except EOFError:
        raise BuildError("a build worker stopped without a word") from None
    if isinstance(message, WorkerFailed):
        raise BuildError(f"a build worker failed: {message.reason}")
    if not isinstance(message, expected):
        raise BuildError(f"a build worker sent {type(message).__name__}, not {expected.__name__}")
    return message


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when the build process dies (Linux): a worker waiting
    for the catalog would otherwise wait forever, since the pipes it inherited stay open."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


def _worker(
    pipe: Connection, config: LoadedConfig, run_dirs, tmp: Path, env, base_url: str, cards_from: Path | None
) -> None:
    _die_with_parent()
    try:
        site = config.site
        runs, records = [], []
        for run_dir in run_dirs:
            run, found = read_run(config, run_dir)
            runs.append(run)
            records.append(record_of(run, found, site.reference_interactivity))
        latest: dict[str, StandingCandidates] = {}
        for run in runs:
            standing_candidates([run], latest.setdefault(run.hardware, {}))
        entries = {(run_id, e.source): e for part in latest.values() for _, run_id, e in part.values()}
        pipe.send(ShardRead(records, entries))
        catalog: Catalog = pipe.recv()
        mine = {r.id for r in runs}
        full = {r.id: r for r in runs}
        # The builder sees every run as a summary; this worker's own runs in full, for their pages.
        local = replace(catalog, runs=tuple(full.get(r.id, r) for r in catalog.runs))
        builder = ViewBuilder(local, site, config.contract, base_url, cards_from)
        jobs = [job for job in builder.jobs() if job.per_run and job.run_id in mine]
        pages = render_jobs(env, tmp, jobs)
        link_source_files(runs, tmp)
        pipe.send(ShardWritten(pages))
    except BaseException:  # the parent reports it as a build error
        pipe.send(WorkerFailed(traceback.format_exc(limit=-3).strip().splitlines()[-1]))
    finally:
        pipe.close()
