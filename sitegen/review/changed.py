"""Which runs a change touches: named on the command line, or read from `git diff BASE...HEAD`."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.build import FullCatalog
from ..catalog.model import Diagnostic, Run
from ..errors import SitegenError
from ..safefs import display

RESULT_SUFFIX = ".json"


class ReviewError(SitegenError):
    """A run that cannot be found, or a git history that cannot be read: one line, exit 1."""


def find_run(catalog: FullCatalog, token: str, cwd: Path | None = None) -> Run:
    """A run by its id (its folder relative to its results root) or by the path of its folder."""
    runs = list(catalog.runs)
    by_id = {r.id: r for r in runs}
    if token in by_id:
        return by_id[token]
    path = Path(token) if Path(token).is_absolute() else (cwd or Path.cwd()) / token
    if path.is_dir():
        real = os.path.realpath(path)
        for run in runs:
            if os.path.realpath(run.path) == real:
                return run
        raise ReviewError(f"{token}: a folder, but not a run of the results roots in site.toml")
    raise ReviewError(f"{token}: no run has this id or folder (ids are folders relative to a results root)")


def where(run: Run) -> str:
    """How diagnostics name a run's folder: its id, or its root's name for a root that is a run."""
    return run.id if run.id != "." else run.root.name


def previous_run(catalog: FullCatalog, run: Run, runtime: str) -> Run | None:
    """The latest run before `run` on the same hardware that measured `runtime` (catalog order:
    date, then id)."""
    before = None
    for other in catalog.runs:
        if other.id == run.id:
            return before
        if other.hardware == run.hardware and runtime in other.runtimes:
            before = other
    return before


@dataclass(frozen=True, slots=True)
class RunChange:
    run: Run
    added: bool  # the run's folder is new
    files: tuple[str, ...]  # changed files, relative to the run's folder

    @property
    def results_changed(self) -> bool:
        """False when only notes or metadata changed (README.md, run.toml, ...)."""
        return self.added or any(name.endswith(RESULT_SUFFIX) for name in self.files)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The runs a pull request adds or changes, and what else it touches."""

    runs: tuple[RunChange, ...]
    removed: tuple[str, ...] = ()  # folders under a results root whose files were all deleted
    other: tuple[str, ...] = field(default_factory=tuple)  # changed files outside every run
    paths: frozenset[str] = frozenset()  # every changed file, absolute, as safefs.display shows it
    # Run folders (relative to the repository) the base revision published whose files are still
    # there, but which are no longer runs: hidden by the change (a planted marker, a results
    # root listed before theirs, ...).
    hidden: tuple[str, ...] = ()
    top: Path | None = None  # the repository's top folder, which `hidden` is relative to


_SWEEP_LEVEL = re.compile(r"#c\d+$")  # "sweep.json#c4": a level of a sweep file (a "#" elsewhere is a name's)


def diagnostic_file(diagnostic: Diagnostic, folders: dict[str, Path], base_dir: Path) -> Path:
    """The file a diagnostic is about. A run's files are named by the run's id (its folder
    relative to its results root, which `folders` maps to the folder) and their name; a sweep
    level ("sweep.json#c4") is its file; walk notes are relative to site.toml's folder."""
    path = _SWEEP_LEVEL.sub("", diagnostic.path)
    head, _, name = path.rpartition("/")
    return folders[head] / name if head in folders else base_dir / path


def named_runs(catalog: FullCatalog, tokens: list[str]) -> ChangeSet:
    """Runs named on the command line, each treated as added."""
    seen: dict[str, RunChange] = {}
    for token in tokens:
        run = find_run(catalog, token)
        seen.setdefault(run.id, RunChange(run, True, ()))
    return ChangeSet(tuple(seen.values()))


def _owner(path: str, by_folder: dict[str, Run]) -> Run | None:
    """The run whose folder holds `path`, the innermost (a run's folder may hold another's)."""
    folder = os.path.dirname(path)
    while True:
        if folder in by_folder:
            return by_folder[folder]
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *args],  # a folder named like pathspec magic is a folder
            cwd=repo,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
        )
    except OSError as exc:
        raise ReviewError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise ReviewError(f"git {args[0]}: {message}")
    return done.stdout


def changed_runs(catalog: FullCatalog, repo: Path, base: str, head: str = "HEAD") -> ChangeSet:
    """The runs that `git diff BASE...HEAD` (the changes since the branches parted) touches."""
    for revision in (base, head):
        if revision.startswith("-"):  # git would read it as an option
            raise ReviewError(f"{revision}: not a revision")
    top = Path(_git(repo, "rev-parse", "--show-toplevel").strip())
    try:
        fork = _git(repo, "merge-base", base, head).strip()  # what BASE...HEAD compares HEAD with
    except ReviewError as exc:
        raise ReviewError(
            f"{exc}; is {base} fetched, with the history since the branches parted? "
            "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
        ) from None
    listing = _git(repo, "diff", "--name-status", "--no-renames", "-z", fork, head).split("\0")
    changes = [(status, name) for status, name in zip(listing[::2], listing[1::2], strict=False) if name]
    runs = list(catalog.runs)
    by_folder = {os.path.realpath(r.path): r for r in runs}
    roots = [os.path.realpath(root) for root in {r.root for r in runs}]
    touched: dict[str, list[str]] = {}
    removed, other = [], []
    for status, name in changes:
        # The folder's real path, the name as it is: a changed link belongs where it lies, not
        # where it points.
        path = os.path.join(os.path.realpath(os.path.dirname(top / name)), os.path.basename(name))
        owner = _owner(path, by_folder)
        if owner is not None:
            touched.setdefault(owner.id, []).append(
                display(os.path.relpath(path, os.path.realpath(owner.path)))
            )
        elif status.startswith("D") and any(path.startswith(root + os.sep) for root in roots):
            removed.append(display(os.path.dirname(name) or name))  # a run's folder, once for all its files
        else:
            other.append(display(name))
    by_id = {r.id: r for r in runs}
    result = []
    for run in catalog.runs:  # catalog order: date, then id
        if run.id in touched:
            folder = os.path.relpath(os.path.realpath(by_id[run.id].path), top)
            existed = _git(repo, "ls-tree", "-d", "--name-only", fork, "--", folder).strip() != ""
            result.append(RunChange(by_id[run.id], not existed, tuple(sorted(touched[run.id]))))
    paths = frozenset(display(os.path.join(top, name)) for _, name in changes)
    hidden = _hidden_runs(repo, top, fork, runs, roots)
    return ChangeSet(tuple(result), tuple(sorted(set(removed))), tuple(sorted(other)), paths, hidden, top)


def _hidden_runs(repo: Path, top: Path, fork: str, runs: list[Run], roots: list[str]) -> tuple[str, ...]:
    """Folders that held result files at the base revision and still do, but are runs no more."""
    inside = [os.path.relpath(root, os.path.realpath(top)) for root in roots]
    inside = [p for p in inside if not p.startswith("..")]
    if not inside:
        return ()
    listing = _git(repo, "ls-tree", "-r", "--name-only", "-z", fork, "--", *inside).split("\0")
    before = {os.path.dirname(name) for name in listing if name.endswith(RESULT_SUFFIX)}
    now = {os.path.relpath(os.path.realpath(r.path), os.path.realpath(top)) for r in runs}
    return tuple(
        display(folder)
        for folder in sorted(before - now)
        if any(name.endswith(RESULT_SUFFIX) for name in _names(top / folder))
    )


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []
