"""Walk the results roots and find the runs: directories that directly hold a `*.json` (or `*.jsonl`) file.

A run's id is its path relative to its root, with `/` separators; it becomes
its URL, so it never depends on anything but that path. Every entry is judged
by `safefs.inspect` first: links whose real path leaves the root, special
files and names that are not UTF-8 are reported and never read. Links that
stay inside the root are followed once (a directory reached twice is a loop
and is reported). Hidden directories, `node_modules`, `__pycache__`, output
directories and any site sitegen built (it holds the build marker) are not
searched, and each skip is reported. The walk is a loop, not a recursion, and
stops `MAX_DEPTH` levels below a root.
"""

from __future__ import annotations

import hashlib
import operator
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..safefs import Entry, EntryKind, display, inside, inspect, is_decodable

# Directories the walk never enters (beyond hidden ones, which start with a dot); each skip is reported.
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})
# The file sitegen writes into every site it builds: a directory holding it is a site, not results.
SITE_MARKER = ".sitegen-build.json"
# Stands in for the marker while an incremental build moves its files into the site.
SITE_UPDATING_MARKER = ".sitegen-build.updating.json"
# Run ids become URLs and folders of the site; deeper trees are not searched.
MAX_DEPTH = 32
# A run's JSON files (and, apart, its other files) read at most: real runs hold tens, a sweep of
# many runtimes and levels some hundreds. A million tiny files would otherwise make a run page of
# hundreds of megabytes and a build of gigabytes.
MAX_RUN_FILES = 2000
# Files the site writes inside every run's folder and the runs index (urls.py, site/views):
# a run directory of that name would collide with them, so its id gets a suffix.
RESERVED_NAMES = frozenset({"index.html", "scorecards.json", "scorecards.md", "metrics.json"})
# Folders of a run's scorecard link-preview pages (urls.share_folder).
SHARE_FOLDER = re.compile(r"composite-c\d+")
# The folder of the run at a results root itself (id "."): a directory of that name gets a suffix too.
ROOT_RUN_FOLDER = "_root"


def is_json_name(name: str) -> bool:
    """What the reference reads: `*.json` exactly (case-sensitive), not the bare name `.json`."""
    return name.endswith(".json") and len(name) > len(".json")


def is_data_name(name: str) -> bool:
    """What a run is read from: `*.json`, and `*.jsonl` (JSON Lines, one result per line, as
    SGLang writes). `sitegen score` reads `*.json` only, as the reference."""
    return is_json_name(name) or (name.endswith(".jsonl") and len(name) > len(".jsonl"))


@dataclass(frozen=True, slots=True)
class RunDir:
    root: Path
    path: Path
    id: str  # relative to the root, '/'-separated; "." for a root that holds results itself
    json_files: tuple[
        str, ...
    ]  # sorted names of *.json and *.jsonl entries directly inside that may be opened
    other_files: tuple[str, ...] = ()  # sorted names of the other regular files directly inside


@dataclass(frozen=True, slots=True)
class WalkNote:
    path: str
    reason: str
    level: str = "warning"  # "error" for refused links, "info" for directories skipped by rule


def shown_path(note: WalkNote, base_dir: Path) -> str:
    """A walk note's path as pages and check show it: relative to site.toml's folder (the site
    must not depend on where the repository was checked out), undecodable bytes escaped."""
    try:
        path = Path(note.path).relative_to(base_dir).as_posix()
    except ValueError:
        path = note.path
    return display(path)


@dataclass(frozen=True, slots=True)
class Listing:
    """One directory's entries, sorted by name, with what could not be used. Files are kept by
    name: the walk makes no path for them (a path object per file cost as much as the walk's
    system calls)."""

    json_files: tuple[str, ...]  # *.json entries that may be opened
    other_files: tuple[str, ...]  # the other regular files
    directories: tuple[Entry, ...]
    notes: tuple[WalkNote, ...]


def list_directory(directory: Path, root_real: str, directory_real: str | None = None) -> Listing:
    """Judge every entry of one directory; raises OSError when it cannot be listed.

    `directory_real`: the directory's real path, when known: a plain entry (not a link) is
    then judged from its directory entry alone, without resolving its path again.
    """
    json_files: list[str] = []
    other_files: list[str] = []
    directories, notes = [], []
    with os.scandir(directory) as scan:
        found = sorted(scan, key=_name)
    for item in found:
        name = item.name
        if directory_real is not None and _plain_file(item):
            (json_files if is_data_name(name) else other_files).append(name)
            continue
        entry = (
            plain_entry(item, directory, directory_real, root_real)
            if directory_real is not None
            else inspect(directory / name, root_real)
        )
        if entry.kind is EntryKind.OUTSIDE:
            notes.append(WalkNote(str(entry.path), entry.reason, "error"))
        elif not entry.usable:
            notes.append(WalkNote(str(entry.path), entry.reason, "warning"))
        elif is_data_name(name):
            json_files.append(name)  # a directory named x.json is reported when it is read
        elif entry.kind is EntryKind.DIRECTORY:
            directories.append(entry)
        else:
            other_files.append(name)
    return Listing(tuple(json_files), tuple(other_files), tuple(directories), tuple(notes))


_name = operator.attrgetter("name")


def _plain_file(item: os.DirEntry) -> bool:
    """A regular file, not a link, with a UTF-8 name: nothing more to judge (from the directory
    entry alone, no system call where the file system reports the entry's type)."""
    return not item.is_symlink() and item.is_file(follow_symlinks=False) and is_decodable(item.name)


def plain_entry(item: os.DirEntry, directory: Path, directory_real: str, root_real: str) -> Entry:
    """An entry judged from its directory entry alone (no path resolution); a link, a special
    file or a name that is not UTF-8 is inspected in full."""
    name = item.name
    if not item.is_symlink() and is_decodable(name):
        if item.is_dir(follow_symlinks=False):
            return Entry(name, directory / name, EntryKind.DIRECTORY, os.path.join(directory_real, name))
        if item.is_file(follow_symlinks=False):
            return Entry(name, directory / name, EntryKind.FILE, os.path.join(directory_real, name))
    return inspect(directory / name, root_real)


def discover(
    roots: list[Path], exclude: list[Path], base_dir: Path, roots_anywhere: bool = False
) -> tuple[list[RunDir], list[WalkNote]]:
    """Every run under every root, sorted by (root order, id); notes for what was passed over.
    `base_dir`: the folder of site.toml, which every root's real path must lie in unless
    `roots_anywhere`, and which notes name folders from."""
    within = None if roots_anywhere else base_dir
    found: list[tuple[int, RunDir]] = []
    notes: list[WalkNote] = []
    excluded = {os.path.realpath(p) for p in exclude}
    seen: dict[str, str] = {}  # real path -> the path it was walked at
    for index, root in enumerate(roots):
        if not root.is_dir():
            notes.append(WalkNote(str(root), "results root not found"))
            continue
        refused = root_refusal(root, within)
        if refused:
            notes.append(WalkNote(str(root), refused, "error"))
            continue
        found.extend((index, run) for run in _walk(root, excluded, seen, notes, base_dir))
    ordered = [run for _, run in sorted(found, key=lambda pair: (pair[0], pair[1].id))]
    # A run's id is its path below its root, and its URL: the first root to have an id keeps it.
    unique: dict[str, RunDir] = {}
    for run in ordered:
        if run.id in unique:
            notes.append(
                WalkNote(
                    str(run.path),
                    f"run id {run.id!r} already comes from the results root "
                    f"{shown_path(WalkNote(str(unique[run.id].root), ''), base_dir)}; skipped",
                )
            )
        else:
            unique[run.id] = run
    return _without_collisions(list(unique.values()), notes), notes


def root_refusal(root: Path, within: Path | None) -> str:
    """Why a results root is not read, or "": its real path is resolved first, so a root that
    is a link cannot lead into a .git folder or (unless site.toml allows it) out of the
    folder of site.toml."""
    real = os.path.realpath(root)
    if ".git" in Path(real).parts:
        return "results root lies inside a .git folder; refused"
    if within is not None and not inside(real, os.path.realpath(within)):
        what = f"is a link to {display(real)}" if real != os.path.abspath(root) else "lies"
        return (
            f"results root {what}, outside the folder of site.toml; "
            "refused (set allow_results_outside = true in site.toml to read it)"
        )
    return ""


def _without_collisions(runs: list[RunDir], notes: list[WalkNote]) -> list[RunDir]:
    """Runs whose id would land on a file of the site get a suffix in the colliding part."""
    has_root_run = any(run.id == "." for run in runs)
    out = []
    for run in runs:
        parts = run.id.split("/")
        renamed = [
            _suffixed(run.id, i, part)
            if part in RESERVED_NAMES
            or SHARE_FOLDER.fullmatch(part)
            or (i == 0 and part == ROOT_RUN_FOLDER and has_root_run)
            else part
            for i, part in enumerate(parts)
        ]
        if renamed != parts:
            new_id = "/".join(renamed)
            notes.append(
                WalkNote(
                    str(run.path),
                    f"run id {run.id!r} collides with a file of the site; published as {new_id!r}",
                )
            )
            run = RunDir(run.root, run.path, new_id, run.json_files, run.other_files)
        out.append(run)
    return out


def _suffixed(run_id: str, index: int, part: str) -> str:
    prefix = "/".join(run_id.split("/")[: index + 1])
    return f"{part}~{hashlib.blake2b(prefix.encode(), digest_size=2).hexdigest()}"


def _walk(
    root: Path, excluded: set[str], seen: dict[str, str], notes: list[WalkNote], base_dir: Path
) -> list[RunDir]:
    """The runs under one root. Folders reached by a link are walked last: a folder with a path
    of its own is walked there first, so a link (`h100/zz -> ../l4`) never gives its runs a
    second home, and the link is reported instead."""
    root_real = os.path.realpath(root)
    runs: list[RunDir] = []
    stack: list[tuple[Path, str, int, str]] = [(root, root_real, 0, "")]  # (path, real, depth, link)
    linked: list[tuple[Path, str, int, str]] = []  # folders reached by a link, for after the rest
    while stack or linked:
        if not stack:
            stack.append(linked.pop(0))
        directory, real, depth, link = stack.pop()
        if real in seen:
            reason = (
                f"link to {display(link)}, a folder walked at its own path ({seen[real]}); skipped"
                if link
                else "already visited through another path (link loop?); skipped"
            )
            notes.append(WalkNote(str(directory), reason))
            continue
        seen[real] = shown_path(WalkNote(str(directory), ""), base_dir)
        try:
            listing = list_directory(directory, root_real, real)
        except OSError as exc:
            notes.append(WalkNote(str(directory), f"cannot list directory: {exc.strerror or exc}"))
            continue
        notes.extend(listing.notes)
        if listing.json_files:
            rel = directory.relative_to(root).as_posix()
            json_files, other_files = listing.json_files, listing.other_files
            for files, what, done in (
                (json_files, "JSON files", "read"),
                (other_files, "other files", "listed"),
            ):
                if len(files) > MAX_RUN_FILES:
                    notes.append(
                        WalkNote(
                            str(directory),
                            f"holds {len(files):,} {what}; only the first {MAX_RUN_FILES:,} (by name) are {done}",
                            "error",
                        )
                    )
            runs.append(RunDir(root, directory, rel, json_files[:MAX_RUN_FILES], other_files[:MAX_RUN_FILES]))
        for entry in reversed(listing.directories):  # popped in name order
            skip = _skip_reason(entry, excluded, depth + 1)
            if skip is None:
                if entry.real == os.path.join(real, entry.name):
                    stack.append((entry.path, entry.real, depth + 1, ""))
                else:  # a link: after every folder reached without one
                    linked.append((entry.path, entry.real, depth + 1, _link_text(entry.path)))
            elif skip:
                level = "error" if skip.startswith("holds sitegen's build marker") else "info"
                path = entry.path / _marker_in(entry) if level == "error" else entry.path
                notes.append(WalkNote(str(path), skip, level))
        linked.sort(key=lambda item: str(item[0]))
    return runs


def _link_text(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return str(path)


def _marker_in(entry: Entry) -> str:
    return next(
        m for m in (SITE_MARKER, SITE_UPDATING_MARKER) if os.path.lexists(os.path.join(entry.real, m))
    )


def _skip_reason(entry: Entry, excluded: set[str], depth: int) -> str | None:
    """Why a directory is not searched ("" for hidden ones, passed over in silence), or None."""
    if entry.name.startswith("."):
        return ""
    if entry.name in SKIPPED_DIRS:
        return f"a {entry.name} directory; not searched for results"
    if entry.real in excluded:
        return "the output directory; not searched for results"
    if any(os.path.lexists(os.path.join(entry.real, m)) for m in (SITE_MARKER, SITE_UPDATING_MARKER)):
        # A site sitegen built is never read as results, but none is ever built inside a results
        # root (build refuses): a contributor may have planted the marker to hide these runs.
        return (
            "holds sitegen's build marker, but no site is built inside a results root: the folder is "
            "not searched for results; remove the marker (or the old site) to publish its runs"
        )
    if depth > MAX_DEPTH:
        return f"too deep (more than {MAX_DEPTH} levels below the results root); not searched"
    return None
