"""Incremental builds: reuse what the previous build made, recompute only what depends on a change.

The cache lives in the output's cache folder (cache_store.py: outside the
repository, every file signed): state.pickle (what the up-to-date check needs),
records.pickle (the rest) and the compiled templates. It holds, from the last
build:

- the content hash of every input file, with its size, modification time,
  change time and inode (a file whose stat is unchanged is not read again; an
  edit that restores the modification time still changes the change time);
- each run's fingerprint (its files' names and contents, run.toml, README.md)
  and its record (catalog/records.py): what pages about many runs need of it;
- the full entry of each latest standings candidate;
- for each run, the key its own outputs were made from: its fingerprint, and
  everything else its page shows (the previous run on its target, the site's
  navigation, the names and colours of its runtimes), under the site's key
  (sitegen's code, the theme, site.toml, the base URL); and for each hardware
  page, the key it was made from (its target's runs, the navigation, every
  runtime's name and colour, the site's key).

A build reads only the runs whose fingerprint changed (and, rarely, a run
whose entry the standings need or whose page must be redrawn), assembles the
catalog from records exactly as a cold build does, renders the pages about
many runs (but the hardware pages whose key is unchanged) and the run pages
whose key changed beside the output, then moves them into the previous site,
whose other files stay where they are (merge.py). A cache from another sitegen, another
site.toml, or one whose signature does not match is ignored with a note, and the
build is cold.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic_core

from .. import __version__
from ..catalog.discover import RunDir, WalkNote, shown_path
from ..safefs import Refused, open_regular, real_path_in
from ..theme import default_dir
from .cache_store import CacheHome

if TYPE_CHECKING:  # the build's heavy modules load only once it knows there is work to do
    from ..catalog.model import Catalog, ResultEntry, Run
    from ..catalog.records import RunRecord
    from ..config import LoadedConfig
    from .cards import Cards

CACHE_FORMAT = 3
StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
STATE_FILE = "state.pickle"  # the cache's small part: all the up-to-date check needs
RECORDS_FILE = "records.pickle"  # the records, much larger, read only to build


@dataclass
class BuildCache:
    format: int
    code: str  # sitegen's code and default theme
    config: str  # site.toml and where it lies: records depend on it
    file_hashes: dict[str, tuple[StatKey, str]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # run id -> fingerprint
    records: dict[str, RunRecord] = field(default_factory=dict)
    latest: dict[tuple[str, str], ResultEntry] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)  # run id -> key of its own outputs
    page_keys: dict[str, str] = field(default_factory=dict)  # hardware page URL -> key it was made from
    site: str = ""  # everything the whole site depends on: up to date when unchanged
    has_records: bool = False  # records, latest entries and outputs were saved (records.pickle)
    pickled: dict[str, bytes] = field(default_factory=dict)  # run id -> its record, as loaded
    previous_records: dict[str, RunRecord] = field(default_factory=dict)  # the records `pickled` holds
    day: str = ""  # the build's date (config.today)
    dated_ahead: bool = False  # some run was judged dated after `day`: another day judges it again


def code_hash() -> str:
    """sitegen's own code and default theme, and the version of pydantic-core, which writes
    its JSON (safetext.compact_json): a change to any of them changes every output."""
    digest = hashlib.blake2b(f"{__version__} {pydantic_core.__version__}".encode(), digest_size=16)
    package = Path(__file__).resolve().parents[1]
    for root, suffixes in (
        (package, (".py",)),
        (default_dir("templates"), None),
        (default_dir("static"), None),
    ):
        for path in sorted(root.rglob("*")):
            if (
                path.is_file()
                and (suffixes is None or path.suffix in suffixes)
                and "__pycache__" not in path.parts
            ):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def config_hash(config: LoadedConfig) -> str:
    text = config.source.read_bytes() if config.source is not None else b""
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def theme_hash(config: LoadedConfig) -> str:
    digest = hashlib.blake2b(digest_size=16)
    if config.site.theme:
        theme = config.base_dir / config.site.theme
        for path in sorted(theme.rglob("*")) if theme.is_dir() else ():
            if path.is_file() and not path.is_symlink():
                digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_cache(
    home: CacheHome | None, code: str, config: str, day: str, note: Callable[[str], None]
) -> BuildCache | None:
    """The previous build's cache, or None (with a note when one was there but is not usable).
    Only a file signed with this cache folder's key is unpickled (cache_store.py). `day`: the
    build's date; records that judged a date after the last build's are not reused another day."""
    if home is None:
        return None
    payload = home.read(STATE_FILE)
    if payload is None:
        if os.path.lexists(home.folder / STATE_FILE):
            note(f"build cache {home.folder / STATE_FILE} is unreadable or not signed here; ignored")
        return None
    try:
        cache = pickle.loads(payload)
    except Exception:  # signed by us, yet unreadable (another Python, say): never trusted
        note(f"build cache {home.folder / STATE_FILE} is unreadable; ignored, building from scratch")
        return None
    if not isinstance(cache, BuildCache) or cache.format != CACHE_FORMAT:
        note(
            f"build cache {home.folder / STATE_FILE} is from another sitegen; ignored, building from scratch"
        )
        return None
    if cache.code != code or cache.config != config:
        note("sitegen or site.toml changed since the last build: every run is read again")
        return BuildCache(CACHE_FORMAT, code, config, file_hashes=cache.file_hashes)
    if cache.dated_ahead and cache.day != day:
        note("a run was dated after the last build's date, and the date changed: every run is read again")
        return BuildCache(CACHE_FORMAT, code, config, file_hashes=cache.file_hashes)
    return cache


def load_records(home: CacheHome, cache: BuildCache, note: Callable[[str], None]) -> bool:
    """Read the records part of the cache into `cache`; False (with a note) when it cannot be.

    Each run's record is kept pickled on its own (`cache.pickled`), so that the next save
    writes the unchanged ones as they are."""
    try:
        payload = home.read(RECORDS_FILE)
        if payload is None:
            raise ValueError("not signed here")
        site, pickled, latest, outputs, page_keys = pickle.loads(payload)
        if site != cache.site or not isinstance(pickled, dict):
            raise ValueError("records of another build")
        records = {run_id: pickle.loads(blob) for run_id, blob in pickled.items()}
    except Exception:  # missing, truncated, corrupted or foreign: never trusted
        note(f"build cache {home.folder / RECORDS_FILE} is unreadable; ignored, building from scratch")
        return False
    cache.records, cache.pickled, cache.latest, cache.outputs = records, pickled, latest, outputs
    cache.page_keys = page_keys
    cache.previous_records = dict(records)
    return True


def save_cache(home: CacheHome, cache: BuildCache) -> None:
    """Both parts, each signed, written beside and renamed into place; the records first."""
    pickled = {
        run_id: cache.pickled[run_id]
        if cache.pickled.get(run_id) is not None
        and cache.records.get(run_id) is cache.previous_records.get(run_id)
        else pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        for run_id, record in cache.records.items()
    }
    records = (cache.site, pickled, cache.latest, cache.outputs, cache.page_keys)
    home.write(RECORDS_FILE, pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
    save_state(home, cache)


def save_state(home: CacheHome, cache: BuildCache) -> None:
    """The small part alone, its records part as saved already (records.pickle)."""
    state = replace(
        cache,
        records={},
        pickled={},
        previous_records={},
        latest={},
        outputs={},
        page_keys={},
        has_records=True,
    )
    home.write(STATE_FILE, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


class Fingerprints:
    """Content hashes of input files, reusing the last build's where a file's stat is unchanged."""

    def __init__(self, previous: dict[str, tuple[StatKey, str]], max_bytes: int) -> None:
        self.previous = previous
        self.now: dict[str, tuple[StatKey, str]] = {}
        self.max_bytes = max_bytes

    def file(self, path: str, real_dir: str | None = None, keep: dict[str, bytes] | None = None) -> str:
        """`path`: the file as found, as a string (every input file is looked at on every build:
        a path object each would cost as much as its stat). `real_dir`: the real path of the
        file's folder, resolved once for all its files. `keep`: where the bytes read to hash
        the file go, by name (for read_run to use)."""
        try:
            st = os.stat(path)  # follows a link: the walk let only links inside the root by
        except OSError:
            return "missing"
        key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = self.previous.get(path)
        if known is not None and known[0] == key:
            self.now[path] = known
            return known[1]
        if not stat.S_ISREG(st.st_mode):
            value = f"special {stat.S_IFMT(st.st_mode)}"
        elif st.st_size > self.max_bytes:
            value = f"large {st.st_size} {st.st_mtime_ns}"  # never read, as the catalog never reads it
        else:
            real = os.path.realpath(path) if real_dir is None else real_path_in(real_dir, path)
            digest = hashlib.blake2b(digest_size=16)
            try:
                fd = open_regular(real)
                chunks: list[bytes] = []
                try:
                    while chunk := os.read(fd, 1 << 20):
                        digest.update(chunk)
                        if keep is not None:
                            chunks.append(chunk)
                finally:
                    os.close(fd)
                value = digest.hexdigest()
                if keep is not None and sum(map(len, chunks)) <= self.max_bytes:  # not grown since
                    keep[os.path.basename(path)] = b"".join(chunks)
            except Refused as refused:
                value = refused.reason
            except OSError as exc:
                value = f"cannot read: {exc.strerror or exc}"
        self.now[path] = (key, value)
        return value

    def after_linking(self, run_dir: RunDir) -> None:
        """Hard-linking a run's files into the site changes their change time: take the new one
        where nothing else changed, so the next build does not read them again."""
        folder = os.path.join(run_dir.path, "")
        for name in run_dir.json_files:
            path = folder + name
            known = self.now.get(path)
            if known is None:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            size, mtime, _, inode = known[0]
            if (st.st_size, st.st_mtime_ns, st.st_ino) == (size, mtime, inode):
                self.now[path] = ((size, mtime, st.st_ctime_ns, inode), known[1])

    def run(self, run_dir: RunDir, root_index: int, keep: dict[str, bytes] | None = None) -> str:
        """A run's fingerprint: its root's place in site.toml, its id, its files' names and the
        contents of those the catalog reads; not where the checkout lives. `keep`: where the
        bytes of the JSON files read to hash them go, by name, so that read_run need not read
        them again (a file whose hash is reused is not read here)."""
        digest = hashlib.blake2b(f"{root_index}\0{run_dir.id}".encode(), digest_size=16)
        folder = os.path.join(run_dir.path, "")  # with its separator: + a name is its path
        real_dir = os.path.realpath(folder)
        for name in run_dir.json_files:
            value = self.file(folder + name, real_dir, keep)
            digest.update(b"json\0" + name.encode() + b"\0" + value.encode())
        for name in run_dir.other_files:
            # Other files are listed by name; only run.toml and README.md are read.
            read = name in ("run.toml", "README.md")
            content = self.file(folder + name, real_dir) if read else ""
            digest.update(b"other\0" + name.encode() + b"\0" + content.encode())
        return digest.hexdigest()


def notes_key(notes: Iterable[WalkNote], base_dir: Path) -> list[tuple[str, str, str]]:
    """The walk's notes with paths relative to site.toml's folder, as the site shows them."""
    return [(shown_path(note, base_dir), note.reason, note.level) for note in notes]


def site_key(
    code: str, config: str, theme: str, base_url: str, fingerprints: dict[str, str], notes: Iterable[WalkNote]
) -> str:
    digest = hashlib.blake2b(f"{code}\0{config}\0{theme}\0{base_url}".encode(), digest_size=16)
    for run_id, fp in sorted(fingerprints.items()):
        digest.update(f"{run_id}\0{fp}\0".encode())
    for path, reason, level in notes:
        digest.update(f"{path}\0{reason}\0{level}\0".encode())
    return digest.hexdigest()


@dataclass
class Reading:
    """Runs read during this build, and records for every run."""

    config: LoadedConfig
    dirs: dict[str, RunDir]
    full: dict[str, Run] = field(default_factory=dict)
    records: dict[str, RunRecord] = field(default_factory=dict)

    def read(self, run_id: str) -> Run:
        from ..catalog.build import read_run
        from ..catalog.records import record_of

        if run_id not in self.full:
            run, found = read_run(self.config, self.dirs[run_id])
            self.full[run_id] = run
            self.records[run_id] = record_of(run, found, self.config.site.reference_interactivity)
        return self.full[run_id]


def catalog_from(
    reading: Reading,
    notes: list[WalkNote],
    cached_latest: dict[tuple[str, str], ResultEntry],
    unchanged: set[str],
) -> tuple[Catalog, dict[tuple[str, str], ResultEntry]]:
    """The catalog from every run's record; full entries for the latest candidates come from
    runs read now, else from the cache (when their run is unchanged), else by reading the run."""
    from ..catalog.records import assemble

    used: dict[tuple[str, str], ResultEntry] = {}

    def entry_of(run_id: str, source: str) -> ResultEntry:
        key = (run_id, source)
        if run_id not in reading.full and key in cached_latest and run_id in unchanged:
            used[key] = cached_latest[key]
        else:
            run = reading.read(run_id)
            used[key] = next(e for e in run.results if e.source == source)
        return used[key]

    catalog = assemble(reading.config, notes, list(reading.records.values()), entry_of)
    return catalog, used


def with_full_runs(catalog: Catalog, full: dict[str, Run]) -> Catalog:
    """The catalog with some of its run summaries replaced by full runs (for their own pages)."""
    return replace(catalog, runs=tuple(full.get(r.id, r) for r in catalog.runs))


def _is_card(job) -> bool:
    """A run's preview card: drawn from its summary (reused by content hash), never linked."""
    return job.url.startswith("cards/")


@dataclass(frozen=True, slots=True)
class Built:
    """What a build strategy hands back: the catalog, the pages it wrote, and the next cache."""

    catalog: Catalog
    pages: int
    records: dict[str, RunRecord]
    latest: dict[tuple[str, str], ResultEntry]
    fingerprints: dict[str, str]  # run id -> fingerprint of its files, taken before reading them
    file_hashes: dict[str, tuple[StatKey, str]]  # the hashes behind them
    outputs: dict[str, str]  # run id -> key of its own outputs (ViewBuilder.run_output_keys)
    # None: the new site is whole in its folder. Else the folders of the previous site whose
    # files it keeps (the unchanged runs'), and the new folder holds only the rest.
    kept: tuple[str, ...] | None = None
    pickled: dict[str, bytes] = field(default_factory=dict)  # run id -> its record as pickled, if it was
    page_keys: dict[str, str] = field(default_factory=dict)  # hardware page URL -> key (ViewBuilder)
    linked: frozenset[str] | None = None  # runs whose source files were linked into the site (None: all)


def build_incremental(
    config: LoadedConfig,
    tmp: Path,
    base_url: str,
    env,
    cache: BuildCache,
    run_dirs: list[RunDir],
    notes: list[WalkNote],
    fingerprints: dict[str, str],
    key: str,
    cards: Cards | None,
    say: Callable[[str], None],
    in_place: bool = False,
) -> Built:
    """Build in this process into `tmp`, reading only what changed since `cache` (everything, for
    an empty cache). `in_place`: the previous site is to be updated, not replaced; the unchanged
    runs' files stay there (Built.kept names their folders) and only the rest is written."""
    from ..urls import Urls, disk_path
    from .raw import link_source_files
    from .render import render_jobs
    from .views import ViewBuilder

    reading = Reading(config, {rd.id: rd for rd in run_dirs})
    unchanged = {
        rd.id
        for rd in run_dirs
        if rd.id in cache.records and cache.fingerprints.get(rd.id) == fingerprints[rd.id]
    }
    for rd in run_dirs:
        if rd.id in unchanged:
            reading.records[rd.id] = cache.records[rd.id]
        else:
            reading.read(rd.id)
    say(f"read {len(reading.full)} of {len(run_dirs)} runs (the others are unchanged)")
    catalog, latest = catalog_from(reading, notes, cache.latest, unchanged)
    outputs = ViewBuilder(catalog, config.site, config.contract, base_url, cards).run_output_keys(
        key, fingerprints
    )
    redraw = {
        run_id
        for run_id, output_key in outputs.items()
        if not in_place or cache.outputs.get(run_id) != output_key
    }
    for run_id in sorted(redraw):
        reading.read(run_id)
    say(f"drawing the pages of {len(redraw)} runs; {len(outputs) - len(redraw)} are reused")
    local = with_full_runs(catalog, {run_id: reading.full[run_id] for run_id in redraw})
    builder = ViewBuilder(local, config.site, config.contract, base_url, cards)
    page_keys = builder.hardware_page_keys(key, fingerprints)
    unchanged_pages = {
        url for url, page_key in page_keys.items() if in_place and cache.page_keys.get(url) == page_key
    }
    jobs = [j for j in builder.site_jobs() if j.url not in unchanged_pages]
    jobs += [j for j in builder.run_jobs() if j.run_id in redraw or _is_card(j)]
    pages = render_jobs(env, tmp, jobs)
    link_source_files([reading.full[run_id] for run_id in sorted(redraw)], tmp)
    reused = [run_id for run_id in outputs if run_id not in redraw]
    folders = [os.path.dirname(disk_path(Urls.run(run_id))) for run_id in reused]
    folders += [os.path.dirname(disk_path(Urls.raw(run_id, "x"))) for run_id in reused]
    folders += [os.path.dirname(disk_path(url)) for url in sorted(unchanged_pages)]
    pages += len(reused) + len(unchanged_pages)
    # The reused files stay in the site; merge.py moves the new files in around them.
    kept = tuple(folders) if in_place else None
    return Built(
        catalog,
        pages,
        dict(reading.records),
        latest,
        fingerprints,
        {},
        outputs,
        kept,
        page_keys=page_keys,
        linked=frozenset(redraw),
    )
