"""One run folder read: its files classified, its runtimes, hardware, models and settings
resolved, each result judged and derived, the run scored as `sitegen score` scores it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .. import memo
from ..config import LoadedConfig, ModelConfig, QualityConfig, SloConfig
from ..imports.values import UNNAMED, UNNAMED_NOTE
from ..safetext import MAX_SHOWN, shorten
from ..scoring.report import score_results
from .checks import duplicate_warnings, parse_timestamp, result_warnings, variant_warnings
from .classify import FileKind, classify_file, with_companions
from .derived import derive
from .directory import DirectoryLoad, summarise
from .discover import RunDir
from .metadata import date_in_path, read_metadata
from .model import SETTINGS, Cohort, Diagnostic, Level, ResultEntry, Run, summarise_run
from .resolve import (
    hardware_words,
    lookalike_warning,
    resolve_hardware,
    resolve_model,
    resolve_runtime,
    resolve_settings,
    resolve_workload,
)
from .validity import judge

_LEVEL_OF_KIND = {
    FileKind.INVALID_RESULT: Level.ERROR,
    FileKind.UNREADABLE: Level.WARNING,
    FileKind.NOT_JSON: Level.INFO,
    FileKind.OTHER_JSON: Level.INFO,
    FileKind.CORRECTNESS: Level.INFO,
}


@dataclass(frozen=True, slots=True)
class _Quality:
    """What judging, grouping and deriving results needs from site.toml."""

    rules: QualityConfig
    models: list[ModelConfig]
    slos: list[SloConfig]
    today: dt.date  # the build's date: a result dated more than a day after it is no measurement


def read_run(
    config: LoadedConfig, run_dir: RunDir, contents: Mapping[str, bytes] | None = None
) -> tuple[Run, list[Diagnostic]]:
    """Read, resolve and score one run directory: the run and its diagnostics. `contents`: the
    bytes of some of its JSON files, by name, read already by the caller with the same checks
    (a regular file inside the root, within the size limit); the others are read here."""
    site = config.site
    targets = {h.id: h for h in site.hardware}
    max_bytes = int(site.max_file_mb * 1024 * 1024)
    quality = _Quality(site.quality, site.model, site.slo, config.today)
    return _read_run(
        run_dir, site.hardware, targets, site.runtime, max_bytes, config.contract, quality, contents or {}
    )


SETTING_NAMES = tuple(name for name, _, _ in SETTINGS)

# One object per distinct cohort: a run's results share theirs, so its record pickles it once (a
# cached build unpickles every record on every rebuild).
_cohort = memo.memoised(maxsize=4096)(Cohort)


def _read_run(
    run_dir: RunDir,
    hardware_cfg,
    targets,
    runtime_cfg,
    max_bytes,
    contract,
    quality: _Quality,
    contents: Mapping[str, bytes],
) -> tuple[Run, list[Diagnostic]]:
    where = run_dir.id if run_dir.id != "." else run_dir.root.name
    diagnostics: list[Diagnostic] = []
    real_dir = os.path.realpath(run_dir.path)  # once per run, not once per file
    folder = os.path.join(run_dir.path, "")  # + a name is its path (a path object each costs)
    files = with_companions(
        [classify_file(folder + name, max_bytes, real_dir, contents.get(name)) for name in run_dir.json_files]
    )
    load = summarise(files, imports=True)
    load, cut = _names_shown(load)
    for source, length in cut:
        diagnostics.append(
            Diagnostic(
                f"{where}/{source}",
                Level.WARNING,
                f"runtime_name is {length:,} characters long; shown cut to {MAX_SHOWN}",
            )
        )
    for item in files:
        level = _LEVEL_OF_KIND.get(item.kind)
        if level is not None:
            diagnostics.append(
                Diagnostic(
                    f"{where}/{item.name}",
                    level,
                    f"{item.kind}: {item.reason}"
                    if item.kind is not FileKind.CORRECTNESS
                    else str(item.kind),
                )
            )
        if item.kind is FileKind.IMPORTED:
            diagnostics.append(Diagnostic(f"{where}/{item.name}", Level.INFO, import_words(item)))
            for source, reason in item.skipped_levels:
                diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, f"not read: {reason}"))
            continue
        for source, reason in item.skipped_levels:
            diagnostics.append(Diagnostic(f"{where}/{source}", Level.ERROR, f"invalid result: {reason}"))
    metadata = read_metadata(run_dir.path, run_dir.other_files)
    diagnostics.extend(
        Diagnostic(f"{where}/{p.split(':')[0]}", Level.WARNING, p.split(": ", 1)[1])
        for p in metadata.problems
    )

    if metadata.runtime:
        load = _named_by_run(load, metadata.runtime)
    read = load.loaded + load.unscored
    measured = {source: parse_timestamp(r.timestamp) for r, source in read}
    run_date, date_reason, declared = _run_date(run_dir.id, metadata.date, measured.values())
    # A date after the build's (and a day, for time zones) is no measurement: an error naming
    # the file that gives it; the run is taken as undated (it moves no other entry's staleness)
    # and its results are never ranked.
    latest_day = quality.today + dt.timedelta(days=1)
    run_ahead = ""
    if run_date is not None and run_date > latest_day:
        what, given_by = _date_source(date_reason, where, measured)
        run_ahead = f"its run is dated {run_date}, after this build ({quality.today})"
        diagnostics.append(
            Diagnostic(
                given_by,
                Level.ERROR,
                f"{what} dates the run {run_date}, after this build ({quality.today}): "
                "the run is taken as undated and its results are not ranked",
            )
        )
        date_reason = f"no date: {what} says {run_date}, after this build"
        run_date = None
    dated_ahead = bool(run_ahead)
    names = [r.runtime_name for r, _ in read]
    hw = resolve_hardware(run_dir.id if run_dir.id != "." else "", metadata.hardware, names, hardware_cfg)
    for kind, spelled, path in (
        ("run.toml hardware", metadata.hardware, f"{where}/run.toml"),
        ("folder name", run_dir.id.split("/")[0] if "/" in run_dir.id else "", where),
    ):
        warning = lookalike_warning(kind, spelled, f"hardware {hw.id}") if spelled else None
        if warning:
            diagnostics.append(Diagnostic(path, Level.WARNING, warning))
    warned: set[str] = set()
    words = hardware_words(hw.id, targets.get(hw.id))
    entries = []
    in_result = {source: dict(fields) for item in files for source, fields in item.declared}
    for result, source in read:
        origin = load.origins.get(source)
        runtime = resolve_runtime(result.runtime_name, source, runtime_cfg, words)
        if result.runtime_name not in warned:
            warned.add(result.runtime_name)
            warning = lookalike_warning("runtime_name", result.runtime_name, f"runtime {runtime.id}")
            if warning:
                diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, warning))
        said = in_result.get(source, {})  # what the result file itself declares
        model = resolve_model(
            run_dir.id, metadata.model, said.get("model", ""), result.runtime_name, quality.models, source
        )
        workload = resolve_workload(
            metadata.workload,
            said.get("workload", ""),
            result.dataset_stats.source if result.dataset_stats else "",
        )
        settings, settings_reasons = resolve_settings(metadata.settings, said, SETTING_NAMES)
        at = measured[source]
        ahead = run_ahead
        if not ahead and at is not None and at.date() > latest_day:
            ahead = f"timestamp {at.date()} is after this build ({quality.today})"
            dated_ahead = True
            diagnostics.append(
                Diagnostic(f"{where}/{source}", Level.ERROR, f"{ahead}: the result is not ranked")
            )
        flag = judge(result, quality.rules, ahead)
        target = targets.get(hw.id)
        gpus, price = (target.gpus, target.price_per_hour) if target else (1, None)
        entries.append(
            ResultEntry(
                result,
                source,
                runtime.id,
                runtime.reason,
                measured[source],
                flag,
                _cohort(model.id, workload.id, model.name, workload.name, settings),
                "; ".join([model.reason, workload.reason, *settings_reasons]),
                derive(result, gpus, price, quality.slos, origin.missing if origin else frozenset()),
                metadata.engine_version or said.get("engine_version", ""),
                origin,
            )
        )
        timestamp_reported = origin is None or origin.reported("timestamp")
        for warning in result_warnings(result, measured[source], run_date, declared, timestamp_reported):
            diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, warning))
        if flag is not None:
            diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, f"{flag.kind}: {flag.reason}"))
    for source, warning in duplicate_warnings(load.loaded):
        diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, warning))
    for source, warning in variant_warnings(entries):
        diagnostics.append(Diagnostic(f"{where}/{source}", Level.WARNING, warning))

    report = score_results(load.loaded, contract, training=[step.to_input() for _, step in load.training])
    identity = {
        "id": run_dir.id,
        "root": run_dir.root,
        "path": run_dir.path,
        "date": run_date,
        "date_reason": date_reason,
        "hardware": hw.id,
        "hardware_reason": hw.reason,
        "metadata": metadata,
        "dated_ahead": dated_ahead,
    }
    results = tuple(entries)
    run = Run(
        summary=summarise_run(identity, results, report, load.files, load.skipped),
        results=results,
        skipped=load.skipped,
        files=load.files,
        correctness=load.correctness,
        training=load.training,
        report=report,
        other_files=run_dir.other_files,
        correctness_runtimes=tuple(
            resolve_runtime(rep.runtime_name, name, runtime_cfg, words).id for name, rep in load.correctness
        ),
    )
    return run, diagnostics


def import_words(item) -> str:
    """What `check` and the diagnostics say of an imported file: its format, how many results
    it gave, and every value derived or assumed."""
    notes = dict.fromkeys(note for _, _, origin in item.imported for note in origin.notes)
    missing = sorted({f for _, _, origin in item.imported for f in origin.missing})
    said = f"read as {item.format}: {len(item.imported)} result{'s' if len(item.imported) != 1 else ''}"
    if missing:
        said += f"; not reported: {', '.join(missing)}"
    return said + "".join(f"; {note}" for note in notes)


def _named_by_run(load: DirectoryLoad, runtime: str) -> DirectoryLoad:
    """Imported results whose files name no runtime, named by run.toml's `runtime` (before they
    are scored, so every page names them alike)."""
    origins = dict(load.origins)

    def named(items: tuple) -> tuple:
        out = []
        for result, source in items:
            origin = origins.get(source)
            if origin is not None and result.runtime_name == UNNAMED:
                result = result.model_copy(update={"runtime_name": runtime})
                notes = tuple(n for n in origin.notes if n != UNNAMED_NOTE) + ("runtime from run.toml",)
                origins[source] = replace(origin, notes=notes)
            out.append((result, source))
        return tuple(out)

    return replace(load, loaded=named(load.loaded), unscored=named(load.unscored), origins=origins)


def _names_shown(load: DirectoryLoad) -> tuple[DirectoryLoad, list[tuple[str, int]]]:
    """Runtime names over MAX_SHOWN characters cut (with a hash, so distinct names stay distinct)
    before scoring, so no page repeats a 20 MB name; the source file keeps the whole name."""
    cut = [(source, len(r.runtime_name)) for r, source in load.loaded if len(r.runtime_name) > MAX_SHOWN]
    if not cut:
        return load, cut
    loaded = tuple(
        (r.model_copy(update={"runtime_name": shorten(r.runtime_name)}), source)
        if len(r.runtime_name) > MAX_SHOWN
        else (r, source)
        for r, source in load.loaded
    )
    return replace(load, loaded=loaded), cut


def _date_source(date_reason: str, where: str, measured: Mapping[str, dt.datetime | None]) -> tuple[str, str]:
    """What gave a run its date, in words, and the file (or folder) that holds it."""
    if date_reason == "date from run.toml":
        return "run.toml", f"{where}/run.toml"
    if date_reason == "date from the directory name":
        return "the folder's name", where
    earliest = min((at, source) for source, at in measured.items() if at is not None)[1]
    return "its earliest result timestamp", f"{where}/{earliest}"


def _run_date(run_id: str, declared: dt.date | None, measured) -> tuple[dt.date | None, str, bool]:
    if declared is not None:
        return declared, "date from run.toml", True
    in_path = date_in_path(run_id)
    if in_path is not None:
        return in_path, "date from the directory name", True
    times = sorted(t for t in measured if t is not None)
    if times:
        return times[0].astimezone(dt.UTC).date(), "date of the earliest result timestamp", False
    return None, "no date: no run.toml date, no date in the path, no valid timestamp", False
