"""What each file in a run directory is, and what is wrong with it.

Every `*.json` (and `*.jsonl`) file becomes one `Classified`: a result, a concurrency sweep
(its levels' results read as results), an imported result (another load tester's file, or the
load tester's repeat or console files: sitegen/imports), per-request records read with one, a
correctness report of the correctness tester, a training-step result, other JSON, or not JSON.
Invalid results keep the reason from the result models. Nothing here raises.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..imports import Imported, Origin, aiperf, attach_companion, llmperf, loadtester, read_text, read_value
from ..results import (
    LoadTestResult,
    ParseFailure,
    RequestDetail,
    declared_text,
    decode_json,
    find_lone_surrogate,
    parse_result_fast_with_value,
    result_from_value,
)
from ..safefs import Refused, read_regular, real_path_in
from ..safetext import shorten
from ..training import TrainingStepResult, is_training_document, training_from_value

# Fields whose presence makes a JSON object "look like a result".
_RESULT_HINTS = frozenset({"total_requests", "runtime_name", "ttft_p50_ms", "tokens_per_sec", "concurrency"})


class FileKind(StrEnum):
    RESULT = "result"
    SWEEP = "sweep"
    IMPORTED = "imported result"
    COMPANION = "per-request records"
    CORRECTNESS = "correctness report"
    TRAINING = "training step"
    INVALID_RESULT = "invalid result"
    OTHER_JSON = "other JSON"
    NOT_JSON = "not JSON"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class CorrectnessCase:
    name: str
    passed: bool
    failures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CorrectnessReport:
    """The correctness tester's report: named prompts, each passed or failed."""

    runtime_name: str
    timestamp: str
    passed: int
    failed: int
    total: int
    cases: tuple[CorrectnessCase, ...]

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Classified:
    name: str  # file name inside its run directory
    kind: FileKind
    reason: str = ""  # why it is not a result (for invalid, unreadable, other, not JSON)
    results: tuple[tuple[LoadTestResult, str], ...] = ()  # (result, source name) for results and sweeps
    skipped_levels: tuple[tuple[str, str], ...] = ()  # (source name, reason) of invalid sweep levels
    correctness: CorrectnessReport | None = None
    training: TrainingStepResult | None = None
    size: int = 0
    # (source name, model, workload) that a result file declares itself (newer writers add them)
    declared: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (source, cohort fields it declares)
    # Imported results: (result, source name, how it was read). Not read by `sitegen score`,
    # which lists the file as skipped with `reason`.
    imported: tuple[tuple[LoadTestResult, str, Origin], ...] = ()
    format: str = ""  # the format of an imported file ("vLLM bench serve", ...)
    details: tuple[RequestDetail, ...] = ()  # per-request records (COMPANION): read with their summary


# Fields of a result file the reference does not read but the catalog resolves cohorts from.
DECLARED_FIELDS = (
    "model",
    "workload",
    "precision",
    "tensor_parallel",
    "dataset",
    "load_generator",
    "engine_version",
)


def _declared(source: str, value: object) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(source, ((field, text), ...)) for the cohort fields a result file declares, if any."""
    found = tuple((name, text) for name in DECLARED_FIELDS if (text := declared_text(value, name)))
    return ((source, found),) if found else ()


def read_limited(path: str | Path, max_bytes: int, real_dir: str | None = None) -> bytes:
    """The bytes of the regular file at `path` (its links resolved); ParseFailure when it is not
    one, cannot be read or is too large. Whether a link may be followed at all is decided by the
    walk (`safefs.inspect`), before this is called. `real_dir`: the real path of its folder, when
    known (a run's files are read one after the other)."""
    real = os.path.realpath(path) if real_dir is None else real_path_in(real_dir, path)
    try:
        return read_regular(real, max_bytes)
    except Refused as refused:
        raise ParseFailure(refused.reason) from None


def classify_file(
    path: str | Path, max_bytes: int, real_dir: str | None = None, raw: bytes | None = None
) -> Classified:
    """`raw`: the file's bytes when the caller has read them already (see read_run)."""
    name = os.path.basename(path)
    if raw is None:
        try:
            raw = read_limited(path, max_bytes, real_dir)
        except ParseFailure as failure:
            return Classified(name, FileKind.UNREADABLE, failure.reason)
    fast = parse_result_fast_with_value(raw)
    if fast is not None:
        result, value = fast
        return Classified(
            name, FileKind.RESULT, results=((result, name),), size=len(raw), declared=_declared(name, value)
        )
    try:
        value = decode_json(raw)
    except ParseFailure as failure:
        imported = read_text(raw, name)  # console output, JSON Lines, NaN or Infinity
        if imported is not None:
            return _imported(name, imported, len(raw), imported_reason(imported, None))
        if aiperf.is_per_request_records(raw):
            return Classified(
                name,
                FileKind.COMPANION,
                aiperf.RECORDS_NOTE,
                size=len(raw),
                format=aiperf.RECORDS,
                details=tuple(aiperf.records_details(raw)),
            )
        looks = any(f'"{hint}"'.encode() in raw for hint in _RESULT_HINTS)
        kind = FileKind.INVALID_RESULT if looks else FileKind.NOT_JSON
        return Classified(name, kind, failure.reason, size=len(raw))
    return _classify_value(name, value, len(raw))


def _classify_value(name: str, value: Any, size: int) -> Classified:
    if llmperf.is_individual_responses(value):
        return Classified(
            name,
            FileKind.COMPANION,
            "llmperf individual responses: read with their summary by sitegen build (ITL from them)",
            size=size,
            format=llmperf.COMPANION,
            details=tuple(llmperf.details_of(value)),
        )
    if isinstance(value, dict) and "total_requests" not in value:
        imported = read_value(value, name)
        if imported is not None:
            return _imported(name, imported, size, imported_reason(imported, value))
    if not _is_result_shaped(value):
        # Not read by the reference, and shown on pages: no lone surrogate anywhere.
        surrogate = find_lone_surrogate(value)
        if surrogate:
            kind = FileKind.INVALID_RESULT if _is_correctness_report(value) else FileKind.NOT_JSON
            return Classified(name, kind, surrogate, size=size)
    if is_training_document(value):
        try:
            return Classified(name, FileKind.TRAINING, training=training_from_value(value), size=size)
        except ParseFailure as failure:
            return Classified(name, FileKind.INVALID_RESULT, failure.reason, size=size)
    if isinstance(value, dict) and isinstance(value.get("levels"), list) and "total_requests" not in value:
        return _sweep(name, value, size)
    if _is_correctness_report(value):
        return Classified(name, FileKind.CORRECTNESS, correctness=_correctness(value), size=size)
    try:
        result = result_from_value(value)
    except ParseFailure as failure:
        looks = isinstance(value, list) or (
            isinstance(value, dict) and len(_RESULT_HINTS & value.keys()) >= 3
        )
        if looks:
            return Classified(name, FileKind.INVALID_RESULT, failure.reason, size=size)
        return Classified(name, FileKind.OTHER_JSON, _describe_other(value), size=size)
    return Classified(
        name, FileKind.RESULT, results=((result, name),), size=size, declared=_declared(name, value)
    )


def imported_reason(imported: Imported, value: Any) -> str:
    """Why `sitegen score` (the load tester's own results only) skips an imported file."""
    if imported.format == loadtester.REPEATS and loadtester.is_repeats(value):
        what = loadtester.repeats_summary(value)
        return f"{what}: sitegen score reads single results; sitegen build shows the repeats and ranks their mean"
    return f"{imported.format} result file: sitegen score reads the load tester's results; sitegen build imports it"


def _imported(name: str, imported: Imported, size: int, reason: str) -> Classified:
    """An imported file; one whose every entry was skipped keeps the reasons."""
    if not imported.results:
        reasons = "; ".join(dict.fromkeys(why for _, why in imported.skipped)) or "no result in it"
        kind = FileKind.INVALID_RESULT if imported.format == loadtester.REPEATS else FileKind.OTHER_JSON
        return Classified(name, kind, f"not read as a result ({imported.format}): {reasons}", size=size)
    return Classified(
        name,
        FileKind.IMPORTED,
        reason,
        skipped_levels=imported.skipped,
        size=size,
        declared=imported.declared,
        imported=imported.results,
        format=imported.format,
    )


# Imported format -> the name of the per-request records its tool writes beside a file of it.
COMPANION_NAMES = {llmperf.LLMPERF: llmperf.companion_name, aiperf.AIPERF: aiperf.companion_name}


def with_companions(files: list[Classified]) -> list[Classified]:
    """Imported results joined with the per-request records written beside them, found by the
    names the tools give them: llmperf's individual responses beside its summary (its ITL is
    recomputed from them) and AIPerf's records beside its profile export."""
    companions = {item.name: item for item in files if item.kind is FileKind.COMPANION}
    if not companions:
        return files
    out = []
    for item in files:
        partner = (
            companions.get(COMPANION_NAMES[item.format](item.name))
            if item.format in COMPANION_NAMES
            else None
        )
        if partner is not None:
            joined = []
            for result, source, origin in item.imported:
                result, origin = attach_companion(result, origin, partner.details)
                joined.append((result, source, origin))
            item = replace(item, imported=tuple(joined))
        out.append(item)
    return out


def _is_result_shaped(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and "total_requests" in value)


def _sweep(name: str, value: dict, size: int) -> Classified:
    results, skipped, declared = [], [], []
    for i, level in enumerate(value["levels"]):
        c = level.get("concurrency") if isinstance(level, dict) else None
        label = f"{name}#c{c}" if isinstance(c, int) and not isinstance(c, bool) else f"{name}#level{i}"
        try:
            if not isinstance(level, dict) or "result" not in level:
                raise ParseFailure(f"levels[{i}]: expected an object with a result")
            results.append((result_from_value(level["result"]), label))
            declared.extend(_declared(label, level["result"]) or _declared(label, value))
        except ParseFailure as failure:
            skipped.append((label, f"levels[{i}].result: {failure.reason}"))
    reason = "" if results else "sweep without a valid level"
    return Classified(
        name,
        FileKind.SWEEP,
        reason,
        results=tuple(results),
        skipped_levels=tuple(skipped),
        size=size,
        declared=tuple(declared),
    )


def _is_correctness_report(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("results"), list)
        and isinstance(value.get("runtime_name"), str)
        and "total_requests" not in value
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _correctness(value: dict) -> CorrectnessReport:
    cases = []
    for case in value["results"]:
        if not isinstance(case, dict):
            continue
        failures = case.get("failures") if isinstance(case.get("failures"), list) else []
        cases.append(
            CorrectnessCase(
                name=shorten(str(case.get("name", ""))),
                passed=case.get("passed") is True,
                failures=tuple(str(f)[:500] for f in failures),
            )
        )
    passed = _int(value.get("passed")) if "passed" in value else sum(c.passed for c in cases)
    total = _int(value.get("total")) if "total" in value else len(cases)
    failed = _int(value.get("failed")) if "failed" in value else total - passed
    timestamp = value.get("timestamp") if isinstance(value.get("timestamp"), str) else ""
    return CorrectnessReport(
        shorten(value["runtime_name"]), timestamp[:64], passed, failed, total, tuple(cases)
    )


def _describe_other(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(json.dumps(shorten(k, 60)) for k in sorted(value)[:4])
        return f"not a result: an object with keys {keys}{', ...' if len(value) > 4 else ''}"
    return f"not a result: a JSON {type(value).__name__.replace('str', 'string')}"
