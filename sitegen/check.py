"""`sitegen check`: what the catalog made of the results, without writing anything."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from .catalog.build import FullCatalog
from .catalog.classify import Classified, FileKind
from .catalog.model import Diagnostic, Level
from .config import LoadedConfig
from .safefs import display
from .words import count_of
from .worktree import tracked_files


def with_output_problems(catalog: FullCatalog, config: LoadedConfig) -> FullCatalog:
    """The catalog with what `build` would refuse about its output: a folder git tracks (a
    committed site is never sitegen's), as an error."""
    out = os.path.realpath(config.output_dir)
    tracked = tracked_files(out) if os.path.isdir(out) else []
    if not tracked:
        return catalog
    problem = Diagnostic(
        display(config.site.output),
        Level.ERROR,
        f"the output folder: git tracks files in it ({display(tracked[0])}, ...); a committed site is "
        "never sitegen's, and build refuses it: remove it from the repository (git rm -r --cached)",
    )
    return catalog.with_diagnostic(problem)


def file_format(item: Classified) -> str | None:
    """The format a file was read as, or None for a file not read as results."""
    if item.kind is FileKind.RESULT:
        return "load tester result"
    if item.kind is FileKind.SWEEP:
        return "load tester sweep"
    return item.format or None


def formats_read(catalog: FullCatalog) -> dict[str, int]:
    """How many files were read in each format, most first."""
    counts = Counter(f for run in catalog.runs for item in run.files if (f := file_format(item)))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summary(catalog: FullCatalog) -> dict[str, Any]:
    dates = sorted(r.date.isoformat() for r in catalog.runs if r.date)
    return {
        "runs": len(catalog.runs),
        "results": sum(len(r.results) for r in catalog.runs),
        "hardware_targets": len([h for h in catalog.hardware if catalog.runs_on(h.id)]),
        "runtimes": len([r for r in catalog.runtimes if r.spellings]),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "errors": sum(d.level is Level.ERROR for d in catalog.diagnostics),
        "warnings": sum(d.level is Level.WARNING for d in catalog.diagnostics),
        "flagged_results": catalog.flagged_results,
        "formats": formats_read(catalog),
    }


def check_document(catalog: FullCatalog) -> dict[str, Any]:
    return {
        "summary": summary(catalog),
        "runs": [
            {
                "id": run.id,
                "date": run.date.isoformat() if run.date else None,
                "date_reason": run.date_reason,
                "hardware": run.hardware,
                "hardware_reason": run.hardware_reason,
                "results": [
                    {
                        "file": e.source,
                        "runtime_name": e.result.runtime_name,
                        "concurrency": e.result.concurrency,
                        "runtime": e.runtime,
                        "runtime_reason": e.runtime_reason,
                        "model": e.cohort.model,
                        "workload": e.cohort.workload,
                        "cohort_reason": e.cohort_reason,
                        "flag": str(e.flag.kind) if e.flag else None,
                        "flag_reason": e.flag.reason if e.flag else None,
                        "format": e.origin.format if e.origin else "load tester result",
                        **({"rate_rps": e.rate, "concurrency": None} if e.rate is not None else {}),
                        **(
                            {"not_reported": sorted(e.origin.missing), "import_notes": list(e.origin.notes)}
                            if e.origin
                            else {}
                        ),
                    }
                    for e in run.results
                ],
            }
            for run in catalog.runs
        ],
        "diagnostics": [
            {"path": d.path, "level": str(d.level), "reason": d.reason} for d in catalog.diagnostics
        ],
    }


def check_text(catalog: FullCatalog) -> Iterator[str]:
    s = summary(catalog)
    date_range = f"{s['first_date']} to {s['last_date']}" if s["first_date"] else "no dates"
    yield (
        f"{s['runs']} runs, {s['results']} results, {s['hardware_targets']} hardware targets, "
        f"{s['runtimes']} runtimes, {date_range}"
    )
    if s["formats"]:
        yield "Formats read: " + "; ".join(
            f"{name} ({count_of(n, 'file')})" for name, n in s["formats"].items()
        )
    yield ""
    yield "Resolution"
    for run in catalog.runs:
        yield f"  {run.id}  ->  {run.hardware_reason}; {run.date_reason}"
        seen: set[tuple[str, str, str]] = set()
        for entry in run.results:
            key = (entry.result.runtime_name, entry.runtime, entry.cohort_reason)
            if key in seen:
                continue
            seen.add(key)
            yield f"      {entry.result.runtime_name}  ->  {entry.runtime_reason}; {entry.cohort_reason}"
    if catalog.diagnostics:
        yield ""
        yield (
            f"Diagnostics ({s['errors']} errors, {s['warnings']} warnings, "
            f"{s['flagged_results']} flagged measurements)"
        )
        for path, items in groupby(catalog.diagnostics, key=lambda d: d.path):
            yield f"  {path}"
            for d in items:
                yield f"      {d.level}: {d.reason}"
