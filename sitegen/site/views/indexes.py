"""The site-wide pages: all runs, methodology, build report, compare, 404."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from ...catalog.changes import (
    ALPHA,
    CLIP,
    LATEST_ALPHA,
    MIN_DIFFERENCES,
    MIN_RELATIVE,
    MIN_RUNS,
    SIGNIFICANCE,
    TRIM,
    change_entry,
    published_replays,
)
from ...catalog.comparison import COMPARE_LABELS, compare_directions, compare_noise
from ...catalog.derived import MIN_INTERVAL_REQUESTS, TPOT_BELOW_ITL
from ...catalog.history import SERIES_METRICS
from ...catalog.model import Level
from ...catalog.validity import MAX_MEASURED
from ...safetext import compact_json, dumps_finite
from ...scoring.contract import (
    COLD_START_THRESHOLD,
    CORRECTNESS_THRESHOLD,
    JITTER_CAP,
    JITTER_CV_CAP,
    JITTER_PER_CV,
    JITTER_PER_SPIKE,
    JITTER_SPIKES_CAP,
    LAYER_THRESHOLD,
    MEMORY_THRESHOLD,
    POWER_THRESHOLD,
    SCALING_THRESHOLD,
    SCORE_AT_EXCELLENT,
    SCORE_AT_GOOD,
    SCORE_BEYOND_GOOD_CAP,
    TRAINING_THRESHOLD,
)
from ...urls import Urls
from ..pages import (
    CompareView,
    KeyValue,
    MethodologyView,
    NotFoundView,
    Page,
    ReportView,
    RunsView,
)
from ..tables import (
    GRADE,
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    num,
    sort_key,
    text,
    threshold_table,
)
from .base import CatalogViews

# The runs page lists this many of the newest runs; every run is on its month's page.
MAX_INDEX_RUNS = 100
# Rows of the build report: a tree of a million stray files would otherwise make it gigabytes.
MAX_REPORT_ROWS = 1000
UNDATED = "undated"


def month_of(run) -> str:
    """The month page a run is listed on: its date's year and month, or "undated"."""
    return run.date.strftime("%Y-%m") if run.date else UNDATED


class IndexPages(CatalogViews):
    """The site-wide pages: all runs, methodology, build report, compare, 404."""

    def runs(self) -> RunsView:
        """The newest runs, filters that search every run (runs/index.json, loaded on demand), and
        a page per month, so that any run is reachable without JavaScript and no page grows with
        the history."""
        page = self.page(
            Urls.runs, "All runs", "Every benchmark run, filterable by hardware, runtime and date.", "runs"
        )
        runs = sorted(self.catalog.runs, key=lambda r: r.sort_key)
        return self._runs_view(page, runs[-MAX_INDEX_RUNS:], "All runs")

    def month(self, month: str) -> RunsView:
        title = f"Runs of {month}" if month != UNDATED else "Runs without a date"
        page = self.page(Urls.month(month), title, f"Every benchmark run of {month}.", "runs")
        return self._runs_view(page, self._runs_by_month[month], title)

    @cached_property
    def _runs_by_month(self) -> dict[str, list]:
        """Each month's runs in catalog order, the months newest first: computed once for the
        runs page and every month page (a history of years has dozens of them)."""
        by_month: dict[str, list] = {}
        for run in self.catalog.runs:
            by_month.setdefault(month_of(run), []).append(run)
        return dict(sorted(by_month.items(), reverse=True))

    @cached_property
    def _run_filters(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Every hardware target and every runtime, for the runs pages' filters."""
        runs = self.catalog.runs
        return tuple(sorted({r.hardware for r in runs})), tuple(
            sorted({rt for r in runs for rt in r.runtimes})
        )

    def _runs_view(self, page: Page, runs: list, title: str) -> RunsView:
        months = tuple(
            KeyValue(
                month, f"{len(listed)} run{'s' if len(listed) != 1 else ''}", page.link(Urls.month(month))
            )
            for month, listed in self._runs_by_month.items()
        )
        hardware, runtimes = self._run_filters
        return RunsView(
            page,
            self.run_table(runs, page, "all-runs", filters=True),
            hardware,
            runtimes,
            len(self.catalog.runs),
            months,
            page.link(Urls.runs_index),
            title,
        )

    def runs_index(self) -> str:
        """Every run as one compact row, the runs page's table cells in order, for its filters."""
        page = self.page(Urls.runs, "", "", "runs")
        table = self.run_table(list(self.catalog.runs), page, "all-runs", filters=True)
        rows = [
            {
                "attrs": attrs,
                "cells": [[c.text, c.sort, c.href or "", c.grade] for c in row],
            }
            for row, attrs in zip(table.rows, table.row_attrs, strict=True)
        ]
        return compact_json({"runs": rows}) + "\n"

    def methodology(self) -> MethodologyView:
        c = self.contract
        page = self.page(
            Urls.methodology,
            "Methodology",
            f"How sitegen scores runtimes: scoring contract {c.version}.",
            "methodology",
        )

        thresholds = threshold_table("thresholds-table", "Metric", sorted(c.thresholds.items()))

        def weights(table_id: str, ws) -> Table:
            return Table(
                table_id,
                (Column("metric", "Metric", TEXT), Column("weight", "Weight")),
                tuple(
                    (text(m), num(w, "{:.2f}")) for m, w in sorted(ws.items(), key=lambda kv: (-kv[1], kv[0]))
                ),
            )

        grades = Table(
            "grades-table",
            (Column("grade", "Grade", GRADE), Column("min", "Minimum score")),
            tuple(
                (Cell(label, sort_key(minimum), grade=label, kind=GRADE), num(minimum, "{:g}"))
                for minimum, label in c.grades
            ),
        )
        dims = (
            ("Per-layer decode (µs/layer)", LAYER_THRESHOLD),
            ("Memory efficiency (tok/s/GB)", MEMORY_THRESHOLD),
            ("Cold start (ms)", COLD_START_THRESHOLD),
            ("Power efficiency (tok/s/W)", POWER_THRESHOLD),
            ("Scaling efficiency", SCALING_THRESHOLD),
            ("Correctness pass rate", CORRECTNESS_THRESHOLD),
            ("Training throughput (tok/s)", TRAINING_THRESHOLD),
        )
        dimensions = threshold_table("dimensions-table", "Scorecard", dims)
        return MethodologyView(
            page,
            c.version,
            thresholds,
            weights("interactive-weights", c.interactive_weights),
            weights("throughput-weights", c.throughput_weights),
            grades,
            dimensions,
            c.best_in_class_bonus,
            self.methodology_rules(),
        )

    def methodology_rules(self) -> dict[str, str]:
        """Every number the methodology text states, from the constants and settings in use."""
        q = self.site.quality
        return {
            "at_excellent": f"{SCORE_AT_EXCELLENT:g}",
            "at_good": f"{SCORE_AT_GOOD:g}",
            "beyond_good_cap": f"{SCORE_BEYOND_GOOD_CAP:g}",
            "jitter_per_spike": f"{JITTER_PER_SPIKE:g}",
            "jitter_spikes_cap": f"{JITTER_SPIKES_CAP:g}",
            "jitter_per_cv": f"{JITTER_PER_CV:g}",
            "jitter_cv_cap": f"{JITTER_CV_CAP:g}",
            "jitter_cap": f"{JITTER_CAP:g}",
            "significance": f"{SIGNIFICANCE:g}",
            "min_relative": f"{MIN_RELATIVE:.0%}",
            "min_runs": str(MIN_DIFFERENCES + 1),
            "persistence": str(MIN_RUNS),
            "alpha": f"{ALPHA:g}",
            "latest_alpha": f"{LATEST_ALPHA:.1%}",
            "clip": f"{CLIP:g}",
            "trim": f"{TRIM:g}",
            "min_interval_requests": str(MIN_INTERVAL_REQUESTS),
            **replay_rules(),
            "max_error_rate": f"{q.max_error_rate:.0%}",
            "max_measured": f"{MAX_MEASURED:.0e}",
            "min_requests": str(q.min_requests),
            "stale_after_days": str(q.stale_after_days),
            "currency": self.site.currency,
            "reference_interactivity": f"{self.site.reference_interactivity:g}",
            "tpot_below_itl": f"{TPOT_BELOW_ITL:g}",
            "slos": "; ".join(
                f"{slo.name}: p99 TTFT ≤ {slo.ttft_p99_ms:g} ms and p99 TPOT ≤ {slo.tpot_p99_ms:g} ms"
                for slo in self.site.slo
            )
            or "none configured",
        }

    def report(self) -> ReportView:
        page = self.page(Urls.report, "Build report", "Every diagnostic of the last build.", "report")
        d = self.catalog.diagnostics
        counts = tuple(KeyValue(level.value + "s", str(sum(x.level is level for x in d))) for level in Level)
        order = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
        # Errors first, then warnings, then notes, at most MAX_REPORT_ROWS of them.
        shown = sorted(d, key=lambda x: order[x.level])[:MAX_REPORT_ROWS]
        rows = tuple((text(x.path), Cell(str(x.level), str(order[x.level])), text(x.reason)) for x in shown)
        return ReportView(
            page,
            counts,
            f"The first {len(shown):,} of {len(d):,} diagnostics, errors first; sitegen check lists every one."
            if len(d) > len(shown)
            else "",
            Table(
                "diagnostics",
                (
                    Column("path", "File", TEXT),
                    Column("level", "Level", NUMBER),
                    Column("reason", "Reason", TEXT),
                ),
                rows,
            ),
        )

    def compare(self) -> CompareView:
        page = self.page(
            Urls.compare,
            "Compare runs",
            "Any two runs side by side: every scorecard value, its change, and whether it is beyond "
            "the run-to-run noise of that machine.",
            "compare",
        )
        return CompareView(page, page.link(Urls.compare_index))

    def compare_index(self) -> str:
        """Every run the compare view can pick (newest first), the noise of each series and each
        value's better direction: loaded by compare.js, so the page stays small however many runs.
        Links are relative to the compare page, which sits beside this file."""
        page = self.page(Urls.compare, "", "", "compare")
        runs = sorted(self.catalog.runs, key=lambda r: r.sort_key, reverse=True)
        index = {
            "runs": [
                {
                    "id": r.id,
                    "date": r.date.isoformat() if r.date else "",
                    "hardware": r.hardware,
                    "title": r.title,
                    "label": f"{r.date or '–'} · {self.hardware_names.get(r.hardware, r.hardware)} · {r.title}",
                    "metrics": page.link(Urls.run(r.id) + "metrics.json"),
                    "page": page.link(Urls.run(r.id)),
                }
                for r in runs
            ],
            "noise": compare_noise(list(self.catalog.series)),
            "noise_min_relative": MIN_RELATIVE,
            "higher_is_better": compare_directions(self.contract.thresholds),
            "labels": {key: list(label) for key, label in COMPARE_LABELS.items()},
        }
        return dumps_finite(index, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"

    def changes_json(self) -> str:
        """changes.json: one entry per change beyond noise the history shows (catalog/changes.py),
        oldest first, each with what a script needs to act on it."""
        cohorts = {
            st.cohort.key: st.cohort for standings in self.catalog.standings.values() for st in standings
        }
        entries = []
        for c in sorted(
            self.significant,
            key=lambda c: (self.runs_by_id[c.run_id].sort_key, c.hardware, c.runtime, c.cohort, c.metric,
                           c.concurrency or 0),
        ):  # fmt: skip
            cohort = cohorts.get(c.cohort)
            label, unit, _ = SERIES_METRICS[c.metric]
            entries.append(
                change_entry(c)
                | {
                    "model": cohort.model if cohort else c.cohort.split("~")[0],
                    "workload": cohort.workload if cohort else "unspecified",
                    "label": label,
                    "unit": unit,
                    "date": str(self.runs_by_id[c.run_id].date or ""),
                    "what_differed": list(self.what_differed(c)),
                }
            )
        # One change per line, written compact: readable, diffable, and a tenth of the time of an
        # indented document (which goes through the json module's pure-Python encoder).
        method = (
            "binary segmentation with a persistence rule (Student's t, Bonferroni); see the methodology page"
        )
        head = f'{{"method":{compact_json(method)},"methodology":{compact_json(Urls.methodology + "#noise")},'
        lines = ",\n".join(compact_json(dict(sorted(e.items()))) for e in entries)
        return head + f'"changes":[\n{lines}\n]}}\n'

    def not_found(self) -> NotFoundView:
        page = self.page(Urls.not_found, "Page not found", "This page does not exist.", "404")
        # GitHub Pages serves 404.html at any depth: with a base URL, links are absolute.
        if self.base_url:
            base = self.base_url
            page = replace(
                page, root=base.rstrip("/"), nav=tuple(replace(n, href=base + n.href) for n in page.nav)
            )
        return NotFoundView(page, page.root + "/index.html", relative=not self.base_url)


def replay_rules() -> dict[str, str]:
    """The detector's figures on synthetic series (catalog/changes.py `published_replays`): the
    test suite's own set (40 noise series, 10 steps, 24 runs) and larger sets at three history
    lengths."""
    small, *lengths = published_replays()
    return {
        "replay_runs": str(small.runs),
        "replay_spread": f"{small.spread:.0%}",
        "replay_step": f"{small.step:.0%}",
        "replay_outlier": f"{small.outlier:.0%}",
        "replay_small": (
            f"{small.false_alarms} false alarms on {small.noise_series} series of noise "
            f"({small.outliers} of them with an outlier, {small.outliers_reported} reported); "
            f"{small.steps_found} of {small.step_series} steps found at their run (±1)"
        ),
        "replay_lengths": "; ".join(
            f"{r.runs} runs: false alarms {r.false_alarm_rate:.1%} of noise series, outliers reported "
            f"{r.outliers_reported / r.outliers:.1%}, steps found {r.detection_rate:.0%}"
            for r in lengths
        ),
    }
