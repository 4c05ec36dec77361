"""Files the site publishes besides pages: per-run scorecards, badges and Atom feeds.

All of them are text built from the catalog, deterministic, with no clock in them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from ..catalog.comparison import COMPARABLE_FIELDS, comparable_values
from ..catalog.model import Catalog, Run, RunSummary
from ..document import run_score_document, score_json, score_markdown
from ..imports import Origin
from ..safetext import compact_json, xml_attr, xml_element_text, xml_escape, xml_text
from ..urls import Urls

GRADE_COLOURS = {"A": "#1a7f37", "B": "#3f7d20", "C": "#9a6700", "D": "#bc4c00", "F": "#cf222e"}


def scorecards_json(run: Run) -> str:
    """The document `sitegen score --format json` prints for the run's directory, compact."""
    return score_json(run_score_document(run), pretty=False)


def scorecards_md(run: Run) -> str:
    return score_markdown(run.report)


def metrics_json(run: Run) -> str:
    """The derived values of every result of a run (catalog/derived.py), beside scorecards.json,
    which stays exactly the reference's document; and every value a comparison can show
    (catalog/comparison.py), each with its result's file, cohort and flag: the compare view's input."""
    results = []
    for e in run.results:
        entry = {
            "file": e.source,
            "runtime_name": e.result.runtime_name,
            "runtime": e.runtime,
            "concurrency": e.result.concurrency,
            "model": e.cohort.model,
            "workload": e.cohort.workload,
            **{name: shown for name, _, shown in e.cohort.settings},
            **({"engine_version": e.engine_version} if e.engine_version else {}),
            "validity": str(e.flag.kind) if e.flag else "valid",
            "validity_reason": e.flag.reason if e.flag else None,
        }
        if e.derived is not None:
            entry |= e.derived.as_json()
        if e.origin is not None:
            entry |= origin_json(e.origin)
        results.append(entry)
    # One result (and one compared value) per line: readable and diffable, and written compact (an
    # indented document goes through the json module's pure-Python encoder, several times slower).
    lines = ",\n".join(compact_json(r) for r in results)
    comparable = comparable_values(run)
    values = ",\n".join(compact_json(v.as_row()) for v in comparable)
    # The 95 % intervals of values that are means of repeats: file -> key -> [low, high].
    intervals: dict[str, dict[str, list[float]]] = {}
    for v in comparable:
        if v.ci95 is not None:
            intervals.setdefault(v.file, {})[v.key] = list(v.ci95)
    extra = f',"intervals":{compact_json(intervals)}' if intervals else ""
    head = compact_json(run.id)
    hardware = compact_json(run.hardware)
    compare = f'"compare":{{"fields":{compact_json(list(COMPARABLE_FIELDS))},"values":[\n{values}\n]{extra}}}'
    return f'{{"run":{head},"hardware":{hardware},"results":[\n{lines}\n],\n{compare}}}\n'


def origin_json(origin: Origin) -> dict:
    """How an imported result was read: its format, the fields its file does not report, what
    was derived or assumed, its rate, and for repeats each repeat and the 95 % intervals."""
    out: dict = {
        "format": origin.format,
        "scored": origin.scored,
        "not_reported": sorted(origin.missing),
        "import_notes": list(origin.notes),
    }
    if origin.rate is not None:
        out["rate_rps"] = origin.rate
        out["concurrency"] = None
    if origin.repeats:
        out["repeats"] = [
            {"file": source, **{f: getattr(r, f) for f in REPEATED_FIELDS}} for source, r in origin.repeats
        ]
    if origin.intervals:
        out["intervals"] = {i.metric: i.as_json() for i in origin.intervals}
    return out


# The values metrics.json lists for each repeat.
REPEATED_FIELDS = (
    "timestamp",
    "tokens_per_sec",
    "throughput_rps",
    "ttft_p50_ms",
    "latency_p50_ms",
    "tpot_p50_ms",
)


def badge_svg(label: str, grade: str, score: float | None) -> str:
    """A flat two-part badge: the label on grey, the grade on its colour."""
    value = f"{grade} {score:.0f}" if score is not None else grade
    colour = GRADE_COLOURS.get(grade[:1], "#5b6470")
    # Width from a rough per-character advance of 6.5 px at 11 px Verdana-like text.
    left, right = 10 + int(6.5 * len(label)), 10 + int(6.5 * len(value))
    width = left + right
    label = xml_text(label)
    title = f"{label}: {value}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label={xml_attr(title)}>'
        f"<title>{xml_escape(title)}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:.1f}" y="14">{xml_escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{xml_escape(value)}</text>'
        "</g></svg>\n"
    )


@dataclass(frozen=True, slots=True)
class BadgeSpec:
    runtime: str
    hardware: str
    label: str
    grade: str
    score: float
    concurrency: int
    cohort: str = ""  # Cohort.key where the target has several models or workloads, else ""


def badges(
    catalog: Catalog, runtime_names: dict[str, str], hardware_names: dict[str, str]
) -> list[BadgeSpec]:
    """The current grade of each runtime on each target (and model, where a target has several):
    its lowest measured level (usually c=1), from the standings, so never a flagged or stale result."""
    out = []
    for hardware, cohorts in sorted(catalog.standings.items()):
        several = len(cohorts) > 1
        for standing in cohorts:
            best = standing.at_lowest_level()
            for runtime, (c, score, grade) in sorted(best.items()):
                label = f"{runtime_names.get(runtime, runtime)} on {hardware_names.get(hardware, hardware)}"
                if several:
                    label += f" ({standing.cohort.model_name})"
                key = standing.cohort.key if several else ""
                out.append(BadgeSpec(runtime, hardware, label, grade, score, c, key))
    return out


def badge_url(runtime: str, hardware: str, cohort: str = "") -> str:
    name = Urls.hardware(hardware).split("/")[1] + (f"~{quote(cohort, safe='~')}" if cohort else "")
    return f"badges/{Urls.runtime(runtime).split('/')[1]}/{name}.svg"


# --- Atom feeds ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedEntry:
    run: RunSummary
    title: str
    summary: str


def run_changes(
    run: RunSummary, previous: RunSummary | None, best_before: dict[str, float], name_of: Callable[[str], str]
) -> list[str]:
    """What changed since the previous run on the same target: grades up or down, new bests (c=1)."""
    lines = []
    now = run.c1_by_runtime
    before = previous.c1_by_runtime if previous else {}
    for runtime, (score, grade) in sorted(now.items()):
        name = name_of(runtime)
        if runtime not in before:
            lines.append(f"{name}: {grade} ({score:.0f}), first run here")
        else:
            old_score, old_grade = before[runtime]
            if grade != old_grade:
                direction = "up" if score > old_score else "down"
                lines.append(
                    f"{name}: grade {direction}, {old_grade} → {grade} ({old_score:.0f} → {score:.0f})"
                )
        if runtime in best_before and score > best_before[runtime]:
            lines.append(f"{name}: new best on this hardware, {score:.0f}")
    return lines or ["No grade changed."]


def feed_entries(
    runs: list[RunSummary], name_of: Callable[[str], str], hardware_name: Callable[[str], str]
) -> list[FeedEntry]:
    """One entry per run, in run order; each says what changed against the previous run on its target."""
    previous: dict[str, RunSummary] = {}
    best: dict[str, dict[str, float]] = {}
    entries = []
    for run in runs:
        lines = run_changes(run, previous.get(run.hardware), best.get(run.hardware, {}), name_of)
        entries.append(FeedEntry(run, f"{run.title} on {hardware_name(run.hardware)}", "\n".join(lines)))
        previous[run.hardware] = run
        for runtime, (score, _) in run.c1_by_runtime.items():
            target = best.setdefault(run.hardware, {})
            target[runtime] = max(score, target.get(runtime, score))
    return entries


def atom_feed(
    title: str, feed_url: str, site_url: str, entries: list[FeedEntry], base_url: str, limit: int = 50
) -> str:
    """An Atom 1.0 feed, newest entry first. Without a base URL, ids are tag: URIs and links relative."""
    base = base_url.rstrip("/") + "/" if base_url else ""

    def absolute(url: str) -> str:
        return base + url if base or url else "./"

    def entry_id(url: str) -> str:
        return absolute(url) if base else f"tag:sitegen,2000:{url}"

    newest = list(reversed(entries))[:limit]
    updated = max((_stamp(e.run.date) for e in entries), default="2000-01-01T00:00:00Z")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_element_text(title)}</title>",
        f"  <id>{xml_element_text(entry_id(feed_url))}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" href={xml_attr(xml_text(absolute(feed_url)))}/>',
        f'  <link rel="alternate" type="text/html" href={xml_attr(xml_text(absolute(site_url)))}/>',
        "  <author><name>sitegen</name></author>",
    ]
    for e in newest:
        url = Urls.run(e.run.id)
        parts += [
            "  <entry>",
            f"    <title>{xml_element_text(e.title)}</title>",
            f"    <id>{xml_element_text(entry_id(url))}</id>",
            f"    <updated>{_stamp(e.run.date)}</updated>",
            f'    <link rel="alternate" type="text/html" href={xml_attr(xml_text(absolute(url)))}/>',
            f'    <summary type="text">{xml_element_text(e.summary)}</summary>',
            "  </entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


def _stamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else "2000-01-01T00:00:00Z"
