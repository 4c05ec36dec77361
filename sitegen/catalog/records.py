"""What pages about many runs need of one run, and the catalog assembled from those.

Reading and scoring a run yields a full `Run` (for its own page) and a small
`RunRecord`: its summary, diagnostics, time-series points, runtime spellings
and the rank of each standings candidate it holds. Every build assembles the
catalog from records: a parallel build from its workers' records, an
incremental build from the cached records of unchanged runs and the fresh ones
of the rest. The standings need full entries for the latest candidate of each
key only, which `assemble` asks for by (run id, file).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import HardwareConfig, LoadedConfig, RuntimeConfig
from .discover import WalkNote, shown_path
from .history import (
    StandingCandidates,
    compute_series,
    merge_series,
    newest_date,
    standing_candidates,
    standing_from,
)
from .model import (
    Catalog,
    Cohort,
    Diagnostic,
    HardwareTarget,
    Level,
    ResultEntry,
    Run,
    RunSummary,
    RuntimeInfo,
    Series,
)

CandidateKey = tuple[Cohort, str, int, bool]  # (cohort, runtime, concurrency, flagged)
Rank = tuple  # (run sort key, timestamp, file): the latest wins


@dataclass(frozen=True, slots=True)
class RunRecord:
    summary: RunSummary
    diagnostics: tuple[Diagnostic, ...]
    series: tuple[Series, ...]  # this run's points only
    spellings: dict[str, frozenset[str]]
    candidates: dict[CandidateKey, tuple[Rank, str]]  # key -> (rank, file)


def record_of(
    run: Run,
    diagnostics: Sequence[Diagnostic],
    reference_interactivity: float,
    candidates: StandingCandidates | None = None,
) -> RunRecord:
    """`candidates`: the run's standing_candidates, where the caller has them already."""
    latest = standing_candidates([run]) if candidates is None else candidates
    return RunRecord(
        run.summary,
        tuple(diagnostics),
        tuple(compute_series(run.hardware, [run], reference_interactivity)),
        {runtime: frozenset(names) for runtime, names in spellings_of([run]).items()},
        {key: (rank, entry.source) for key, (rank, _, entry) in latest.items()},
    )


def latest_owners(records: Sequence[RunRecord]) -> dict[str, dict[CandidateKey, tuple[Rank, str, str]]]:
    """hardware -> key -> (rank, run id, file) of the latest candidate among all records."""
    out: dict[str, dict[CandidateKey, tuple[Rank, str, str]]] = {}
    for record in records:
        target = out.setdefault(record.summary.hardware, {})
        for key, (rank, source) in record.candidates.items():
            if key not in target or rank > target[key][0]:
                target[key] = (rank, record.summary.id, source)
    return out


EntryOf = Callable[[str, str], ResultEntry]  # (run id, file) -> the full entry


def assemble(
    config: LoadedConfig, notes: Sequence[WalkNote], records: Sequence[RunRecord], entry_of: EntryOf
) -> Catalog:
    """The catalog of every run, from records; the same whichever way the records were made."""
    site = config.site
    summaries = sorted((r.summary for r in records), key=lambda s: s.sort_key)
    hardware = hardware_targets(site.hardware, {s.hardware for s in summaries})
    spellings: dict[str, set[str]] = {}
    for record in records:
        for runtime, names in record.spellings.items():
            spellings.setdefault(runtime, set()).update(names)
    owners = latest_owners(records)
    standings = {}
    for target in hardware:
        if target.id not in owners:
            continue
        latest: StandingCandidates = {
            key: (rank, run_id, entry_of(run_id, source))
            for key, (rank, run_id, source) in owners[target.id].items()
        }
        on_target = [s for s in summaries if s.hardware == target.id]
        standings[target.id] = standing_from(
            target.id, latest, config.contract, site.quality.stale_after_days, newest_date(on_target)
        )
    order = {s.id: i for i, s in enumerate(summaries)}
    series = sorted(merge_series([r.series for r in records], order), key=series_order)
    diagnostics = walk_diagnostics(notes, config.base_dir)
    diagnostics += [d for r in records for d in r.diagnostics]
    diagnostics.sort(key=lambda d: (d.path, d.level, d.reason))
    return Catalog(
        tuple(summaries),
        tuple(hardware),
        runtimes_from(spellings, site.runtime),
        standings,
        tuple(series),
        tuple(diagnostics),
    )


def hardware_targets(declared: list[HardwareConfig], found: set[str]) -> list[HardwareTarget]:
    """The targets of site.toml, in its order, then those only the runs name, by id."""
    known = {h.id for h in declared}
    return [HardwareTarget(h.id, h, True) for h in declared] + [
        HardwareTarget(hw_id, HardwareConfig(id=hw_id), False) for hw_id in sorted(found - known)
    ]


def walk_diagnostics(notes, base_dir: Path) -> list[Diagnostic]:
    """Walk notes as diagnostics, with paths relative to site.toml's folder: the site must not
    depend on where the repository was checked out."""
    return [Diagnostic(shown_path(note, base_dir), Level(note.level), note.reason) for note in notes]


def series_order(s) -> tuple:
    return (s.hardware, s.runtime, s.metric, s.cohort, s.concurrency or 0)


def spellings_of(runs) -> dict[str, set[str]]:
    spellings: dict[str, set[str]] = {}
    for run in runs:
        for entry in run.results:
            spellings.setdefault(entry.runtime, set()).add(entry.result.runtime_name)
    return spellings


def runtimes_from(spellings: dict[str, set[str]], declared: list[RuntimeConfig]) -> tuple[RuntimeInfo, ...]:
    out = [RuntimeInfo(r.id, r, True, tuple(sorted(spellings.get(r.id, ())))) for r in declared]
    known = {r.id for r in declared}
    for runtime_id in sorted(set(spellings) - known):
        out.append(
            RuntimeInfo(runtime_id, RuntimeConfig(id=runtime_id), False, tuple(sorted(spellings[runtime_id])))
        )
    return tuple(out)
