"""Every source file of every run, put into the site beside its run page."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from ..catalog.classify import FileKind
from ..catalog.model import Run
from ..safefs import inside, real_path_in
from ..urls import Urls, disk_path


def link_source_files(runs: Iterable[Run], out: Path) -> int:
    """Hard-link each readable source file into `out/raw/...`, copying where links are refused.

    The file linked is the real file, resolved again here and checked to be a
    regular file inside its results root: the site never holds a symbolic
    link (the Pages upload would follow it) nor anything from outside the root.
    A hard link costs no data copy (10,000 files: 0.3 s instead of 4-6 s here);
    across file systems, or where links are refused, the file is copied.
    Returns the number of files put in place.
    """
    count = 0
    site = str(out)  # plain strings: a path object per file cost as much as linking it
    for run in runs:
        made = False
        root_real = os.path.realpath(run.root)
        run_real = os.path.realpath(run.path)
        folder = str(run.path)
        for item in run.files:
            if item.kind is FileKind.UNREADABLE:
                continue
            source = real_path_in(run_real, os.path.join(folder, item.name))
            try:
                if not inside(source, root_real) or not stat.S_ISREG(os.lstat(source).st_mode):
                    continue
            except OSError:
                continue
            target = os.path.join(site, disk_path(Urls.raw(run.id, item.name)))
            if not made:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                made = True
            try:
                try:
                    os.link(source, target, follow_symlinks=False)
                except OSError:
                    shutil.copyfile(source, target, follow_symlinks=False)
                count += 1
            except OSError:
                continue  # it was readable a moment ago; the run page still lists it
    return count
