"""A build shared among forked worker processes, each owning a shard of the runs.

Reading and scoring runs is most of a large build, and handing full results
between processes costs as much as reading them again. So each worker reads
and scores its own shard and keeps it: it sends the parent only what pages
about many runs need (run summaries, its diagnostics and series points, and
the latest result per runtime and level for the standings). While the parent
puts the whole catalog together, the worker writes what its runs alone make
(their exports and source files); then it renders its runs' pages. The parent
renders the other pages meanwhile. The output is the same, byte for byte, as a
build in one process.

Each worker also fingerprints each run's files before reading it, so a cold
build hashes its inputs in parallel too, and reads every file once: the bytes
hashed are the bytes parsed.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from ..catalog.build import read_run
from ..catalog.discover import RunDir, WalkNote
from ..catalog.history import StandingCandidates, merge_candidates, standing_candidates
from ..catalog.model import Catalog, ResultEntry
from ..catalog.records import RunRecord, record_of
from ..config import LoadedConfig
from ..errors import BuildError
from .cards import Cards
from .incremental import Built, Fingerprints, StatKey, with_full_runs
from .raw import link_source_files
from .render import render_jobs
from .views import ViewBuilder, export_jobs


def build_parallel(
    config: LoadedConfig,
    run_dirs: list[RunDir],
    notes: list[WalkNote],
    prints: Fingerprints,
    roots: dict[Path, int],
    workers: int,
    target: RenderTarget,
    pages_key: str,
    say: Callable[[str], None],
) -> Built:
    """Build every page into `tmp` from scratch with `workers` processes: read in shards,
    assemble the catalog here, render the pages about many runs here while each worker
    renders its own runs' files. `pages_key`: what every page depends on besides the runs."""
    from ..catalog.records import assemble

    with Shards(config, run_dirs, prints, roots, workers, target) as shards:
        shard = shards.read()
        say(
            f"read {sum(r.summary.n_files for r in shard.records)} files: "
            f"{sum(r.summary.n_results for r in shard.records)} results, "
            f"{sum(r.summary.n_skipped for r in shard.records)} not read as results"
        )
        used: dict[tuple[str, str], ResultEntry] = {}

        def entry_of(run_id: str, source: str) -> ResultEntry:
            used[(run_id, source)] = shard.latest[(run_id, source)]
            return used[(run_id, source)]

        catalog = assemble(config, notes, shard.records, entry_of)
        shards.render(catalog)
        builder = ViewBuilder(catalog, config.site, config.contract, target.base_url, target.cards)
        pages = render_jobs(target.env, target.tmp, builder.site_jobs())
        outputs = builder.run_output_keys(pages_key, shard.fingerprints)  # while the workers render
        page_keys = builder.hardware_page_keys(pages_key, shard.fingerprints)
        pages += shards.finish()
    records = {r.summary.id: r for r in shard.records}
    return Built(
        catalog,
        pages,
        records,
        used,
        shard.fingerprints,
        shard.file_hashes,
        outputs,
        pickled=shard.pickled,
        page_keys=page_keys,
    )


def for_run_pages(catalog: Catalog) -> Catalog:
    """The catalog as a run's own page and files need it: every run (for the previous run on
    a target), the targets and runtimes, and which targets have standings; not the series and
    standings themselves, which only pages about many runs show (half of the catalog's bytes)."""
    return replace(catalog, standings={hardware: () for hardware in catalog.standings}, series=())


@dataclass(frozen=True, slots=True)
class RenderTarget:
    """Where and how pages are rendered: the new site's folder, the template environment, the
    base URL, and how preview cards are made (None: no cards)."""

    tmp: Path
    env: object
    base_url: str
    cards: Cards | None


class Shards:
    """Worker processes, each owning a shard of the runs, driven through the build's stages:
    `read` (fingerprint, read and score the shard), `render` (hand over the catalog: each
    worker then renders its runs' files) and `finish` (wait for them). Used as a context
    manager: a build that fails or is interrupted stops its workers at once."""

    def __init__(
        self,
        config: LoadedConfig,
        run_dirs: list[RunDir],
        prints: Fingerprints,
        roots: dict[Path, int],
        workers: int,
        target: RenderTarget,
    ) -> None:
        # fork: a worker starts with the parent's modules, configuration and file hashes in
        # place, instead of importing and pickling them again.
        context = multiprocessing.get_context("fork")
        self.pipes: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for index in range(workers):
            parent_end, child_end = context.Pipe()
            shard = ShardJob(config, run_dirs[index::workers], prints, roots, target)
            process = context.Process(target=_worker, args=(child_end, shard), daemon=True)
            process.start()
            child_end.close()
            self.pipes.append(parent_end)
            self.processes.append(process)

    def __enter__(self) -> Shards:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is None:
            # Every worker has sent its last message and is only exiting: the system frees its
            # memory meanwhile (a third of a second at 50,000 results), so the build goes on.
            # The processes are reaped by multiprocessing at its next start, or by the command
            # line before it ends (cli._exit_now).
            return
        for process in self.processes:
            process.kill()
        for process in self.processes:
            process.join(timeout=30)

    def read(self) -> ShardsRead:
        """Every shard's records, latest entries, fingerprints and file hashes, merged."""
        shards = [_receive(pipe, ShardRead) for pipe in self.pipes]
        pickled = {run_id: blob for shard in shards for run_id, blob in shard.records.items()}
        return ShardsRead(
            [pickle.loads(blob) for blob in pickled.values()],
            pickled,
            {key: entry for shard in shards for key, entry in shard.latest.items()},
            {run_id: fp for shard in shards for run_id, fp in shard.fingerprints.items()},
            {name: value for shard in shards for name, value in shard.file_hashes.items()},
        )

    def render(self, catalog: Catalog) -> None:
        """Hand every worker what run pages need of the catalog, pickled once for all of them."""
        data = pickle.dumps(for_run_pages(catalog), protocol=pickle.HIGHEST_PROTOCOL)
        for pipe in self.pipes:
            try:
                pipe.send_bytes(data)
            except OSError:  # the worker failed (writing its runs' files) and closed its end
                _receive(pipe, ShardWritten)  # raises with the reason the worker sent
                raise

    def finish(self) -> int:
        """The number of pages the workers wrote, once all are done."""
        return sum(_receive(pipe, ShardWritten).pages for pipe in self.pipes)


@dataclass(frozen=True, slots=True)
class ShardJob:
    """What a worker is given: its runs and everything it needs to read and render them."""

    config: LoadedConfig
    run_dirs: list[RunDir]
    prints: Fingerprints
    roots: dict[Path, int]
    target: RenderTarget


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ShardRead:
    """A worker's first message: its runs' fingerprints (their files hashed before they are
    read) and the hashes behind them, the record of each run (pickled on its own, as the
    build cache keeps it: the parent saves it without pickling it again), and the full entry
    of each standings candidate that is the latest of its key within the shard (the latest of
    all shards is among them)."""

    records: dict[str, bytes]  # run id -> its pickled RunRecord
    latest: dict[tuple[str, str], ResultEntry]  # (run id, file) -> entry
    fingerprints: dict[str, str]  # run id -> fingerprint
    file_hashes: dict[str, tuple[StatKey, str]]


@dataclass(frozen=True, slots=True)
class ShardsRead:
    """Every worker's first message, merged: the records loaded, and as they were sent."""

    records: list[RunRecord]
    pickled: dict[str, bytes]  # run id -> the record as pickled by its worker
    latest: dict[tuple[str, str], ResultEntry]
    fingerprints: dict[str, str]
    file_hashes: dict[str, tuple[StatKey, str]]


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


def _receive_catalog(pipe: Connection) -> Catalog:
    """The catalog the parent sent (as pickled bytes, see Shards.render)."""
    catalog = pickle.loads(pipe.recv_bytes())
    if not isinstance(catalog, Catalog):
        raise BuildError(f"the build sent {type(catalog).__name__}, not the catalog")
    return catalog


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when the build process dies (Linux): a worker waiting
    for the catalog would otherwise wait forever, since the pipes it inherited stay open."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


def _worker(pipe: Connection, job: ShardJob) -> None:
    _die_with_parent()
    try:
        config, site = job.config, job.config.site
        fingerprints: dict[str, str] = {}
        runs, records = [], []
        latest: dict[str, StandingCandidates] = {}  # the shard's latest candidates, per target
        for run_dir in job.run_dirs:
            # Fingerprinted just before it is read, from the same bytes: each file is read once.
            contents: dict[str, bytes] = {}
            fingerprints[run_dir.id] = job.prints.run(run_dir, job.roots.get(run_dir.root, -1), contents)
            run, found = read_run(config, run_dir, contents)
            runs.append(run)
            candidates = standing_candidates([run])
            records.append(record_of(run, found, site.reference_interactivity, candidates))
            merge_candidates(latest.setdefault(run.hardware, {}), candidates)
        entries = {(run_id, e.source): e for part in latest.values() for _, run_id, e in part.values()}
        pickled = {r.summary.id: pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in records}
        pipe.send(ShardRead(pickled, entries, fingerprints, job.prints.now))
        # While the parent puts the catalog together: the files made from these runs alone.
        target = job.target
        pages = render_jobs(target.env, target.tmp, [j for run in runs for j in export_jobs(run)])
        link_source_files(runs, target.tmp)
        catalog = _receive_catalog(pipe)
        # The builder sees every run as a summary; this worker's own runs in full, for their pages.
        local = with_full_runs(catalog, {r.id: r for r in runs})
        builder = ViewBuilder(local, site, config.contract, target.base_url, target.cards)
        only = {r.id for r in runs}
        pages += render_jobs(target.env, target.tmp, builder.run_jobs(only=only, with_exports=False))
        pipe.send(ShardWritten(pages))
    except BaseException:  # the parent reports it as a build error
        pipe.send(WorkerFailed(traceback.format_exc(limit=-3).strip().splitlines()[-1]))
    finally:
        pipe.close()
    # Every file is written and closed, and the parent has this worker's last message: end here,
    # rather than free the shard's runs object by object on the way out (the system frees them
    # at once).
    os._exit(0)
