"""Read the result files directly inside one directory, as `sitegen score` does.

Like the reference CLI: only `*.json` files (exact, case-sensitive extension,
not the bare name `.json`) directly in the directory; files that are not
results are skipped with their reason. Unlike it, a file that cannot be read
at all (not UTF-8, a directory named `x.json`) is skipped too, not fatal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ResultError
from .results import ParseFailure, decode_json, result_from_value
from .scoring.composite import Loaded
from .scoring.report import order_results
from .training import TrainingStepResult, is_training_document, training_from_value

# Files above this size are skipped unread: no real result comes close.
MAX_RESULT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DirectoryLoad:
    loaded: tuple[Loaded, ...]  # results in scoring order: timestamp, then file name
    skipped: tuple[tuple[str, str], ...]  # (file name, reason) in file-name order
    training: tuple[tuple[str, TrainingStepResult], ...]  # (file name, training step)


def is_json_name(name: str) -> bool:
    return name.endswith(".json") and len(name) > len(".json")


def read_file_bytes(path: Path, max_bytes: int = MAX_RESULT_BYTES) -> bytes:
    """The file's bytes, or ParseFailure when it cannot or should not be read."""
    try:
        if path.is_dir():
            raise ParseFailure("is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise ParseFailure(f"file is {size} bytes, over the {max_bytes}-byte limit; not read")
        return path.read_bytes()
    except OSError as exc:
        raise ParseFailure(f"cannot read: {exc.strerror or exc}") from None


def load_directory(directory: Path) -> DirectoryLoad:
    try:
        names = sorted(entry.name for entry in os.scandir(directory))
    except OSError as exc:
        raise ResultError(f"cannot read directory: {exc.strerror or exc}", directory) from None
    loaded: list[Loaded] = []
    skipped: list[tuple[str, str]] = []
    training: list[tuple[str, TrainingStepResult]] = []
    for name in names:
        if not is_json_name(name):
            continue
        try:
            value = decode_json(read_file_bytes(directory / name))
            if is_training_document(value):
                training.append((name, training_from_value(value)))
            else:
                loaded.append((result_from_value(value), name))
        except ParseFailure as failure:
            skipped.append((name, failure.reason))
    return DirectoryLoad(tuple(order_results(loaded)), tuple(skipped), tuple(training))
