"""Which results a scorecard row stands for: a field of sitegen's own on the rows.

The reference names a row by its runtime_name only, and two results of a run can share
one. The site finds each row's result (its validity, cohort and values) by the file it
came from, so every row carries its sources. The field is never written out: scorecards
.json, `sitegen score` and the text tables stay the reference's.
"""

from __future__ import annotations

from dataclasses import Field, field
from typing import Any

INTERNAL = {"internal": True}


def sources_field() -> Any:
    """A row's source files (within its run, or "run id/file" in standings): not compared, not
    serialised."""
    return field(default=(), compare=False, metadata=INTERNAL)


def is_internal(f: Field) -> bool:
    return bool(f.metadata.get("internal"))
