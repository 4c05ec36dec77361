"""Pause Python's cyclic garbage collector for the length of one command.

Reading and scoring 10,000 results creates millions of objects and no cycles;
with the collector running, its repeated passes over the growing heap add
about two thirds to the catalog's build. So each command (build, check,
score, and each rebuild under `serve --watch`) runs with the collector off,
and turns it back on when it ends. Library functions never touch it: this is
the command line's decision, not the pipeline's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
