"""An incremental build's files moved into the existing site, in place.

A cold build writes a whole site beside the output and swaps it in. An
incremental build writes only what changed (the pages about many runs, the
changed runs' files) beside the output; the unchanged runs' files stay where
they are. Moving the new files in and deleting what no longer exists costs a
few hundred renames, where rebuilding the whole tree around them (and
deleting the old one) cost a link and an unlink for every file of the site.

While the files move, the site's marker is renamed to SITE_UPDATING_MARKER:
the output is still recognised as sitegen's, but a build stopped half-way is
never taken as up to date or as a base to reuse; the next build is cold.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Iterator
from pathlib import Path

from ..catalog.discover import SHARE_FOLDER, SITE_MARKER, SITE_UPDATING_MARKER


def merge_into(tmp: Path, out: Path, kept: Collection[str]) -> None:
    """Make `out` hold exactly the files of `tmp` plus those directly inside the `kept` folders
    (and their scorecard link-page folders); `tmp` is removed. Folders are relative to the site,
    with "/" (a reused run's `runs/<id>` and `raw/<id>`).

    The order keeps every link whole should the build stop half-way. A folder new to the site
    (a new run's) moves in whole, in one rename, its pages and the pages linking to them at
    once. Then files that link to nothing (sources, images, data) move in first, run pages
    next, then the pages about many runs, then the home page, feeds and sitemap; files new
    at their path before those that replace one (an old page cannot link to a new path). What
    no longer belongs is deleted only after that, once no page links to it."""
    kept = set(kept)
    new = set(_files(tmp))
    os.replace(out / SITE_MARKER, out / SITE_UPDATING_MARKER)
    stale = [rel for rel in _files(out, kept) if rel not in new and rel != SITE_UPDATING_MARKER]
    units = _units(out, new - {SITE_MARKER})
    for rel in sorted(units, key=lambda unit: _move_order(out, unit, units[unit])):
        target = out / rel
        _make_folder(out, os.path.dirname(rel))
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)  # an old folder where a file goes now
        os.replace(tmp / rel, target)
    emptied: set[str] = set()
    for rel in stale:
        if os.path.lexists(out / rel) and not os.path.isdir(out / rel):
            os.unlink(out / rel)
        emptied.add(os.path.dirname(rel))
    _prune(out, emptied)
    os.replace(tmp / SITE_MARKER, out / SITE_MARKER)
    os.unlink(out / SITE_UPDATING_MARKER)
    shutil.rmtree(tmp, ignore_errors=True)


def _units(out: Path, files: set[str]) -> dict[str, list[str]]:
    """What moves in one rename: the topmost folder of a file that the site does not have yet
    (with every file below it), else the file itself."""
    units: dict[str, list[str]] = {}
    for rel in files:
        unit, parts = rel, rel.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if not os.path.lexists(out / folder):
                unit = folder
                break
        units.setdefault(unit, []).append(rel)
    return units


def _move_order(out: Path, unit: str, files: list[str]) -> tuple:
    """Leaves first, pages about many runs last (the latest of a unit's files counts); new
    paths before replaced ones; a page before the deeper ones that link back to it."""
    return (max(map(_links_order, files)), os.path.lexists(out / unit), unit.count("/"), unit)


# Pages whose links reach every run: moved in last.
_LAST = frozenset({"index.html", "sitemap.xml", "feed.xml", "runs/index.html", "404.html"})


def _links_order(rel: str) -> int:
    """When a file moves in: 0 links to nothing of the site, 1 a run's pages, 2 the other
    pages, 3 the home page, the runs index, feeds and sitemap."""
    if rel in _LAST or rel.endswith(".xml"):
        return 3
    if not rel.endswith(".html"):
        return 0
    return 1 if rel.startswith("runs/") else 2


def _files(root: Path, kept: Collection[str] = ()) -> Iterator[str]:
    """Every file below `root`, relative to it with "/" (a site holds no links to follow),
    but those directly inside a `kept` folder or its scorecard link-page folders: the
    unchanged runs' files, most of a large site, are not even listed."""
    stack = [""]
    while stack:
        folder = stack.pop()
        keeps = folder in kept
        with os.scandir(os.path.join(root, folder)) as entries:
            for entry in entries:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    if not (keeps and SHARE_FOLDER.fullmatch(entry.name)):
                        stack.append(rel)
                elif not keeps:
                    yield rel


def _prune(out: Path, folders: set[str]) -> None:
    """Remove the folders left empty, and their parents left empty, up to the site's root."""
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(out / folder)
            except OSError:
                break  # not empty (or already gone with a child's climb)
            folder = os.path.dirname(folder)


def _make_folder(out: Path, folder: str) -> None:
    """`out/folder`, with any file standing where one of its folders goes removed first."""
    if not folder or os.path.isdir(out / folder):
        return
    _make_folder(out, os.path.dirname(folder))
    if os.path.lexists(out / folder):
        os.unlink(out / folder)
    os.mkdir(out / folder)
