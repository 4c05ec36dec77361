"""What every page builder shares: the catalog, names, page chrome, and tables and charts used on several pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ...catalog.changes import significant_changes
from ...catalog.history import SERIES_METRICS
from ...catalog.model import Catalog, Run, Series
from ...config import SiteConfig
from ...scoring.contract import (
    ScoringContract,
)
from ...scoring.report import ScoreReport
from .. import exports
from ..cards import CardSpec
from ..charts import Chart, Line, Point, line_chart
from ..pages import (
    NavItem,
    Page,
    Section,
)
from ..tables import (
    TEXT,
    Cell,
    Column,
    Table,
    markdown_of,
    num,
    report_tables,
    sort_key,
    text,
)
from ..urls import Urls, relative, root_prefix

# History charts draw at most this many runs, so that pages stay small however long the history.
MAX_HISTORY_RUNS = 60
# Hardware and runtime pages list this many runs, newest first, and link to the full, filtered list.
MAX_LISTED_RUNS = 50
# Hardware pages list this many of the latest changes beyond noise.
MAX_LISTED_CHANGES = 40


def run_label(run_id: str) -> str:
    """A short hover label for a run: its directory name (often just its date, then left out)."""
    return run_id.rsplit("/", 1)[-1]


class ViewBase:
    """Shared state and helpers of the page builders."""

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

    def run_card(self, run) -> CardSpec:
        rows = sorted(
            ((self.runtime_names.get(r, r), grade, score) for r, (score, grade) in run.c1_by_runtime.items()),
            key=lambda row: (-row[2], row[0]),
        )
        hardware = self.hardware_names.get(run.hardware, run.hardware)
        return CardSpec(hardware, f"{run.date or 'undated'} · {run.title}", tuple(rows))

    def hardware_card(self, hardware_id: str) -> CardSpec:
        best = self.catalog.standings[hardware_id].at_lowest_level()
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

    def scaling_curve(self, chart_id: str, page: Page, run: Run, title: str) -> Chart | None:
        by_runtime: dict[str, dict[int, Point]] = {}
        for p in run.curve:
            pts = by_runtime.setdefault(self.runtime_names.get(p.runtime, p.runtime), {})
            if p.concurrency not in pts or p.tokens_per_sec > pts[p.concurrency].y:
                pts[p.concurrency] = Point(
                    p.concurrency,
                    p.tokens_per_sec,
                    f"{p.runtime_name} · {p.source}",
                    page.link(Urls.run(run.id)) + "#chart-scaling",
                )
        lines = [
            Line(name, tuple(pts[c] for c in sorted(pts)))
            for name, pts in sorted(by_runtime.items())
            if any(c > 0 for c in pts)
        ]
        if not any(len(line.points) > 1 for line in lines):
            return None
        # A log axis cannot show concurrency 0 (which results may report): linear then.
        log = all(p.x > 0 for line in lines for p in line.points)
        return line_chart(
            chart_id,
            title,
            lines,
            x_title="Concurrency",
            y_title="aggregate tok/s",
            x_kind="log2" if log else "linear",
        )
