"""Read the files directly inside one directory: the input of `sitegen score` and of one run.

Like the reference CLI: only `*.json` files (exact, case-sensitive extension,
not the bare name `.json`) directly in the directory, results ordered by
timestamp then file name. Unlike it: a file that cannot be read at all (not
UTF-8, a directory named `x.json`, over the size limit) is skipped with its
reason instead of stopping everything, and the levels of a concurrency sweep
are read as results (named `sweep.json#c4`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ResultError
from ..imports import Origin
from ..safefs import display
from ..scoring.composite import Loaded
from ..scoring.report import order_results
from ..training import TrainingStepResult
from .classify import Classified, CorrectnessReport, FileKind, classify_file
from .discover import is_json_name, list_directory

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

NOT_A_LOAD_TEST_RESULT = "correctness report of the correctness tester, not a load-test result"


@dataclass(frozen=True, slots=True)
class DirectoryLoad:
    loaded: tuple[Loaded, ...]  # results in scoring order: timestamp, then file name
    skipped: tuple[tuple[str, str], ...]  # (file name, reason), in file-name order
    training: tuple[tuple[str, TrainingStepResult], ...]  # (file name, training step)
    correctness: tuple[tuple[str, CorrectnessReport], ...]  # (file name, report)
    files: tuple[Classified, ...]  # every *.json file, in file-name order
    # With imports (sitegen build): imported results the contract cannot score (rate-based, or
    # lacking a value it reads), in scoring order; and how each imported result was read.
    unscored: tuple[Loaded, ...] = ()
    origins: dict[str, Origin] = field(default_factory=dict)  # source -> origin

    def printable(self, shown: Callable[[str], str]) -> DirectoryLoad:
        """The same load with every runtime, model and file name passed through `shown` (for a
        document printed to a terminal or a CI log: safetext.printable)."""
        loaded = tuple(
            (r.model_copy(update={"runtime_name": shown(r.runtime_name)}), shown(source))
            if shown(r.runtime_name) != r.runtime_name or shown(source) != source
            else (r, source)
            for r, source in self.loaded
        )
        training = tuple(
            (
                shown(name),
                step.model_copy(
                    update={"runtime_name": shown(step.runtime_name), "model_name": shown(step.model_name)}
                ),
            )
            for name, step in self.training
        )
        return replace(self, loaded=loaded, training=training)


def summarise(files: Sequence[Classified], imports: bool = False) -> DirectoryLoad:
    """The files' results in scoring order, and what was skipped. `imports`: read imported
    results too (sitegen build); without, they are skipped with their reason (`sitegen score`,
    which reads the load tester's results as the reference does)."""
    loaded: list[Loaded] = []
    unscored: list[Loaded] = []
    origins: dict[str, Origin] = {}
    skipped: list[tuple[str, str]] = []
    training: list[tuple[str, TrainingStepResult]] = []
    correctness: list[tuple[str, CorrectnessReport]] = []
    for item in files:
        loaded.extend(item.results)
        if item.kind is FileKind.COMPANION and imports:
            continue  # read with its summary
        if item.imported:
            if not imports:
                skipped.append((item.name, item.reason))
                continue
            for result, source, origin in item.imported:
                (loaded if origin.scored else unscored).append((result, source))
                origins[source] = origin
        skipped.extend(item.skipped_levels)
        if item.training is not None:
            training.append((item.name, item.training))
        elif item.correctness is not None:
            correctness.append((item.name, item.correctness))
            skipped.append((item.name, NOT_A_LOAD_TEST_RESULT))
        elif not item.results and not item.imported:
            skipped.append((item.name, item.reason))
    return DirectoryLoad(
        tuple(order_results(loaded)),
        tuple(skipped),
        tuple(training),
        tuple(correctness),
        tuple(files),
        tuple(order_results(unscored)),
        origins,
    )


def load_directory(directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DirectoryLoad:
    """The `*.json` files directly in `directory`, the directory standing as the results root:
    links leaving it, special files and undecodable names are skipped with their reason."""

    try:
        listing = list_directory(directory, os.path.realpath(directory))
    except OSError as exc:
        raise ResultError(f"cannot read directory: {exc.strerror or exc}", directory) from None
    files = [classify_file(directory / name, max_bytes) for name in listing.json_files if is_json_name(name)]
    refused = [
        Classified(display(note.path.rsplit(os.sep, 1)[-1]), FileKind.UNREADABLE, note.reason)
        for note in listing.notes
        if is_json_name(note.path)
    ]
    return summarise(sorted(files + refused, key=lambda item: item.name))
