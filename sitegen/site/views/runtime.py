"""A runtime's page: latest grade per target, history across targets, badges, runs."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ...catalog.model import Series
from ...safetext import safe_url
from ...urls import Urls
from .. import exports
from ..charts import Chart, missing_chart
from ..pages import (
    BadgeView,
    KeyValue,
    Page,
    RuntimeView,
)
from ..tables import (
    GRADE,
    TEXT,
    Cell,
    Column,
    Table,
    grade,
    sort_key,
    text,
)
from .base import LEVEL, MAX_LISTED_RUNS, CatalogViews
from .practice import PRACTICE_SERIES

MISSING_POWER = "No power telemetry in this runtime's runs."
MISSING_COLD_START = "No cold-start measurement in this runtime's runs."


class RuntimePages(CatalogViews):
    """A runtime's page: latest grade per target, history across targets, badges, runs."""

    def runtime(self, runtime_id: str) -> RuntimeView:
        info = next(r for r in self.catalog.runtimes if r.id == runtime_id)
        page = self.page(
            Urls.runtime(runtime_id),
            info.name,
            f"{info.name}: latest grades on every hardware target and its history.",
            "runtime",
        )
        rows = []
        for target in self.active_hardware:
            cohorts = self.catalog.standings[target.id]
            for standing in cohorts:
                levels = standing.by_runtime().get(runtime_id, {})
                if not levels:
                    continue
                rows.append(self._latest_row(runtime_id, target, standing, levels, len(cohorts) > 1, page))
        latest = Table(
            "latest-grades",
            (
                Column("hardware", "Hardware", TEXT),
                Column("composite", "Composite", hint="among the latest results on the target"),
                Column("grade", "Grade", GRADE),
                Column("best", "Best level"),
                Column("run", "Latest run", TEXT),
            ),
            tuple(rows),
        )
        return self._runtime_view(info, runtime_id, page, latest)

    def _latest_row(
        self, runtime_id: str, target, standing, levels, several: bool, page: Page
    ) -> tuple[Cell, ...]:
        """The runtime's standing on one target (and cohort): composite at its lowest and best level."""
        c1 = levels.get(min(levels))
        peak_c = max(levels, key=lambda c: levels[c][0])
        name = target.name + (f" ({standing.cohort.label})" if several else "")
        result_at = {
            e.result.concurrency: f"{run_id}/{e.source}"
            for run_id, e in standing.entries
            if e.runtime == runtime_id
        }
        result = result_at[min(levels)]
        return (
            text(name, page.link(Urls.hardware(target.id))),
            Cell(
                f"{c1[0]:.0f}",
                sort_key(c1[0]),
                grade=c1[1],
                note=f"{c1[1]} at c={min(levels)}",
                scored="standings",
                result=result,
            ),
            grade(c1[1], self.contract),
            Cell(
                f"{levels[peak_c][0]:.0f}",
                sort_key(levels[peak_c][0]),
                grade=levels[peak_c][1],
                note=f"at c={peak_c}",
                scored="standings",
                result=result_at[peak_c],
            ),
            text(c1[2], page.link(Urls.run(c1[2]))),
        )

    def level_chart(
        self, chart_id: str, page: Page, series: list[Series], metric: str, missing: str = ""
    ) -> Chart | None:
        """A runtime's history of a per-level value, one line per hardware, at one level.
        `missing`: the sentence shown instead of a chart with nothing to draw (else nothing)."""
        chosen, level = self.at_one_level(series, metric, LEVEL)
        title = f"{self.series_title(metric)} (c={level}) by hardware"
        chart = self.series_chart(chart_id, page, chosen, metric, "hardware", title)
        if chart is None and missing:
            return missing_chart(chart_id, f"{self.series_title(metric)} by hardware", missing)
        return chart

    def _runtime_view(self, info, runtime_id: str, page: Page, latest: Table) -> RuntimeView:
        series = [s for s in self.catalog.series if s.runtime == runtime_id]
        charts = [
            c
            for c in (
                self.level_chart("chart-composite", page, series, "composite"),
                self.level_chart("chart-decode", page, series, "decode_tok_s"),
                # Power and cold start over time, per hardware, at one level (named in the title).
                self.level_chart("chart-power", page, series, "power_tok_s_per_w", MISSING_POWER),
                self.level_chart("chart-power-draw", page, series, "power_w", MISSING_POWER),
                self.level_chart("chart-power-peak", page, series, "power_w_max", MISSING_POWER),
                self.level_chart("chart-cold-start", page, series, "cold_start_ms", MISSING_COLD_START),
                self.series_chart(
                    "chart-aggregate",
                    page,
                    [s for s in series if s.metric == "aggregate_tok_s"],
                    "aggregate_tok_s",
                    "hardware",
                    "Peak aggregate throughput by hardware",
                ),
                *(
                    self.series_chart(
                        chart_id,
                        page,
                        [s for s in series if s.metric == metric],
                        metric,
                        "hardware",
                        self.series_title(metric) + " by hardware",
                    )
                    for metric, _, chart_id in PRACTICE_SERIES
                ),
            )
            if c
        ]
        runs = [r for r in self.catalog.runs if runtime_id in r.runtimes]
        return RuntimeView(
            page,
            info.name,
            safe_url(info.config.homepage),
            info.spellings,
            (
                "Scored among the latest valid result of each runtime and concurrency level on each "
                f"target: best marks and the +{self.contract.best_in_class_bonus} best-in-class bonus are "
                "shared out among those results, as on the hardware pages."
            ),
            latest,
            tuple(charts),
            self.run_table(runs[-MAX_LISTED_RUNS:], page, "runtime-runs"),
            page.link(Urls.runs) + "?runtimes=" + quote(runtime_id),
            len(runs),
            self.badge_views(runtime_id, page),
            self.across_targets(runtime_id, runs, page),
            self.cohort_links(page, runtime_id),
        )

    def across_targets(self, runtime_id: str, runs: list, page: Page) -> tuple[KeyValue, ...]:
        """Links comparing this runtime's latest run on each target with its latest run on the next."""
        latest: dict[str, object] = {}
        for run in runs:  # in date order: the last one per target wins
            latest[run.hardware] = run
        targets = [h.id for h in self.active_hardware if h.id in latest]
        out = []
        for first, second in zip(targets, targets[1:], strict=False):
            query = urlencode({"a": latest[first].id, "b": latest[second].id, "runtime": runtime_id})
            label = f"{self.hardware_names.get(first, first)} and {self.hardware_names.get(second, second)}"
            out.append(KeyValue(label, "", page.link(Urls.compare) + "?" + query))
        return tuple(out)

    def badge_views(self, runtime_id: str, page: Page) -> tuple[BadgeView, ...]:
        out = []
        for spec in self.badge_specs:
            if spec.runtime != runtime_id:
                continue
            url = exports.badge_url(spec.runtime, spec.hardware, spec.cohort)
            target = Urls.hardware(spec.hardware)
            if self.base_url:
                snippet = f"[![{spec.label}]({self.base_url}{url})]({self.base_url}{target})"
            else:
                snippet = f"[![{spec.label}]({url})]({target})"
            where = self.hardware_names.get(spec.hardware, spec.hardware)
            out.append(
                BadgeView(spec.label.split(" on ", 1)[-1] if spec.cohort else where, page.link(url), snippet)
            )
        return tuple(out)
