"""One error family: each error carries the path it concerns and a one-line reason.

The CLI catches `SitegenError` once and prints `path: reason`, exit 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class SitegenError(Exception):
    def __init__(self, reason: str, path: str | Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = None if path is None else str(path)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class ConfigError(SitegenError):
    """site.toml (or a command-line option) is invalid."""


class ResultError(SitegenError):
    """A results directory cannot be read at all."""


class BuildError(SitegenError):
    """The site cannot be written."""


def format_location(loc: Sequence[Any]) -> str:
    """A validation error's location as people write it: `hardware[2].match`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"
