"""ViewBuilder: every page's view model (see pages.py), computed from the catalog; one module per page kind.

Pages about many runs are built here from the catalog; a run's own page and files
are built by RunPages (run.py) from the run and its context (context.py) alone.
"""

from __future__ import annotations

from functools import partial

from ...catalog.deploy import cohorts_of
from ...urls import Urls
from .. import exports
from ..keys import output_key
from ..pages import PageJob
from ..sources import SourceLinks
from .cohort import CohortPages
from .context import Names, RunContext
from .hardware import HardwarePages
from .home import HomePages
from .indexes import IndexPages
from .run import SHARE_TEMPLATE, RunPages, export_jobs, run_page_urls
from .runtime import RuntimePages


class ViewBuilder(HomePages, HardwarePages, RuntimePages, IndexPages, CohortPages):
    """Builds the model of every page about many runs from the catalog, and each run's context."""

    def page_urls(self) -> list[str]:
        """The address of every page (for the sitemap), without building anything."""
        urls = [job.url for job in self.site_jobs(pages_only=True) if job.template]
        # A scorecard's link-preview page only leads on to its run page: not for search engines.
        urls += [Urls.run(run.id) for run in self.catalog.runs]
        return urls

    def run_contexts(self) -> dict[str, RunContext]:
        """Each run's context: all its own page and files read besides the run (context.py)."""
        previous: dict[str, str] = {}
        contexts = {}
        for run in self.catalog.runs:
            contexts[run.id] = self.names.run_context(run, previous.get(run.hardware))
            previous[run.hardware] = run.id
        return contexts

    def run_pages(
        self, contexts: dict[str, RunContext] | None = None, sources: SourceLinks = SourceLinks()
    ) -> dict[str, RunPages]:
        """Each run's page builder, from its context (`contexts`: run_contexts(), made once);
        `sources`: where its pages link source files."""
        contexts = self.run_contexts() if contexts is None else contexts
        return {
            run_id: RunPages(context, self.site, self.contract, self.base_url, self.cards, sources)
            for run_id, context in contexts.items()
        }

    def site_jobs(self, pages_only: bool = False) -> list[PageJob]:
        """The pages and files about many runs: home, indexes, hardware and runtime pages,
        methodology, report, compare, 404 and, unless `pages_only`, badges, feeds and cards."""
        jobs = [PageJob(Urls.home, "index.html", self.home), PageJob(Urls.runs, "runs.html", self.runs)]
        jobs.append(PageJob(Urls.runs_index, None, self.runs_index))
        jobs.append(PageJob(Urls.compare_index, None, self.compare_index))
        jobs.append(PageJob(Urls.changes, None, self.changes_json))
        jobs += [
            PageJob(Urls.month(month), "runs.html", partial(self.month, month))
            for month in sorted(self._runs_by_month)
        ]
        jobs += [
            PageJob(Urls.hardware(t.id), "hardware.html", partial(self.for_target(t.id).hardware, t.id))
            for t in self.active_hardware
        ]
        jobs.append(PageJob(Urls.models, "models.html", self.models))
        jobs += [
            PageJob(Urls.cohort(model, workload), "cohort.html", partial(self.cohort, model, workload))
            for model, workload, _, _ in cohorts_of(self.catalog.standings)
        ]
        jobs += [
            PageJob(Urls.runtime(r.id), "runtime.html", partial(self.runtime, r.id))
            for r in self.catalog.runtimes
            if r.spellings
        ]
        jobs += [
            PageJob(Urls.methodology, "methodology.html", self.methodology),
            PageJob(Urls.report, "report.html", self.report),
            PageJob(Urls.compare, "compare.html", self.compare),
            PageJob(Urls.not_found, "404.html", self.not_found),
        ]
        return jobs if pages_only else jobs + self.site_files()

    def for_target(self, hardware_id: str) -> ViewBuilder:
        """A builder that sees one target's runs, series and standings and no other, with the
        whole site's names: the builder of that target's page, whose key covers what it sees."""
        catalog = self.catalog.on_target(hardware_id)
        builder = ViewBuilder(catalog, self.site, self.contract, self.base_url, self.cards, self.names)
        # The target's changes are those of its own series: found once for the whole site
        # (changes.json needs every one), handed on rather than found again.
        builder.__dict__["significant"] = [c for c in self.significant if c.hardware == hardware_id]
        return builder

    def hardware_page_keys(self, pages_key: str, fingerprints: dict[str, str]) -> dict[str, str]:
        """For each hardware page, the key of what its builder sees (for_target): the target's
        runs (their fingerprints, in order: its standings, series and changes come from them),
        the site's names, colours and navigation, and what every page depends on."""
        names = repr(self.names)
        runs: dict[str, list[tuple[str, str | None]]] = {}
        for run in self.catalog.runs:
            runs.setdefault(run.hardware, []).append((run.id, fingerprints.get(run.id)))
        return {
            Urls.hardware(h.id): output_key(pages_key, repr((names, h.id, runs.get(h.id))))
            for h in self.active_hardware
        }

    def site_files(self) -> list[PageJob]:
        """Files beside the pages about many runs: hardware preview cards, badges, feeds."""
        jobs = []
        if self.cards is not None:
            home = self.home_card()
            if home.rows:
                jobs.append(PageJob(home.url, None, partial(self.cards.bytes_of, home)))
            for target in self.active_hardware:
                card = self.hardware_card(target.id)
                if card.rows:
                    jobs.append(PageJob(card.url, None, partial(self.cards.bytes_of, card)))
        for spec in self.badge_specs:
            jobs.append(
                PageJob(
                    exports.badge_url(spec.runtime, spec.hardware, spec.cohort),
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


__all__ = ["SHARE_TEMPLATE", "Names", "RunContext", "RunPages", "ViewBuilder", "export_jobs", "run_page_urls"]
