"""`sitegen build`: catalog -> views -> pages, written beside the target and put in place at the end.

- A build that fails while reading or rendering leaves the previous site untouched (it only
  wrote a temporary directory); a whole new site is swapped in, an incremental build's files
  are moved in (merge.py).
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
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..catalog.discover import SITE_MARKER, SITE_UPDATING_MARKER, discover
from ..errors import BuildError
from ..safefs import Refused, display, inside, read_regular
from ..safetext import xml_element_text
from ..urls import Urls, disk_path
from ..worktree import tracked_files
from .cache_store import CacheHome, cache_home
from .incremental import (
    CACHE_FORMAT,
    BuildCache,
    Fingerprints,
    code_hash,
    config_hash,
    load_cache,
    load_records,
    notes_key,
    save_cache,
    save_state,
    site_key,
    theme_hash,
)

if TYPE_CHECKING:
    from ..config import LoadedConfig
    from .cards import Cards

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
    """Refuse to replace anything but an empty directory or a site sitegen built, never write
    the site into, onto or above a results root (a contributor could plant the marker there),
    and never take a folder git tracks as sitegen's (a contributor could commit one)."""
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
    tracked = tracked_files(real)
    if tracked:
        raise BuildError(
            f"git tracks {len(tracked)} file(s) in it ({display(tracked[0])}, ...): a site sitegen "
            "builds is never committed, and a committed one is not trusted. Remove it from the "
            "repository (git rm -r --cached) or choose another output",
            out,
        )
    if (out / MARKER).is_file() or (out / SITE_UPDATING_MARKER).is_file():
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
    """The lock file beside the output that one build at a time holds (`out` is a real path:
    two names of one folder share its lock)."""
    return out.parent / f".{out.name}.sitegen-lock"


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output's lock for the whole build; a second build refuses at once."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(lock_path(out))
    except OSError as exc:
        raise BuildError(f"cannot write beside the output: {exc.strerror or exc}", out) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildError(
                f"another sitegen build is writing this site (it holds {lock_path(out).name}); "
                "run this one when it has finished",
                out,
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock(path: Path) -> int:
    """The lock file, never through a link: anything else found under its name (a link or a
    folder a contributor committed) is not sitegen's lock, and is set aside first."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError:
        _remove(path)
        fd = os.open(path, flags, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path.name} is not a regular file")
    return fd


def _remove(path: Path) -> None:
    """Whatever stands at `path`, removed without following a link."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _old_path(out: Path) -> Path:
    return out.parent / f".{out.name}.sitegen-old"


def recover_output(out: Path) -> None:
    """Put back the previous site when a build was stopped between the two renames of a swap
    (a real folder with the marker: a link someone left under that name is never taken)."""
    old = _old_path(out)
    if not os.path.lexists(out) and not old.is_symlink() and (old / MARKER).is_file():
        os.replace(old, out)


def build_site(
    config: LoadedConfig,
    out: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    force: bool = False,
    workers: int | None = None,
) -> BuildSummary:
    out = real_output(out or config.output_dir)
    check_output_dir(out, config.result_roots)
    with output_lock(out):
        recover_output(out)
        check_output_dir(out, config.result_roots)
        return _build_locked(config, out, base_url, progress, force, workers)


def real_output(out: Path) -> Path:
    """The output as its real path: an output reached through a link is written where the link
    leads, and the lock, the temporary folder and the cache follow it there."""
    return Path(os.path.realpath(out.absolute()))


@dataclass(frozen=True, slots=True)
class SiteKeys:
    """What every output depends on besides the runs: sitegen's code and default theme,
    site.toml, the theme and the base URL."""

    code: str
    settings: str
    theme: str
    base_url: str
    cache_settings: str  # site.toml and where it lies: cached records hold absolute paths

    @classmethod
    def of(cls, config: LoadedConfig, base_url: str) -> SiteKeys:
        settings = config_hash(config)
        return cls(
            code_hash(), settings, theme_hash(config), base_url, f"{settings}:{config.base_dir.resolve()}"
        )

    def site(self, fingerprints: dict[str, str], notes: list) -> str:
        """The key of the whole site: unchanged means up to date."""
        return site_key(self.code, self.settings, self.theme, self.base_url, fingerprints, notes)

    @property
    def pages(self) -> str:
        """The key of everything but the runs: a run's own files keep when only other runs change."""
        return site_key(self.code, self.settings, self.theme, self.base_url, {}, ())


def _build_locked(
    config: LoadedConfig,
    out: Path,
    base_url: str | None,
    progress: Progress | None,
    force: bool,
    workers: int | None,
) -> BuildSummary:
    """The stages: discover and fingerprint, check whether anything changed, read and render
    (incrementally in this process, or from scratch in parallel), write the files around the
    pages, swap the new site in, save the cache for the next build."""
    started = time.perf_counter()

    def say(message: str) -> None:
        if progress:
            progress(f"{time.perf_counter() - started:5.1f} s  {message}")

    base_url = config.site.base_url if base_url is None else base_url
    workers = workers or available_cores()
    keys = SiteKeys.of(config, base_url)

    # 1. Discover the runs and, before anything is read, fingerprint their files (a change made
    # while the build reads is seen by the next build). With nothing to reuse and more than one
    # core, the workers fingerprint their own shards instead.
    run_dirs, notes = discover(
        config.result_roots, [config.output_dir, out], config.base_dir, config.site.allow_results_outside
    )
    walk_notes = notes_key(notes, config.base_dir)
    home = _cache_home(config, out, say)
    last = load_cache(home, keys.code, keys.cache_settings, config.today.isoformat(), say)
    # The previous site is trusted (its pages kept, its cards taken) only when the signed cache
    # vouches for it: its marker names the inputs the cache says it was built from. --force
    # reuses no page and no hash, but still takes trusted cards.
    trusted = last is not None and bool(last.site) and _marker_inputs(out) == last.site
    cache = None if force else last
    prints = Fingerprints(cache.file_hashes if cache else {}, int(config.site.max_file_mb * 1024 * 1024))
    roots = {root: i for i, root in enumerate(config.result_roots)}
    reusable = trusted and cache is not None and cache.has_records
    fingerprints: dict[str, str] | None = None
    if reusable or workers == 1:
        fingerprints = {rd.id: prints.run(rd, roots.get(rd.root, -1)) for rd in run_dirs}
        say(f"found {len(run_dirs)} runs and hashed their files")
        # 2. Nothing changed: nothing to do.
        if cache is not None and cache.site == keys.site(fingerprints, walk_notes) and reusable:
            if home is not None and prints.now != cache.file_hashes:
                # Files read again only for their stat (a change time moved: another checkout
                # hard-linked them, say): their hashes stand, under the stat they have now.
                save_state(home, replace(cache, file_hashes=prints.now))
            return BuildSummary(out, 0, 0, 0, 0, 0, 0, time.perf_counter() - started, up_to_date=True)
    else:
        say(f"found {len(run_dirs)} runs")

    # There is work to do: now the modules that do it (an up-to-date check never loads them).
    from .incremental import build_incremental
    from .merge import merge_into
    from .render import copy_assets, environment
    from .views import ViewBuilder

    theme = config.base_dir / config.site.theme if config.site.theme else None
    cards = _cards(config, out if trusted else None, base_url, say)
    tmp = _fresh_tmp(out)
    try:
        env = environment(theme, home)
        # 3. Read and render: incrementally from the last build's cache and site, else from
        # scratch, in parallel where there is more than one core.
        previous = reusable and cache is not None and home is not None and load_records(home, cache, say)
        if previous and workers > 1 and fingerprints is not None and _mostly_changed(cache, fingerprints):
            say("most runs changed: building from scratch, in parallel")
            previous = False
        if previous or workers == 1:
            assert fingerprints is not None
            start_from = (
                cache
                if previous and cache is not None
                else BuildCache(CACHE_FORMAT, keys.code, keys.cache_settings)
            )
            built = build_incremental(
                config, tmp, base_url, env, start_from, run_dirs, notes, fingerprints,
                keys.pages, cards, say, in_place=bool(previous),
            )  # fmt: skip
        else:
            from .sharded import RenderTarget, build_parallel  # processes: only for this strategy

            target = RenderTarget(tmp, env, base_url, cards)
            built = build_parallel(config, run_dirs, notes, prints, roots, workers, target, keys.pages, say)
            prints.now.update(built.file_hashes)
        catalog, fingerprints = built.catalog, built.fingerprints
        say(f"wrote {built.pages} pages and the source files of {len(catalog.runs)} runs")
        # 4. The files around the pages, the marker, and the swap.
        builder = ViewBuilder(catalog, config.site, config.contract, base_url, cards)
        copy_assets(tmp, theme)
        _inline_stylesheet(tmp / disk_path(Urls.not_found), tmp / "assets" / "site.css")
        _write_extras(tmp, builder.page_urls(), base_url)
        key = keys.site(fingerprints, walk_notes)
        (tmp / MARKER).write_text(
            json.dumps({"generator": "sitegen", "version": __version__, "inputs": key}, indent=1) + "\n",
            encoding="utf-8",
        )
        if built.kept is None:
            _swap(tmp, out)
        else:
            merge_into(tmp, out, built.kept)
    except OSError as exc:  # a disk that is full, read-only or gone: one line, the old site kept
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(f"cannot write the site: {exc.strerror or exc}", exc.filename or out) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # 5. What the next build starts from (after the swap: a failed build keeps the old one).
    for run_dir in run_dirs:
        if built.linked is None or run_dir.id in built.linked:
            prints.after_linking(run_dir)
    next_cache = BuildCache(CACHE_FORMAT, keys.code, keys.cache_settings, prints.now, fingerprints)
    if previous and cache is not None:  # records made by the last build keep their pickled form
        next_cache.pickled, next_cache.previous_records = cache.pickled, cache.previous_records
    elif built.pickled:  # and so do those the workers sent pickled
        next_cache.pickled, next_cache.previous_records = built.pickled, built.records
    next_cache.records, next_cache.latest, next_cache.site = built.records, built.latest, key
    next_cache.outputs, next_cache.page_keys = built.outputs, built.page_keys
    next_cache.day = config.today.isoformat()
    next_cache.dated_ahead = any(record.dated_ahead for record in built.records.values())
    try:
        if home is not None:
            save_cache(home, next_cache)
    except OSError as exc:
        say(f"could not save the build cache ({exc.strerror or exc}); the next build starts from scratch")
    return BuildSummary(
        out=out,
        pages=built.pages,
        runs=len(catalog.runs),
        results=sum(r.n_results for r in catalog.runs),
        skipped=sum(r.n_skipped for r in catalog.runs),
        errors=sum(d.level == "error" for d in catalog.diagnostics),
        warnings=sum(d.level == "warning" for d in catalog.diagnostics),
        seconds=time.perf_counter() - started,
    )


def _mostly_changed(cache: BuildCache, fingerprints: dict[str, str]) -> bool:
    """Most runs changed since the last build (a bulk import): reading them all in parallel
    beats reusing the rest."""
    changed = sum(1 for run_id, fp in fingerprints.items() if cache.fingerprints.get(run_id) != fp)
    return changed * 2 > len(fingerprints)


def _cache_home(config: LoadedConfig, out: Path, say: Progress) -> CacheHome | None:
    """This output's cache folder, outside everything contributors write (cache_store.py), or
    None (with the reason said) when there is no safe place for it."""
    home = cache_home(out, [*config.result_roots, config.base_dir])
    if isinstance(home, str):
        say(home)
        return None
    return home


def _marker_inputs(out: Path) -> str | None:
    """The inputs key in the previous site's marker, read as a regular file (never through a
    link), or None."""
    try:
        return json.loads(read_regular(out / MARKER, 4096)).get("inputs")
    except (Refused, ValueError, AttributeError):
        return None


def _cards(config: LoadedConfig, reuse_from: Path | None, base_url: str, say: Progress) -> Cards | None:
    """How preview cards are made (reused from the trusted previous site), or None when none are."""
    if not config.site.preview_images:
        return None
    if not base_url:  # checked first: the drawing library is not even loaded then
        why_not = "no base URL: no preview images (link previews need their absolute address)"
    else:
        from .cards import missing_reason

        why_not = missing_reason()
    if why_not:
        say(why_not)
        return None
    from .cards import Cards

    return Cards(reuse_from)


def _fresh_tmp(out: Path) -> Path:
    """The empty directory the new site is written into, beside the output."""
    tmp = out.parent / f".{out.name}.sitegen-tmp"
    try:
        _remove(tmp)  # a stopped build's, or a link someone committed: never followed
        tmp.mkdir()
    except OSError as exc:
        raise BuildError(
            f"cannot write beside the output: {exc.strerror or exc}", exc.filename or out
        ) from None
    return tmp


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
        _remove(old)
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
