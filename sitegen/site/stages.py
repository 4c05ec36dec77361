"""The stages of a build, carried out top to bottom on its plan (plan.py).

3. **Read** the runs the plan names, each shard in its worker (parallel.py), which
   keeps them in full; write their exports and source files meanwhile.
4. **Assemble** the catalog from every run's record: those just read and those
   reused from the cache.
5. **Draw** what changed: each run's own page and files in the worker that keeps
   it, from the run and its context; the pages about many runs here.
6. **Finish** the site (assets, sitemap, marker) and put it in place: swapped in
   whole, or merged into the previous site (merge.py).
7. **Remember** what was made (cache.py), for the next build.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..catalog.discover import RunDir
from ..catalog.fingerprints import FileHashes, Fingerprints
from ..catalog.model import Catalog, ResultEntry
from ..catalog.reading import EntryKey, ReadRequest, read_one
from ..catalog.records import assemble
from ..config import LoadedConfig
from ..errors import BuildError
from ..gcpause import collector_paused
from ..parallel import workers
from ..safetext import xml_element_text
from ..urls import Urls, disk_path
from .build import Survey
from .cache import CACHE_FORMAT, BuildState, RecordStore, save_state
from .cache_store import CacheHome
from .cards import Cards, missing_reason
from .keys import SiteKeys
from .merge import merge_into
from .output import MARKER, fresh_tmp, swap
from .plan import Drawing, Plan, pages_to_draw
from .render import copy_assets, render_jobs, shared_environment
from .shards import DrawRuns, DrawSetup, ShardRead, draw_runs, forget, read_shard, write_run_files
from .sources import SourceLinks
from .views import RunContext, ViewBuilder

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Done:
    """What a build made: its catalog and how many pages the site holds."""

    catalog: Catalog
    pages: int


def carry_out(survey: Survey, plan: Plan, store: RecordStore | None, say: Progress) -> Done:
    """Read, assemble, draw, finish and put in place, remember; with the collector paused
    (gcpause.py), in the workers too: they fork from here."""
    with collector_paused():
        return _carry_out(survey, plan, store, say)


def _carry_out(survey: Survey, plan: Plan, store: RecordStore | None, say: Progress) -> Done:
    config, out, keys, home = survey.config, survey.out, survey.keys, survey.home
    base_url, run_dirs = survey.base_url, survey.run_dirs
    theme = config.base_dir / config.site.theme if config.site.theme else None
    cards = _cards(config, out if survey.trusted else None, base_url, say)
    tmp = fresh_tmp(out)
    env = shared_environment(theme, home, keys.templates)  # before the workers fork: they inherit it
    sources = SourceLinks.of(config)
    if sources.note():
        say(sources.note())
    setup = DrawSetup(tmp, config, theme, home, keys.templates, base_url, cards, sources)
    pool = workers(plan.shards)
    try:
        # 3. Read the runs the plan names, each shard in its worker (which keeps them).
        # Hashes taken for the plan (or the last build's), reused by stat.
        known = survey.prints.now if plan.fingerprints else survey.prints.previous
        read = _read(pool, plan, config, survey.places, known)
        files = _write_run_files(pool, setup, read)
        fingerprints = {**plan.fingerprints, **read.fingerprints}
        say(f"read {len(plan.read)} of {len(run_dirs)} runs (the others are unchanged)")

        # 4. Assemble the catalog from every run's record: those just read and those reused.
        dirs = {rd.id: rd for rd in run_dirs}
        catalog, latest = _assemble(config, survey.notes, plan, read, store, dirs)

        # 5. Draw what changed: each run's own files in a worker, the pages about many runs here.
        builder = ViewBuilder(catalog, config.site, config.contract, base_url, cards)
        contexts = builder.run_contexts()
        page_keys = builder.hardware_page_keys(keys.pages, fingerprints)
        drawing = pages_to_draw(plan, contexts, fingerprints, keys.pages, page_keys, store)
        say(f"drawing the pages of {len(drawing.runs)} runs; {len(drawing.kept)} are reused")
        drawn = _draw_runs(pool, setup, drawing, contexts, read, dirs)
        pages = render_jobs(env, tmp, [j for j in builder.site_jobs() if j.url not in drawing.kept_pages])
        pages += sum(future.result() for future in drawn) + len(drawing.kept) + len(drawing.kept_pages)
        for future in files:
            future.result()
        say(f"wrote {pages} pages and the source files of {len(drawing.runs)} runs")

        # 6. Finish the site: the files around the pages, the marker; then put it in place.
        copy_assets(tmp, theme)
        _inline_stylesheet(tmp / disk_path(Urls.not_found), tmp / "assets" / "site.css")
        _write_extras(tmp, builder.page_urls(), base_url)
        key = keys.site(fingerprints, survey.walk_notes)
        (tmp / MARKER).write_text(
            json.dumps({"generator": "sitegen", "version": __version__, "inputs": key}, indent=1) + "\n",
            encoding="utf-8",
        )
        if plan.in_place:
            merge_into(tmp, out, _kept_folders(drawing))
        else:
            if not sources.linking:
                say(copied_words(tmp / "raw"))
            swap(tmp, out)
    except BaseException as exc:  # the old site is kept; the workers are stopped at once
        shutil.rmtree(tmp, ignore_errors=True)
        for executor in pool:
            executor.shutdown(wait=True, cancel_futures=True)
        if isinstance(exc, OSError):  # a disk that is full, read-only or gone: one line
            raise BuildError(f"cannot write the site: {exc.strerror or exc}", exc.filename or out) from None
        raise
    finally:
        forget()  # the runs this process kept (its own shard), if any was left undrawn
        for executor in pool:
            executor.shutdown(wait=False)  # a worker ends once it has sent its last result

    # 7. Remember what this build made, for the next one (after the swap: a failed build keeps
    # the old cache).
    survey.prints.take(read.file_hashes)
    linked = set(drawing.runs) | set(read.shard_of)
    for run_dir in run_dirs:
        if run_dir.id in linked:
            survey.prints.after_linking(run_dir)
    if home is not None:
        dated_ahead = any(run.dated_ahead for run in catalog.runs)
        remembered = Remembered(fingerprints, key, read, latest, drawing, dated_ahead)
        _remember(home, keys, config, survey.prints, remembered, store, say)
    for executor in pool:
        executor.shutdown(wait=True)
    return Done(catalog, pages)


@dataclass(frozen=True, slots=True)
class _Read(ShardRead):
    """Every shard's reading, merged, and which shard read each run."""

    shard_of: dict[str, int]  # run id -> the shard that read it (and keeps it)


def _read(
    pool: list[Executor], plan: Plan, config: LoadedConfig, places: dict[Path, int], known: FileHashes
) -> _Read:
    """Each shard's runs read by its worker, the runs dealt out in turn."""
    shards = [plan.read[i :: len(pool)] for i in range(len(pool))]
    futures = [
        executor.submit(read_shard, ReadRequest(config, shard, places, known))
        for executor, shard in zip(pool, shards, strict=True)
    ]
    parts = [future.result() for future in futures]
    return _Read(
        {run_id: blob for part in parts for run_id, blob in part.records.items()},
        {key: entry for part in parts for key, entry in part.latest.items()},
        {run_id: fp for part in parts for run_id, fp in part.fingerprints.items()},
        {path: value for part in parts for path, value in part.file_hashes.items()},
        {rd.id: i for i, shard in enumerate(shards) for rd in shard},
    )


def _write_run_files(pool: list[Executor], setup: DrawSetup, read: _Read) -> list[Future]:
    """Each shard's runs' exports and source files (made from each run alone), written by the
    worker that read them while this process puts the catalog together."""
    ids: list[list[str]] = [[] for _ in pool]
    for run_id, shard in read.shard_of.items():
        ids[shard].append(run_id)
    return [
        executor.submit(write_run_files, setup, tuple(mine)) for executor, mine in zip(pool, ids, strict=True)
    ]


def _assemble(
    config: LoadedConfig,
    notes: list,
    plan: Plan,
    read: _Read,
    store: RecordStore | None,
    dirs: dict[str, RunDir],
) -> tuple[Catalog, dict[EntryKey, ResultEntry]]:
    """The catalog from every run's record, and the full entries of the standings candidates
    it used. Those of runs read now came with their records; those of reused runs come from the
    cache, or, rarely (a candidate that was not the latest last time), from reading the run."""
    records = [pickle.loads(blob) for blob in read.records.values()]
    if store is not None:
        records += [store.record(run_id) for run_id in plan.reused]
    used: dict[EntryKey, ResultEntry] = {}

    def entry_of(run_id: str, source: str) -> ResultEntry:
        key = (run_id, source)
        entry = read.latest.get(key) or (store.latest.get(key) if store is not None else None)
        if entry is None:
            entry = next(e for e in read_one(config, dirs[run_id]).results if e.source == source)
        used[key] = entry
        return entry

    return assemble(config, notes, records, entry_of), used


def _draw_runs(
    pool: list[Executor],
    setup: DrawSetup,
    drawing: Drawing,
    contexts: dict[str, RunContext],
    read: _Read,
    dirs: dict[str, RunDir],
) -> list[Future]:
    """Each run's own page and files, drawn by the worker that keeps it (a run no worker read is
    dealt to the shards in turn, and read again there)."""
    mine: list[list[tuple[RunDir, RunContext]]] = [[] for _ in pool]
    for turn, run_id in enumerate(drawing.runs):
        mine[read.shard_of.get(run_id, turn % len(pool))].append((dirs[run_id], contexts[run_id]))
    written = frozenset(read.shard_of)
    return [
        executor.submit(draw_runs, setup, DrawRuns(tuple(runs), written))
        for executor, runs in zip(pool, mine, strict=True)
    ]


def _kept_folders(drawing: Drawing) -> tuple[str, ...]:
    """The previous site's folders an update in place keeps: the unchanged runs' own folders
    and source files, and the unchanged hardware pages' folders."""
    folders = [os.path.dirname(disk_path(Urls.run(run_id))) for run_id in drawing.kept]
    folders += [os.path.dirname(disk_path(Urls.raw(run_id, "x"))) for run_id in drawing.kept]
    folders += [os.path.dirname(disk_path(url)) for url in sorted(drawing.kept_pages)]
    return tuple(folders)


@dataclass(frozen=True, slots=True)
class Remembered:
    """What a build made that the next one starts from."""

    fingerprints: dict[str, str]
    site: str  # the site's key
    read: _Read
    latest: dict[EntryKey, ResultEntry]  # the standings candidates the catalog used
    drawing: Drawing
    dated_ahead: bool  # some run was judged dated after the build's day


def _remember(
    home: CacheHome,
    keys: SiteKeys,
    config: LoadedConfig,
    prints: Fingerprints,
    made: Remembered,
    store: RecordStore | None,
    say: Progress,
) -> None:
    """The records (those reused, as they were saved, and those read now), then the state that
    names them, each signed."""
    records = store if store is not None else RecordStore()
    for run_id, blob in made.read.records.items():
        records.put(run_id, blob)
    records.keep_only(made.fingerprints)
    state = BuildState(
        CACHE_FORMAT,
        keys.code,
        keys.cache_settings,
        prints.now,
        made.fingerprints,
        made.site,
        config.today.isoformat(),
        made.dated_ahead,
    )
    try:
        records.save(home, made.site, made.latest, made.drawing.outputs, made.drawing.page_keys)
        save_state(home, state)
    except OSError as exc:
        say(f"could not save the build cache ({exc.strerror or exc}); the next build starts from scratch")


def copied_words(raw: Path) -> str:
    """What the copies of the source files add to the site (said on builds from scratch)."""
    files = size = 0
    for folder, _, names in os.walk(raw):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(folder, name)).st_size
    return (
        f"source files: {files:,} copied into the site, {size / 1e6:,.1f} MB; source_url in site.toml "
        "links them where they live instead"
    )


def _cards(config: LoadedConfig, reuse_from: Path | None, base_url: str, say: Progress) -> Cards | None:
    """How preview cards are made (reused from the trusted previous site), or None when none are."""
    if not config.site.preview_images:
        return None
    if not base_url:  # checked first: the drawing library is not even loaded then
        why_not = "no base URL: no preview images (link previews need their absolute address)"
    else:
        why_not = missing_reason()
    if why_not:
        say(why_not)
        return None
    return Cards(reuse_from)


def _inline_stylesheet(page: Path, stylesheet: Path) -> None:
    """Put the published stylesheet inside a page that is served at any address (404.html),
    in place of its `<style data-inline>` placeholder."""
    placeholder = '<style data-inline="assets/site.css"></style>'
    html = page.read_text(encoding="utf-8")
    css = stylesheet.read_text(encoding="utf-8")
    if (
        placeholder not in html or "</style" in css.lower()
    ):  # a theme's own 404, or CSS that would end the element
        return
    page.write_text(html.replace(placeholder, f"<style>\n{css}</style>"), encoding="utf-8")


def _write_extras(tmp: Path, urls: list[str], base_url: str) -> None:
    (tmp / ".nojekyll").write_text("", encoding="utf-8")
    base = base_url.rstrip("/") + "/" if base_url else ""
    entries = "".join(
        f"  <url><loc>{xml_element_text(base + url)}</loc></url>\n"
        for url in sorted(urls)
        if url != Urls.not_found
    )
    (tmp / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n",
        encoding="utf-8",
    )
