"""What practitioners decide by, as page parts shared by run and hardware pages.

The headline chart (output throughput per GPU against interactivity, one line
per runtime through its concurrency levels, with the Pareto frontier drawn
and named), throughput against p99 TTFT beside it, a table of the derived
values, and the leaderboards under latency targets. The numbers come from
catalog/derived.py; this module only arranges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...catalog.derived import (
    ENERGY_FROM_POWER,
    SloCandidate,
    TradeoffPoint,
    frontier_summary,
    pareto_frontier,
    slo_board,
    slo_candidate,
    tail_words,
)
from ...catalog.model import ResultEntry, Standing
from ...safetext import script_json
from ...urls import Urls
from ..charts import Chart, Point, line_chart
from ..pages import Leaderboard, Page, SloTable
from ..tables import HIGHER, LOWER, NUMBER, TEXT, Cell, Column, Table, num, text
from .base import ViewBase

# Series over time of what practitioners decide by: (metric, concurrency, chart id).
PRACTICE_SERIES = (
    ("throughput_per_gpu_at_ref", None, "chart-throughput-at-reference"),
    ("joules_per_token", None, "chart-energy"),
    ("cost_per_million", None, "chart-cost"),
)
X_TITLE = "Interactivity (tok/s per user)"
Y_TITLE = "Output throughput (tok/s per GPU)"


@dataclass(frozen=True, slots=True)
class Measured:
    """A result and the run it belongs to."""

    run_id: str
    entry: ResultEntry


def drawable(measured: Sequence[Measured]) -> list[Measured]:
    """Results with derived values, invalid measurements left out (a gap, never a zero)."""
    return [
        m
        for m in measured
        if m.entry.derived is not None and not (m.entry.flag is not None and m.entry.flag.kind == "invalid")
    ]


def interval_note(entry: ResultEntry, field: str, scale: float = 1.0) -> str:
    """ "± 6.1 (95 % CI, 3 repeats)" under a value with an interval (of a mean of repeats, or
    from its requests), times `scale` (per GPU, say); "" otherwise."""
    found = entry.interval(field)
    return found.words(scale) if found is not None else ""


def _row_order(m: Measured) -> tuple:
    return (m.entry.runtime, m.entry.result.concurrency, m.entry.rate or 0.0, m.run_id)


def _tpot_cell_note(note: str) -> str:
    """Under a missing p99 TPOT, in a table cell: why, in two words (the row says more)."""
    if not note:
        return ""
    return "not used: a unit error" if note.startswith("p99 TPOT not used") else "not reported"


def slo_candidates(standing: Standing) -> list[SloCandidate]:
    """Every (runtime, level) of a standing, as the latency-target leaderboards rank them."""
    return [c for run_id, e in standing_results(standing) if (c := slo_candidate(run_id, e)) is not None]


def standing_results(standing: Standing) -> tuple[tuple[str, ResultEntry], ...]:
    """What a leaderboard draws and ranks under latency targets: the scored entries, then the
    imported results the contract cannot score (rate-based load points among them)."""
    return standing.entries + standing.unranked


class PracticeViews(ViewBase):
    """Headline charts, derived-value tables and latency-target leaderboards."""

    def headline_charts(
        self, measured: Sequence[Measured], page: Page, prefix: str = ""
    ) -> tuple[Chart, ...]:
        """Throughput per GPU against interactivity (with the frontier), and against p99 TTFT."""
        usable = drawable(measured)
        cohorts = self.cohort_order(m.entry.cohort.label for m in usable)
        by_runtime: dict[tuple[str, str], list[Measured]] = {}
        for m in sorted(usable, key=lambda m: (m.entry.result.concurrency, m.entry.rate or 0.0)):
            # Rate-based points (no concurrency) are a line of their own, named so.
            cohort = m.entry.cohort.label if cohorts else ""
            if m.entry.rate is not None:
                cohort = f"{cohort}, rate-based" if cohort else "rate-based"
            by_runtime.setdefault((m.entry.runtime, cohort), []).append(m)
        interactive, latency, curve = [], [], []
        for (runtime, cohort), items in sorted(by_runtime.items()):
            points, lat_points = [], []
            for m in items:
                d, r = m.entry.derived, m.entry.result
                href = page.link(Urls.run(m.run_id)) + (
                    f"#composite-c{r.concurrency}" if m.entry.scored else "#derived"
                )
                flag = f"{m.entry.flag.kind}: {m.entry.flag.reason}" if m.entry.flag else ""
                ttft = f"{d.ttft_p99_ms:,.0f} ms" if d.ttft_p99_ms is not None else "not reported"
                interactivity = f"{d.interactivity:.1f}" if d.interactivity is not None else "not reported"
                label = (
                    f"{m.entry.load_point} · {r.runtime_name}\n{interactivity} tok/s per user\n"
                    f"{d.throughput_per_gpu:.1f} tok/s per GPU\np99 TTFT {ttft}"
                    + (f"\nfrom a {m.entry.origin.format} file" if m.entry.origin else "")
                    + (f"\n{flag}" if flag else "")
                )
                if d.ttft_p99_ms is not None:
                    lat_points.append(Point(d.ttft_p99_ms, d.throughput_per_gpu, label, href, flag))
                if d.interactivity is not None:
                    points.append(Point(d.interactivity, d.throughput_per_gpu, label, href, flag))
                    curve.append(TradeoffPoint(runtime, r.concurrency, d.interactivity, d.throughput_per_gpu))
            index = cohorts.get(cohort, 0)
            if points:
                interactive.append(self.runtime_line(runtime, tuple(points), cohort, index))
            if lat_points:
                latency.append(
                    self.runtime_line(runtime, tuple(sorted(lat_points, key=lambda p: p.x)), cohort, index)
                )
        charts = []
        if interactive:
            # A frontier across two models is no frontier: drawn only where the points are one model's.
            frontier = [] if cohorts else pareto_frontier(curve)
            summary = frontier_summary(frontier, lambda rt: self.runtime_names.get(rt, rt))
            if cohorts:
                summary = (
                    f"Results of {len(cohorts)} models or workloads: a line each, and no frontier across them"
                )
            charts.append(
                line_chart(
                    f"{prefix}chart-frontier",
                    "Throughput against interactivity",
                    interactive,
                    x_title=X_TITLE,
                    y_title=Y_TITLE,
                    note=(summary + ". " if summary else "")
                    + "Each line is one runtime through its concurrency levels; up and to the right is better.",
                    hover_text=True,
                    frontier=tuple(Point(p.x, p.y) for p in frontier),
                    x_shared=False,
                    x_format=".1f",
                    series_title="Runtime",
                )
            )
        if latency:
            charts.append(
                line_chart(
                    f"{prefix}chart-latency-throughput",
                    "Throughput against p99 time to first token",
                    latency,
                    x_title="p99 TTFT (ms)",
                    y_title=Y_TITLE,
                    note="Up and to the left is better.",
                    hover_text=True,
                    x_shared=False,
                    x_format=",.0f",
                    series_title="Runtime",
                )
            )
        return tuple(charts)

    def derived_table(self, measured: Sequence[Measured], page: Page, table_id: str) -> Table:
        """Per result: interactivity, throughput per GPU, p99 latencies, energy and cost per token,
        and the latency targets it meets; absent (never zero) where an input is missing."""
        currency = self.site.currency
        rows = []
        for m in sorted(measured, key=_row_order):
            d, r, e = m.entry.derived, m.entry.result, m.entry
            if d is None:
                continue
            invalid = e.flag is not None and e.flag.kind == "invalid"
            energy_note = "power × time" if d.energy_source == ENERGY_FROM_POWER else ""
            level = (
                Cell(e.origin.load_point, f"{e.rate:020.6f}", note="no concurrency", kind=NUMBER)
                if e.rate is not None and e.origin
                else num(
                    r.concurrency,
                    "{:.0f}",
                    href=page.link(Urls.run(m.run_id)) + f"#composite-c{r.concurrency}" if e.scored else None,
                )
            )
            not_reported = "not reported" if e.origin else ""
            rows.append(
                (
                    Cell(
                        self.runtime_names.get(e.runtime, e.runtime),
                        None,
                        page.link(Urls.runtime(e.runtime)),
                        note=e.origin.note if e.origin else "",
                        kind=TEXT,
                    )
                    if e.origin
                    else text(
                        self.runtime_names.get(e.runtime, e.runtime), page.link(Urls.runtime(e.runtime))
                    ),
                    level,
                    num(
                        None if invalid else d.interactivity,
                        "{:.1f}",
                        note=not_reported if d.interactivity is None else "",
                    ),
                    num(
                        None if invalid else d.throughput_per_gpu,
                        "{:.1f}",
                        note=interval_note(
                            e, "tokens_per_sec", d.throughput_per_gpu / (r.tokens_per_sec or 1.0)
                        ),
                    ),
                    num(
                        d.ttft_p99_ms,
                        "{:,.0f} ms",
                        note="not reported"
                        if d.ttft_p99_ms is None
                        else tail_words(d.tail_requests, short=True),
                    ),
                    num(
                        d.tpot_p99_ms,
                        "{:.1f} ms",
                        note=_tpot_cell_note(d.tpot_note) or tail_words(d.tail_requests, short=True),
                    ),
                    num(None if invalid else d.joules_per_token, "{:.3f} J", note=energy_note),
                    num(None if invalid else d.cost_per_million, f"{{:,.2f}} {currency}"),
                    text(", ".join(d.meets) if d.meets and not invalid else "–"),
                )
            )
        columns = (
            Column("runtime", "Runtime", TEXT),
            Column("c", "Concurrency"),
            Column("interactivity", "Interactivity", NUMBER, "tok/s per user = 1000 / median TPOT", HIGHER),
            Column("tput_gpu", "Throughput", NUMBER, "output tok/s per GPU", HIGHER),
            Column("ttft_p99", "p99 TTFT", better=LOWER),
            Column("tpot_p99", "p99 TPOT", better=LOWER),
            Column("joules", "Energy", NUMBER, "joules per output token", LOWER),
            Column("cost", "Cost", NUMBER, f"{currency} per million output tokens", LOWER),
            Column("targets", "Latency targets met", TEXT),
        )
        return Table(table_id, columns, tuple(rows))

    def leaderboard(self, standing: Standing, page: Page, prefix: str, label: str) -> Leaderboard:
        """One cohort's leaderboard: the headline charts, the rankings under every configured
        latency target, the data the page's own-limits form re-ranks in the browser, and the
        derived values of every entry."""
        candidates = slo_candidates(standing)
        tables = tuple(
            SloTable(
                slo.name,
                f"p99 TTFT ≤ {slo.ttft_p99_ms:,.0f} ms and p99 TPOT ≤ {slo.tpot_p99_ms:,.0f} ms",
                self._slo_table(candidates, slo, page, f"{prefix}slo-{slo.name}"),
            )
            for slo in self.site.slo
        )
        data = {
            "candidates": [
                {
                    "runtime": self.runtime_names.get(c.runtime, c.runtime),
                    "href": page.link(Urls.runtime(c.runtime)),
                    "c": c.concurrency,
                    **({"load": c.load} if c.rate is not None else {}),  # a rate-based load point
                    "tput": round(c.throughput_per_gpu, 3),
                    "cost": None if c.cost_per_million is None else round(c.cost_per_million, 6),
                    "ttft": None if c.ttft_p99_ms is None else round(c.ttft_p99_ms, 3),
                    "tpot": None if c.tpot_p99_ms is None else round(c.tpot_p99_ms, 3),
                    "run": page.link(Urls.run(c.run_id)),
                }
                for c in sorted(candidates, key=lambda c: (c.runtime, c.concurrency))
            ]
        }
        first = self.site.slo[0] if self.site.slo else None
        measured = [Measured(run_id, e) for run_id, e in standing_results(standing)]
        return Leaderboard(
            f"{prefix}leaderboard",
            label,
            self.headline_charts(measured, page, prefix),
            tables,
            script_json(data),
            f"{prefix}slo-custom",
            f"{first.ttft_p99_ms:g}" if first else "1000",
            f"{1000.0 / first.tpot_p99_ms:g}" if first else "10",
            self._slo_table(candidates, first, page, f"{prefix}slo-custom") if first else None,
            self.derived_table(measured, page, f"{prefix}derived"),
        )

    def _slo_table(self, candidates, slo, page: Page, table_id: str) -> Table:
        rows, attrs = [], []
        for rank, row in enumerate(slo_board(candidates, slo), start=1):
            c = row.best
            rows.append(
                (
                    num(rank if row.meets else None, "{:.0f}"),
                    text(
                        self.runtime_names.get(row.runtime, row.runtime), page.link(Urls.runtime(row.runtime))
                    ),
                    num(
                        c.throughput_per_gpu if row.meets else None,
                        "{:,.1f}",  # as the browser writes it when it re-ranks (site.js fixed)
                        note="" if row.meets else "never meets it",
                    ),
                    num(c.cost_per_million if row.meets else None, "{:,.3g}"),
                    (
                        Cell(c.load, f"{c.rate:020.6f}", note="" if row.meets else "closest", kind=NUMBER)
                        if c.rate is not None
                        else num(c.concurrency, "{:.0f}", note="" if row.meets else "closest")
                    ),
                    num(c.ttft_p99_ms, "{:,.0f} ms", note="not reported" if c.ttft_p99_ms is None else ""),
                    num(c.tpot_p99_ms, "{:.1f} ms", note=_tpot_cell_note(c.tpot_note)),
                    Cell(row.miss or "meets both", "", kind=TEXT),
                    text("run", page.link(Urls.run(c.run_id))),
                )
            )
            attrs.append({"meets": "yes" if row.meets else "no"})
        columns = (
            Column("rank", "#"),
            Column("runtime", "Runtime", TEXT),
            Column("tput_gpu", "Best throughput", NUMBER, "output tok/s per GPU within the target", HIGHER),
            Column("cost", "Cost", NUMBER, f"{self.site.currency} per 1M output tokens there", LOWER),
            Column("c", "At concurrency"),
            Column("ttft_p99", "p99 TTFT", better=LOWER),
            Column("tpot_p99", "p99 TPOT", better=LOWER),
            Column("why", "Within the target", TEXT),
            Column("run", "Run", TEXT),
        )
        return Table(table_id, columns, tuple(rows), row_attrs=tuple(attrs))
