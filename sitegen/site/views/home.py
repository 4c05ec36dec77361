"""The home page: current standings per hardware target and the newest runs."""

from __future__ import annotations

from dataclasses import replace

from ..pages import (
    HardwareSummary,
    HomeView,
    KeyValue,
    Page,
)
from ..tables import (
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    sort_key,
    text,
)
from ..urls import Urls
from .base import ViewBase


class HomePages(ViewBase):
    """The home page: current standings per hardware target and the newest runs."""

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
        levels = sorted(standing.report.composite)
        scores = {
            rid: {c: (v, g) for c, (v, g, _) in cells.items()} for rid, cells in standing.by_runtime().items()
        }
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
