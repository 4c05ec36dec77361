"""The home page: current standings per hardware target and the newest runs."""

from __future__ import annotations

from dataclasses import replace

from ...catalog.derived import slo_board
from ...catalog.model import Standing, trusted_points
from ...config import SloConfig
from ...urls import Urls
from ..pages import (
    CohortTable,
    HardwareSummary,
    HomeView,
    KeyValue,
    Page,
)
from ..tables import (
    HIGHER,
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    num,
    sort_key,
    text,
)
from .cohort import CohortPages
from .practice import slo_candidates


class HomePages(CohortPages):
    """The home page: current standings per hardware target and the newest runs."""

    def home(self) -> HomeView:
        page = self.page(Urls.home, self.site.title, self.site.description, "home")
        page = replace(page, feed=page.link(Urls.feed(None)))
        page = self.with_card(page, self.home_card())
        summaries = []
        for target in self.active_hardware:
            runs = self.catalog.runs_on(target.id)
            # Cohorts with nothing scored (only results the contract cannot score) have no row here.
            cohorts = tuple(s for s in self.catalog.standings[target.id] if s.entries or s.apart)
            several = len(cohorts) > 1
            tables = tuple(
                CohortTable(
                    standing.cohort.label if several else "",
                    self.standings_scope(target.name, standing, several),
                    self.standings_table(target.id, standing, page, several),
                    self.apart_table(
                        standing, page, f"apart-{target.id}" + (f"-{standing.cohort.key}" if several else "")
                    ),
                )
                for standing in cohorts
            )
            summaries.append(
                HardwareSummary(
                    target.id,
                    target.name,
                    page.link(Urls.hardware(target.id)),
                    len(runs),
                    runs[-1].date.isoformat() if runs[-1].date else "–",
                    tables,
                    self.cohorts_note(cohorts, runs),
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
            self.cohort_links(page),
            self.deploy_table(page),
            self.target_words(),
        )

    def standings_table(self, hardware_id: str, standing: Standing, page: Page, several: bool) -> Table:
        """Runtime rows x concurrency columns: composite and grade, best per level (every tied
        one), change at the lowest level. Few-sample results carry their flag."""
        levels = sorted(standing.report.composite)
        flags = {(e.runtime, e.result.concurrency): e.flag for _, e in standing.entries if e.flag is not None}
        rule = page.link(Urls.methodology) + "#validity"
        result_of = {
            (e.runtime, e.result.concurrency): f"{run_id}/{e.source}" for run_id, e in standing.entries
        }
        scores = {
            rid: {c: (v, g) for c, (v, g, _) in cells.items()} for rid, cells in standing.by_runtime().items()
        }
        best = {c: max((s[c][0] for s in scores.values() if c in s), default=None) for c in levels}
        change = self.changes(hardware_id, standing.cohort.key)
        columns = [Column("runtime", "Runtime", TEXT)]
        columns += [Column(f"c{c}", f"c={c}", NUMBER, "composite score and grade", HIGHER) for c in levels]
        first_slo = self.site.slo[0] if self.site.slo else None
        decode, under = self.headline_numbers(standing, first_slo)
        columns += [
            Column("decode", "Decode c=1", NUMBER, "measured decode tok/s at concurrency 1", HIGHER),
        ]
        if first_slo is not None:
            columns.append(
                Column(
                    "slo",
                    f"Best tok/s/GPU, {first_slo.name}",
                    NUMBER,
                    f"output tok/s per GPU at the best level within p99 TTFT ≤ {first_slo.ttft_p99_ms:g} ms "
                    f"and p99 TPOT ≤ {first_slo.tpot_p99_ms:g} ms",
                    HIGHER,
                ),
            )
        columns += [
            Column(
                "change", "Change", NUMBER, "c=1 composite against the runtime's previous run here", HIGHER
            )
        ]
        rows = []
        for rid in sorted(scores, key=lambda r: (-max(v[0] for v in scores[r].values()), r)):
            cells = [text(self.runtime_names.get(rid, rid), page.link(Urls.runtime(rid)))]
            for c in levels:
                if c in scores[rid]:
                    value, label = scores[rid][c]
                    flag = flags.get((rid, c))
                    cells.append(
                        Cell(
                            f"{value:.0f}",
                            sort_key(value),
                            grade=label,
                            note=label,
                            best=value == best[c],
                            scored="standings",
                            result=result_of.get((rid, c), ""),
                            flag=str(flag.kind) if flag else "",
                            flag_reason=flag.reason if flag else "",
                            flag_href=rule,
                        )
                    )
                else:
                    cells.append(Cell("–"))
            cells.append(num(decode.get(rid), "{:.1f} tok/s"))
            if first_slo is not None:
                within = under.get(rid)
                cells.append(
                    num(within[0], "{:.1f}", note=f"at c={within[1]}")
                    if within
                    else Cell("–", "", note="never within it")
                )
            delta = change.get(rid)
            if delta is None:
                cells.append(Cell("new", ""))
            else:
                cells.append(Cell(f"{delta:+.0f}" if delta else "±0", sort_key(delta)))
            rows.append(tuple(cells))
        suffix = f"-{standing.cohort.key}" if several else ""
        return Table(f"standings-{hardware_id}{suffix}", tuple(columns), tuple(rows))

    def headline_numbers(
        self, standing: Standing, slo: SloConfig | None
    ) -> tuple[dict[str, float], dict[str, tuple[float, int]]]:
        """Per runtime: measured decode tok/s at c=1, and (throughput per GPU, level) at its best
        level within the latency target."""
        decode = {
            e.runtime: e.result.decode_tok_per_sec for _, e in standing.entries if e.result.concurrency == 1
        }
        under: dict[str, tuple[float, int]] = {}
        if slo is not None:
            for row in slo_board(slo_candidates(standing), slo):
                if row.meets:
                    under[row.runtime] = (row.best.throughput_per_gpu, row.best.concurrency)
        return decode, under

    def changes(self, hardware_id: str, cohort: str) -> dict[str, float]:
        """Per runtime: c=1 composite of its latest valid run minus that of its previous valid run
        on the target (each scored within its run)."""
        out = {}
        for s in self.catalog.series:
            if s.hardware != hardware_id or s.cohort != cohort:
                continue
            if s.metric == "composite" and s.concurrency == 1:
                points = trusted_points(s.points)
                if len(points) >= 2:
                    out[s.runtime] = points[-1].value - points[-2].value
        return out
