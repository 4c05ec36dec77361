"""The output folder: checked before a build writes it, locked while it does, the new site
written beside it and put in place whole (or, for an update in place, merged into it: merge.py).

- A non-empty output directory that sitegen did not create (no marker file) is never replaced.
- A build that fails leaves the previous site untouched: it only wrote a temporary directory.
- A build stopped between the two renames of a swap is repaired at the next build or serve.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..catalog.discover import SITE_MARKER, SITE_UPDATING_MARKER
from ..errors import BuildError
from ..safefs import Refused, display, inside, read_regular
from ..worktree import tracked_files

MARKER = SITE_MARKER


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
        remove(path)
        fd = os.open(path, flags, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path.name} is not a regular file")
    return fd


def remove(path: Path) -> None:
    """Whatever stands at `path`, removed without following a link."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def old_path(out: Path) -> Path:
    return out.parent / f".{out.name}.sitegen-old"


def recover_output(out: Path) -> None:
    """Put back the previous site when a build was stopped between the two renames of a swap
    (a real folder with the marker: a link someone left under that name is never taken)."""
    old = old_path(out)
    if not os.path.lexists(out) and not old.is_symlink() and (old / MARKER).is_file():
        os.replace(old, out)


def real_output(out: Path) -> Path:
    """The output as its real path: an output reached through a link is written where the link
    leads, and the lock, the temporary folder and the cache follow it there."""
    return Path(os.path.realpath(out.absolute()))


def marker_inputs(out: Path) -> str | None:
    """The inputs key in the previous site's marker, read as a regular file (never through a
    link), or None."""
    try:
        return json.loads(read_regular(out / MARKER, 4096)).get("inputs")
    except (Refused, ValueError, AttributeError):
        return None


def fresh_tmp(out: Path) -> Path:
    """The empty directory the new site is written into, beside the output."""
    tmp = out.parent / f".{out.name}.sitegen-tmp"
    try:
        remove(tmp)  # a stopped build's, or a link someone committed: never followed
        tmp.mkdir()
    except OSError as exc:
        raise BuildError(
            f"cannot write beside the output: {exc.strerror or exc}", exc.filename or out
        ) from None
    return tmp


def swap(tmp: Path, out: Path) -> None:
    """Put the new site in place. Where the system can exchange two directories in one step
    (Linux renameat2), there is no moment without a site; elsewhere two renames, and a build
    stopped between them is repaired by `recover_output` at the next build or serve."""
    if not out.exists():
        os.replace(tmp, out)
    elif _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # it now holds the previous site
    else:
        old = old_path(out)
        remove(old)
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
