"""The catalog for commands that look at every result (check, compare, report): every run read
in this process, assembled as a site build assembles it, with every run kept in full."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import LoadedConfig
from ..gcpause import collector_paused
from .discover import discover
from .model import Catalog, Diagnostic, HardwareTarget, Run, RuntimeInfo, Series, Standing
from .reading import ReadRequest, read_runs
from .records import assemble

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class FullCatalog:
    """The catalog (which holds every run as a summary) and every run in full, in its order."""

    catalog: Catalog
    runs: tuple[Run, ...]  # the catalog's runs, in full and in its order

    # What the catalog says of all runs, read through it.
    @property
    def hardware(self) -> tuple[HardwareTarget, ...]:
        return self.catalog.hardware

    @property
    def runtimes(self) -> tuple[RuntimeInfo, ...]:
        return self.catalog.runtimes

    @property
    def standings(self) -> dict[str, tuple[Standing, ...]]:
        return self.catalog.standings

    @property
    def series(self) -> tuple[Series, ...]:
        return self.catalog.series

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.catalog.diagnostics

    @property
    def rejected_results(self) -> int:
        return self.catalog.rejected_results

    @property
    def flagged_results(self) -> int:
        return self.catalog.flagged_results

    def runs_on(self, hardware: str) -> tuple[Run, ...]:
        return tuple(r for r in self.runs if r.hardware == hardware)

    def with_diagnostic(self, extra: Diagnostic) -> FullCatalog:
        """The same catalog with one more diagnostic, in the diagnostics' order (by path)."""
        diagnostics = sorted((*self.diagnostics, extra), key=lambda d: (d.path, d.level, d.reason))
        return replace(self, catalog=replace(self.catalog, diagnostics=tuple(diagnostics)))


def build_catalog(
    config: LoadedConfig, progress: Progress | None = None, exclude: tuple[Path, ...] = ()
) -> FullCatalog:
    """Every run of the results roots, read here. `exclude`: output directories besides
    site.toml's, never searched for results."""
    run_dirs, notes = discover(
        config.result_roots, [config.output_dir, *exclude], config.base_dir, config.site.allow_results_outside
    )
    if progress:
        progress(f"found {len(run_dirs)} runs")
    places = {root: i for i, root in enumerate(config.result_roots)}
    with collector_paused():  # every run held in full: gcpause.py
        read, runs = read_runs(ReadRequest(config, tuple(run_dirs), places, {}))
        if progress:
            files = sum(r.summary.n_files for r in read.records)
            results = sum(r.summary.n_results for r in read.records)
            skipped = sum(r.summary.n_skipped for r in read.records)
            progress(f"read {files} files: {results} results, {skipped} not read as results")
        catalog = assemble(config, notes, read.records, lambda run_id, source: read.latest[(run_id, source)])
    full = {run.id: run for run in runs}
    return FullCatalog(catalog, tuple(full[s.id] for s in catalog.runs))
