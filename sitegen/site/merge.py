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
    with "/" (a reused run's `runs/<id>` and `raw/<id>`)."""
    kept = set(kept)
    new = set(_files(tmp))
    os.replace(out / SITE_MARKER, out / SITE_UPDATING_MARKER)
    emptied: set[str] = set()
    for rel in _files(out, kept):
        if rel in new or rel == SITE_UPDATING_MARKER:
            continue
        os.unlink(out / rel)
        emptied.add(os.path.dirname(rel))
    _prune(out, emptied)  # before moving in: a new file may take the place of an old folder
    for rel in sorted(new - {SITE_MARKER}):
        target = out / rel
        _make_folder(out, os.path.dirname(rel))
        os.replace(tmp / rel, target)
    os.replace(tmp / SITE_MARKER, out / SITE_MARKER)
    os.unlink(out / SITE_UPDATING_MARKER)
    shutil.rmtree(tmp, ignore_errors=True)


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
