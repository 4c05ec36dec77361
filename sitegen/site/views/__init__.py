"""ViewBuilder: every page's view model (see pages.py), computed from the catalog; one module per page kind."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from functools import cached_property, partial

from ...catalog.model import Run
from ...urls import Urls, share_folder
from .. import exports
from ..pages import PageJob
from .hardware import HardwarePages
from .home import HomePages
from .indexes import IndexPages
from .run import RunPages
from .runtime import RuntimePages

SHARE_TEMPLATE = "scorecard.html"

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


class ViewBuilder(HomePages, HardwarePages, RunPages, RuntimePages, IndexPages):
    """Builds every page model from the catalog; `jobs` lists every file of the site."""

    def jobs(self) -> list[PageJob]:
        """Every file of the site as a job: its URL, its template and how to build its view
        (built when rendered)."""
        return self.site_jobs() + self.run_jobs()

    def page_urls(self) -> list[str]:
        """The address of every page (for the sitemap), without building anything."""
        jobs = self.site_jobs(pages_only=True) + self.run_jobs()
        # A scorecard's link-preview page only leads on to its run page: not for search engines.
        return [job.url for job in jobs if job.template and job.template != SHARE_TEMPLATE]

    def run_jobs(self, only: Collection[str] | None = None, with_exports: bool = True) -> list[PageJob]:
        """Each run's own files: its page, its exports (unless `with_exports` is off: written
        already) and its preview card (`only`: these runs). They need the run in full and no
        other run's; the builder computes nothing else for them."""
        jobs = []
        previous_on: dict[str, Run] = {}
        for run in self.catalog.runs:
            previous = previous_on.get(run.hardware)
            previous_on[run.hardware] = run
            if only is not None and run.id not in only:
                continue
            base = Urls.run(run.id)
            jobs.append(PageJob(base, "run.html", partial(self.run, run, previous), run_id=run.id))
            if with_exports:
                jobs += export_jobs(run)
            for level in sorted(run.composite_by_level):
                url = base + share_folder(level) + "/"
                jobs.append(
                    PageJob(url, SHARE_TEMPLATE, partial(self.scorecard_link, run, level), run_id=run.id)
                )
            if self.cards is not None:
                cards = [self.run_card(run)] + [
                    self.scorecard_card(run, lv) for lv in sorted(run.composite_by_level)
                ]
                for card in cards:
                    if card.rows:
                        jobs.append(
                            PageJob(card.url, None, partial(self.cards.bytes_of, card), run_id=run.id)
                        )
        return jobs

    def site_jobs(self, pages_only: bool = False) -> list[PageJob]:
        """The pages and files about many runs: home, indexes, hardware and runtime pages,
        methodology, report, compare, 404 and, unless `pages_only`, badges, feeds and cards."""
        jobs = [PageJob(Urls.home, "index.html", self.home), PageJob(Urls.runs, "runs.html", self.runs)]
        jobs.append(PageJob(Urls.runs_index, None, self.runs_index))
        jobs.append(PageJob(Urls.compare_index, None, self.compare_index))
        jobs += [
            PageJob(Urls.month(month), "runs.html", partial(self.month, month))
            for month in sorted(self._runs_by_month)
        ]
        jobs += [
            PageJob(Urls.hardware(t.id), "hardware.html", partial(self.hardware, t.id))
            for t in self.active_hardware
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

    def run_output_keys(self, site_key: str, fingerprints: dict[str, str]) -> dict[str, str]:
        """For each run, a key of everything its own page and files are made from: its files
        (its fingerprint), the site's key (sitegen, theme, site.toml, base URL) and what else its
        page shows: the previous run on its target, the navigation, its target's name and its
        runtimes' names and colours. Equal keys mean equal files."""
        previous: dict[str, str] = {}
        keys = {}
        for run in self.catalog.runs:
            runtimes = [
                (rt, self.runtime_names.get(rt, rt), self.styles.runtime(rt)) for rt in sorted(run.runtimes)
            ]
            context = repr(
                (
                    fingerprints.get(run.id),
                    previous.get(run.hardware),
                    self._nav_key,
                    self.hardware_names.get(run.hardware),
                    runtimes,
                )
            )
            keys[run.id] = _output_key(site_key, context)
            previous[run.hardware] = run.id
        return keys

    def hardware_page_keys(self, site_key: str, fingerprints: dict[str, str]) -> dict[str, str]:
        """For each hardware page, a key of everything it is made from: its target's runs (their
        fingerprints, in order: standings, history, changes and feed come from them alone), the
        navigation, every runtime's name and colour (a new runtime anywhere shifts colours), and
        the site's key. Equal keys mean equal pages."""
        runtimes = [
            (r.id, self.runtime_names.get(r.id, r.id), self.styles.runtime(r.id))
            for r in self.catalog.runtimes
        ]
        runs: dict[str, list[tuple[str, str | None]]] = {}
        for run in self.catalog.runs:
            runs.setdefault(run.hardware, []).append((run.id, fingerprints.get(run.id)))
        return {
            Urls.hardware(h.id): _output_key(site_key, repr((self._nav_key, runtimes, h.id, runs.get(h.id))))
            for h in self.active_hardware
        }

    @cached_property
    def _nav_key(self) -> str:
        """The navigation every page shows: the targets with standings and their names."""
        return repr([(h.id, h.name) for h in self.active_hardware])

    def site_files(self) -> list[PageJob]:
        """Files beside the pages about many runs: hardware preview cards, badges, feeds."""
        jobs = []
        if self.cards is not None:
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


def _output_key(site_key: str, context: str) -> str:
    """The key of an output: the site's key and what else the output is made from."""
    return hashlib.blake2b(f"{site_key}\0{context}".encode(), digest_size=16).hexdigest()


__all__ = ["ViewBuilder", "export_jobs"]
