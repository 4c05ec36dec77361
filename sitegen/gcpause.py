"""Pause Python's cyclic garbage collector while a build or a catalog holds every run.

Reading and scoring 10,000 results creates millions of objects and no cycles;
with the collector running, its repeated passes over the growing heap cost
about as much again as reading the catalog (3.7 s paused, 5.7 s running, for
10,000 results) and a fifth of a site build's processor time. So the two places
that hold every run pause it, and nothing else does: `build_catalog` (check,
compare, report) and the stages of a site build (site/stages.py), whose worker
processes inherit the pause when they fork. The collector is turned back on
when they end, whoever called them: the command line and the library behave
alike.

`PAUSING` turns this off (a test shows the output does not depend on it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

PAUSING = True


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    if PAUSING:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
