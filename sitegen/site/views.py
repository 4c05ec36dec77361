"""ViewBuilder: every page's view model (see pages.py), computed from the catalog.

One method per page kind; links are made relative to the page they appear on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlencode

from ..catalog.changes import significant_changes
from ..catalog.classify import FileKind
from ..catalog.history import SERIES_METRICS
from ..catalog.model import Catalog, Level, Run, Series
from ..config import SiteConfig
from ..scoring import (
    composite,
)
from ..scoring.contract import (
    COLD_START_THRESHOLD,
    CORRECTNESS_THRESHOLD,
    LAYER_THRESHOLD,
    MEMORY_THRESHOLD,
    POWER_THRESHOLD,
    SCALING_THRESHOLD,
    TRAINING_THRESHOLD,
    ScoringContract,
)
from ..scoring.report import ScoreReport
from . import exports
from .cards import CardSpec, card_bytes
from .charts import Chart, Line, Point, bar_chart, line_chart
from .compare import COMPARE_DIRECTIONS, compare_noise
from .pages import (
    BadgeView,
    CompareView,
    HardwareSummary,
    HardwareView,
    HomeView,
    KeyValue,
    MethodologyView,
    NavItem,
    NotFoundView,
    Page,
    PageJob,
    ReportView,
    RunsView,
    RuntimeView,
    RunView,
    Section,
)
from .tables import (
    GRADE,
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    grade,
    markdown_of,
    num,
    report_tables,
    sort_key,
    text,
    threshold_table,
)
from .urls import Urls, relative, root_prefix

# History charts draw at most this many runs, so that pages stay small however long the history.
MAX_HISTORY_RUNS = 60
# Hardware and runtime pages list this many runs, newest first, and link to the full, filtered list.
MAX_LISTED_RUNS = 50
# Hardware pages list this many of the latest changes beyond noise.
MAX_LISTED_CHANGES = 40


class ViewBuilder:
    """Builds every page model from the catalog."""

    def __init__(
        self,
        catalog: Catalog,
        site: SiteConfig,
        contract: ScoringContract,
        base_url: str,
        cards_from: Path | None = None,
    ) -> None:
        """`cards_from`: the previous site, whose preview cards are reused; None draws no cards."""
        self.catalog = catalog
        self.cards_from = cards_from
        self.site = site
        self.contract = contract
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.hardware_names = {h.id: h.name for h in catalog.hardware}
        self.runtime_names = {r.id: r.name for r in catalog.runtimes}
        self.runs_by_id = {r.id: r for r in catalog.runs}
        self.active_hardware = [h for h in catalog.hardware if h.id in catalog.standings]
        self.badge_specs = exports.badges(catalog, self.runtime_names, self.hardware_names)
        self.significant = significant_changes(catalog.series)

    # --- common -------------------------------------------------------------

    def run_card(self, run) -> CardSpec:
        rows = sorted(
            ((self.runtime_names.get(r, r), grade, score) for r, (score, grade) in run.c1_by_runtime.items()),
            key=lambda row: (-row[2], row[0]),
        )
        hardware = self.hardware_names.get(run.hardware, run.hardware)
        return CardSpec(hardware, f"{run.date or 'undated'} · {run.title}", tuple(rows))

    def hardware_card(self, hardware_id: str) -> CardSpec:
        standing = self.catalog.standings[hardware_id]
        runtime_by_source = {f"{run_id}/{e.source}": e.runtime for run_id, e in standing.entries}
        best: dict[str, tuple[int, float, str]] = {}
        for c in sorted(standing.report.composite):
            for rt in standing.report.composite[c].runtimes:
                runtime = runtime_by_source[rt.source_file]
                if runtime not in best:
                    best[runtime] = (c, rt.composite, rt.grade)
        rows = sorted(
            ((self.runtime_names.get(r, r), g, v) for r, (_, v, g) in best.items()),
            key=lambda row: (-row[2], row[0]),
        )
        return CardSpec(self.hardware_names.get(hardware_id, hardware_id), "Current standings", tuple(rows))

    def with_card(self, page: Page, card: CardSpec) -> Page:
        if self.cards_from is None or not card.rows:
            return page
        return replace(page, og_image=self.base_url + card.url if self.base_url else page.link(card.url))

    def page(self, url: str, title: str, description: str, kind: str) -> Page:
        nav = [
            NavItem("Leaderboard", relative(url, Urls.home), kind == "home"),
            NavItem("Runs", relative(url, Urls.runs), kind == "runs"),
        ]
        nav += [
            NavItem(h.name, relative(url, Urls.hardware(h.id)), url == Urls.hardware(h.id))
            for h in self.active_hardware
        ]
        nav += [
            NavItem("Compare", relative(url, Urls.compare), kind == "compare"),
            NavItem("Methodology", relative(url, Urls.methodology), kind == "methodology"),
            NavItem("Build report", relative(url, Urls.report), kind == "report"),
        ]
        full_title = f"{title} · {self.site.title}" if kind != "home" else self.site.title
        return Page(
            url=url,
            title=full_title,
            description=description,
            root=root_prefix(url),
            canonical=self.base_url + url if self.base_url else "",
            site_title=self.site.title,
            nav=tuple(nav),
            kind=kind,
        )

    def runtime_of(self, run: Run) -> Callable[[str], str]:
        by_source = {e.source: e.runtime for e in run.results}
        return lambda source: by_source.get(source, "")

    def sections(
        self,
        report: ScoreReport,
        page: Page,
        runtime_by_source: Callable[[str], str],
        runtime_by_name: Callable[[str], str],
        anchor_prefix: str = "",
    ) -> tuple[Section, ...]:
        def link_source(source: str) -> str | None:
            rid = runtime_by_source(source)
            return page.link(Urls.runtime(rid)) if rid else None

        def link_name(name: str) -> str | None:
            rid = runtime_by_name(name)
            return page.link(Urls.runtime(rid)) if rid else None

        out = []
        for section_id, title, table, md_key in report_tables(
            report, anchor_prefix, link_name, link_source, self.contract
        ):
            out.append(Section(anchor_prefix + section_id, title, table, markdown_of(report, md_key)))
        return tuple(out)

    def run_table(self, runs: list[Run], page: Page, table_id: str, filters: bool = False) -> Table:
        columns = (
            Column("date", "Date", TEXT),
            Column("run", "Run", TEXT),
            Column("hardware", "Hardware", TEXT),
            Column("runtimes", "Runtimes", TEXT),
            Column("results", "Results"),
            Column("best", "Best c=1 composite"),
        )
        rows, attrs = [], []
        for run in sorted(runs, key=lambda r: r.sort_key, reverse=True):
            best = run.best_c1
            rows.append(
                (
                    text(
                        run.date.isoformat() if run.date else "–",
                        sort=run.date.isoformat() if run.date else "",
                    ),
                    text(run.title, page.link(Urls.run(run.id)), sort=run.id.lower()),
                    text(
                        self.hardware_names.get(run.hardware, run.hardware),
                        page.link(Urls.hardware(run.hardware)),
                    ),
                    text(", ".join(self.runtime_names.get(r, r) for r in run.runtimes)),
                    num(run.n_results, "{:.0f}"),
                    Cell(f"{best[0]:.0f} {best[1]}", sort_key(best[0]), grade=best[1]) if best else Cell("–"),
                )
            )
            if filters:
                attrs.append(
                    {
                        "hardware": run.hardware,
                        "runtimes": " ".join(run.runtimes),
                        "date": run.date.isoformat() if run.date else "",
                    }
                )
        return Table(table_id, columns, tuple(rows), row_attrs=tuple(attrs))

    def series_chart(
        self,
        chart_id: str,
        page: Page,
        series: list[Series],
        metric: str,
        name_of: Callable[[Series], str],
        title: str | None = None,
    ) -> Chart | None:
        """One line per series over run dates; only the latest MAX_HISTORY_RUNS runs are drawn."""
        label, unit, _ = SERIES_METRICS[metric]
        run_ids = {p.run_id for s in series for p in s.points}
        keep = set(sorted(run_ids, key=lambda rid: self.runs_by_id[rid].sort_key)[-MAX_HISTORY_RUNS:])
        lines = []
        for s in series:
            points = tuple(
                Point(
                    p.date.isoformat() if p.date else "",
                    p.value,
                    run_label(p.run_id),
                    page.link(Urls.run(p.run_id)),
                )
                for p in s.points
                if p.run_id in keep
            )
            if points:
                lines.append(Line(name_of(s), points))
        if not lines:
            return None
        note = f"The latest {len(keep)} of {len(run_ids)} runs." if len(keep) < len(run_ids) else ""
        return line_chart(
            chart_id, title or label, lines, x_title="Run date", y_title=unit, x_kind="date", note=note
        )

    # --- pages ----------------------------------------------------------------

    def home(self) -> HomeView:
        page = self.page(Urls.home, self.site.title, self.site.description, "home")
        page = replace(page, feed=page.link(Urls.feed(None)))
        summaries = []
        for target in self.active_hardware:
            runs = self.catalog.runs_on(target.id)
            summaries.append(
                HardwareSummary(
                    target.id,
                    target.name,
                    page.link(Urls.hardware(target.id)),
                    len(runs),
                    runs[-1].date.isoformat() if runs[-1].date else "–",
                    self.standings_table(target.id, page),
                )
            )
        catalog = self.catalog
        dates = sorted(r.date for r in catalog.runs if r.date)
        stats = (
            KeyValue("Runs", str(len(catalog.runs))),
            KeyValue("Results", str(sum(r.n_results for r in catalog.runs))),
            KeyValue("Hardware targets", str(len(self.active_hardware))),
            KeyValue("Runtimes", str(len([r for r in catalog.runtimes if r.spellings]))),
            KeyValue("Dates", f"{dates[0]} to {dates[-1]}" if dates else "–"),
        )
        newest = sorted(catalog.runs, key=lambda r: r.sort_key, reverse=True)[:10]
        runtimes = tuple(
            KeyValue(r.name, "", page.link(Urls.runtime(r.id))) for r in catalog.runtimes if r.spellings
        )
        return HomeView(
            page,
            self.site.description,
            stats,
            tuple(summaries),
            self.run_table(newest, page, "newest-runs"),
            runtimes,
        )

    def standings_table(self, hardware_id: str, page: Page) -> Table:
        """Runtime rows x concurrency columns: composite and grade, best per level, change at the lowest level."""
        standing = self.catalog.standings[hardware_id]
        runtime_by_source = {f"{run_id}/{e.source}": e.runtime for run_id, e in standing.entries}
        levels = sorted(standing.report.composite)
        scores: dict[str, dict[int, tuple[float, str]]] = {}
        for c in levels:
            for rt in standing.report.composite[c].runtimes:
                rid = runtime_by_source[rt.source_file]
                scores.setdefault(rid, {})[c] = (rt.composite, rt.grade)
        best = {c: max((s[c][0] for s in scores.values() if c in s), default=None) for c in levels}
        change = self.changes(hardware_id)
        columns = [Column("runtime", "Runtime", TEXT)]
        columns += [Column(f"c{c}", f"c={c}", NUMBER, "composite score and grade") for c in levels]
        columns += [
            Column("change", "Change", NUMBER, "c=1 composite against the runtime's previous run here")
        ]
        rows = []
        for rid in sorted(scores, key=lambda r: (-max(v[0] for v in scores[r].values()), r)):
            cells = [text(self.runtime_names.get(rid, rid), page.link(Urls.runtime(rid)))]
            for c in levels:
                if c in scores[rid]:
                    value, label = scores[rid][c]
                    cells.append(
                        Cell(f"{value:.0f}", sort_key(value), grade=label, note=label, best=value == best[c])
                    )
                else:
                    cells.append(Cell("–"))
            delta = change.get(rid)
            if delta is None:
                cells.append(Cell("new", ""))
            else:
                cells.append(Cell(f"{delta:+.0f}" if delta else "±0", sort_key(delta)))
            rows.append(tuple(cells))
        return Table(f"standings-{hardware_id}", tuple(columns), tuple(rows))

    def changes(self, hardware_id: str) -> dict[str, float]:
        """Per runtime: c=1 composite of its latest run minus that of its previous run on the target."""
        out = {}
        for s in self.catalog.series:
            if (
                s.hardware == hardware_id
                and s.metric == "composite"
                and s.concurrency == 1
                and len(s.points) >= 2
            ):
                out[s.runtime] = s.points[-1].value - s.points[-2].value
        return out

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
        standing = self.catalog.standings[hardware_id]
        by_source = {f"{run_id}/{e.source}": e.runtime for run_id, e in standing.entries}
        by_name = {e.result.runtime_name: e.runtime for _, e in standing.entries}
        sections = self.sections(
            standing.report,
            page,
            lambda s: by_source.get(s, ""),
            lambda n: by_name.get(n, by_name.get(n + "-c1", "")),
        )
        series = [s for s in self.catalog.series if s.hardware == hardware_id]
        name_of = lambda s: self.runtime_names.get(s.runtime, s.runtime)  # noqa: E731
        charts = []
        for metric, concurrency, chart_id in (
            ("composite", 1, "chart-composite"),
            ("decode_tok_s", None, "chart-decode"),
            ("scaling_efficiency", None, "chart-scaling"),
            ("power_tok_s_per_w", None, "chart-power"),
            ("cold_start_ms", None, "chart-cold-start"),
            ("ttft_p50_ms", None, "chart-ttft"),
        ):
            chosen = [s for s in series if s.metric == metric and s.concurrency == concurrency]
            title = SERIES_METRICS[metric][0] + (f" (c={concurrency})" if concurrency else "")
            chart = self.series_chart(chart_id, page, chosen, metric, name_of, title)
            if chart:
                charts.append(chart)
        latest = runs[-1]
        curve = self.scaling_curve(
            "chart-latest-scaling", page, latest, f"Scaling in the latest run ({latest.date or latest.id})"
        )
        if curve:
            charts.append(curve)
        specs = tuple(KeyValue(k, v) for k, v in target.config.specs.items())
        listed = sorted(runs, key=lambda r: r.sort_key)[-MAX_LISTED_RUNS:]
        return HardwareView(
            page,
            target.name,
            target.config.description,
            specs,
            sections,
            tuple(charts),
            self.run_table(listed, page, "hardware-runs"),
            page.link(Urls.runs) + "?hardware=" + quote(hardware_id),
            len(runs),
            self.changes_table(hardware_id, page),
        )

    def changes_table(self, hardware_id: str, page: Page) -> Table:
        """Changes beyond noise on one target, newest first, each linked to its comparison."""
        found = [c for c in self.significant if c.hardware == hardware_id]
        found.sort(key=lambda c: (self.runs_by_id[c.run_id].sort_key, c.runtime, c.metric), reverse=True)
        rows = []
        for c in found[:MAX_LISTED_CHANGES]:
            label, unit, _ = SERIES_METRICS[c.metric]
            metric = label + (f" (c={c.concurrency})" if c.concurrency else "")
            rel = f"{c.relative:+.1%}" if c.relative is not None else "–"
            run = self.runs_by_id[c.run_id]
            rows.append(
                (
                    text(run.date.isoformat() if run.date else "–"),
                    text(self.runtime_names.get(c.runtime, c.runtime), page.link(Urls.runtime(c.runtime))),
                    text(metric),
                    num(c.before, "{:.4g}"),
                    num(c.after, "{:.4g}", note=unit),
                    Cell(rel, sort_key(c.relative or 0.0)),
                    Cell(
                        "better" if c.better else "worse",
                        "1" if c.better else "0",
                        grade="A" if c.better else "F",
                        note=f"noise ±{c.noise.threshold:.3g}",
                    ),
                    text(
                        "compare",
                        page.link(Urls.compare) + "?" + urlencode({"a": c.previous_run_id, "b": c.run_id}),
                    ),
                )
            )
        return Table(
            "changes-table",
            (
                Column("date", "Date", TEXT),
                Column("runtime", "Runtime", TEXT),
                Column("metric", "Metric", TEXT),
                Column("before", "Before"),
                Column("after", "After"),
                Column("change", "Change"),
                Column("verdict", "Verdict"),
                Column("compare", "Compare", TEXT),
            ),
            tuple(rows),
        )

    def scaling_curve(self, chart_id: str, page: Page, run: Run, title: str) -> Chart | None:
        by_runtime: dict[str, dict[int, Point]] = {}
        for p in run.curve:
            pts = by_runtime.setdefault(self.runtime_names.get(p.runtime, p.runtime), {})
            if p.concurrency not in pts or p.tokens_per_sec > pts[p.concurrency].y:
                pts[p.concurrency] = Point(
                    p.concurrency,
                    p.tokens_per_sec,
                    f"{p.runtime_name} · {p.source}",
                    page.link(Urls.run(run.id)) + "#scaling",
                )
        lines = [
            Line(name, tuple(pts[c] for c in sorted(pts)))
            for name, pts in sorted(by_runtime.items())
            if any(c > 0 for c in pts)
        ]
        if not any(len(line.points) > 1 for line in lines):
            return None
        return line_chart(
            chart_id, title, lines, x_title="Concurrency", y_title="aggregate tok/s", x_kind="log2"
        )

    def latency_chart(self, chart_id: str, page: Page, run: Run) -> Chart | None:
        """TTFT by concurrency per runtime; a bar per result when the run has one level only."""
        title = "Time to first token (median)"
        levels = {e.result.concurrency for e in run.results}
        if len(levels) == 1:
            bars = [
                Point(
                    e.result.runtime_name,
                    e.result.ttft_p50_ms,
                    f"{e.source} · ITL {e.result.itl_p50_ms:.2f} ms",
                    "#composite-c" + str(e.result.concurrency),
                )
                for e in run.results
            ]
            return (
                bar_chart(chart_id, title, bars, x_title="Runtime", y_title="TTFT P50 ms") if bars else None
            )
        by_runtime: dict[str, dict[int, Point]] = {}
        for e in run.results:
            pts = by_runtime.setdefault(self.runtime_names.get(e.runtime, e.runtime), {})
            c = e.result.concurrency
            pts[c] = Point(
                c,
                e.result.ttft_p50_ms,
                f"{e.result.runtime_name} · ITL {e.result.itl_p50_ms:.2f} ms",
                "#composite-c" + str(c),
            )
        lines = [Line(name, tuple(pts[c] for c in sorted(pts))) for name, pts in sorted(by_runtime.items())]
        return line_chart(
            chart_id,
            title + " by concurrency",
            lines,
            x_title="Concurrency",
            y_title="TTFT P50 ms",
            x_kind="log2" if all(c > 0 for c in levels) else "linear",
        )

    def run(self, run: Run, previous: Run | None) -> RunView:
        page = self.page(Urls.run(run.id), f"Run {run.title}", self.run_description(run), "run")
        page = self.with_card(page, self.run_card(run))
        by_source = self.runtime_of(run)
        by_name = {e.result.runtime_name: e.runtime for e in run.results}
        sections = self.sections(
            run.report,
            page,
            by_source,
            lambda n: (
                by_name.get(n)
                or next(
                    (
                        e.runtime
                        for e in run.results
                        if composite.strip_concurrency_suffix(e.result.runtime_name) == n
                    ),
                    "",
                )
            ),
        )
        charts = [
            c
            for c in (
                self.scaling_curve("chart-scaling", page, run, "Aggregate throughput by concurrency"),
                self.latency_chart("chart-latency", page, run),
            )
            if c
        ]
        meta = run.metadata
        facts = [
            KeyValue("Run id", run.id),
            KeyValue("Date", f"{run.date or '–'} ({run.date_reason})"),
            KeyValue(
                "Hardware",
                self.hardware_names.get(run.hardware, run.hardware),
                page.link(Urls.hardware(run.hardware)),
            ),
        ]
        if meta.tags:
            facts.append(KeyValue("Tags", ", ".join(meta.tags)))
        if meta.commit:
            facts.append(KeyValue("Commit", meta.commit))
        if meta.link:
            facts.append(KeyValue("Link", meta.link, meta.link))
        facts += [KeyValue(k, v) for k, v in meta.fields]
        resolution = [KeyValue("hardware", run.hardware_reason)]
        seen = set()
        for e in run.results:
            if e.result.runtime_name not in seen:
                seen.add(e.result.runtime_name)
                resolution.append(
                    KeyValue(e.result.runtime_name, e.runtime_reason, page.link(Urls.runtime(e.runtime)))
                )
        files = []
        for item in run.files:
            note = item.reason if item.kind is not FileKind.RESULT else ""
            if item.kind is FileKind.SWEEP:
                note = f"{len(item.results)} levels read as results" + (
                    f"; {item.reason}" if item.reason else ""
                )
            files.append(
                (
                    text(
                        item.name,
                        page.link(Urls.raw(run.id, item.name))
                        if item.kind is not FileKind.UNREADABLE
                        else None,
                    ),
                    text(str(item.kind)),
                    num(item.size, "{:,.0f}"),
                    text(note),
                )
            )
        files_table = Table(
            "files-table",
            (
                Column("file", "File", TEXT),
                Column("kind", "Kind", TEXT),
                Column("bytes", "Bytes"),
                Column("note", "Note", TEXT),
            ),
            tuple(files),
        )
        reports = []
        for name, rep in run.correctness:
            rows = tuple(
                (
                    text(c.name),
                    Cell("pass" if c.passed else "fail", "1" if c.passed else "0"),
                    text("; ".join(c.failures)),
                )
                for c in rep.cases
            )
            reports.append(
                (
                    f"{name}: {rep.runtime_name}, {rep.passed}/{rep.total} passed",
                    Table(
                        f"correctness-report-{len(reports)}",
                        (
                            Column("case", "Case", TEXT),
                            Column("result", "Result", NUMBER),
                            Column("failures", "Failures", TEXT),
                        ),
                        rows,
                    ),
                )
            )
        return RunView(
            page,
            run.id,
            run.title,
            tuple(facts),
            tuple(resolution),
            meta.notes_html,
            sections,
            tuple(charts),
            self.telemetry_table(run, page),
            tuple(reports),
            files_table,
            tuple(KeyValue(n, r) for n, r in run.skipped),
            page.link(Urls.run(previous.id)) if previous else None,
            page.link(Urls.compare) + "?" + urlencode({"a": previous.id, "b": run.id}) if previous else None,
        )

    def telemetry_table(self, run: Run, page: Page) -> Table | None:
        rows = []
        for e in run.results:
            t = e.result.gpu_telemetry
            if t is None:
                continue
            rows.append(
                (
                    text(e.result.runtime_name, page.link(Urls.runtime(e.runtime))),
                    num(e.result.concurrency, "{:.0f}"),
                    num(t.gpu_utilization_pct.mean),
                    num(t.memory_used_mb.max, "{:.0f}"),
                    num(t.power_draw_w.mean),
                    num(t.temperature_c.max),
                    num(t.clock_gpu_mhz.mean, "{:.0f}"),
                    num(t.throttle_events, "{:.0f}"),
                    num(t.energy_per_token_mj),
                    num(e.result.cold_start_ms, "{:.0f}"),
                )
            )
        if not rows:
            return None
        return Table(
            "telemetry-table",
            (
                Column("runtime", "Runtime", TEXT),
                Column("c", "c"),
                Column("util", "GPU util %"),
                Column("vram", "Peak VRAM MB"),
                Column("power", "Mean power W"),
                Column("temp", "Max temp °C"),
                Column("clock", "Clock MHz"),
                Column("throttle", "Throttle events"),
                Column("mj", "mJ/token"),
                Column("cold", "Cold start ms"),
            ),
            tuple(rows),
        )

    def run_description(self, run: Run) -> str:
        hw = self.hardware_names.get(run.hardware, run.hardware)
        parts = [f"{hw}, {run.date or 'undated'}"]
        for runtime in run.runtimes:
            grades = []
            c1 = run.report.composite.get(1)
            by_source = {e.source: e.runtime for e in run.results}
            if c1:
                row = next((rt for rt in c1.runtimes if by_source.get(rt.source_file) == runtime), None)
                if row:
                    grades.append(f"{row.grade} at c=1")
            best = None
            for c, card in run.report.composite.items():
                if c == 1:
                    continue
                for rt in card.runtimes:
                    if by_source.get(rt.source_file) == runtime and (best is None or rt.composite > best[1]):
                        best = (c, rt.composite, rt.grade)
            if best:
                grades.append(f"{best[2]} at c={best[0]}")
            if grades:
                parts.append(f"{self.runtime_names.get(runtime, runtime)} {' and '.join(grades)}")
        return "; ".join(parts) + "."

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
            standing = self.catalog.standings[target.id]
            levels: dict[int, tuple[float, str, str]] = {}
            for c, card in standing.report.composite.items():
                for rt in card.runtimes:
                    run_id = rt.source_file.rsplit("/", 1)[0]
                    entry = next(
                        (e for rid, e in standing.entries if f"{rid}/{e.source}" == rt.source_file), None
                    )
                    if entry and entry.runtime == runtime_id:
                        levels[c] = (rt.composite, rt.grade, run_id)
            if not levels:
                continue
            c1 = levels.get(min(levels))
            peak_c = max(levels, key=lambda c: levels[c][0])
            rows.append(
                (
                    text(target.name, page.link(Urls.hardware(target.id))),
                    Cell(f"{c1[0]:.0f}", sort_key(c1[0]), grade=c1[1], note=f"{c1[1]} at c={min(levels)}"),
                    grade(c1[1], self.contract),
                    Cell(
                        f"{levels[peak_c][0]:.0f}",
                        sort_key(levels[peak_c][0]),
                        grade=levels[peak_c][1],
                        note=f"at c={peak_c}",
                    ),
                    text(c1[2], page.link(Urls.run(c1[2]))),
                )
            )
        latest = Table(
            "latest-grades",
            (
                Column("hardware", "Hardware", TEXT),
                Column("composite", "Composite"),
                Column("grade", "Grade", GRADE),
                Column("best", "Best level"),
                Column("run", "Latest run", TEXT),
            ),
            tuple(rows),
        )
        series = [s for s in self.catalog.series if s.runtime == runtime_id]
        name_of = lambda s: self.hardware_names.get(s.hardware, s.hardware)  # noqa: E731
        charts = [
            c
            for c in (
                self.series_chart(
                    "chart-composite",
                    page,
                    [s for s in series if s.metric == "composite" and s.concurrency == 1],
                    "composite",
                    name_of,
                    "Composite score (c=1) by hardware",
                ),
                self.series_chart(
                    "chart-decode",
                    page,
                    [s for s in series if s.metric == "decode_tok_s"],
                    "decode_tok_s",
                    name_of,
                    "Decode speed by hardware",
                ),
                self.series_chart(
                    "chart-aggregate",
                    page,
                    [s for s in series if s.metric == "aggregate_tok_s"],
                    "aggregate_tok_s",
                    name_of,
                    "Peak aggregate throughput by hardware",
                ),
            )
            if c
        ]
        runs = [r for r in self.catalog.runs if runtime_id in r.runtimes]
        return RuntimeView(
            page,
            info.name,
            info.config.homepage,
            info.spellings,
            latest,
            tuple(charts),
            self.run_table(runs[-MAX_LISTED_RUNS:], page, "runtime-runs"),
            page.link(Urls.runs) + "?runtimes=" + quote(runtime_id),
            len(runs),
            self.badge_views(runtime_id, page),
        )

    def badge_views(self, runtime_id: str, page: Page) -> tuple[BadgeView, ...]:
        out = []
        for spec in self.badge_specs:
            if spec.runtime != runtime_id:
                continue
            url = exports.badge_url(spec.runtime, spec.hardware)
            target = Urls.hardware(spec.hardware)
            if self.base_url:
                snippet = f"[![{spec.label}]({self.base_url}{url})]({self.base_url}{target})"
            else:
                snippet = f"[![{spec.label}]({url})]({target})"
            out.append(
                BadgeView(self.hardware_names.get(spec.hardware, spec.hardware), page.link(url), snippet)
            )
        return tuple(out)

    def runs(self) -> RunsView:
        page = self.page(
            Urls.runs, "All runs", "Every benchmark run, filterable by hardware, runtime and date.", "runs"
        )
        table = self.run_table(list(self.catalog.runs), page, "all-runs", filters=True)
        return RunsView(
            page,
            table,
            tuple(sorted({r.hardware for r in self.catalog.runs})),
            tuple(sorted({rt for r in self.catalog.runs for rt in r.runtimes})),
        )

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
        )

    def report(self) -> ReportView:
        page = self.page(Urls.report, "Build report", "Every diagnostic of the last build.", "report")
        d = self.catalog.diagnostics
        counts = tuple(KeyValue(level.value + "s", str(sum(x.level is level for x in d))) for level in Level)
        order = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
        rows = tuple((text(x.path), Cell(str(x.level), str(order[x.level])), text(x.reason)) for x in d)
        return ReportView(
            page,
            counts,
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
        runs = sorted(self.catalog.runs, key=lambda r: r.sort_key, reverse=True)
        index = {
            "runs": [
                {
                    "id": r.id,
                    "date": r.date.isoformat() if r.date else "",
                    "hardware": r.hardware,
                    "title": r.title,
                    "scorecards": page.link(Urls.run(r.id) + "scorecards.json"),
                    "runtimes": page.link(Urls.run(r.id) + "runtimes.json"),
                    "page": page.link(Urls.run(r.id)),
                }
                for r in runs
            ],
            "noise": compare_noise(list(self.catalog.series)),
            "higher_is_better": {m: t.higher_is_better for m, t in self.contract.thresholds.items()}
            | COMPARE_DIRECTIONS,
        }
        options = tuple(
            KeyValue(r.id, f"{r.date or '–'} · {self.hardware_names.get(r.hardware, r.hardware)} · {r.title}")
            for r in runs
        )
        blob = json.dumps(index, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return CompareView(page, options, blob.replace("</", "<\\/"))

    def not_found(self) -> NotFoundView:
        page = self.page(Urls.not_found, "Page not found", "This page does not exist.", "404")
        # GitHub Pages serves 404.html at any depth: with a base URL, links are absolute.
        if self.base_url:
            base = self.base_url
            page = replace(
                page, root=base.rstrip("/"), nav=tuple(replace(n, href=base + n.href) for n in page.nav)
            )
        return NotFoundView(page, page.root + "/index.html")

    def jobs(self) -> list[PageJob]:
        """Every page as a job: its URL, its template and how to build its view (built when rendered)."""
        jobs = [PageJob(Urls.home, "index.html", self.home), PageJob(Urls.runs, "runs.html", self.runs)]
        jobs += [
            PageJob(Urls.hardware(t.id), "hardware.html", partial(self.hardware, t.id))
            for t in self.active_hardware
        ]
        jobs += [
            PageJob(Urls.runtime(r.id), "runtime.html", partial(self.runtime, r.id))
            for r in self.catalog.runtimes
            if r.spellings
        ]
        previous_on: dict[str, Run] = {}
        for run in self.catalog.runs:
            jobs.append(
                PageJob(
                    Urls.run(run.id),
                    "run.html",
                    partial(self.run, run, previous_on.get(run.hardware)),
                    run_id=run.id,
                )
            )
            previous_on[run.hardware] = run
        jobs += [
            PageJob(Urls.methodology, "methodology.html", self.methodology),
            PageJob(Urls.report, "report.html", self.report),
            PageJob(Urls.compare, "compare.html", self.compare),
            PageJob(Urls.not_found, "404.html", self.not_found),
        ]
        return jobs + self.export_jobs()

    def export_jobs(self) -> list[PageJob]:
        """Files beside the pages: per-run scorecards, badges, feeds (written as they are), preview cards."""
        jobs = []
        if self.cards_from is not None:
            for run in self.catalog.runs:
                card = self.run_card(run)
                if card.rows:
                    jobs.append(
                        PageJob(card.url, None, partial(card_bytes, card, self.cards_from), run_id=run.id)
                    )
            for target in self.active_hardware:
                card = self.hardware_card(target.id)
                if card.rows:
                    jobs.append(PageJob(card.url, None, partial(card_bytes, card, self.cards_from)))
        for run in self.catalog.runs:
            base = Urls.run(run.id)
            jobs.append(
                PageJob(base + "scorecards.json", None, partial(exports.scorecards_json, run), run_id=run.id)
            )
            jobs.append(
                PageJob(base + "scorecards.md", None, partial(exports.scorecards_md, run), run_id=run.id)
            )
            jobs.append(
                PageJob(base + "runtimes.json", None, partial(exports.runtimes_json, run), run_id=run.id)
            )
        for spec in self.badge_specs:
            jobs.append(
                PageJob(
                    exports.badge_url(spec.runtime, spec.hardware),
                    None,
                    partial(exports.badge_svg, spec.label, spec.grade, spec.score),
                )
            )
        name_of = lambda r: self.runtime_names.get(r, r)  # noqa: E731
        hw_name = lambda h: self.hardware_names.get(h, h)  # noqa: E731
        entries = exports.feed_entries(list(self.catalog.runs), name_of, hw_name)
        jobs.append(
            PageJob(
                Urls.feed(None),
                None,
                partial(
                    exports.atom_feed,
                    f"{self.site.title}: new runs",
                    Urls.feed(None),
                    Urls.home,
                    entries,
                    self.base_url,
                ),
            )
        )
        for target in self.active_hardware:
            mine = [e for e in entries if e.run.hardware == target.id]
            jobs.append(
                PageJob(
                    Urls.feed(target.id),
                    None,
                    partial(
                        exports.atom_feed,
                        f"{self.site.title}: new runs on {target.name}",
                        Urls.feed(target.id),
                        Urls.hardware(target.id),
                        mine,
                        self.base_url,
                    ),
                )
            )
        return jobs


def run_label(run_id: str) -> str:
    """A short hover label for a run: its directory name (often just its date, then left out)."""
    return run_id.rsplit("/", 1)[-1]
