"""`sitegen build`: catalog -> views -> pages, written beside the target and swapped in at the end.

- A failed build leaves the previous site untouched (it only ever wrote a temporary directory).
- A non-empty output directory that sitegen did not create (no marker file) is never replaced.
- Identical inputs give byte-identical output; nothing depends on the clock.
- When the inputs (results, site.toml, theme, sitegen itself) hash the same as
  the last build's, the site is already up to date and nothing is written.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..catalog.discover import SITE_MARKER, discover
from ..errors import BuildError
from ..safefs import inside
from ..safetext import xml_text
from .incremental import (
    CACHE_FORMAT,
    BuildCache,
    Fingerprints,
    cache_path,
    code_hash,
    config_hash,
    load_cache,
    load_records,
    notes_key,
    save_cache,
    site_key,
    theme_hash,
)
from .urls import Urls

if TYPE_CHECKING:
    from ..catalog.model import Catalog
    from ..config import LoadedConfig

MARKER = SITE_MARKER
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


def check_output_dir(out: Path, roots: list[Path]) -> None:
    """Refuse to replace anything but an empty directory or a site sitegen built, and never write
    the site into, onto or above a results root: a contributor could plant the marker there."""
    real = os.path.realpath(out)
    for root in roots:
        root_real = os.path.realpath(root)
        if inside(real, root_real) or inside(root_real, real):
            where = "is" if real == root_real else "is inside" if inside(real, root_real) else "holds"
            raise BuildError(
                f"{where} the results root {root}; refusing to write the site there. "
                "Choose an output outside every results root (site.toml output, or --out)",
                out,
            )
    if not out.exists():
        return
    if not out.is_dir():
        raise BuildError("exists and is not a directory; refusing to replace it", out)
    if (out / MARKER).is_file():
        return
    if any(out.iterdir()):
        raise BuildError(
            f"is not empty and was not built by sitegen (no {MARKER}); refusing to replace it. "
            "Choose another --out or empty it yourself",
            out,
        )


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lock_path(out: Path) -> Path:
    """The lock file beside the output that one build at a time holds."""
    return out.parent / f".{out.name}.sitegen-lock"


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output's lock for the whole build; a second build refuses at once."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path(out), "a+b")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BuildError(f"cannot write beside the output: {exc.strerror or exc}", out) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildError(
                f"another sitegen build is writing this site (it holds {lock_path(out).name}); "
                "run this one when it has finished",
                out,
            ) from None
        yield
    finally:
        handle.close()  # closing releases the lock


def _old_path(out: Path) -> Path:
    return out.parent / f".{out.name}.sitegen-old"


def recover_output(out: Path) -> None:
    """Put back the previous site when a build was stopped between the two renames of a swap."""
    old = _old_path(out)
    if not out.exists() and (old / MARKER).is_file():
        os.replace(old, out)


def build_site(
    config: LoadedConfig,
    out: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    force: bool = False,
    workers: int | None = None,
) -> BuildSummary:
    out = (out or config.output_dir).absolute()
    check_output_dir(out, config.result_roots)
    with output_lock(out):
        recover_output(out)
        check_output_dir(out, config.result_roots)
        return _build_locked(config, out, base_url, progress, force, workers)


def _build_locked(
    config: LoadedConfig,
    out: Path,
    base_url: str | None,
    progress: Progress | None,
    force: bool,
    workers: int | None,
) -> BuildSummary:
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"{time.perf_counter() - started:5.1f} s  {message}")

    base_url = config.site.base_url if base_url is None else base_url
    # Stage 1, discover and fingerprint, before anything is read: a change made while the
    # build reads is seen by the next build.
    code, theme_key = code_hash(), theme_hash(config)
    settings = config_hash(config)  # site.toml: what every page depends on
    cache_settings = settings + ":" + str(config.base_dir.resolve())  # records hold absolute paths
    run_dirs, notes = discover(config.result_roots, exclude=[config.output_dir, out])
    cache = None if force else load_cache(out, code, cache_settings, say)
    prints = Fingerprints(cache.file_hashes if cache else {}, int(config.site.max_file_mb * 1024 * 1024))
    roots = {root: i for i, root in enumerate(config.result_roots)}
    fingerprints = {rd.id: prints.run(rd, roots.get(rd.root, -1)) for rd in run_dirs}
    key = site_key(code, settings, theme_key, base_url, fingerprints, notes_key(notes, config.base_dir))
    # What every page depends on besides the runs: a run's own files keep when only runs change.
    pages_key = site_key(code, settings, theme_key, base_url, {}, ())
    say(f"found {len(run_dirs)} runs and hashed their files")
    if cache is not None and cache.site == key and (out / MARKER).is_file():
        return BuildSummary(out, 0, 0, 0, 0, 0, 0, time.perf_counter() - started, up_to_date=True)

    # There is work to do: now the modules that do it (an up-to-date check never loads them).
    from .cards import missing_reason
    from .incremental import build_incremental
    from .render import copy_assets, environment
    from .sharded import build_sharded
    from .views import ViewBuilder

    tmp = out.parent / f".{out.name}.sitegen-tmp"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    except OSError as exc:
        raise BuildError(
            f"cannot write beside the output: {exc.strerror or exc}", exc.filename or out
        ) from None
    theme = config.base_dir / config.site.theme if config.site.theme else None
    workers = workers or available_cores()

    def meanwhile(catalog: Catalog, jobs: list) -> None:
        """The files around the pages; runs in this process while workers render."""
        copy_assets(tmp, theme)
        _write_extras(tmp, [job.url for job in jobs if job.template is not None], base_url)

    no_cards = None
    if config.site.preview_images:
        no_cards = missing_reason() or (
            None if base_url else "no base URL: no preview images (link previews need their absolute address)"
        )
        if no_cards:
            say(no_cards)
    cards_from = out if config.site.preview_images and not no_cards else None

    try:
        # Stages 2 to 4, read, assemble and render: incrementally where the last build left a
        # usable cache and site, else from scratch, in parallel where there is more than one core.
        templates_cache = cache_path(out).parent / "templates"
        templates_cache.mkdir(parents=True, exist_ok=True)
        env = environment(theme, templates_cache)
        previous = (
            cache is not None
            and cache.has_records
            and (out / MARKER).is_file()
            and load_records(out, cache, say)
        )
        changed = sum(
            1 for run_id, fp in fingerprints.items() if previous and cache.fingerprints.get(run_id) != fp
        )
        if previous and workers > 1 and changed * 2 > len(fingerprints):
            # Most runs changed (a bulk import): reading them in parallel beats reusing the rest.
            say(f"{changed} of {len(fingerprints)} runs changed: building from scratch, in parallel")
            previous = False
        if previous or workers == 1:
            built = build_incremental(
                config,
                out,
                tmp,
                base_url,
                env,
                cache if previous and cache is not None else BuildCache(CACHE_FORMAT, code, cache_settings),
                run_dirs,
                notes,
                fingerprints,
                pages_key,
                cards_from,
                say,
            )
            jobs = ViewBuilder(built.catalog, config.site, config.contract, base_url, cards_from).jobs()
            meanwhile(built.catalog, jobs)
        else:
            built = build_sharded(
                config, tmp, base_url, env, workers, say, meanwhile, cards_from, run_dirs, notes
            )
            outputs = ViewBuilder(
                built.catalog, config.site, config.contract, base_url, cards_from
            ).run_output_keys(pages_key, fingerprints)
            built = replace(built, outputs=outputs)
        catalog, pages = built.catalog, built.pages
        say(f"wrote {pages} pages and the source files of {len(catalog.runs)} runs")
        (tmp / MARKER).write_text(
            json.dumps({"generator": "sitegen", "version": __version__, "inputs": key}, indent=1) + "\n",
            encoding="utf-8",
        )
        _swap(tmp, out)
    except OSError as exc:  # a disk that is full, read-only or gone: one line, the old site kept
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"cannot write the site: {exc.strerror or exc}", exc.filename or out) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # Stage 5: what the next build starts from (after the swap: a failed build keeps the old one).
    try:
        next_cache = BuildCache(CACHE_FORMAT, code, cache_settings, prints.now, fingerprints)
        if previous and cache is not None:  # records made by the last build keep their pickled form
            next_cache.pickled, next_cache.previous_records = cache.pickled, cache.previous_records
        next_cache.records, next_cache.latest, next_cache.outputs, next_cache.site = (
            built.records,
            built.latest,
            built.outputs,
            key,
        )
        save_cache(out, next_cache)
    except OSError as exc:
        say(f"could not save the build cache ({exc.strerror or exc}); the next build starts from scratch")
    return BuildSummary(
        out=out,
        pages=pages,
        runs=len(catalog.runs),
        results=sum(r.n_results for r in catalog.runs),
        skipped=sum(r.n_skipped for r in catalog.runs),
        errors=sum(d.level == "error" for d in catalog.diagnostics),
        warnings=sum(d.level == "warning" for d in catalog.diagnostics),
        seconds=time.perf_counter() - started,
    )


def _write_extras(tmp: Path, urls: list[str], base_url: str) -> None:
    (tmp / ".nojekyll").write_text("", encoding="utf-8")
    base = base_url.rstrip("/") + "/" if base_url else ""
    entries = "".join(
        f"  <url><loc>{_xml(base + url)}</loc></url>\n" for url in sorted(urls) if url != Urls.not_found
    )
    (tmp / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n",
        encoding="utf-8",
    )


def _xml(text: str) -> str:
    return xml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _swap(tmp: Path, out: Path) -> None:
    """Put the new site in place. Where the system can exchange two directories in one step
    (Linux renameat2), there is no moment without a site; elsewhere two renames, and a build
    stopped between them is repaired by `recover_output` at the next build or serve."""
    if not out.exists():
        os.replace(tmp, out)
    elif _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # it now holds the previous site
    else:
        old = _old_path(out)
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where that is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
