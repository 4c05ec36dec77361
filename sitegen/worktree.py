"""What git knows of a folder: whether it lies in a work tree, and which of its files git tracks.

A results repository takes pull requests: a file git tracks may have come from
anyone, so sitegen never takes a tracked folder as one of its own (an output
it built, a cache it wrote). Without git, or outside a work tree, nothing is
tracked.
"""

from __future__ import annotations

import os
import subprocess


def git_work_tree(real: str) -> str | None:
    """The top of the git work tree (or git folder) holding the real path `real`, or None:
    the first folder upwards with a `.git` entry, or a folder named `.git`."""
    folder = real
    while True:
        if os.path.basename(folder) == ".git" or os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def tracked_files(real: str) -> list[str]:
    """The files under the real path `real` that git tracks (relative to the work tree's top),
    at most a few; [] outside a work tree, without git, or when git cannot tell."""
    top = git_work_tree(real)
    if top is None or os.path.basename(top) == ".git":
        return []
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", "-C", top, "ls-files", "-z", "--", os.path.relpath(real, top)],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [os.fsdecode(name) for name in done.stdout.split(b"\0")[:5] if name]
