"""What every page builder shares: names, page chrome, and tables and charts used on several pages;
and what those that read the catalog share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cached_property

from ...catalog.changes import Change, significant_changes, what_differed
from ...catalog.comparison import INTERVAL_FIELDS
from ...catalog.deploy import cohort_title, cohorts_of
from ...catalog.derived import tail_words
from ...catalog.history import SERIES_METRICS
from ...catalog.model import Catalog, ResultEntry, Run, RunSummary, Series, Standing
from ...config import SiteConfig
from ...imports import Origin
from ...imports.origin import Interval
from ...safetext import markdown_without_html
from ...scoring.contract import (
    ScoringContract,
)
from ...scoring.report import ScoreReport
from ...urls import Urls, relative, root_prefix
from ...words import count_of
from .. import exports
from ..cards import Cards, CardSpec
from ..charts import Chart, Line, Point, line_chart, with_interval
from ..colours import Style
from ..pages import (
    CohortLink,
    NavItem,
    Page,
    Section,
)
from ..scorecards import Links, scorecard_tables
from ..tables import (
    HIGHER,
    TEXT,
    Cell,
    Column,
    RowFlag,
    Table,
    add_notes,
    flag_rows,
    mark_rows,
    mark_tied_bests,
    mark_ties_within_noise,
    num,
    sort_key,
    stamp_scored,
    text,
)
from .context import Names

# History charts draw the latest this many runs (five months of weekly runs), so that pages stay
# small however long the history: a hardware page draws a dozen of them, some 2.5 KB per run in
# all, within the 300 KB every page keeps. Run pages and changes.json keep the whole history.
MAX_HISTORY_RUNS = 20
# Hardware and runtime pages list this many runs, newest first, and link to the full, filtered list.
MAX_LISTED_RUNS = 20
# The home page's preview card lists the leaders of this many targets (a card holds four rows).
HOME_CARD_ROWS = 4
# Hardware pages list this many of the latest changes beyond noise.
MAX_LISTED_CHANGES = 10
# Stands for "the concurrency level a history chart draws" (ViewBase.at_one_level).
LEVEL = -1
# The lines of a second (third, ...) model or workload on one chart: the runtime's colour, dashed.
COHORT_DASHES = ("solid", "dash", "dot", "dashdot")


EXCLUDED_FLAGS = ("invalid", "unreliable", "stale", "few samples")


def scored_from(origin: Origin) -> str:
    """A scored imported result's mark: the contract was written for the load tester's files."""
    if origin.repeats:
        return f"mean of {len(origin.repeats)} repeats"
    return f"scored from a {origin.format} result"


def interval_words(interval: tuple[float, float] | None) -> str:
    """A history point's 95 % interval, as its chart's data table says it."""
    return f"95 % CI {interval[0]:.4g}–{interval[1]:.4g}" if interval else ""


class ResultFlags:
    """The validity flags of the results a table's rows stand for, found by each row's sources
    (its file, or "run id/file" in standings: scoring/identity.py), never by the runtime name
    the row shows: two results of a run may share a name."""

    _SEVERITY = {"invalid": 0, "unreliable": 1, "stale": 2, "few samples": 3}

    def __init__(self, entries: Iterable[tuple[str, ResultEntry]]) -> None:
        """`entries`: (source, result) of each result the tables may show: its flag, how an
        imported one was read (its rows say what they were scored from), its intervals, and
        whether its p99 is the maximum of few requests."""
        entries = list(entries)
        self._entries = dict(entries)
        self._by_source = {s: (str(e.flag.kind), e.flag.reason) for s, e in entries if e.flag is not None}
        self._tails = {
            s: e.derived.tail_requests for s, e in entries if e.derived and e.derived.tail_requests
        }
        self._marks = {s: scored_from(e.origin) for s, e in entries if e.origin is not None}

    def _intervals(self, sources: Sequence[str]) -> dict[str, Interval]:
        entry = self._entries.get(sources[0]) if len(sources) == 1 else None
        if entry is None or (entry.origin is None and not (entry.derived and entry.derived.intervals)):
            return {}
        found = {key: entry.interval(field) for key, field in INTERVAL_FIELDS.items()}
        return {key: i for key, i in found.items() if i is not None}

    def notes_of(self, sources: Sequence[str]) -> dict[str, str]:
        """Column key -> what a row's value needs said beside it: "± h (95 % CI, n repeats)"
        under a mean of repeats or a value its requests give an interval, "set by the 2 slowest
        of 40" under a p99 of few requests."""
        if len(sources) != 1:
            return {}
        out = {key: i.words() for key, i in self._intervals(sources).items()}
        if sources[0] in self._tails:
            out["ttft_p99_ms"] = tail_words(self._tails[sources[0]], short=True)
        return out

    def intervals_of(self, sources: Sequence[str]) -> dict[str, tuple[float, float]]:
        """Column key -> the 95 % interval of a row's value, where it has one."""
        return {key: (i.low, i.high) for key, i in self._intervals(sources).items()}

    def mark_of(self, sources: Sequence[str]) -> str:
        """What an imported result's row was scored from ("" for the load tester's results)."""
        return "; ".join(dict.fromkeys(self._marks[s] for s in sources if s in self._marks))

    def of_sources(self, sources: Sequence[str]) -> RowFlag | None:
        """The row's flag: its result's; for a row of several results (scaling across levels),
        the most serious of theirs, naming its file."""
        found = [(source, self._by_source[source]) for source in sources if source in self._by_source]
        if not found:
            return None
        if len(sources) == 1:
            return found[0][1]
        source, (kind, reason) = min(found, key=lambda item: (self._SEVERITY[item[1][0]], item[0]))
        return kind, f"{source.rsplit('/', 1)[-1]}: {reason}"


def flagged_note(table: Table, flags: Sequence[RowFlag | None], sources: Sequence[Sequence[str]]) -> str:
    """The copy-as-Markdown text's last lines: the flag of each flagged row, with its file (the
    reference's table cannot say it), so a table pasted into a discussion carries it."""
    lines = [
        f"- {row[0].text}"
        + (
            f" ({row_sources[0].rsplit('/', 1)[-1]})" if len(row_sources) == 1 else ""
        )  # else the reason names it
        + f": {flag[0]}, {flag[1]}"
        for row, flag, row_sources in zip(table.rows, flags, sources, strict=True)
        if flag is not None
    ]
    return "\n\nFlagged by sitegen, never ranked:\n" + "\n".join(lines) if lines else ""


def run_label(run_id: str) -> str:
    """A short hover label for a run: its directory name (often just its date, then left out)."""
    return run_id.rsplit("/", 1)[-1]


class ViewBase:
    """What every page builder shares: names, colours, page chrome, and tables and charts that
    read nothing but what they are given."""

    def __init__(
        self,
        names: Names,
        site: SiteConfig,
        contract: ScoringContract,
        base_url: str,
        cards: Cards | None = None,
    ) -> None:
        """`cards`: how preview cards are made (cards.py); None draws no cards."""
        self.names = names
        self.cards = cards
        self.site = site
        self.contract = contract
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.hardware_names = names.hardware
        self.runtime_names = names.runtimes
        self.active_hardware = names.nav
        self.styles = names.styles
        self.hardware_urls = {Urls.hardware(h.id) for h in self.active_hardware}
        self._navs: dict[tuple[int, str, str], tuple[NavItem, ...]] = {}

    def run_card(self, run) -> CardSpec:
        rows = sorted(
            ((self.runtime_names.get(r, r), grade, score) for r, (score, grade) in run.c1_by_runtime.items()),
            key=lambda row: (-row[2], row[0]),
        )
        hardware = self.hardware_names.get(run.hardware, run.hardware)
        return CardSpec(hardware, f"{run.date or 'undated'} · {run.title}", tuple(rows))

    def with_card(self, page: Page, card: CardSpec) -> Page:
        if self.cards is None or not card.rows:
            return page
        return replace(page, og_image=self.base_url + card.url if self.base_url else page.link(card.url))

    def page(self, url: str, title: str, description: str, kind: str) -> Page:
        key = (url.count("/"), kind, url if url in self.hardware_urls else "")
        nav = self._navs.get(key)
        if nav is None:
            nav = self._navs[key] = self._nav(url, kind)
        full_title = f"{title} · {self.site.title}" if kind != "home" else self.site.title
        return Page(
            url=url,
            title=full_title,
            description=description,
            root=root_prefix(url),
            canonical=self.base_url + url if self.base_url else "",
            site_title=self.site.title,
            nav=nav,
            kind=kind,
        )

    def _nav(self, url: str, kind: str) -> tuple[NavItem, ...]:
        """The site's navigation as the page at `url` shows it. Its links depend on the page's
        depth only, so pages at one depth of one kind share it (page() keeps each)."""
        nav = [
            NavItem("Leaderboard", relative(url, Urls.home), kind == "home"),
            NavItem("Runs", relative(url, Urls.runs), kind == "runs"),
            NavItem("Models", relative(url, Urls.models), kind in ("models", "cohort")),
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
        return tuple(nav)

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
        *,
        flags: ResultFlags | None = None,
        scored: str = "run",
        result_prefix: str = "",
        ties: bool = False,
    ) -> tuple[Section, ...]:
        """The report's scorecards as page sections. `flags`: the validity flag of each row's
        result, shown on the row (invalid and unreliable rows lose their best mark); `scored`:
        what the composites were scored against ("run" or "standings"), stamped on their cells;
        `ties`: mark every tied best value, not only the reference's first."""

        def runtime_link(runtime_of: Callable[[str], str]) -> Callable[[str], str | None]:
            """The link to the runtime page of a name or file, looked up once a page: every
            table's rows start with one."""
            links: dict[str, str | None] = {}

            def link(key: str) -> str | None:
                if key not in links:
                    rid = runtime_of(key)
                    links[key] = page.link(Urls.runtime(rid)) if rid else None
                return links[key]

            return link

        link_source, link_name = runtime_link(runtime_by_source), runtime_link(runtime_by_name)
        rule = page.link(Urls.methodology) + "#validity"
        out = []
        for card in scorecard_tables(report, anchor_prefix, Links(link_name, link_source), self.contract):
            table, markdown = card.table, card.markdown
            if flags is not None:
                row_flags = [flags.of_sources(sources) for sources in card.sources]
                excluded = [f is not None and f[0] in EXCLUDED_FLAGS for f in row_flags]
                table = flag_rows(table, row_flags, rule, drop_best=excluded)
                markdown += flagged_note(table, row_flags, card.sources)
                table = mark_rows(table, [flags.mark_of(sources) for sources in card.sources])
                table = add_notes(table, [flags.notes_of(sources) for sources in card.sources])
            if ties:
                table = mark_tied_bests(table)
                if flags is not None:
                    table = mark_ties_within_noise(
                        table, [flags.intervals_of(sources) for sources in card.sources]
                    )
            table = stamp_scored(table, scored, result_prefix)
            out.append(
                Section(
                    anchor_prefix + card.id,
                    card.title,
                    table,
                    markdown_without_html(markdown),
                    sources=card.sources,
                )
            )
        return tuple(out)

    def standings_scope(self, hardware_name: str, standing: Standing, several: bool) -> str:
        """What a standings score was computed against, in a sentence (the page links the rule)."""
        cohort = f" with {standing.cohort.label}" if several else ""
        return (
            f"Scored among the latest valid result of each runtime and level on {hardware_name}{cohort} "
            f"(best marks and the +{self.contract.best_in_class_bonus} bonus are shared out among them, "
            "so a score within a run can differ)."
        )

    def run_scope(self, run: Run | None = None) -> str:
        scope = (
            "Scored within this run, as sitegen score scores its directory (best marks and the "
            f"+{self.contract.best_in_class_bonus} bonus among this run's own results); hardware pages "
            "score the latest results of every run together."
        )
        labels = sorted({e.cohort.label for e in run.results}) if run is not None else []
        if len(labels) > 1:
            scope += (
                f" This run measured {len(labels)} models or workloads ({'; '.join(labels)}): its scorecards, "
                "like sitegen score's, score them together, so their best marks compare across them; the "
                "charts draw a line per model, and the hardware page ranks each model apart."
            )
        return scope

    def cohorts_note(self, cohorts: Sequence[Standing], runs: Sequence = ()) -> str:
        """What the standings below hold: nothing yet (and why), or several cohorts ranked apart."""
        if not cohorts:
            files, results = sum(r.n_files for r in runs), sum(r.n_results for r in runs)
            if results:  # read, but none the contract can rank (imports/origin.py: Origin.scored)
                return (
                    f"{count_of(results, 'result')} {'was' if results == 1 else 'were'} read on this "
                    "target, but none that the scoring contract can rank: rate-based load points (no "
                    "concurrency level) or imported results without a value it reads. The hardware "
                    "page draws them and ranks them under latency targets; each run's page shows them, "
                    "with what they lack."
                )
            return (
                f"No result has been read on this target yet: its {count_of(len(runs), 'run')} "
                f"{'holds' if len(runs) == 1 else 'hold'} {count_of(files, 'JSON file')}, "
                f"{'not' if files == 1 else 'none of them'} read as a result. Each run's page lists its "
                "files and why; so does the build report."
            )
        if len(cohorts) < 2:
            return ""
        labels = "; ".join(s.cohort.label for s in cohorts)
        return (
            f"Results of {len(cohorts)} different models or workloads were measured on this target "
            f"({labels}); each is ranked on its own, never against the others."
        )

    def run_table(self, runs: list[RunSummary], page: Page, table_id: str, filters: bool = False) -> Table:
        columns = (
            Column("date", "Date", TEXT),
            Column("run", "Run", TEXT),
            Column("hardware", "Hardware", TEXT),
            Column("runtimes", "Runtimes", TEXT),
            Column("results", "Results"),
            Column("best", "Best c=1 composite", hint="scored within its run", better=HIGHER),
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
                    Cell(
                        f"{best[0]:.0f} {best[1]}",
                        sort_key(best[0]),
                        grade=best[1],
                        scored="run",
                        result=f"{run.id}/{best[2]}",
                    )
                    if best
                    else Cell("–"),
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

    def series_title(self, metric: str) -> str:
        """A history chart's title: the metric's label, with the settings it depends on."""
        if metric == "throughput_per_gpu_at_ref":
            return f"Output throughput per GPU at {self.site.reference_interactivity:g} tok/s per user"
        if metric == "cost_per_million":
            return f"Cost per million output tokens ({self.site.currency}, at peak-throughput level)"
        return SERIES_METRICS[metric][0]

    @staticmethod
    def at_one_level(series: list[Series], metric: str, level: int | None) -> tuple[list[Series], int | None]:
        """The series of `metric` a history chart draws, and their concurrency level: `level`
        itself (None for values of a whole run), or, for LEVEL, c=1 where any runtime was measured
        there, else the level measured in most runs (the lowest of equals). A chart draws one
        level: a run at c=1 and the next at c=128 are never one line."""
        of_metric = [s for s in series if s.metric == metric]
        if level == LEVEL:
            runs_at: dict[int, set[str]] = {}
            for s in of_metric:
                if s.concurrency is not None:
                    runs_at.setdefault(s.concurrency, set()).update(p.run_id for p in s.points)
            if not runs_at:
                return [], None
            level = 1 if 1 in runs_at else min(runs_at, key=lambda c: (-len(runs_at[c]), c))
        return [s for s in of_metric if s.concurrency == level], level

    def runtime_line(self, runtime: str, points: tuple[Point, ...], cohort: str = "", index: int = 0) -> Line:
        """A chart line for one runtime, in its colour and legend position. `cohort`: the model
        (and workload) of its points, where a chart holds several (a line each, never one
        zig-zag between two models), named and dashed by its `index` among them."""
        style = self.styles.runtime(runtime)
        name = self.runtime_names.get(runtime, runtime)
        if not cohort:
            return Line(name, points, style.colour, style.dash, style.order)
        dash = COHORT_DASHES[index % len(COHORT_DASHES)]
        return Line(f"{name} ({cohort})", points, style.colour, dash, style.order)

    @staticmethod
    def cohort_order(labels: Iterable[str]) -> dict[str, int]:
        """Each cohort label of a chart by the number of its points, most first: its line dash.
        Empty when the chart holds one cohort (its lines are named by runtime alone)."""
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        if len(counts) < 2:
            return {}
        return {label: i for i, label in enumerate(sorted(counts, key=lambda lb: (-counts[lb], lb)))}

    def scaling_curve(self, chart_id: str, page: Page, run: Run | RunSummary, title: str) -> Chart | None:
        cohorts = self.cohort_order(p.cohort for p in run.curve)
        by_runtime: dict[tuple[str, str], dict[int, Point]] = {}
        for p in run.curve:
            pts = by_runtime.setdefault((p.runtime, p.cohort if cohorts else ""), {})
            known = pts.get(p.concurrency)
            value = None if p.invalid else p.tokens_per_sec
            if known is None or (value is not None and (known.y is None or value > known.y)):
                pts[p.concurrency] = with_interval(
                    Point(
                        p.concurrency,
                        value,
                        f"{p.runtime_name} · {p.source}",
                        page.link(Urls.run(run.id)) + "#chart-scaling",
                        note=p.invalid,
                    ),
                    p.interval,
                )
        lines = [
            self.runtime_line(runtime, tuple(pts[c] for c in sorted(pts)), cohort, cohorts.get(cohort, 0))
            for (runtime, cohort), pts in sorted(by_runtime.items())
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


class CatalogViews(ViewBase):
    """A page builder that reads the catalog: pages about many runs."""

    def __init__(
        self,
        catalog: Catalog,
        site: SiteConfig,
        contract: ScoringContract,
        base_url: str,
        cards: Cards | None = None,
        names: Names | None = None,
    ) -> None:
        """`names`: the whole catalog's, where `catalog` holds part of it (one target's runs)."""
        super().__init__(names or Names.of(catalog), site, contract, base_url, cards)
        self.catalog = catalog
        self.runs_by_id = {r.id: r for r in catalog.runs}

    # Computed when a page needs them.
    @cached_property
    def badge_specs(self) -> list[exports.BadgeSpec]:
        return exports.badges(self.catalog, self.runtime_names, self.hardware_names)

    @cached_property
    def significant(self) -> list[Change]:
        """Changes beyond noise of every series (catalog/changes.py)."""
        return significant_changes(self.catalog.series)

    def cohort_links(self, page: Page, runtime: str = "", hardware: str = "") -> tuple[CohortLink, ...]:
        """The page of each model and workload measured (by `runtime`, or on `hardware`, where
        given), linked. A hardware page's reads its own target's standings only (its key covers
        no other target)."""
        standings = (
            {hardware: self.catalog.standings.get(hardware, ())} if hardware else self.catalog.standings
        )
        measured_by = {
            (st.cohort.model, st.cohort.workload)
            for sts in standings.values()
            for st in sts
            if not runtime or any(e.runtime == runtime for _, e in st.entries + st.unranked)
        }
        return tuple(
            CohortLink(cohort_title(model_name, workload_name), page.link(Urls.cohort(model, workload)))
            for model, workload, model_name, workload_name in cohorts_of(standings)
            if (model, workload) in measured_by
        )

    def what_differed(self, change: Change) -> tuple[str, ...]:
        """What else differed between the run before a change and the run where it starts."""
        before, after = self.runs_by_id[change.previous_run_id], self.runs_by_id[change.run_id]
        return what_differed(change, before.metadata, after.metadata)

    def hardware_card(self, hardware_id: str) -> CardSpec:
        """The target's preview card: its largest cohort's standings (no rows, so no card, when
        nothing on the target is ranked yet)."""
        cohorts = self.catalog.standings.get(hardware_id, ())
        best = cohorts[0].at_lowest_level() if cohorts else {}
        rows = sorted(
            ((self.runtime_names.get(r, r), g, v) for r, (_, v, g) in best.items()),
            key=lambda row: (-row[2], row[0]),
        )
        return CardSpec(self.hardware_names.get(hardware_id, hardware_id), "Current standings", tuple(rows))

    def home_card(self) -> CardSpec:
        """The home page's preview card: the leader on each target (of its largest cohort, at
        its lowest level), in the targets' order: each scored within its own target, so one row
        per target, never a ranking across them."""
        rows = []
        for target in self.active_hardware:
            cohorts = self.catalog.standings.get(target.id, ())
            best = cohorts[0].at_lowest_level() if cohorts else {}
            if best:
                runtime, (_, score, grade) = max(best.items(), key=lambda kv: (kv[1][1], kv[0]))
                rows.append((f"{self.runtime_names.get(runtime, runtime)} on {target.name}", grade, score))
        return CardSpec(self.site.title, "The leader on each machine", tuple(rows[:HOME_CARD_ROWS]))

    def series_namer(self, by: str) -> Callable[[Series], str]:
        """A chart line's name: its runtime (or hardware) name, and its model and workload where
        its target has results of several (their lines are never joined). `by`: "runtime" or
        "hardware", what the lines of the chart stand for."""
        labels = {
            (hw, st.cohort.key): st.cohort.label
            for hw, cohorts in self.catalog.standings.items()
            if len(cohorts) > 1
            for st in cohorts
        }

        def name_of(s: Series) -> str:
            name = (
                self.runtime_names.get(s.runtime, s.runtime)
                if by == "runtime"
                else self.hardware_names.get(s.hardware, s.hardware)
            )
            label = labels.get((s.hardware, s.cohort))
            return f"{name} ({label})" if label else name

        return name_of

    def apart_table(self, standing: Standing, page: Page, table_id: str) -> Table | None:
        """The entries that are not ranked: flagged (invalid, unreliable, few samples) or stale,
        with the reason."""
        if not standing.apart:
            return None
        rule = page.link(Urls.methodology) + "#validity"
        rows = tuple(
            (
                text(
                    self.runtime_names.get(a.entry.runtime, a.entry.runtime),
                    page.link(Urls.runtime(a.entry.runtime)),
                ).but(flag=a.why, flag_reason=a.reason, flag_href=rule),
                num(a.entry.result.concurrency, "{:.0f}"),
                text(a.entry.result.runtime_name),
                text(self.runs_by_id[a.run_id].title, page.link(Urls.run(a.run_id))),
            )
            for a in standing.apart
        )
        return Table(
            table_id,
            (
                Column("runtime", "Runtime", TEXT),
                Column("c", "Concurrency"),
                Column("name", "runtime_name", TEXT),
                Column("run", "Run", TEXT),
            ),
            rows,
            row_attrs=tuple({"flag": a.why} for a in standing.apart),
        )

    def style_of(self, by: str) -> Callable[[Series], Style]:
        """A chart line's colour, dash and legend position: its runtime's (or hardware's), site-wide;
        the series of a target's second (third, ...) model or workload are dashed."""
        index = {
            (hw, st.cohort.key): i
            for hw, cohorts in self.catalog.standings.items()
            for i, st in enumerate(cohorts)
        }

        def style(s: Series) -> Style:
            base = (
                self.styles.runtime(s.runtime) if by == "runtime" else self.styles.hardware_style(s.hardware)
            )
            i = index.get((s.hardware, s.cohort), 0)
            return replace(base, dash=COHORT_DASHES[i % len(COHORT_DASHES)]) if i else base

        return style

    def series_chart(
        self,
        chart_id: str,
        page: Page,
        series: list[Series],
        metric: str,
        by: str,
        title: str | None = None,
    ) -> Chart | None:
        """One line per series over run dates; only each line's latest MAX_HISTORY_RUNS runs are drawn.
        `by`: "runtime" (one line per runtime) or "hardware" (one per target)."""
        name_of, style_of = self.series_namer(by), self.style_of(by)
        label, unit, _ = SERIES_METRICS[metric]
        if metric == "cost_per_million":
            unit = f"{self.site.currency} per 1M tokens"
        lines = []
        for s in series:
            keep = {p.run_id for p in s.points[-MAX_HISTORY_RUNS:]}  # points are in run order
            points = tuple(
                Point(
                    p.date.isoformat() if p.date else "",
                    p.value,
                    self.point_label(p.run_id)
                    + (f" · engine {p.engine}" if p.engine else "")
                    + (f" · {p.flag.split(':')[0]}" if p.flag else ""),
                    page.link(Urls.run(p.run_id)),
                    note="; ".join(filter(None, (p.flag, interval_words(p.interval)))),
                    low=p.interval[0] if p.interval else None,
                    high=p.interval[1] if p.interval else None,
                )
                for p in s.points
                if p.run_id in keep
            )
            if points:
                style = style_of(s)
                lines.append(Line(name_of(s), points, style.colour, style.dash, style.order))
        if not lines:
            return None
        longest = max((len(s.points) for s in series), default=0)
        note = (
            f"Each line's latest {MAX_HISTORY_RUNS} runs (of up to {longest})."
            if longest > MAX_HISTORY_RUNS
            else ""
        )
        # History tables keep three significant digits (energy of 0.093 J is never "0.1").
        return line_chart(
            chart_id,
            title or label,
            lines,
            x_title="Run date",
            y_title=unit,
            x_kind="date",
            note=note,
            y_format=None,
        )

    def point_label(self, run_id: str) -> str:
        """How a chart's hover names a run: its title from run.toml, else its folder's name."""
        return self.runs_by_id[run_id].metadata.title or run_label(run_id)
