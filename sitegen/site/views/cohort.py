"""A page per model and workload (models/<model>/<workload>/): every machine and runtime that
measured it on one frontier, cost and energy beside it, and a table ranking them at the
reader's latency target and prices (catalog/deploy.py), re-ranked in the browser (site.js)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from ...catalog.deploy import (
    Level,
    Option,
    Target,
    cohort_title,
    cohorts_of,
    differences,
    frontier_words,
    options_of,
    rank_at,
    unnamed_targets,
)
from ...catalog.derived import pareto_frontier
from ...safetext import script_json
from ...urls import Urls
from ..charts import Chart, Line, Point, line_chart, with_interval
from ..pages import CohortView, KeyValue, ModelsView, Page
from ..tables import HIGHER, LOWER, NUMBER, TEXT, Cell, Column, Table, num, text
from .base import COHORT_DASHES, CatalogViews
from .practice import X_TITLE, Y_TITLE, interval_note

TARGET_TABLE = "target-table"


class CohortPages(CatalogViews):
    """The pages of each (model, workload) measured anywhere."""

    def models(self) -> ModelsView:
        page = self.page(
            Urls.models,
            "Models and workloads",
            "Every model and workload measured: each page puts every machine and runtime side by side.",
            "models",
        )
        unnamed = [self.hardware_names.get(h, h) for h in unnamed_targets(self.catalog.standings)]
        note = (
            f"Results on {', '.join(unnamed)} name no model: nothing says two machines ran the same one, so "
            "they are on no page here. Set model (and workload) in a run's run.toml to compare them."
            if unnamed
            else ""
        )
        return ModelsView(page, self.cohort_links(page), note)

    def default_target(self) -> Target:
        """The site's first latency target as a per-user speed and a p99 TTFT: a p99 TPOT of
        40 ms is 25 tok/s per user."""
        if self.site.slo:
            first = self.site.slo[0]
            return Target(1000.0 / first.tpot_p99_ms, first.ttft_p99_ms)
        return Target(self.site.reference_interactivity, 1000.0)

    def option_name(self, option: Option, differs: str) -> str:
        hardware = self.hardware_names.get(option.hardware, option.hardware)
        runtime = self.runtime_names.get(option.runtime, option.runtime)
        return f"{hardware} + {runtime}" + (f" ({differs})" if differs else "")

    def cohort(self, model: str, workload: str) -> CohortView:
        found = next(c for c in cohorts_of(self.catalog.standings) if c[:2] == (model, workload))
        title = cohort_title(found[2], found[3])
        page = self.page(
            Urls.cohort(model, workload),
            title,
            f"Every machine and runtime measured with {title}: throughput per GPU, cost and energy "
            "at each per-user speed, ranked at your latency target.",
            "cohort",
        )
        options = options_of(self.catalog.standings, model, workload)
        differs = differences(options)
        names = {o.key: self.option_name(o, differs[o.key]) for o in options}
        hardware_order = {h.id: i for i, h in enumerate(self.catalog.hardware)}
        lines = {o.key: self._line(o, names[o.key], hardware_order.get(o.hardware, 0)) for o in options}
        target = self.default_target()
        prices = self.prices()
        charts = self._charts(options, lines, names, page)
        return CohortView(
            page,
            title,
            charts,
            self.target_table(options, names, target, prices, page),
            f"{target.speed:g}",
            f"{target.ttft_p99_ms:g}",
            tuple(
                KeyValue(self.hardware_names.get(h, h), _price_text(prices.get(h)), h)
                for h in sorted({o.hardware for o in options}, key=lambda h: hardware_order.get(h, 0))
            ),
            script_json(self._data(options, names, page)),
            tuple(
                KeyValue(self.hardware_names.get(h, h), page.link(Urls.hardware(h)))
                for h in sorted({o.hardware for o in options}, key=lambda h: hardware_order.get(h, 0))
            ),
            self.site.currency,
        )

    def deploy_table(self, page: Page) -> Table | None:
        """What to deploy, per model and workload: the option with the most throughput per GPU
        and the cheapest per million output tokens at the site's first latency target, each
        with its margin over the next, linked to the model's page (None: no model named)."""
        target = self.default_target()
        prices = self.prices()
        rows = []
        for model, workload, model_name, workload_name in cohorts_of(self.catalog.standings):
            options = options_of(self.catalog.standings, model, workload)
            differs = differences(options)
            met = [r for r in rank_at(options, target) if r.meets]
            costs = sorted(
                (cost, r.option.key, r)
                for r in met
                if (
                    cost := r.best.cost_per_million(
                        prices.get(r.option.hardware), self._gpus(r.option.hardware)
                    )
                )
                is not None
            )

            def name(row, differs=differs) -> str:
                return self.option_name(row.option, differs[row.option.key])

            title = cohort_title(model_name, workload_name)
            link = page.link(Urls.cohort(model, workload))
            fastest = text(name(met[0]), link) if met else text("none meets the target", link)
            speed = num(
                met[0].best.throughput_per_gpu if met else None,
                "{:,.1f}",
                note=_margin(
                    met[0].best.throughput_per_gpu / met[1].best.throughput_per_gpu - 1.0,
                    "more than",
                    name(met[1]),
                )
                if len(met) > 1 and met[1].best.throughput_per_gpu > 0
                else "",
            )
            cheapest = text(name(costs[0][2]), link) if costs else text("–")
            cheapest_cost = num(
                costs[0][0] if costs else None,
                "{:,.3g}",
                note=_margin(1.0 - costs[0][0] / costs[1][0], "less than", name(costs[1][2]))
                if len(costs) > 1 and costs[1][0] > 0
                else "",
            )
            rows.append((text(title, link), fastest, speed, cheapest, cheapest_cost))
        if not rows:
            return None
        return Table(
            "deploy-table",
            (
                Column("model", "Model and workload", TEXT),
                Column("fastest", "Most throughput per GPU", TEXT),
                Column("tput_gpu", "Output tok/s per GPU", better=HIGHER),
                Column("cheapest", "Cheapest", TEXT),
                Column("cost", f"{self.site.currency} per 1M output tokens", better=LOWER),
            ),
            tuple(rows),
        )

    def target_words(self) -> str:
        """The site's first latency target, as the deploy table ranks at it."""
        target = self.default_target()
        return f"each user gets at least {target.speed:g} tok/s and the p99 TTFT is at most {target.ttft_p99_ms:,.0f} ms"

    def prices(self) -> dict[str, float | None]:
        """Price per GPU-hour of each target (site.toml's price per hour over its GPUs)."""
        return {
            h.id: (h.config.price_per_hour / h.config.gpus if h.config.price_per_hour is not None else None)
            for h in self.catalog.hardware
        }

    def _line(self, option: Option, name: str, hardware_index: int) -> Line:
        style = self.styles.runtime(option.runtime)
        return Line(name, (), style.colour, COHORT_DASHES[hardware_index % len(COHORT_DASHES)], style.order)

    def _charts(self, options: list[Option], lines: dict[str, Line], names: dict[str, str], page: Page):
        """The frontier (throughput per GPU against per-user speed), cost per million output
        tokens and tokens per joule against it: a line per option through its levels."""
        frontier: list[Line] = []
        cost: list[Line] = []
        energy: list[Line] = []
        for o in options:
            line = lines[o.key]
            points: list[Point] = []
            costs: list[Point] = []
            joules: list[Point] = []
            for lv in o.levels:
                if lv.interactivity is None:
                    continue
                label = self._label(o, lv, names[o.key])
                href = page.link(Urls.run(lv.run_id)) + f"#composite-c{lv.concurrency}"
                interval = lv.entry.interval("tokens_per_sec")
                point = Point(lv.interactivity, lv.throughput_per_gpu, label, href)
                if interval is not None:
                    point = with_interval(point, _scaled(interval, 1.0 / self._gpus(o.hardware)))
                points.append(point)
                if lv.cost is not None:
                    costs.append(Point(lv.interactivity, lv.cost, label, href))
                if lv.joules_per_token:
                    joules.append(Point(lv.interactivity, 1.0 / lv.joules_per_token, label, href))
            for found, into in ((points, frontier), (costs, cost), (joules, energy)):
                if found:
                    into.append(Line(line.name, tuple(found), line.colour, line.dash, line.order))
        summary = frontier_words(options, lambda o: names[o.key])
        edge = pareto_frontier(p for o in options for p in o.curve())
        # Every chart: x the per-user speed, a line per option, its legend rows counted.
        draw = partial(
            line_chart,
            x_title=X_TITLE,
            hover_text=True,
            x_shared=False,
            x_format=".1f",
            series_title="Machine and runtime",
            legend_rows=(len(options) + 2) // 3,
        )
        charts: list[Chart] = []
        if frontier:
            note = (
                (summary + ". " if summary else "")
                + "A line per machine and runtime through its concurrency levels (colour: runtime; "
                "dash: machine); up and to the right is better. Click a legend entry to hide or show it."
            )
            charts.append(
                draw(
                    "chart-cohort-frontier",
                    "Throughput per GPU against per-user speed, every machine",
                    frontier,
                    y_title=Y_TITLE,
                    note=note,
                    frontier=tuple(Point(p.x, p.y) for p in edge),
                )
            )
        if cost:
            charts.append(
                draw(
                    "chart-cohort-cost",
                    f"Cost per million output tokens ({self.site.currency}) against per-user speed",
                    cost,
                    y_title=f"{self.site.currency} per 1M output tokens",
                    note="At each machine's price per hour in site.toml; down and to the right is better.",
                    y_format=None,
                )
            )
        if energy:
            charts.append(
                draw(
                    "chart-cohort-energy",
                    "Output tokens per joule against per-user speed",
                    energy,
                    y_title="output tokens per joule",
                    note="Where the results report GPU power or energy; up and to the right is better.",
                    y_format=None,
                )
            )
        return tuple(charts)

    def _label(self, option: Option, lv: Level, name: str) -> str:
        """A point's hover: the option and level, its values, the result's runtime name."""
        ttft = f"{lv.ttft_p99_ms:,.0f} ms" if lv.ttft_p99_ms is not None else "not reported"
        cost = f"\n{lv.cost:.3g} {self.site.currency} per 1M tokens" if lv.cost else ""
        speed = f"{lv.interactivity:.1f}" if lv.interactivity is not None else "–"
        return (
            f"{name} · c={lv.concurrency}\n{speed} tok/s per user (median)\n"
            f"{lv.throughput_per_gpu:.1f} tok/s per GPU\np99 TTFT {ttft}{cost}\n{lv.entry.result.runtime_name}"
        )

    def target_table(
        self,
        options: list[Option],
        names: dict[str, str],
        target: Target,
        prices: dict[str, float | None],
        page: Page,
    ) -> Table:
        """Every option at the target: ranked by throughput per GPU within it, with the cost of a
        million output tokens there, the throughput read off its curve at exactly the target
        speed (interpolated, and marked so), and what the others miss by."""
        rows, attrs = [], []
        for rank, row in enumerate(rank_at(options, target), start=1):
            o, lv = row.option, row.best
            gpus = self._gpus(o.hardware)
            cost = lv.cost_per_million(prices.get(o.hardware), gpus) if row.meets else None
            tput_note = (
                interval_note(lv.entry, "tokens_per_sec", 1.0 / gpus) if row.meets else "never within it"
            )
            rows.append(
                (
                    num(rank if row.meets else None, "{:.0f}"),
                    text(names[o.key], page.link(Urls.hardware(o.hardware))),
                    num(lv.throughput_per_gpu if row.meets else None, "{:,.1f}", note=tput_note),
                    num(cost, "{:,.3g}", note="" if cost is not None or not row.meets else "no price set"),
                    num(lv.concurrency, "{:.0f}", note="" if row.meets else "closest"),
                    num(lv.speed, "{:,.1f}", note=_speed_note(lv)),
                    num(lv.ttft_p99_ms, "{:,.0f} ms", note="not reported" if lv.ttft_p99_ms is None else ""),
                    num(
                        row.at_speed,
                        "{:,.1f}",
                        note="interpolated" if row.at_speed is not None else "outside the levels measured",
                    ),
                    Cell(row.miss or "meets both", "", kind=TEXT),
                    text("run", page.link(Urls.run(lv.run_id))),
                )
            )
            attrs.append({"meets": "yes" if row.meets else "no", "option": o.key})
        columns = (
            Column("rank", "#"),
            Column("option", "Machine and runtime", TEXT),
            Column(
                "tput_gpu", "Throughput", NUMBER, "output tok/s per GPU, best level within the target", HIGHER
            ),
            Column("cost", "Cost", NUMBER, f"{self.site.currency} per 1M output tokens there", LOWER),
            Column("c", "At concurrency"),
            Column("speed", "Per-user speed", NUMBER, "tok/s per user, from p99 TPOT", HIGHER),
            Column("ttft_p99", "p99 TTFT", better=LOWER),
            Column("at_speed", "At the target speed", NUMBER, "tok/s per GPU read off the curve", HIGHER),
            Column("why", "Within the target", TEXT),
            Column("run", "Run", TEXT),
        )
        return Table(TARGET_TABLE, columns, tuple(rows), row_attrs=tuple(attrs))

    def _gpus(self, hardware: str) -> int:
        """The target's GPUs, as site.toml gives them (1 for a target it does not name)."""
        gpus = {h.id: h.config.gpus for h in self.catalog.hardware}
        return gpus.get(hardware, 1)

    def _data(self, options: list[Option], names: dict[str, str], page: Page) -> dict:
        """What the page's form re-ranks in the browser: each option's levels."""
        return {
            "options": [
                {
                    "key": o.key,
                    "name": names[o.key],
                    "hardware": o.hardware,
                    "href": page.link(Urls.hardware(o.hardware)),
                    "gpus": self._gpus(o.hardware),
                    "levels": [
                        {
                            "c": lv.concurrency,
                            "speed": None if lv.speed is None else round(lv.speed, 4),
                            "median": lv.speed_from == "median",
                            "x": None if lv.interactivity is None else round(lv.interactivity, 4),
                            "tput": round(lv.throughput_per_gpu, 4),
                            "tps": round(lv.entry.result.tokens_per_sec, 4),
                            "ttft": None if lv.ttft_p99_ms is None else round(lv.ttft_p99_ms, 3),
                            "run": page.link(Urls.run(lv.run_id)),
                            "note": interval_note(lv.entry, "tokens_per_sec", 1.0 / self._gpus(o.hardware)),
                        }
                        for lv in o.levels
                    ],
                }
                for o in options
            ]
        }


def _margin(lead: float, words: str, name: str) -> str:
    """ "12% more than L4 + vLLM": how far an option leads the next, as a fraction."""
    return f"{lead:.0%} {words} {name}"


def _speed_note(level: Level) -> str:
    """Under a level's per-user speed: where it comes from when not from p99 TPOT."""
    if level.speed is None:
        return "not reported"
    return "from the median: no p99 TPOT" if level.speed_from == "median" else ""


def _price_text(price: float | None) -> str:
    """A price per GPU-hour as the form shows it: empty where site.toml sets none."""
    return "" if price is None else f"{price:g}"


def _scaled(interval, factor: float):
    """An interval of tokens per second as one of tokens per second per GPU."""
    return replace(
        interval, mean=interval.mean * factor, low=interval.low * factor, high=interval.high * factor
    )
