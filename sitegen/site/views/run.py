"""A run's page: every scorecard, its charts, telemetry, files and how it was read."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

from ...catalog.classify import FileKind
from ...catalog.model import Run, RunSummary
from ...catalog.run_folder import import_words
from ...config import SiteConfig
from ...scoring import (
    composite,
)
from ...scoring.contract import ScoringContract
from ...urls import Urls, share_folder
from ...words import count_of
from .. import exports
from ..cards import Cards, CardSpec
from ..charts import Chart, Point, bar_chart, line_chart, with_interval
from ..pages import (
    KeyValue,
    Page,
    PageJob,
    RunView,
    ScorecardLinkView,
)
from ..scorecards import composite_title
from ..sources import SourceLinks
from ..tables import (
    NUMBER,
    TEXT,
    Cell,
    Column,
    Table,
    num,
    text,
)
from .base import ResultFlags
from .context import RunContext
from .practice import Measured, PracticeViews

# Rows of a run's file lists on its page: a run of thousands of files is listed in part.
MAX_LISTED_FILES = 200
# Non-JSON files of a run directory: what they are to the site.
OTHER_FILE_KINDS = {
    "run.toml": ("run metadata", "read into the facts above; not published"),
    "README.md": ("notes", "shown as the run's notes; not published"),
}

# The values a repeat table shows: (field, column label, format).
REPEAT_COLUMNS = (
    ("tokens_per_sec", "Tokens/s", "{:.1f}"),
    ("throughput_rps", "Requests/s", "{:.2f}"),
    ("ttft_p50_ms", "TTFT P50 ms", "{:.1f}"),
    ("latency_p50_ms", "Latency P50 ms", "{:.1f}"),
    ("tpot_p50_ms", "TPOT P50 ms", "{:.3g}"),
)


# The values the imported-results table shows: (field, column label, format).
IMPORTED_COLUMNS = (
    ("successful", "OK", "{:,.0f}"),
    ("failed", "Failed", "{:,.0f}"),
    ("tokens_per_sec", "Tokens/s", "{:,.1f}"),
    ("ttft_p50_ms", "TTFT P50 ms", "{:,.1f}"),
    ("ttft_p99_ms", "TTFT P99 ms", "{:,.1f}"),
    ("itl_p50_ms", "ITL P50 ms", "{:.2f}"),
    ("latency_p50_ms", "Latency P50 ms", "{:,.0f}"),
    ("latency_p99_ms", "Latency P99 ms", "{:,.0f}"),
)


NOT_REPORTED = Cell("not reported", "")


def _itl(e) -> str:
    return f"{e.result.itl_p50_ms:.2f} ms" if e.reported("itl_p50_ms") else "not reported"


SHARE_TEMPLATE = "scorecard.html"  # a scorecard's link-preview page

RUN_EXPORTS = (
    ("scorecards.json", exports.scorecards_json),
    ("scorecards.md", exports.scorecards_md),
    ("metrics.json", exports.metrics_json),
)


def export_jobs(run: Run) -> list[PageJob]:
    """A run's exports beside its page. They are made from the run alone (no other run, no
    setting), so a parallel build writes them while the catalog is still being put together."""
    base = Urls.run(run.id)
    return [PageJob(base + name, None, partial(export, run), run_id=run.id) for name, export in RUN_EXPORTS]


def run_page_urls(run: RunSummary) -> list[str]:
    """The addresses of a run's pages: its page and each composite scorecard's link page."""
    base = Urls.run(run.id)
    return [base] + [base + share_folder(level) + "/" for level in sorted(run.composite_by_level)]


class RunPages(PracticeViews):
    """A run's page and files: every scorecard, its charts, telemetry, files and how it was read.
    Made from the run's context alone (context.py): it sees no other run."""

    def __init__(
        self,
        context: RunContext,
        site: SiteConfig,
        contract: ScoringContract,
        base_url: str,
        cards: Cards | None = None,
        sources: SourceLinks = SourceLinks(),
    ) -> None:
        super().__init__(context.names(), site, contract, base_url, cards)
        self.context = context
        self.sources = sources

    def source_href(self, page: Page, run: Run, name: str) -> str | None:
        """Where a source file of the run is read: online where source_url says (None for a file
        outside the results root), else its copy in the site."""
        if self.sources.linking:
            return self.sources.url(str(run.root), str(run.path), name)
        return page.link(Urls.raw(run.id, name))

    def jobs(self, run: Run, with_exports: bool = True) -> list[PageJob]:
        """Each of the run's own files as a job: its page, its exports (unless `with_exports` is
        off: written already), each scorecard's link page and the preview cards."""
        base = Urls.run(run.id)
        jobs = [PageJob(base, "run.html", partial(self.run, run), run_id=run.id)]
        if with_exports:
            jobs += export_jobs(run)
        levels = sorted(run.summary.composite_by_level)
        for level in levels:
            url = base + share_folder(level) + "/"
            jobs.append(PageJob(url, SHARE_TEMPLATE, partial(self.scorecard_link, run, level), run_id=run.id))
        if self.cards is not None:
            for card in [self.run_card(run.summary)] + [self.scorecard_card(run, lv) for lv in levels]:
                if card.rows:
                    jobs.append(PageJob(card.url, None, partial(self.cards.bytes_of, card), run_id=run.id))
        return jobs

    def scorecard_card(self, run: Run, level: int) -> CardSpec:
        """The preview image of a run's composite scorecard at one level."""
        rows = sorted(
            (
                (self.runtime_names.get(r, r), grade, score)
                for r, (score, grade) in run.summary.composite_at(level).items()
            ),
            key=lambda row: (-row[2], row[0]),
        )
        hardware = self.hardware_names.get(run.hardware, run.hardware)
        return CardSpec(
            hardware,
            f"{run.date or 'undated'} · {run.title} · {composite_title(level)}",
            tuple(rows),
            footer=f"Composite score at c={level}, scored within this run",
        )

    def scorecard_link(self, run: Run, level: int) -> ScorecardLinkView:
        """The link-preview page of a run's composite scorecard: that scorecard's title,
        description and image, and the way on to the run page at the scorecard."""
        card = self.scorecard_card(run, level)
        url = Urls.run(run.id) + share_folder(level) + "/"
        title = f"{composite_title(level)} · {run.title} on {card.title}"
        ranked = "; ".join(f"{name} {score:.0f} ({grade})" for name, grade, score in card.rows[:6])
        description = f"{run.title} on {card.title}: " + (ranked or "no valid result at this level") + "."
        page = self.with_card(self.page(url, title, description, "scorecard"), card)
        target = page.link(Urls.run(run.id)) + f"#composite-c{level}"
        rows = tuple((name, f"{score:.0f}", grade) for name, grade, score in card.rows)
        return ScorecardLinkView(page, composite_title(level), target, rows)

    def latency_chart(self, chart_id: str, page: Page, run: Run) -> Chart | None:
        """TTFT by concurrency per runtime; a bar per result when the run has one level only."""
        title = "Time to first token (median)"
        results = [e for e in run.results if e.rate is None]  # a rate-based result has no level
        levels = {e.result.concurrency for e in results}
        if not results:
            return None
        if len(levels) == 1:
            bars = [
                with_interval(
                    Point(
                        e.result.runtime_name,
                        e.result.ttft_p50_ms,
                        f"{e.source} · ITL {_itl(e)}",
                        "#composite-c" + str(e.result.concurrency),
                    ),
                    e.interval("ttft_p50_ms"),
                )
                for e in results
            ]
            colours = [self.styles.runtime(e.runtime).colour for e in results]
            return (
                bar_chart(chart_id, title, bars, x_title="Runtime", y_title="TTFT P50 ms", colours=colours)
                if bars
                else None
            )
        cohorts = self.cohort_order(e.cohort.label for e in results)
        by_runtime: dict[tuple[str, str], dict[int, Point]] = {}
        for e in results:
            pts = by_runtime.setdefault((e.runtime, e.cohort.label if cohorts else ""), {})
            c = e.result.concurrency
            pts[c] = with_interval(
                Point(
                    c,
                    e.result.ttft_p50_ms,
                    f"{e.result.runtime_name} · ITL {_itl(e)}",
                    "#composite-c" + str(c),
                ),
                e.interval("ttft_p50_ms"),
            )
        lines = [
            self.runtime_line(rt, tuple(pts[c] for c in sorted(pts)), cohort, cohorts.get(cohort, 0))
            for (rt, cohort), pts in sorted(by_runtime.items())
        ]
        return line_chart(
            chart_id,
            title + " by concurrency",
            lines,
            x_title="Concurrency",
            y_title="TTFT P50 ms",
            x_kind="log2" if all(c > 0 for c in levels) else "linear",
        )

    def run(self, run: Run) -> RunView:
        page = self.page(Urls.run(run.id), f"Run {run.title}", self.run_description(run), "run")
        page = self.with_card(page, self.run_card(run.summary))
        by_source = self.runtime_of(run)
        by_name = {e.result.runtime_name: e.runtime for e in run.results}
        previous = self.context.previous
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
            flags=ResultFlags((e.source, e) for e in run.results),
            scored="run",
            result_prefix=f"{run.id}/",
        )
        # The composite scorecards are the ones people link: each has a page of its own to preview.
        shared = {share_folder(level) for level in run.report.composite}
        sections = tuple(replace(s, share=s.id + "/") if s.id in shared else s for s in sections)
        charts = [
            c
            for c in (
                self.scaling_curve("chart-scaling", page, run, "Aggregate throughput by concurrency"),
                self.latency_chart("chart-latency", page, run),
            )
            if c and c.points  # a chart with nothing to draw is not drawn
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
        flagged = [e for e in run.results if e.flag is not None]
        if flagged:
            counts = Counter(str(e.flag.kind) for e in flagged if e.flag is not None)
            facts.append(
                KeyValue(
                    "Flagged measurements",
                    ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())),
                    page.link(Urls.methodology) + "#validity",
                )
            )
        resolution = [KeyValue("hardware", run.hardware_reason)]
        seen = set()
        for e in run.results:
            if e.result.runtime_name not in seen:
                seen.add(e.result.runtime_name)
                resolution.append(
                    KeyValue(
                        e.result.runtime_name,
                        f"{e.runtime_reason}; {e.cohort_reason}",
                        page.link(Urls.runtime(e.runtime)),
                    )
                )
        files = []
        for item in run.files[:MAX_LISTED_FILES]:
            note = item.reason if item.kind is not FileKind.RESULT else ""
            if item.kind is FileKind.IMPORTED:
                note = import_words(item)
            if item.kind is FileKind.SWEEP:
                note = f"{len(item.results)} levels read as results" + (
                    f"; {item.reason}" if item.reason else ""
                )
            files.append(
                (
                    text(
                        item.name,
                        self.source_href(page, run, item.name)
                        if item.kind is not FileKind.UNREADABLE
                        else None,
                    ),
                    text(str(item.kind)),
                    num(item.size, "{:,.0f}"),
                    text(note),
                )
            )
        for name in run.other_files[: max(0, MAX_LISTED_FILES - len(files))]:
            kind, note = OTHER_FILE_KINDS.get(name, ("other file", "listed only; not published"))
            files.append((text(name), text(kind), Cell("–"), text(note)))
        unlisted = len(run.files) + len(run.other_files) - len(files)
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
            self.run_scope(run),
            self.headline_charts([Measured(run.id, e) for e in run.results], page),
            self.derived_table([Measured(run.id, e) for e in run.results], page, "derived"),
            sections,
            tuple(charts),
            self.telemetry_table(run, page),
            tuple(reports),
            files_table,
            f"The first {len(files):,} files are listed here; {unlisted:,} more are not "
            "(scorecards.json names every JSON file the run skipped)."
            if unlisted
            else "",
            tuple(KeyValue(n, r) for n, r in run.skipped[:MAX_LISTED_FILES]),
            max(0, len(run.skipped) - MAX_LISTED_FILES),
            page.link(Urls.run(previous)) if previous else None,
            page.link(Urls.compare) + "?" + urlencode({"a": previous, "b": run.id}) if previous else None,
            self.imported_table(run, page),
            self.repeat_tables(run),
        )

    def imported_table(self, run: Run, page: Page) -> Table | None:
        """Every imported result with its measured values; "not reported" where its file has none.
        How each file was read (its format and what was derived or assumed) is in the source
        files' notes; a row says whether it was scored, and why not."""
        rows = []
        for e in run.results:
            if e.origin is None or e.origin.repeats:
                continue
            cells = [
                text(e.source, self.source_href(page, run, e.source.split("#")[0])),
                text(self.runtime_names.get(e.runtime, e.runtime), page.link(Urls.runtime(e.runtime))),
                Cell(e.load_point, f"{e.rate or e.result.concurrency:020.6f}", kind=NUMBER),
            ]
            for field, _, fmt in IMPORTED_COLUMNS:
                value = getattr(e.result, field)
                cells.append(num(value, fmt) if e.reported(field) else NOT_REPORTED)
            cells.append(
                Cell("yes", kind=TEXT) if e.scored else Cell("no", note=e.origin.unscored_reason, kind=TEXT)
            )
            rows.append(tuple(cells))
        if not rows:
            return None
        columns = (
            (Column("file", "File", TEXT), Column("runtime", "Runtime", TEXT), Column("load", "Load"))
            + tuple(Column(f, label) for f, label, _ in IMPORTED_COLUMNS)
            + (Column("scored", "Scored", TEXT),)
        )
        return Table("imported-table", columns, tuple(rows))

    def repeat_tables(self, run: Run) -> tuple[tuple[str, str, Table], ...]:
        """Per repeat file: each repeat's values, then their mean with its 95 % interval."""
        out = []
        for e in run.results:
            if e.origin is None or not e.origin.repeats:
                continue
            rows = [
                (text(source), *(num(getattr(r, f), fmt) for f, _, fmt in REPEAT_COLUMNS))
                for source, r in e.origin.repeats
            ]
            mean_row = [Cell("mean", None, kind=TEXT)]
            for field, _, fmt in REPEAT_COLUMNS:
                found = e.origin.interval(field)
                value = getattr(e.result, field)
                note = f"95 % CI {fmt.format(found.low)} – {fmt.format(found.high)}" if found else ""
                mean_row.append(num(value, fmt, note=note))
            rows.append(tuple(mean_row))
            methods = sorted({i.method for i in e.origin.intervals})
            caption = (
                f"{e.result.runtime_name} at c={e.result.concurrency}: {len(e.origin.repeats)} repeats "
                f"in {e.source}. Standings and charts use their mean."
            )
            columns = (Column("repeat", "Repeat", TEXT),) + tuple(
                Column(f, label, NUMBER) for f, label, _ in REPEAT_COLUMNS
            )
            out.append((caption, "; ".join(methods), Table(f"repeats-{len(out)}", columns, tuple(rows))))
        return tuple(out)

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
        """The run's link-preview text: each runtime's grade at c=1 and its best grade at a
        higher level, from valid measurements only (as the preview image): a broken run is
        never praised."""
        hw = self.hardware_names.get(run.hardware, run.hardware)
        parts = [f"{hw}, {run.date or 'undated'}"]
        best_by_level = {c: run.best_at(c) for c in sorted(run.report.composite)}
        for runtime in run.runtimes:
            grades = []
            if runtime in best_by_level.get(1, {}):
                grades.append(f"{best_by_level[1][runtime][1]} at c=1")
            higher = [
                (score, -c, grade)
                for c, best in best_by_level.items()
                if c != 1
                for r, (score, grade, _) in best.items()
                if r == runtime
            ]
            if higher:
                score, minus_c, grade = max(higher)
                grades.append(f"{grade} at c={-minus_c}")
            if grades:
                parts.append(f"{self.runtime_names.get(runtime, runtime)} {' and '.join(grades)}")
        if len(parts) == 1 and run.results:
            parts.append(
                f"no valid measurement: every one of its {count_of(run.n_results, 'result')} is flagged"
            )
        return "; ".join(parts) + "."
