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

from ..catalog.build import (
    hardware_targets,
    read_runs,
    runtimes_from,
    series_order,
    spellings_of,
    walk_diagnostics,
)
from ..catalog.discover import discover
from ..catalog.history import (
    StandingCandidates,
    compute_series,
    merge_candidates,
    merge_series,
    newest_date,
    standing_candidates,
    standing_from,
)
from ..catalog.model import Catalog, Diagnostic, RunSummary, Series
from ..config import LoadedConfig
from ..errors import BuildError
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
    cards_from: Path | None = None,
    exclude: tuple[Path, ...] = (),
) -> tuple[Catalog, int]:
    """Build every page into `tmp` with `workers` processes; return the catalog (of run summaries) and the page count."""
    site = config.site
    run_dirs, notes = discover(config.result_roots, exclude=[config.output_dir, *exclude])
    say(f"found {len(run_dirs)} runs")
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
        summaries = sorted((s for shard in shards for s in shard.summaries), key=lambda r: r.sort_key)
        say(
            f"read {sum(r.n_files for r in summaries)} files: {sum(r.n_results for r in summaries)} results, "
            f"{sum(r.n_skipped for r in summaries)} not read as results"
        )
        hardware = hardware_targets(site.hardware, {r.hardware for r in summaries})
        spellings: dict[str, set[str]] = {}
        for shard in shards:
            for runtime, names in shard.spellings.items():
                spellings.setdefault(runtime, set()).update(names)
        standings = {}
        for target in hardware:
            parts = [shard.candidates[target.id] for shard in shards if target.id in shard.candidates]
            if parts:
                standings[target.id] = standing_from(
                    target.id,
                    merge_candidates(parts),
                    config.contract,
                    site.quality.stale_after_days,
                    newest_date([r for r in summaries if r.hardware == target.id]),
                )
        order = {r.id: i for i, r in enumerate(summaries)}
        series = sorted(merge_series([shard.series for shard in shards], order), key=series_order)
        diagnostics = walk_diagnostics(notes, config.base_dir)
        diagnostics += [d for shard in shards for d in shard.diagnostics]
        diagnostics.sort(key=lambda d: (d.path, d.level, d.reason))
        catalog = Catalog(
            tuple(summaries),
            tuple(hardware),
            runtimes_from(spellings, site.runtime),
            standings,
            tuple(series),
            tuple(diagnostics),
        )
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
    return catalog, pages


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ShardRead:
    """A worker's first message: what pages about many runs need of its runs."""

    summaries: list[RunSummary]
    diagnostics: list[Diagnostic]
    series: list[Series]
    candidates: dict[str, StandingCandidates]  # hardware id -> the latest entry per key
    spellings: dict[str, set[str]]


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
        runs, diagnostics = read_runs(config, run_dirs)
        candidates: dict[str, StandingCandidates] = {}
        series = []
        for run in runs:
            standing_candidates([run], candidates.setdefault(run.hardware, {}))
            series.extend(compute_series(run.hardware, [run], site.reference_interactivity))
        spellings = spellings_of(runs)
        pipe.send(ShardRead([r.summary() for r in runs], diagnostics, series, candidates, spellings))
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
