"""Walk the results roots and find the runs: directories that directly hold a `*.json` file.

A run's id is its path relative to its root, with `/` separators; it becomes
its URL, so it never depends on anything but that path. Hidden directories,
the output directory and directories reached twice through links are not
entered; a dangling link is reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..loader import is_json_name

# Directories the walk never enters (beyond hidden ones, which start with a dot).
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


@dataclass(frozen=True, slots=True)
class RunDir:
    root: Path
    path: Path
    id: str  # relative to the root, '/'-separated; "." for a root that holds results itself
    json_files: tuple[str, ...]  # sorted names of *.json entries directly inside


@dataclass(frozen=True, slots=True)
class WalkNote:
    path: str
    reason: str


def discover(roots: list[Path], exclude: list[Path]) -> tuple[list[RunDir], list[WalkNote]]:
    """Every run under every root, sorted by (root order, id); notes for what was passed over."""
    runs: list[RunDir] = []
    notes: list[WalkNote] = []
    excluded = {_real(p) for p in exclude}
    seen: set[str] = set()
    for root in roots:
        if not root.is_dir():
            notes.append(WalkNote(str(root), "results root not found"))
            continue
        _walk(root, root, excluded, seen, runs, notes)
    runs.sort(key=lambda r: (roots.index(r.root), r.id))
    # A run's id is its path below its root, and its URL: the first root to have an id keeps it.
    unique: dict[str, RunDir] = {}
    for run in runs:
        if run.id in unique:
            notes.append(
                WalkNote(
                    str(run.path), f"run id {run.id!r} already comes from {unique[run.id].root}; skipped"
                )
            )
        else:
            unique[run.id] = run
    return list(unique.values()), notes


def _real(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return str(path)


def _walk(
    root: Path, directory: Path, excluded: set[str], seen: set[str], runs: list[RunDir], notes: list[WalkNote]
) -> None:
    real = _real(directory)
    if real in seen:
        notes.append(WalkNote(str(directory), "already visited through another path (link loop?); skipped"))
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        notes.append(WalkNote(str(directory), f"cannot list directory: {exc.strerror or exc}"))
        return
    json_files = []
    subdirs = []
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink() and not path.exists():
            notes.append(WalkNote(str(path), "dangling link; skipped"))
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_json_name(entry.name):
            json_files.append(entry.name)
        elif is_dir:
            if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                continue
            if _real(path) in excluded:
                notes.append(WalkNote(str(path), "the output directory; not searched for results"))
                continue
            subdirs.append(path)
    if json_files:
        rel = directory.relative_to(root).as_posix()
        runs.append(RunDir(root, directory, rel, tuple(json_files)))
    for sub in subdirs:
        _walk(root, sub, excluded, seen, runs, notes)
