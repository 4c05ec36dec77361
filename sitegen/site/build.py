"""`sitegen build`: survey the inputs, plan, and carry out the plan (stages.py).

1. **Survey**: discover the runs, load the last build's state (cache.py), and
   decide whether the previous site is the one that state vouches for.
2. **Plan** (plan.py): up to date, update in place, or build from scratch.
3. **Carry it out** (stages.py): read, assemble, draw, finish, put in place,
   remember.

Identical inputs give byte-identical output, whichever the plan and however
many workers carry it out; nothing depends on the clock. When the inputs
(results, site.toml, theme, sitegen itself) hash the same as the last build's,
the site is up to date and nothing is written; that check loads none of the
modules that read runs or draw pages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..catalog.discover import RunDir, WalkNote, discover
from ..catalog.fingerprints import Fingerprints
from ..config import LoadedConfig
from .cache import BuildState, RecordStore, load_state, save_state
from .cache_store import CacheHome, cache_home
from .keys import SiteKeys, notes_key
from .output import MARKER, check_output_dir, marker_inputs, output_lock, real_output, recover_output
from .plan import Plan, Strategy, plan_build

__all__ = ["MARKER", "BuildSummary", "Survey", "build_site"]

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BuildSummary:
    out: Path
    pages: int
    runs: int
    results: int
    skipped: int
    errors: int
    warnings: int
    seconds: float
    up_to_date: bool = False

    def line(self) -> str:
        if self.up_to_date:
            return f"site is up to date ({self.seconds:.2f} s): open {self.out / 'index.html'}"
        return (
            f"built {self.pages} pages from {self.runs} runs and {self.results} results "
            f"({self.skipped} files not read as results: invalid, unreadable or not results; "
            f"{self.errors} errors, {self.warnings} warnings) "
            f"in {self.seconds:.1f} s: open {self.out / 'index.html'}"
        )


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def build_site(
    config: LoadedConfig,
    out: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    force: bool = False,
    workers: int | None = None,
) -> BuildSummary:
    """Build the site into `out` (site.toml's output by default). `workers`: how many processes
    may read and draw (default: every core; 1: this process alone). `force`: reuse nothing of
    the last build."""
    out = real_output(out or config.output_dir)
    check_output_dir(out, config.result_roots)
    with output_lock(out):
        recover_output(out)
        check_output_dir(out, config.result_roots)
        started = time.perf_counter()

        def say(message: str) -> None:
            if progress:
                progress(f"{time.perf_counter() - started:5.1f} s  {message}")

        base_url = config.site.base_url if base_url is None else base_url
        survey = _survey(config, out, base_url, force, say)
        plan, store = _plan(survey, workers or available_cores(), say)
        if plan.strategy is Strategy.UP_TO_DATE:
            _refresh_hashes(survey)
            return BuildSummary(out, 0, 0, 0, 0, 0, 0, time.perf_counter() - started, up_to_date=True)
        say(f"{plan.strategy}: {plan.why}")
        # The one place the modules that read runs and draw pages load: an up-to-date check
        # never needs them (importing them is a third of its time at 10,000 results).
        from .stages import carry_out

        done = carry_out(survey, plan, store, say)
        return BuildSummary(
            out=out,
            pages=done.pages,
            runs=len(done.catalog.runs),
            results=sum(r.n_results for r in done.catalog.runs),
            skipped=sum(r.n_skipped for r in done.catalog.runs),
            errors=sum(d.level == "error" for d in done.catalog.diagnostics),
            warnings=sum(d.level == "warning" for d in done.catalog.diagnostics),
            seconds=time.perf_counter() - started,
        )


@dataclass(frozen=True, slots=True)
class Survey:
    """What a build starts from: its settings, the runs found, and what the last build left."""

    config: LoadedConfig
    out: Path
    base_url: str
    keys: SiteKeys
    run_dirs: tuple[RunDir, ...]
    notes: tuple[WalkNote, ...]
    walk_notes: tuple[tuple[str, str, str], ...]  # the notes as the site shows them
    home: CacheHome | None  # the cache folder (None: no safe place for one)
    last: BuildState | None  # the last build's state, unless unusable or --force
    trusted: bool  # the previous site is the one the last build's signed state vouches for
    prints: Fingerprints  # file hashes, reusing the last build's by stat
    places: dict[Path, int]  # each results root's place in site.toml


def _survey(config: LoadedConfig, out: Path, base_url: str, force: bool, say: Progress) -> Survey:
    keys = SiteKeys.of(config, base_url)
    run_dirs, notes = discover(
        config.result_roots, [config.output_dir, out], config.base_dir, config.site.allow_results_outside
    )
    home = _cache_home(config, out, say)
    state = load_state(home, keys.code, keys.cache_settings, config.today.isoformat(), say)
    # The previous site is trusted (its pages kept, its cards taken) only when the signed state
    # vouches for it: its marker names the inputs the state says it was built from.
    trusted = state is not None and bool(state.site) and marker_inputs(out) == state.site
    last = None if force else state  # --force reuses no page and no hash (but takes trusted cards)
    prints = Fingerprints(last.file_hashes if last else {}, int(config.site.max_file_mb * 1024 * 1024))
    return Survey(
        config,
        out,
        base_url,
        keys,
        tuple(run_dirs),
        tuple(notes),
        tuple(notes_key(notes, config.base_dir)),
        home,
        last,
        trusted,
        prints,
        {root: i for i, root in enumerate(config.result_roots)},
    )


def _plan(survey: Survey, jobs: int, say: Progress) -> tuple[Plan, RecordStore | None]:
    """Fingerprints are taken up front (before anything is read: a change made while the build
    reads is seen by the next build) only when there is a previous site to compare them with;
    otherwise each run's are taken as it is read."""
    fingerprints = site_key = None
    if survey.last is not None and survey.trusted:
        fingerprints = {
            rd.id: survey.prints.run(rd, survey.places.get(rd.root, -1)) for rd in survey.run_dirs
        }
        site_key = survey.keys.site(fingerprints, survey.walk_notes)
        say(f"found {len(survey.run_dirs)} runs and hashed their files")
    else:
        say(f"found {len(survey.run_dirs)} runs")
    home, last = survey.home, survey.last

    def load_store() -> RecordStore | None:
        return RecordStore.load(home, last.site, say) if home is not None and last is not None else None

    return plan_build(survey.run_dirs, last, survey.trusted, fingerprints, site_key, load_store, jobs)


def _refresh_hashes(survey: Survey) -> None:
    """Up to date, but some files were read again only for their stat (a change time moved:
    another checkout hard-linked them, say): their hashes stand, under the stat they have now."""
    if survey.home is not None and survey.last is not None and survey.prints.now != survey.last.file_hashes:
        save_state(survey.home, replace(survey.last, file_hashes=survey.prints.now))


def _cache_home(config: LoadedConfig, out: Path, say: Progress) -> CacheHome | None:
    """This output's cache folder, outside everything contributors write (cache_store.py), or
    None (with the reason said) when there is no safe place for it."""
    home = cache_home(out, [*config.result_roots, config.base_dir])
    if isinstance(home, str):
        say(home)
        return None
    return home
