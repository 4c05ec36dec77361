"""Where the build cache is kept, and why sitegen can trust what it loads from there.

The cache holds pickled records and compiled templates: Python turns both back
into objects and code, so loading a file a contributor wrote would run their
code in the build (in CI, with the workflow's tokens). Three rules keep that out:

- **Outside the repository.** The cache lives under the user's cache folder
  (`$SITEGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/sitegen`, else `~/.cache/sitegen`),
  one folder per output, named by a hash of the output's real path. A folder
  that lies inside a git work tree, a results root or the folder of site.toml,
  that another user owns, or that others may write to, is refused: the build
  then runs without a cache and says why.
- **Signed.** Every file is written with an HMAC-SHA256 tag made with a key that
  is created once in that folder (readable by its owner only) and never leaves
  it. A file whose tag does not match (copied in, edited, truncated, written by
  another key) is never unpickled: the build ignores it with a note.
- **Compiled templates too.** Jinja's own file cache would load any file in its
  folder as code; render.SignedBytecodeCache keeps them under the same tag.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..safefs import Refused, inside, read_regular
from ..worktree import git_work_tree

CACHE_ENV = "SITEGEN_CACHE_DIR"
KEY_NAME = "signing.key"
_MAGIC = b"sitegen signed 1\n"
_TAG_BYTES = 32
_MAX_CACHE_FILE = 1 << 34  # a limit read_regular needs; no cache file comes near it


@dataclass(frozen=True, slots=True)
class CacheHome:
    """One output's cache folder and the key its files are signed with."""

    folder: Path
    key: bytes

    def read(self, name: str) -> bytes | None:
        """The payload of a signed file of this folder, or None when it is missing, not a
        regular file, or its tag does not match (never trusted, never unpickled)."""
        try:
            blob = read_regular(self.folder / name, _MAX_CACHE_FILE)
        except Refused:
            return None
        head = len(_MAGIC) + _TAG_BYTES
        if len(blob) < head or not blob.startswith(_MAGIC):
            return None
        tag, payload = blob[len(_MAGIC) : head], memoryview(blob)[head:]
        if not hmac.compare_digest(tag, self._tag(name, payload)):
            return None
        return bytes(payload)

    def write(self, name: str, payload: bytes) -> None:
        """Write a signed file beside its place and rename it into place (never half-written)."""
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(target.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + self._tag(name, payload) + payload)
        except BaseException:
            os.unlink(tmp)
            raise
        os.replace(tmp, target)

    def _tag(self, name: str, payload: bytes | memoryview) -> bytes:
        """The tag binds the file's name too: a signed file renamed to another role is refused."""
        mac = hmac.new(self.key, name.encode() + b"\0", hashlib.sha256)
        mac.update(payload)
        return mac.digest()


def cache_base() -> Path:
    """The folder every output's cache lives under, before any check."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "sitegen"


def cache_home(out: Path, untrusted: list[Path]) -> CacheHome | str:
    """The cache folder of the output `out`, or the reason it cannot be used (one line).

    `untrusted`: folders contributors write to (the results roots and the folder of
    site.toml): the cache never lies in one of them."""
    base = cache_base()
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        return f"cannot make the build cache folder {base}: {exc.strerror or exc}"
    real = os.path.realpath(base)
    reason = _unsafe_folder(real, untrusted)
    if reason:
        return f"build cache folder {base} {reason}; building without a cache (set {CACHE_ENV} elsewhere)"
    try:
        key = _signing_key(Path(real))
    except (OSError, Refused) as exc:
        why = exc.reason if isinstance(exc, Refused) else exc.strerror or exc
        return f"build cache key {Path(real) / KEY_NAME}: {why}; building without a cache"
    digest = hashlib.blake2b(os.path.realpath(out).encode("utf-8", "surrogateescape"), digest_size=10)
    return CacheHome(Path(real) / "sites" / digest.hexdigest(), key)


def _unsafe_folder(real: str, untrusted: list[Path]) -> str:
    """Why the cache may not live at `real` (a real path), or ""."""
    for folder in untrusted:
        folder_real = os.path.realpath(folder)
        if inside(real, folder_real):
            return f"lies inside {folder}, where contributors' files are"
    top = git_work_tree(real)
    if top is not None:
        return f"lies inside the git work tree {top}"
    st = os.stat(real)
    if st.st_uid != os.geteuid():
        return "belongs to another user"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "may be written by other users"
    return ""


def _signing_key(folder: Path) -> bytes:
    """The key of this cache folder: made once, readable by its owner only, never a link."""
    path = folder / KEY_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
    st = os.lstat(path)
    if st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise Refused("belongs to another user or may be read by others; not used")
    key = read_regular(path, 1024)
    if len(key) < 32:
        raise Refused("is shorter than 32 bytes; delete it to make a new one")
    return key
