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

from ..catalog.build import FullCatalog
from ..catalog.model import Diagnostic, Level
from ..safefs import display
from ..safetext import printable
from .changed import ChangeSet, diagnostic_file, where


def escape_data(text: str) -> str:
    """A message as the runner reads it back: `%`, CR and LF percent-encoded; every other
    control character, U+2028/9 and an old-style `##[` command written as an escape
    (safetext.printable), since the runner decodes nothing else."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(text)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


# A rejected result is an error, a suspicious one a warning; a file that is not a result a notice.
COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
SEVERITY = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}  # the order they are printed in


def command(level: Level, file: str, title: str, message: str) -> str:
    kind = COMMANDS[level]
    props = [f"file={escape_property(file)}", f"title={escape_property(title)}"]
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def file_of(diagnostic: Diagnostic, folders: dict[str, Path], base_dir: Path, cwd: Path) -> str:
    """The file a diagnostic is about, relative to `cwd` (the repository's root in a workflow)."""
    return os.path.relpath(diagnostic_file(diagnostic, folders, base_dir), cwd)


def annotations(
    catalog: FullCatalog, base_dir: Path, cwd: Path, changes: ChangeSet | None = None
) -> Iterator[str]:
    """Every diagnostic as a workflow command, errors first (GitHub shows only the first few of
    each kind on a pull request), then a notice with the totals. `changes`: only those about the
    runs and files a change touches, so a pull request's own problems are the ones shown."""
    folders = {where(run): run.path for run in catalog.runs}
    located = [(d, file_of(d, folders, base_dir, cwd)) for d in catalog.diagnostics]
    if changes is not None:
        touched = {where(change.run) for change in changes.runs}
        located = [
            (d, file)
            for d, file in located
            if any(d.path.startswith(name + "/") for name in touched) or _absolute(cwd, file) in changes.paths
        ]
    located.sort(key=lambda pair: SEVERITY[pair[0].level])
    for d, file in located:
        title = f"sitegen: {d.reason.split(':', 1)[0]}" if ":" in d.reason else "sitegen"
        yield command(d.level, file, title[:80], d.reason)
    errors = sum(d.level is Level.ERROR for d, _ in located)
    warnings = sum(d.level is Level.WARNING for d, _ in located)
    scope = "in the runs and files this change touches" if changes is not None else "in every run"
    yield (
        f"::notice title=sitegen check::{len(catalog.runs)} runs, "
        f"{sum(r.n_results for r in catalog.runs)} results; {errors} errors, {warnings} warnings {scope}"
    )


def _absolute(cwd: Path, file: str) -> str:
    # Diagnostics show undecodable bytes escaped (safefs.display), as ChangeSet.paths does.
    return display(os.path.normpath(os.path.join(os.path.realpath(cwd), file)))
