"""Problems as GitHub workflow commands, so a pull request's diff shows them on the files.

    ::error file=results/2026-12-01/vllm-c4.json,title=sitegen: invalid result::reason

The runner reads one command per line, up to `::`. Its escaping: in the message,
`%`, CR and LF become %25, %0D and %0A; in a property value (file, title), also
`:` and `,` (%3A, %2C), which would otherwise end the value.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..catalog.model import Catalog, Diagnostic, Level


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


# A rejected result is an error, a suspicious one a warning; a file that is not a result a notice.
COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def command(level: Level, file: str | None, title: str, message: str) -> str:
    kind = COMMANDS[level]
    props = ([f"file={escape_property(file)}"] if file else []) + [f"title={escape_property(title)}"]
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def file_of(diagnostic: Diagnostic, folders: dict[str, Path], base_dir: Path, cwd: Path) -> str | None:
    """The file a diagnostic is about, relative to `cwd` (the repository's root in a workflow).

    Paths of a run's files start with the run's id (its folder relative to its results root,
    `folders` maps each to the folder); a sweep level ("sweep.json#c4") is its file; walk
    notes are relative to site.toml's folder."""
    path = diagnostic.path.split("#", 1)[0]
    head = next(
        (where for where in sorted(folders, key=len, reverse=True) if path.startswith(where + "/")), None
    )
    full = folders[head] / path[len(head) + 1 :] if head is not None else base_dir / path
    return os.path.relpath(full, cwd)


def annotations(catalog: Catalog, base_dir: Path, cwd: Path) -> Iterator[str]:
    """Every diagnostic as a workflow command, then a notice with the totals."""
    folders = {(run.id if run.id != "." else run.root.name): run.path for run in catalog.runs}
    for d in catalog.diagnostics:
        title = f"sitegen: {d.reason.split(':', 1)[0]}" if ":" in d.reason else "sitegen"
        yield command(d.level, file_of(d, folders, base_dir, cwd), title[:80], d.reason)
    errors = sum(d.level is Level.ERROR for d in catalog.diagnostics)
    warnings = sum(d.level is Level.WARNING for d in catalog.diagnostics)
    yield (
        f"::notice title=sitegen check::{len(catalog.runs)} runs, "
        f"{sum(r.n_results for r in catalog.runs)} results, {errors} errors, {warnings} warnings"
    )
