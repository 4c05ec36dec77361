"""Pause Python's cyclic garbage collector while building many small objects.

Validating 10,000 results creates millions of objects and no cycles; with the
collector running, its repeated full passes over the growing heap cost about
eight times the parsing itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was built is kept: move it out of the collector's sight so that the first
        # collection after re-enabling does not walk millions of live objects.
        gc.freeze()
        if was_enabled:
            gc.enable()
