"""The pull-request comment: what each added or changed run measured, what is wrong with it,
and how it compares with the previous run of each runtime on the same machine.

One markdown document, under GitHub's limit on a comment's length whatever the
pull request holds: runs that do not fit are listed by name, and the tables of
each run are capped. Contributor strings pass through markdown.plain/code;
links are built from the site's base URL and sitegen's own percent-encoded paths.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .. import __version__
from ..catalog.build import FullCatalog
from ..catalog.changes import significant_changes
from ..catalog.comparison import compare_directions, compare_noise
from ..catalog.derived import slo_board, slo_candidate
from ..catalog.directory import NOT_A_LOAD_TEST_RESULT
from ..catalog.model import Diagnostic, Level, Run
from ..config import SloConfig
from ..safefs import display
from ..urls import Urls, share_folder
from ..words import count_of
from .changed import ChangeSet, RunChange, diagnostic_file, previous_run, where
from .compare import Comparison, RunDocuments, compare_documents, number
from .formats import history_markdown, markdown_table
from .markdown import code, link, plain, table

MARKER = "<!-- sitegen-report -->"  # finds the comment to edit in place on the next push
COMMENT_LIMIT = 65_536  # GitHub's longest comment body, in characters
BUDGET = 60_000  # what the runs' sections may take, leaving room for the head and the tail
MAX_CHANGES_SHOWN = 12  # rows of a comparison table
MAX_ITEMS = 15  # flagged measurements, skipped files or warnings listed per run
MAX_LISTED = 40  # runs, removed or other paths named when they do not fit


@dataclass(frozen=True, slots=True)
class Report:
    markdown: str
    regressions: int  # changes beyond noise for the worse, against the previous runs
    invalid: int  # invalid measurements and rejected files in the runs the change touches


@dataclass(frozen=True, slots=True)
class Section:
    """One run's part of the report, and a one-line stand-in for when it does not fit."""

    markdown: str
    line: str
    regressions: int
    invalid: int
    unjudged: int = 0  # values worse than the previous run's with no noise estimate to judge them


class ReportWriter:
    """Writes the report of a change set against the catalog of its head."""

    def __init__(
        self,
        catalog: FullCatalog,
        thresholds: Mapping[str, Any],
        slos: Sequence[SloConfig],
        base_url: str,
        base_dir: Path | None = None,
    ) -> None:
        """`base_dir`: the folder of site.toml, where the walk's notes are relative to (without
        it, problems outside the runs are not matched with the change's files)."""
        self.catalog = catalog
        self.base_dir = base_dir
        self.noise = compare_noise(list(catalog.series))
        self.changes = significant_changes(catalog.series)
        self.directions = compare_directions(thresholds)
        self.slos = tuple(slos)
        self.base = base_url.rstrip("/") + "/" if base_url else ""
        self.runtime_names = {r.id: r.name for r in catalog.runtimes}
        self.hardware_names = {h.id: h.name for h in catalog.hardware}
        self.documents: dict[str, RunDocuments] = {}

    # --- the document -------------------------------------------------------------------------

    def report(self, changes: ChangeSet) -> Report:
        sections = [self.section(change) for change in changes.runs]
        added = sum(c.added for c in changes.runs)
        regressions = sum(s.regressions for s in sections)
        unjudged = sum(s.unjudged for s in sections)
        problems = self.problems(changes)
        hidden = self.hidden(changes)
        invalid = sum(s.invalid for s in sections)
        invalid += sum(d.level is Level.ERROR for d in problems) + len(hidden)
        head = "\n".join([MARKER, "## Benchmark results in this pull request", ""])
        head += "\n" + self.headline(changes, added, regressions, invalid, unjudged) + "\n\n"
        tail = "".join(
            line + "\n"
            for line in _listing(
                "Problems in the files this change touches",
                [f"{code(d.path, 100)}: {plain(str(d.level))}, {plain(d.reason, 300)}" for d in problems],
            )
            + _listing(
                "Runs no longer published: the base branch published these folders, and their files "
                "are still there",
                [f"{code(folder, 100)}: {plain(reason, 300)}" for folder, reason in hidden],
            )
        )
        tail += self.tail(changes)
        # Whole sections while they fit, then the other runs named; smaller if that is too long.
        for budget, listed in ((BUDGET, MAX_LISTED), (BUDGET // 2, MAX_LISTED // 2), (0, 0)):
            text = head + _body(sections, budget, listed) + tail
            if len(text) <= COMMENT_LIMIT:
                break
        return Report(text, regressions, invalid)

    def headline(
        self, changes: ChangeSet, added: int, regressions: int, invalid: int, unjudged: int = 0
    ) -> str:
        if not changes.runs:
            if invalid:
                return (
                    "No run is added or changed, but "
                    f"**{count_of(invalid, 'problem')}** (an error, or a run no longer published) below."
                )
            return "No run is added or changed."
        changed = len(changes.runs) - added
        parts = [f"**{count_of(added, 'run')} added, {changed} changed**"]
        if any(c.results_changed for c in changes.runs):
            worse = f"{count_of(regressions, 'change')} beyond noise for the worse"
            parts.append(f"**{worse}**" if regressions else worse)
            if unjudged:
                parts.append(
                    f"{count_of(unjudged, 'value')} worse with no noise estimate to judge "
                    f"{'it' if unjudged == 1 else 'them'} (listed below)"
                )
            parts.append(
                f"{count_of(invalid, 'invalid measurement or rejected file', 'invalid measurements or rejected files')}"
            )
        return " · ".join(parts) + "."

    def tail(self, changes: ChangeSet) -> str:
        lines = []
        for title, paths in (
            ("Removed from the results", changes.removed),
            ("Changed outside every run", changes.other),
        ):
            if paths:
                shown = ", ".join(code(p, 100) for p in paths[:MAX_LISTED])
                more = f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else ""
                lines.append(f"**{title}:** {shown}{more}.\n")
        note = "" if self.base else " Set `base_url` in site.toml for links to the published pages."
        lines.append(f"<sub>Written by sitegen {plain(__version__)}.{note}</sub>\n")
        return "\n".join(lines)

    # --- outside the runs -----------------------------------------------------------------------

    def problems(self, changes: ChangeSet) -> list[Diagnostic]:
        """Errors and warnings about the files the change touches that no run's section lists
        (a planted marker, a link, a results root refused)."""
        if self.base_dir is None or not changes.paths:
            return []
        folders = {where(run): run.path for run in self.catalog.runs}
        in_sections = {where(change.run) + "/" for change in changes.runs}
        return [
            d
            for d in self.catalog.diagnostics
            if d.level is not Level.INFO
            and not d.path.startswith(tuple(in_sections))
            and display(os.path.normpath(diagnostic_file(d, folders, self.base_dir))) in changes.paths
        ]

    def hidden(self, changes: ChangeSet) -> list[tuple[str, str]]:
        """The runs the change hides, each with the diagnostic that says why (its folder's, or
        one about a folder above it)."""
        if not changes.hidden:
            return []
        notes = []
        if self.base_dir is not None and changes.top is not None:
            top = os.path.realpath(changes.top)
            for d in self.catalog.diagnostics:
                file = os.path.relpath(os.path.realpath(self.base_dir / d.path), top)
                notes.append((file, d.reason))
        out = []
        for folder in changes.hidden:
            # The note about the folder itself, else about the nearest folder above it (a marker
            # in it, a link to it).
            matches = [
                (file == folder, len(os.path.dirname(file)), why)
                for file, why in notes
                if file == folder or folder.startswith(os.path.dirname(file) + os.sep)
            ]
            out.append((folder, max(matches)[2] if matches else "no longer found as a run"))
        return out

    # --- one run ------------------------------------------------------------------------------

    def section(self, change: RunChange) -> Section:
        run = change.run
        hardware = self.hardware_names.get(run.hardware, run.hardware)
        state = "added" if change.added else "changed"
        title = f"### {plain(run.title)}"
        where = [code(run.id), plain(hardware), str(run.date or "undated"), state]
        if self.base:
            where.append(link("run page", self.url(Urls.run(run.id))))
        lines = [title, "", " · ".join(where), ""]
        summary_line = f"- {code(run.id)}: {state}"
        if not change.results_changed:
            files = ", ".join(code(f, 80) for f in change.files[:MAX_ITEMS])
            lines += [f"Only its notes or metadata changed ({files}); no result changed.", ""]
            return Section("\n".join(lines) + "\n", summary_line + ", notes only", 0, 0)
        lines += [self.headline_table(run), ""]
        regressions = unjudged = 0
        compared, first_here = self.previous_runs(run)
        for previous, runtimes in compared:
            comparison = compare_documents(
                self.docs(previous), self.docs(run), self.noise, self.directions, runtimes
            )
            regressions += len(comparison.regressions)
            # Worse values the comparison shows without a verdict on noise (none has an estimate).
            unjudged += sum(
                1 for d in comparison.shown() if d.verdict == "worse" and d.threshold is None and not d.flag
            )
            lines += self.comparison_lines(run, previous, runtimes, comparison)
        lines += self.history_lines(run)
        first = sorted(self.runtime_names.get(r, r) for r in first_here)
        if first:
            names = ", ".join(plain(n) for n in first)
            lines += [f"First run of {names} on this machine: nothing to compare with.", ""]
        flagged = [e for e in run.results if e.flag is not None]
        skipped = [(name, reason) for name, reason in run.skipped if reason != NOT_A_LOAD_TEST_RESULT]
        # Invalid: measurements judged invalid, and errors (a file that looks like a result but was
        # rejected, a link leaving the results root); other JSON files are listed, not counted.
        rejected = [d for d in self.diagnostics_of(run) if d.level is Level.ERROR]
        invalid = sum(e.flag.kind == "invalid" for e in flagged) + len(rejected)
        lines += _listing(
            "Flagged measurements",
            [
                f"{code(e.source, 100)}: {plain(str(e.flag.kind))}, {plain(e.flag.reason, 300)}"
                for e in flagged
                if e.flag
            ],
        )
        lines += _listing("Files skipped", [f"{code(n, 100)}: {plain(r, 300)}" for n, r in skipped])
        listed = {name for name, _ in skipped}
        errors = [d for d in rejected if _in_run(run, d.path) not in listed]
        lines += _listing(
            "Errors", [f"{code(_in_run(run, d.path), 100)}: {plain(d.reason, 300)}" for d in errors]
        )
        warnings = self.warnings(run)
        lines += _listing("Warnings", [f"{code(p, 100)}: {plain(r, 300)}" for p, r in warnings])
        line = summary_line + f", {count_of(regressions, 'regression')}, {count_of(invalid, 'invalid')}"
        return Section("\n".join(lines) + "\n", line, regressions, invalid, unjudged)

    def headline_table(self, run: Run) -> str:
        """Per runtime (and model, where the run measured several: never one row of two models):
        the composite at each level, decode speed at c=1, and the best throughput per GPU within
        each latency target (valid measurements only)."""
        several = len({e.cohort.label for e in run.results}) > 1

        def group(e) -> tuple[str, str]:
            return (e.runtime, e.cohort.label if several else "")

        levels = sorted(run.report.composite)
        composite = {level: run.best_at(level, group) for level in levels}
        decode = self.decode_c1(run, group)
        boards = [self.slo_rows(run, slo, group) for slo in self.slos]
        header = ["Runtime"]
        for level in levels:
            name = f"Composite c={level}"
            header.append(
                link(name, self.url(Urls.run(run.id) + share_folder(level) + "/")) if self.base else name
            )
        header.append("Decode c=1 (tok/s)")
        header += [f"Best tok/s per GPU, {plain(slo.name)}" for slo in self.slos]
        rows = []
        groups = sorted(
            {group(e) for e in run.results},
            key=lambda g: (self.runtime_names.get(g[0], g[0]).casefold(), g[1]),
        )
        for key in groups:
            runtime, cohort = key
            name = self.runtime_names.get(runtime, runtime)
            row = [plain(f"{name} ({cohort})" if cohort else name)]
            for level in levels:
                score = composite[level].get(key)
                row.append(f"{score[0]:.1f} {score[1]}" if score else "–")
            row.append(number(decode[key]) if key in decode else "–")
            for board in boards:
                met = board.get(key)
                row.append(f"{number(met.throughput_per_gpu)} at c={met.concurrency}" if met else "not met")
            rows.append(row)
        targets = "; ".join(
            f"{plain(s.name)}: p99 TTFT ≤ {s.ttft_p99_ms:g} ms and p99 TPOT ≤ {s.tpot_p99_ms:g} ms"
            for s in self.slos
        )
        note = (
            f"\n\nLatency targets: {targets}. Invalid and unreliable measurements are left out."
            if targets
            else ""
        )
        return table(header, rows, "l" + "r" * (len(header) - 1)) + note

    def decode_c1(self, run: Run, group) -> dict:
        """Decode speed of the result behind each row's c=1 composite (its scorecard's value)."""
        card = self.docs(run).scorecards.get("composite", {}).get("1", {})
        by_source = {rt["source_file"]: rt for rt in card.get("runtimes", ())}
        out = {}
        for key, (_, _, source) in run.best_at(1, group).items():
            value = by_source.get(source, {}).get("metrics", {}).get("decode_tok_s", {}).get("value")
            if isinstance(value, int | float):
                out[key] = float(value)
        return out

    def slo_rows(self, run: Run, slo: SloConfig, group) -> dict:
        """Per row (runtime and model), the best level of the run within `slo`; rows that never
        meet it are absent."""
        out = {}
        for key in {group(e) for e in run.results}:
            valid = [slo_candidate(run.id, e) for e in run.results if not e.excluded and group(e) == key]
            for row in slo_board([c for c in valid if c is not None], slo):
                if row.meets:
                    out[key] = row.best
        return out

    def previous_runs(self, run: Run) -> tuple[list[tuple[Run, tuple[str, ...]]], list[str]]:
        """The previous run of each runtime on this machine (runs shared by runtimes grouped), and
        the runtimes with none (their first run here)."""
        groups: dict[str, tuple[Run, list[str]]] = {}
        first = []
        for runtime in run.runtimes:
            previous = previous_run(self.catalog, run, runtime)
            if previous is None:
                first.append(runtime)
            else:
                groups.setdefault(previous.id, (previous, []))[1].append(runtime)
        return [(previous, tuple(runtimes)) for previous, runtimes in groups.values()], first

    def comparison_lines(
        self, run: Run, previous: Run, runtimes: tuple[str, ...], comparison: Comparison
    ) -> list[str]:
        names = ", ".join(plain(self.runtime_names.get(r, r)) for r in sorted(runtimes))
        before = link(code(previous.id), self.url(Urls.run(previous.id))) if self.base else code(previous.id)
        head = f"**Against the previous run of {names} on this machine,** {before}"
        if self.base:
            query = {"a": previous.id, "b": run.id} | ({"runtime": runtimes[0]} if len(runtimes) == 1 else {})
            head += " · " + link("compare view", self.url(Urls.compare) + "?" + urlencode(query))
        lines = [head, "", plain(comparison.summary(), 2000) + ".", ""]
        shown = comparison.shown()  # what the summary promises: `sitegen compare`'s rows
        if shown:
            header = ["Scorecard", "Runtime", "Value", "Before", "After", "Change", "%", "Verdict", "Noise"]
            lines += [markdown_table(shown[:MAX_CHANGES_SHOWN], header), ""]
            if len(shown) > MAX_CHANGES_SHOWN:
                lines += [
                    f"… and {len(shown) - MAX_CHANGES_SHOWN} more rows: `sitegen compare` "
                    f"{code(previous.id)} {code(run.id)} lists them all.",
                    "",
                ]
        return lines

    def history_lines(self, run: Run) -> list[str]:
        """The changes the site's history shows starting at this run (catalog/changes.py): the
        same detector as the hardware page, changes.json and `sitegen compare`."""
        found = sorted(
            (c for c in self.changes if c.run_id == run.id),
            key=lambda c: (c.runtime, c.metric, c.concurrency or 0),
        )
        if not found:
            return []
        lines = [f"**Changes in this machine's history starting at this run** ({len(found)}):", ""]
        lines += [history_markdown(found[:MAX_CHANGES_SHOWN], lambda r: self.runtime_names.get(r, r)), ""]
        if len(found) > MAX_CHANGES_SHOWN:
            lines += [f"… and {len(found) - MAX_CHANGES_SHOWN} more.", ""]
        return lines

    def diagnostics_of(self, run: Run) -> list[Diagnostic]:
        """The diagnostics of the run's files, and of the run itself (its folder's name)."""
        prefix = where(run) + "/"
        return [d for d in self.catalog.diagnostics if d.path.startswith(prefix) or d.path == where(run)]

    def warnings(self, run: Run) -> list[tuple[str, str]]:
        """Warnings about the run's files that its lists above do not already give."""
        prefix = where(run) + "/"
        flagged = {prefix + e.source for e in run.results if e.flag is not None}
        skipped = {prefix + name for name, _ in run.skipped}
        return [
            (_in_run(run, d.path), d.reason)
            for d in self.diagnostics_of(run)
            if d.level is Level.WARNING
            and not (d.path in flagged and d.reason.startswith(("invalid:", "unreliable:", "few samples:")))
            and d.path not in skipped
        ]

    # --- helpers ------------------------------------------------------------------------------

    def docs(self, run: Run) -> RunDocuments:
        if run.id not in self.documents:
            self.documents[run.id] = RunDocuments.of(run)
        return self.documents[run.id]

    def url(self, path: str) -> str:
        return self.base + path


def _body(sections: list[Section], budget: int, listed: int) -> str:
    """The sections that fit in `budget` characters, then at most `listed` of the others by name."""
    body, used = [], 0
    for i, s in enumerate(sections):
        if used + len(s.markdown) > budget:
            rest = sections[i:]
            body.append(f"### {len(rest)} more runs, too many for one comment\n")
            body += [s.line for s in rest[:listed]]
            if len(rest) > listed:
                body.append(f"\n… and {len(rest) - listed} more.")
            break
        body.append(s.markdown)
        used += len(s.markdown)
    return "\n".join(body) + ("\n" if body else "")


def _in_run(run: Run, path: str) -> str:
    """A diagnostic's path within its run: the file's name, or "." for the run's folder."""
    return path[len(where(run)) + 1 :] or "." if path != where(run) else "."


def _listing(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    lines = [f"**{title}** ({len(items)}):", ""] + [f"- {item}" for item in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        lines.append(f"- … and {len(items) - MAX_ITEMS} more")
    return lines + [""]
