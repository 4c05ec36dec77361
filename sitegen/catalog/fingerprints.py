"""Content hashes of a run's input files: what decides whether a run changed since the last build.

Every input file is looked at on every build; a file whose stat (size, modification
time, change time, inode) is the one the last build saw keeps its hash without being
read again. An edit that restores the modification time still changes the change time.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping

from ..safefs import Refused, open_regular, real_path_in
from .discover import RunDir

StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
FileHashes = Mapping[str, tuple[StatKey, str]]  # path -> (its stat, its content hash)


class Fingerprints:
    """Content hashes of input files, reusing the last build's where a file's stat is unchanged."""

    def __init__(self, previous: FileHashes, max_bytes: int) -> None:
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

    def take(self, hashes: FileHashes) -> None:
        """Hashes taken by another reader of the same files (a build's workers), as they read."""
        self.now.update(hashes)

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
