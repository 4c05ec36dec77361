"""Page view models: everything a template shows, as documented dataclasses.

Templates read only these (and never config or raw results), so each page
kind is documented by its view model. `ViewBuilder` (views.py) builds them
from the catalog; links in them are already relative to their page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..urls import relative
from .charts import Chart
from .tables import Table


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class Page:
    """What every page has: where it is, how it is titled, and the way back."""

    url: str  # site-relative
    title: str
    description: str
    root: str  # relative prefix to the site root ("" or "../..")
    canonical: str  # absolute URL when the site has a base_url, else ""
    site_title: str
    nav: tuple[NavItem, ...]
    kind: str  # home | hardware | run | runtime | runs | methodology | report | 404
    og_image: str = ""  # absolute or relative URL of a preview image, when there is one
    feed: str = ""  # link to the Atom feed of this page's runs, when there is one

    def link(self, to_url: str) -> str:
        return relative(self.url, to_url)


@dataclass(frozen=True, slots=True)
class Section:
    """One scorecard: a table under a stable anchor, with its markdown form."""

    id: str
    title: str
    table: Table
    markdown: str
    share: str = ""  # the scorecard's own link-preview page (composite scorecards of a run), relative
    sources: tuple[tuple[str, ...], ...] = ()  # per row, the results it stands for (never rendered)


@dataclass(frozen=True, slots=True)
class CohortLink:
    title: str  # "Qwen2.5 Coder 1.5B, chat"
    href: str


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class CohortTable:
    """The standings of one model and workload on a target, as one table, and what is set apart."""

    label: str  # "" when the target has one cohort
    scope: str  # what the scores were computed against
    table: Table
    apart: Table | None  # invalid, unreliable and stale entries: never ranked


@dataclass(frozen=True, slots=True)
class HardwareSummary:
    id: str
    name: str
    href: str
    runs: int
    latest: str
    standings: tuple[CohortTable, ...]
    note: str  # e.g. that two models are ranked apart


@dataclass(frozen=True, slots=True)
class SectionGroup:
    """Scorecards folded together under one heading (a <details>): an anchor to any of them
    opens the group (static/site.js)."""

    id: str
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class CohortSections:
    """A target's standings scorecards for one model and workload."""

    id: str  # anchor of the group ("standings" or "standings-<cohort>")
    label: str  # "" when the target has one cohort
    scope: str
    sections: tuple[Section, ...]
    apart: Table | None
    unscored: str = ""  # what of the cohort the contract cannot score, and where it is shown

    @property
    def groups(self) -> tuple[SectionGroup, ...]:
        """The composite scorecards (one per concurrency level), then every other kind."""
        composite = tuple(s for s in self.sections if "composite-c" in s.id)
        other = tuple(s for s in self.sections if "composite-c" not in s.id)
        groups = []
        if composite:
            groups.append(
                SectionGroup(f"{self.id}-composite", "Interactive and throughput scorecards", composite)
            )
        if other:
            groups.append(SectionGroup(f"{self.id}-other", "Other scorecards", other))
        return tuple(groups)


@dataclass(frozen=True, slots=True)
class HomeView:
    page: Page
    description: str
    stats: tuple[KeyValue, ...]
    hardware: tuple[HardwareSummary, ...]
    newest_runs: Table
    runtimes: tuple[KeyValue, ...]
    cohorts: tuple[CohortLink, ...] = ()  # each model and workload's page: every machine side by side
    deploy: Table | None = None  # per model and workload: the best option by throughput and by cost
    target: str = ""  # the latency target `deploy` ranks at, in words


@dataclass(frozen=True, slots=True)
class SloTable:
    name: str  # the latency target's name, e.g. "interactive"
    limits: str  # in words, e.g. "p99 TTFT ≤ 450 ms and p99 TPOT ≤ 40 ms"
    table: Table


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """A target's leaderboard for one model and workload: what practitioners decide by."""

    id: str
    label: str  # "" when the target has one cohort
    charts: tuple[Chart, ...]  # throughput against interactivity (with the frontier) and p99 TTFT
    targets: tuple[SloTable, ...]  # one ranking per configured latency target
    data_json: str  # every (runtime, level) the own-limits form re-ranks, for the browser
    custom_id: str  # the table the form re-ranks
    ttft: str  # the form's initial limits: the first configured target's p99 TTFT (ms)
    speed: str  # and per-user speed (tok/s): 1000 / its p99 TPOT, as people think of it
    custom: Table | None  # that ranking as the page opens (also without JavaScript)
    derived: Table  # every entry's derived values


@dataclass(frozen=True, slots=True)
class HardwareView:
    page: Page
    name: str
    description: str
    specs: tuple[KeyValue, ...]
    leaderboards: tuple[Leaderboard, ...]
    standings: tuple[CohortSections, ...]
    note: str  # e.g. that two models are ranked apart
    charts: tuple[Chart, ...]
    runs: Table
    all_runs: str  # link to the runs index filtered to this target
    run_count: int
    changes: Table  # changes between consecutive runs beyond run-to-run noise, newest first
    cohorts: tuple[CohortLink, ...] = ()  # the models measured here, each on every machine


@dataclass(frozen=True, slots=True)
class CohortView:
    """One model and workload across every machine (views/cohort.py)."""

    page: Page
    title: str
    charts: tuple[Chart, ...]  # the frontier, cost and energy against per-user speed
    target: Table  # every option ranked at the default target (re-ranked by the form)
    speed: str  # the default target: tok/s per user
    ttft: str  # and p99 TTFT (ms)
    prices: tuple[KeyValue, ...]  # per machine: name, price per GPU-hour, hardware id
    data: str  # the options' levels, as the form re-ranks them (script-safe JSON)
    hardware: tuple[KeyValue, ...]  # the machines, linked
    currency: str


@dataclass(frozen=True, slots=True)
class ModelsView:
    """Every model and workload measured, each linked to its page."""

    page: Page
    cohorts: tuple[CohortLink, ...]
    note: str  # which targets' results name no model, and what to do about it


@dataclass(frozen=True, slots=True)
class RunView:
    page: Page
    run_id: str
    title: str
    facts: tuple[KeyValue, ...]
    resolution: tuple[KeyValue, ...]
    notes_html: str  # rendered README.md (markdown-it, raw HTML disabled)
    scope: str  # what the scores were computed against
    headline: tuple[Chart, ...]  # throughput against interactivity and against p99 TTFT
    derived: Table  # every result's derived values
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...]
    telemetry: Table | None
    correctness_reports: tuple[tuple[str, Table], ...]
    files: Table
    files_note: str  # how many files are not listed, when some are not
    skipped: tuple[KeyValue, ...]
    more_skipped: int  # skipped files not listed
    previous_run: str | None
    compare_previous: str | None  # the compare view of the previous run on this hardware and this one
    imported: Table | None = None  # results read from other formats, with what they do not report
    repeats: tuple[tuple[str, str, Table], ...] = ()  # (caption, interval method, table) per repeat file


@dataclass(frozen=True, slots=True)
class RuntimeView:
    page: Page
    name: str
    homepage: str
    spellings: tuple[str, ...]
    scope: str  # what the composites of `latest` were scored against
    latest: Table
    charts: tuple[Chart, ...]
    runs: Table
    all_runs: str
    run_count: int
    badges: tuple[BadgeView, ...]
    across_targets: tuple[KeyValue, ...]  # compare views of this runtime's latest runs on two targets
    cohorts: tuple[CohortLink, ...] = ()  # the models it measured, each on every machine


@dataclass(frozen=True, slots=True)
class BadgeView:
    hardware: str
    src: str  # relative to the page
    markdown: str  # ready to paste: absolute URLs when the site has a base URL


@dataclass(frozen=True, slots=True)
class RunsView:
    page: Page
    table: Table  # the newest runs (every run on a month's page)
    hardware_options: tuple[str, ...]
    runtime_options: tuple[str, ...]
    total: int  # runs in the whole site
    months: tuple[KeyValue, ...]  # a page per month: label, count, link
    index_json: str  # every run, compact, for the filters (loaded when the table is not complete)
    title: str = "All runs"


@dataclass(frozen=True, slots=True)
class MethodologyView:
    page: Page
    version: str
    thresholds: Table
    interactive_weights: Table
    throughput_weights: Table
    grades: Table
    dimensions: Table
    best_in_class_bonus: int
    rules: dict[str, str]  # every other number the page states, formatted, from the values in use


@dataclass(frozen=True, slots=True)
class ReportView:
    page: Page
    counts: tuple[KeyValue, ...]
    note: str  # how many diagnostics are not listed, when some are not
    diagnostics: Table


@dataclass(frozen=True, slots=True)
class CompareView:
    """Two runs side by side, computed in the browser from their scorecards.json; the selection is
    in the URL, the runs to pick from in compare/index.json."""

    page: Page
    index_url: str  # compare/index.json: every run, the noise of each series, directions


@dataclass(frozen=True, slots=True)
class ScorecardLinkView:
    """The small page a scorecard's link points at: its own title, description and preview
    image, and a redirect to the scorecard on its run page."""

    page: Page
    title: str
    target: str  # the run page at the scorecard, relative
    rows: tuple[tuple[str, str, str], ...]  # (runtime, score, grade), best first


@dataclass(frozen=True, slots=True)
class NotFoundView:
    page: Page
    home: str
    relative: bool  # no base URL: links are relative to the site's root, found by a script


# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageJob:
    url: str
    template: str | None  # None: `view` returns the file's text, written as it is
    view: Callable[[], object]
    run_id: str | None = None  # set for a run's own page and files: built where the run was read

    @property
    def per_run(self) -> bool:
        return self.run_id is not None
