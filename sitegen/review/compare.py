"""Two runs compared value by value: the site's compare view (static/compare.js), in Python.

Both read the same inputs, the values each run publishes in its metrics.json
(catalog/comparison.py: each with its result's file, model and workload, and
validity flag), and the noise thresholds of the catalog's history, and apply
the same rules: a value is compared when both runs have it for the same
runtime, cohort (model and workload) and place; a flagged value (invalid,
unreliable, few samples) is shown with its flag, never as a change; a change
is beyond noise when it exceeds the history's threshold for that machine,
runtime, cohort and value, and MIN_RELATIVE of the first run's value; across
two machines there is no noise estimate. The summary line is word for word
the one the compare view shows, so a number quoted from the command line and
one read off the page agree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..catalog.build import FullCatalog
from ..catalog.changes import MIN_RELATIVE, Change, change_entry, change_size, significant_changes
from ..catalog.comparison import (
    COMPARE_LABELS,
    Comparable,
    comparable_values,
    compare_directions,
    compare_noise,
)
from ..catalog.history import SERIES_METRICS
from ..catalog.model import Run
from ..document import run_score_document, score_json

SUMMARY_NAMED = 5  # changes the summary line names; more are "…"


@dataclass(frozen=True, slots=True)
class Delta:
    """One value in both runs."""

    section: str
    runtime: str
    cohort: str  # the model and workload both values were measured with (Cohort.key)
    key: str
    label: str  # "Decode speed (tok/s)"
    before: float
    after: float
    relative: float | None  # (after - before) / |before|; None when before is 0
    verdict: str  # "better", "worse" or "same"
    threshold: float | None  # the smallest change beyond noise; None: no estimate
    beyond: bool
    flag: str = ""  # "A invalid: ..." when either value is flagged: shown, never judged
    note: str = ""  # "engine 0.6.3 → 0.6.4": a setting that changed between the two, said

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def noise(self) -> str:
        if self.flag:
            return "flagged"
        return "unknown" if self.threshold is None else ("beyond" if self.beyond else "within")

    @property
    def regression(self) -> bool:
        return self.beyond and self.verdict == "worse"


@dataclass(frozen=True, slots=True)
class Comparison:
    """Run A (before) against run B (after)."""

    a: str  # run ids
    b: str
    same_machine: bool
    estimated: bool  # some compared value has a noise estimate
    deltas: tuple[Delta, ...]  # every value in both runs, in the compare view's order
    apart: tuple[str, ...] = ()  # "qwen-7b~p-bf16 vs qwen-7b~p-fp8": cohorts not compared, by runtime
    history: tuple[Change, ...] = ()  # changes the history's detector finds after A, up to B

    @property
    def beyond(self) -> list[Delta]:
        return [d for d in self.deltas if d.beyond]

    @property
    def regressions(self) -> list[Delta]:
        return [d for d in self.deltas if d.regression]

    def shown(self, everything: bool = False) -> list[Delta]:
        """The rows the compare view shows: beyond noise and flagged only, unless asked for every
        value or nothing has a noise estimate."""
        if everything or not self.estimated:
            return list(self.deltas)
        return [d for d in self.deltas if d.beyond or d.flag]

    def summary(self) -> str:
        """The compare view's status line."""
        beyond = self.beyond
        line = f"{len(beyond)} {'change' if len(beyond) == 1 else 'changes'} beyond noise"
        if beyond:
            named = [
                f"{d.runtime} {d.label.split(' (')[0].lower()}{_at_level(d.section)} "
                f"{percent(d.relative)} ({d.verdict})"
                for d in beyond[:SUMMARY_NAMED]
            ]
            line += ": " + "; ".join(named) + ("; …" if len(beyond) > SUMMARY_NAMED else "")
        line += f". {len(self.deltas)} values compared" + (
            "" if self.same_machine else " across two machines"
        )
        if not self.deltas:
            line += ": the two runs measured no runtime at a level both have"
        elif not self.estimated:
            line += ": no noise estimate for these runs, so every value is shown"
        flagged = sum(1 for d in self.deltas if d.flag)
        if flagged:
            line += f"; {flagged} flagged (invalid, unreliable or few samples): shown, never judged"
        if self.apart:
            line += "; not compared, other model or settings: " + ", ".join(self.apart)
        return line

    def as_json(self, everything: bool = True) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "summary": self.summary(),
            "same_machine": self.same_machine,
            "changes_beyond_noise": len(self.beyond),
            "not_compared": list(self.apart),
            "regressions": len(self.regressions),
            "history_changes": [change_entry(c) for c in self.history],
            "values": [
                {
                    "section": d.section,
                    "runtime": d.runtime,
                    "cohort": d.cohort,
                    "key": d.key,
                    "label": d.label,
                    "a": d.before,
                    "b": d.after,
                    "delta": d.delta,
                    "relative": d.relative,
                    "verdict": d.verdict,
                    "noise": d.noise,
                    "threshold": d.threshold,
                    "flag": d.flag or None,
                    "note": d.note or None,
                }
                for d in self.shown(everything)
            ],
        }


@dataclass(frozen=True, slots=True)
class RunDocuments:
    """What the compare view loads for a run: the compared values its metrics.json publishes,
    and its scorecards.json document, which the pull-request report reads."""

    id: str
    hardware: str
    scorecards: Mapping[str, Any]
    values: tuple[Comparable, ...]

    @classmethod
    def of(cls, run: Run) -> RunDocuments:
        # The scorecards as published (written, then parsed: a rate that cannot be computed is
        # null there too); the compared values are the ones metrics.json publishes (a test ties them).
        return cls(
            run.id,
            run.hardware,
            json.loads(score_json(run_score_document(run), pretty=False)),
            tuple(comparable_values(run)),
        )


def _at_level(section: str) -> str:
    """ " at c=4" for a section of one level ("composite c=4", "memory c=4"), "" for a whole run's."""
    _, _, level = section.partition(" c=")
    return f" at c={level}" if level else ""


def label(key: str) -> str:
    known = COMPARE_LABELS.get(key)
    return f"{known[0]} ({known[1]})" if known else key


def keyed(values: tuple[Comparable, ...]) -> dict[tuple[str, str, str], Comparable]:
    """A run's values by place: section, runtime and cohort, value."""
    return {(v.section, v.group, v.key): v for v in values}


def compare_documents(
    a: RunDocuments,
    b: RunDocuments,
    noise: Mapping[str, Mapping[str, Mapping[str, float]]],
    higher_is_better: Mapping[str, bool],
    runtimes: Collection[str] | None = None,
) -> Comparison:
    """A against B as the compare view does it; `runtimes`: only these (None: every runtime)."""
    va, vb = keyed(a.values), keyed(b.values)
    same_machine = a.hardware == b.hardware
    thresholds = noise.get(a.hardware, {}) if same_machine else {}
    keys = [k for k in va if k in vb and (runtimes is None or va[k].runtime in runtimes)]
    keys.sort(key=lambda k: _place(va[k]))
    deltas = []
    for k in keys:
        x, y = va[k], vb[k]
        delta = y.value - x.value
        relative = delta / abs(x.value) if x.value != 0 else None
        higher = higher_is_better.get(x.key, True)
        verdict = "same" if delta == 0 else ("better" if (delta > 0) == higher else "worse")
        flag = "; ".join(f"{side} {v.flag}" for side, v in (("A", x), ("B", y)) if v.flag)
        note = f"engine {x.engine} → {y.engine}" if x.engine and y.engine and x.engine != y.engine else ""
        threshold = thresholds.get(x.group, {}).get(x.noise_key)
        beyond = (
            not flag
            and threshold is not None
            and abs(delta) > threshold
            and abs(delta) > MIN_RELATIVE * abs(x.value)
        )
        deltas.append(
            Delta(
                x.section,
                x.runtime,
                x.cohort,
                x.key,
                label(x.key),
                x.value,
                y.value,
                relative,
                verdict,
                threshold,
                beyond,
                flag,
                note,
            )
        )
    estimated = any(d.threshold is not None for d in deltas)
    return Comparison(a.id, b.id, same_machine, estimated, tuple(deltas), apart_cohorts(va, vb, runtimes))


def apart_cohorts(va: Mapping, vb: Mapping, runtimes: Collection[str] | None) -> tuple[str, ...]:
    """For each runtime that both runs measured but never under one cohort (another model, or
    other settings: precision, tensor parallelism, ...), its cohorts in A and in B."""

    def cohorts(values: Mapping) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for v in values.values():
            if runtimes is None or v.runtime in runtimes:
                out.setdefault(v.runtime, set()).add(v.cohort)
        return out

    ca, cb = cohorts(va), cohorts(vb)
    return tuple(
        f"{runtime} {'/'.join(sorted(ca[runtime]))} vs {'/'.join(sorted(cb[runtime]))}"
        for runtime in sorted(ca.keys() & cb.keys(), key=natural_key)
        if not ca[runtime] & cb[runtime]
    )


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Text with its numbers compared by value and its letters without case, as
    Intl.Collator(undefined, {numeric: true, sensitivity: "base"}) orders them."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(text))


def _place(v: Comparable) -> tuple:
    # Concurrency in numeric order (c=2 before c=16), then section, runtime, cohort and value
    # name, each compared as the compare view's collator does (numbers by value, case aside).
    return (
        v.order,
        natural_key(v.section),
        natural_key(v.runtime),
        natural_key(v.cohort),
        natural_key(v.key),
    )


def compare_runs(
    catalog: FullCatalog,
    thresholds: Mapping[str, Any],
    a: Run,
    b: Run,
    runtimes: Collection[str] | None = None,
) -> Comparison:
    """Two runs of the catalog compared, with the noise of the catalog's history, and the changes
    its detector finds (catalog/changes.py) starting after A, up to B, on their machine."""
    comparison = compare_documents(
        RunDocuments.of(a),
        RunDocuments.of(b),
        compare_noise(list(catalog.series)),
        compare_directions(thresholds),
        runtimes,
    )
    return replace(comparison, history=tuple(changes_between(catalog, a, b, runtimes)))


def changes_between(
    catalog: FullCatalog, a: Run, b: Run, runtimes: Collection[str] | None = None
) -> list[Change]:
    """The history's changes on the runs' machine that start after run `a`, up to run `b`."""
    if a.hardware != b.hardware:
        return []
    order = {run.id: i for i, run in enumerate(catalog.runs)}
    first, last = sorted((order[a.id], order[b.id]))
    series = [
        s for s in catalog.series if s.hardware == a.hardware and (runtimes is None or s.runtime in runtimes)
    ]
    found = [c for c in significant_changes(series) if first < order[c.run_id] <= last]
    return sorted(
        found, key=lambda c: (order[c.run_id], natural_key(c.runtime), c.metric, c.concurrency or 0)
    )


def history_cells(c: Change, runtime_name: str) -> list[str]:
    """A change of the history as a row: runtime, metric, level before, after, size, verdict,
    whether it holds, confidence (the report's and `sitegen compare`'s tables)."""
    label, unit, _ = SERIES_METRICS[c.metric]
    at = f" at c={c.concurrency}" if c.concurrency is not None else ""
    return [
        runtime_name,
        f"{label}{at} ({unit})",
        number(c.before),
        number(c.after),
        change_size(c),
        "better" if c.better else "worse",
        f"holds for {c.runs_after} runs" if c.confirmed else "latest run only: unconfirmed",
        f"{c.confidence:.1%}",
    ]


HISTORY_HEADER = [
    "Runtime",
    "Metric",
    "Level before",
    "After",
    "Change (95 % interval)",
    "Verdict",
    "Holds",
    "Confidence",
]


def number(x: float) -> str:
    """A value as the compare view writes it: one decimal from 100 up, else four significant
    digits without trailing zeros (JavaScript's toFixed and toPrecision)."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 100:
        return f"{x:.1f}"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.3e}".split("e")  # four significant digits, as toPrecision(4)
    e = int(exponent)
    if e < -6:  # where toPrecision switches to exponential notation, zeros kept ("1.000e-7")
        return f"{mantissa}e{e}"
    return f"{x:.{3 - e}f}".rstrip("0").rstrip(".")  # e <= 2 here: at least one decimal


def percent(relative: float | None) -> str:
    if relative is None:
        return "–"
    if abs(relative) < 0.0005:
        return "±0.0%"
    return ("+" if relative > 0 else "−") + f"{abs(relative * 100):.1f}%"


def signed(delta: float) -> str:
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + number(abs(delta))
