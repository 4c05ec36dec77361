"""A hardware target's page: standings, history charts, changes beyond noise, its runs."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote, urlencode

from ...catalog.changes import Change, change_size
from ...catalog.history import SERIES_METRICS
from ...urls import Urls
from ...words import count_of
from ..charts import missing_chart
from ..pages import (
    CohortSections,
    HardwareView,
    KeyValue,
    Page,
)
from ..tables import (
    TEXT,
    Cell,
    Column,
    Table,
    num,
    sort_key,
    text,
)
from .base import LEVEL, MAX_LISTED_CHANGES, MAX_LISTED_RUNS, CatalogViews, ResultFlags
from .practice import PRACTICE_SERIES, PracticeViews

# Why a history chart of a target has nothing to draw, by metric.
MISSING_REASONS = {
    "power_tok_s_per_w": "No power telemetry in these runs.",
    "power_w": "No power telemetry in these runs.",
    "power_w_max": "No power telemetry in these runs.",
    "joules_per_token": "No power telemetry in these runs.",
    "cold_start_ms": "No cold-start measurement in these runs.",
    "scaling_efficiency": "No runtime here was measured at more than one concurrency level.",
    "cost_per_million": "No price per hour is set for this hardware target in site.toml.",
    "throughput_per_gpu_at_ref": "No runtime here was measured on both sides of the reference interactivity.",
}
NO_VALUES = "No valid result in these runs reports this value."
ONE_RUN_NOTE = "One run so far: its values. The history is drawn from the second run on."


def unscored_note(n: int) -> str:
    """Where a cohort's results that the contract cannot score are shown instead."""
    if not n:
        return ""
    return (
        f"{count_of(n, 'imported result')} of this model and workload cannot be scored by the contract "
        "(rate-based load points, or results without a value it reads): the leaderboard above draws "
        "them and ranks them under its latency targets; their run pages say what they lack."
    )


class HardwarePages(PracticeViews, CatalogViews):
    """A hardware target's page: standings, history charts, changes beyond noise, its runs."""

    def hardware(self, hardware_id: str) -> HardwareView:
        target = next(h for h in self.catalog.hardware if h.id == hardware_id)
        runs = list(self.catalog.runs_on(hardware_id))
        page = self.page(
            Urls.hardware(hardware_id),
            target.name,
            target.config.description or f"Current standings and history of runtimes on {target.name}.",
            "hardware",
        )
        page = replace(page, feed=page.link(Urls.feed(hardware_id)))
        page = self.with_card(page, self.hardware_card(hardware_id))
        cohorts = self.catalog.standings[hardware_id]
        several = len(cohorts) > 1
        leaderboards = tuple(
            self.leaderboard(
                standing,
                page,
                f"{standing.cohort.key}-" if several else "",
                standing.cohort.label if several else "",
            )
            for standing in cohorts
        )
        standings = []
        for standing in cohorts:
            by_source = {f"{run_id}/{e.source}": e.runtime for run_id, e in standing.entries}
            by_name = {e.result.runtime_name: e.runtime for _, e in standing.entries}
            prefix = f"{standing.cohort.key}-" if several else ""
            sections = self.sections(
                standing.report,
                page,
                lambda s, by_source=by_source: by_source.get(s, ""),
                lambda n, by_name=by_name: by_name.get(n, by_name.get(n + "-c1", "")),
                prefix,
                flags=ResultFlags((f"{run_id}/{e.source}", e) for run_id, e in standing.entries),
                scored="standings",
                ties=True,
            )
            standings.append(
                CohortSections(
                    f"standings-{standing.cohort.key}" if several else "standings",
                    standing.cohort.label if several else "",
                    self.standings_scope(target.name, standing, several),
                    sections,
                    self.apart_table(standing, page, f"{prefix}apart"),
                    unscored_note(len(standing.unranked)),
                )
            )
        series = [s for s in self.catalog.series if s.hardware == hardware_id]
        charts = []
        for metric, concurrency, chart_id in (
            ("composite", LEVEL, "chart-composite"),
            ("decode_tok_s", LEVEL, "chart-decode"),
            ("scaling_efficiency", None, "chart-scaling"),
            ("power_tok_s_per_w", LEVEL, "chart-power"),
            ("power_w", LEVEL, "chart-power-draw"),
            ("power_w_max", LEVEL, "chart-power-peak"),
            ("cold_start_ms", LEVEL, "chart-cold-start"),
            ("ttft_p50_ms", LEVEL, "chart-ttft"),
            *PRACTICE_SERIES,
        ):
            chosen, level = self.at_one_level(series, metric, concurrency)
            title = self.series_title(metric) + (f" (c={level})" if level is not None else "")
            chart = self.series_chart(chart_id, page, chosen, metric, "runtime", title)
            if chart is None:
                reason = MISSING_REASONS.get(metric, NO_VALUES)
                if metric == "throughput_per_gpu_at_ref":
                    reason = self.reference_reason(cohorts) or reason
                charts.append(missing_chart(chart_id, title, reason))
            elif len(runs) == 1:  # one dot per line is no history: the values, as a table
                charts.append(replace(chart, values_only=True, note=ONE_RUN_NOTE))
            else:
                charts.append(chart)
        latest = runs[-1]
        curve = self.scaling_curve(
            "chart-latest-scaling", page, latest, f"Scaling in the latest run ({latest.date or latest.id})"
        )
        if curve and curve.points:  # a chart with nothing to draw is not drawn
            charts.append(curve)
        specs = (KeyValue("GPUs", str(target.config.gpus)),)
        if target.config.price_per_hour is not None:
            specs += (
                KeyValue("Price", f"{target.config.price_per_hour:,.2f} {self.site.currency} per hour"),
            )
        specs += tuple(KeyValue(k, v) for k, v in target.config.specs.items())
        listed = sorted(runs, key=lambda r: r.sort_key)[-MAX_LISTED_RUNS:]
        return HardwareView(
            page,
            target.name,
            target.config.description,
            specs,
            leaderboards,
            tuple(standings),
            self.cohorts_note(cohorts, runs),
            tuple(charts),
            self.run_table(listed, page, "hardware-runs"),
            page.link(Urls.runs) + "?hardware=" + quote(hardware_id),
            len(runs),
            self.changes_table(hardware_id, page),
            self.cohort_links(page, hardware=hardware_id),
        )

    def reference_reason(self, cohorts) -> str:
        """Why no runtime has a throughput at the reference interactivity, from the per-user
        speeds its latest valid results were measured at: they may all lie above it (even the
        highest concurrency measured leaves each user more), or all below."""
        ref = self.site.reference_interactivity
        speeds = [
            e.derived.interactivity
            for standing in cohorts
            for _, e in standing.entries
            if e.derived is not None and e.derived.interactivity is not None
        ]
        if not speeds:
            return ""
        if min(speeds) > ref:
            return (
                f"Every runtime here stays above {ref:g} tok/s per user at every level measured "
                f"(the slowest: {min(speeds):,.0f}): its throughput at {ref:g} lies beyond the highest "
                "concurrency measured. Set reference_interactivity in site.toml to chart another point."
            )
        if max(speeds) < ref:
            return (
                f"No runtime here reaches {ref:g} tok/s per user at any level measured "
                f"(the fastest: {max(speeds):,.1f})."
            )
        return f"No runtime here was measured on both sides of {ref:g} tok/s per user."

    def changes_table(self, hardware_id: str, page: Page) -> Table:
        """Changes beyond noise on one target, newest first, each linked to its comparison. The
        changes of one metric of one runtime that start at the same run and go the same way at
        several levels are one row ("Decode speed at c=1, 2, 4"): one step, seen at each level."""
        groups: dict[tuple, list[Change]] = {}
        for c in self.significant:
            if c.hardware == hardware_id:
                key = (c.run_id, c.runtime, c.cohort, c.metric, c.better, c.confirmed)
                groups.setdefault(key, []).append(c)
        ordered = sorted(
            groups.values(),
            key=lambda cs: (self.runs_by_id[cs[0].run_id].sort_key, cs[0].runtime, cs[0].metric),
            reverse=True,
        )
        rows = []
        for changes in ordered[:MAX_LISTED_CHANGES]:
            changes.sort(key=lambda c: c.concurrency or 0)
            c = changes[0]
            label, unit, _ = SERIES_METRICS[c.metric]
            levels = ", ".join(str(x.concurrency) for x in changes if x.concurrency is not None)
            run = self.runs_by_id[c.run_id]
            several = len(changes) > 1
            rows.append(
                (
                    text(run.date.isoformat() if run.date else "–"),
                    text(self.runtime_names.get(c.runtime, c.runtime), page.link(Urls.runtime(c.runtime))),
                    text(label + (f" at c={levels}" if levels else "")),
                    num(c.before, "{:.4g}", note=f"at c={c.concurrency}" if several else ""),
                    num(c.after, "{:.4g}", note=unit),
                    Cell(changes_size(changes), sort_key(c.relative or 0.0)),
                    Cell(
                        "better" if c.better else "worse",
                        "1" if c.better else "0",
                        grade="A" if c.better else "F",
                        note=change_note(min(changes, key=lambda x: x.confidence)),
                    ),
                    text("; ".join(self.what_differed(c)) or "nothing recorded"),
                    text(
                        "compare",
                        page.link(Urls.compare) + "?" + urlencode({"a": c.previous_run_id, "b": c.run_id}),
                    ),
                )
            )
        return Table(
            "changes-table",
            (
                Column("date", "Starts", TEXT),
                Column("runtime", "Runtime", TEXT),
                Column("metric", "Metric", TEXT),
                Column("before", "Before"),
                Column("after", "After"),
                Column("change", "Change (95 % interval)"),
                Column("verdict", "Verdict"),
                Column("differed", "What else differed", TEXT),
                Column("compare", "Compare", TEXT),
            ),
            tuple(rows),
        )


def changes_size(changes: list[Change]) -> str:
    """One change's size with its interval; of one step seen at several levels, the range of
    its sizes."""
    if len(changes) == 1 or any(c.relative is None for c in changes):
        return change_size(changes[0])
    sizes = sorted(c.relative for c in changes if c.relative is not None)
    return f"{sizes[0]:+.1%} to {sizes[-1]:+.1%} over {len(changes)} levels"


def change_note(c: Change) -> str:
    """How sure the change is and how long it has held, for its verdict's note."""
    held = f"holds {count_of(c.runs_after, 'run')}" if c.confirmed else "latest run only: unconfirmed"
    return f"{c.confidence:.1%} sure · {held}"
