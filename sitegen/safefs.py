"""Reading an untrusted results tree: only regular files whose real path stays inside their root.

Results arrive through other people's pull requests, so every name and link
under a results root is untrusted. A symbolic link is resolved before
anything else; when its real path leaves the root (`/etc/passwd`,
`../../.git/config`, `/usr`) it is refused and never read, copied, linked or
rendered. Special files (FIFOs, sockets, devices) are never opened: a FIFO
blocks a reader forever and `/dev/zero` never ends. Names that are not valid
UTF-8 are shown with their bytes escaped (`bad\\xff.json`) and skipped, since
they cannot become URLs or text. Files are opened by their real path with
O_NOFOLLOW and O_NONBLOCK and checked again with fstat, so a file swapped for
a link or a FIFO after the walk is refused all the same.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class EntryKind(StrEnum):
    FILE = "file"
    DIRECTORY = "directory"
    OUTSIDE = "outside"  # a link whose real path leaves the root
    DANGLING = "dangling"
    SPECIAL = "special"
    UNDECODABLE = "undecodable"  # a name that is not valid UTF-8
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class Entry:
    """One directory entry, after its links were resolved."""

    name: str
    path: Path  # as found (may be a link inside the root)
    kind: EntryKind
    real: str = ""  # its real path, for files and directories inside the root
    reason: str = ""  # why it is refused or skipped

    @property
    def usable(self) -> bool:
        return self.kind in (EntryKind.FILE, EntryKind.DIRECTORY)


class Refused(ValueError):
    """A path that must not be read; `reason` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def display(text: str) -> str:
    """A path or name as text that can be printed and written: undecodable bytes as `\\xff`."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_decodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def hidden_part(real: str, root_real: str) -> str:
    """The path of the first hidden entry (`.git`, `.env`) on the way from a root down to
    `real`, or "". The walk never enters hidden folders, so a link never leads into one (nor
    to a hidden file): a root that is the repository itself holds `.git/config`."""
    path = root_real
    for part in real[len(root_real) :].split(os.sep):
        if not part:
            continue
        path = os.path.join(path, part)
        if part.startswith("."):
            return path
    return ""


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def special_reason(mode: int) -> str:
    what = next((label for test, label in _SPECIAL_KINDS if test(mode)), "not a regular file")
    return f"special file ({what}); not opened"


def inspect(path: Path, root_real: str) -> Entry:
    """What `path` is once its links are resolved, judged against the real path of its root."""
    name = path.name
    if not is_decodable(name):
        return Entry(name, path, EntryKind.UNDECODABLE, reason="name is not valid UTF-8; skipped")
    try:
        link = os.readlink(path) if path.is_symlink() else None
    except OSError:
        link = None
    real = os.path.realpath(path)
    if link is not None:
        if not os.path.lexists(real) or not os.path.exists(path):
            return Entry(name, path, EntryKind.DANGLING, reason="dangling link; skipped")
        if not inside(real, root_real):
            return Entry(
                name,
                path,
                EntryKind.OUTSIDE,
                reason=f"link to {display(link)}, outside the results root; refused",
            )
        hidden = hidden_part(real, root_real)
        if hidden:
            hidden_name = display(os.path.basename(hidden))
            where = f"into the hidden folder {hidden_name}" if os.path.isdir(hidden) else "a hidden file"
            return Entry(name, path, EntryKind.OUTSIDE, reason=f"link to {display(link)}, {where}; refused")
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        return Entry(name, path, EntryKind.UNREADABLE, reason=f"cannot read: {exc.strerror or exc}")
    if stat.S_ISDIR(mode):
        return Entry(name, path, EntryKind.DIRECTORY, real)
    if stat.S_ISREG(mode):
        return Entry(name, path, EntryKind.FILE, real)
    return Entry(name, path, EntryKind.SPECIAL, real, special_reason(mode))


def open_regular(path: str | Path) -> int:
    """A read-only descriptor of a regular file that is not a link; Refused otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if os.path.islink(path):
            raise Refused("a link where a file was found; refused") from None
        if os.path.isdir(path):
            raise Refused("is a directory, not a file") from None
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise Refused("is a directory, not a file" if stat.S_ISDIR(mode) else special_reason(mode))
    return fd


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; Refused otherwise. Never follows a link."""
    fd = open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise Refused(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; not read")
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # it grew while being read
            raise Refused(f"file is over the {max_bytes:,}-byte limit; not read")
        return data
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def real_path_in(real_dir: str, path: str | Path) -> str:
    """The real path of `path`, an entry of the folder whose real path is `real_dir`: the entry
    joined to it when the entry is not a link (one lstat instead of one per folder of the path),
    else resolved in full. A folder holds many files: resolve it once, then each entry this way."""
    candidate = os.path.join(real_dir, os.path.basename(path))
    try:
        if not stat.S_ISLNK(os.lstat(candidate).st_mode):
            return candidate
    except OSError:
        pass
    return os.path.realpath(path)
