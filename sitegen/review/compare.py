"""Two runs compared value by value: the site's compare view (static/compare.js), in Python.

Both read the same inputs, the two runs' scorecards.json documents and their
runtime name maps (runtimes.json), and the noise thresholds of the catalog's
history (site/compare.py), and apply the same rules: a value is compared when
both runs have it; a change is beyond noise when it exceeds the history's
threshold for that machine, runtime and value, and MIN_RELATIVE of the first
run's value; across two machines there is no noise estimate. The summary line
is word for word the one the compare view shows, so a number quoted from the
command line and one read off the page agree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog.changes import MIN_RELATIVE
from ..catalog.model import Catalog, Run
from ..site import exports
from ..site.compare import COMPARE_LABELS, compare_directions, compare_noise

# Sections besides the composite scorecards: (scorecards.json key, the value each runtime has there).
OTHER_SECTIONS = (
    ("layer", "us_per_layer"),
    ("memory", "tok_per_sec_per_gb"),
    ("cold_start", "cold_start_ms"),
    ("power", "tok_per_watt"),
    ("scaling", "scaling_efficiency"),
    ("correctness", "pass_rate"),
)
SUMMARY_NAMED = 5  # changes the summary line names; more are "…"


@dataclass(frozen=True, slots=True)
class Value:
    """One comparable value of a scorecards.json document."""

    section: str  # "composite c=4", "memory", ...
    runtime: str  # canonical runtime id
    key: str  # "decode_tok_s", "composite", ...
    value: float
    noise_key: str  # where its noise threshold is kept ("composite@4", "ttft_p50_ms@8", ...)
    order: int  # concurrency of a composite section; other sections sort after them


@dataclass(frozen=True, slots=True)
class Delta:
    """One value in both runs."""

    section: str
    runtime: str
    key: str
    label: str  # "Decode speed (tok/s)"
    before: float
    after: float
    relative: float | None  # (after - before) / |before|; None when before is 0
    verdict: str  # "better", "worse" or "same"
    threshold: float | None  # the smallest change beyond noise; None: no estimate
    beyond: bool

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def noise(self) -> str:
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

    @property
    def beyond(self) -> list[Delta]:
        return [d for d in self.deltas if d.beyond]

    @property
    def regressions(self) -> list[Delta]:
        return [d for d in self.deltas if d.regression]

    def shown(self, everything: bool = False) -> list[Delta]:
        """The rows the compare view shows: beyond noise only, unless asked for every value or
        nothing has a noise estimate."""
        return list(self.deltas) if everything or not self.estimated else self.beyond

    def summary(self) -> str:
        """The compare view's status line."""
        beyond = self.beyond
        line = f"{len(beyond)} {'change' if len(beyond) == 1 else 'changes'} beyond noise"
        if beyond:
            named = [
                f"{d.runtime} {d.label.split(' (')[0].lower()} at {d.section.replace('composite ', '')} "
                f"{percent(d.relative)} ({d.verdict})"
                for d in beyond[:SUMMARY_NAMED]
            ]
            line += ": " + "; ".join(named) + ("; …" if len(beyond) > SUMMARY_NAMED else "")
        line += f". {len(self.deltas)} values compared" + (
            "" if self.same_machine else " across two machines"
        )
        if not self.estimated:
            line += ": no noise estimate for these runs, so every value is shown"
        return line

    def as_json(self, everything: bool = True) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "summary": self.summary(),
            "same_machine": self.same_machine,
            "changes_beyond_noise": len(self.beyond),
            "regressions": len(self.regressions),
            "values": [
                {
                    "section": d.section,
                    "runtime": d.runtime,
                    "key": d.key,
                    "label": d.label,
                    "a": d.before,
                    "b": d.after,
                    "delta": d.delta,
                    "relative": d.relative,
                    "verdict": d.verdict,
                    "noise": d.noise,
                    "threshold": d.threshold,
                }
                for d in self.shown(everything)
            ],
        }


@dataclass(frozen=True, slots=True)
class RunDocuments:
    """What the compare view loads for a run: its scorecards.json and runtimes.json, parsed."""

    id: str
    hardware: str
    scorecards: Mapping[str, Any]
    names: Mapping[str, str]

    @classmethod
    def of(cls, run: Run) -> RunDocuments:
        # The published files themselves, parsed back: the comparison reads exactly what the site serves.
        return cls(
            run.id,
            run.hardware,
            json.loads(exports.scorecards_json(run)),
            json.loads(exports.runtimes_json(run)),
        )


def label(key: str) -> str:
    known = COMPARE_LABELS.get(key)
    return f"{known[0]} ({known[1]})" if known else key


def values(doc: Mapping[str, Any], names: Mapping[str, str]) -> dict[tuple[str, str, str], Value]:
    """Every comparable value of a scorecards.json document, keyed by section, runtime and value."""
    out: dict[tuple[str, str, str], Value] = {}

    def add(section: str, runtime: str, key: str, value: Any, noise_key: str, order: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        out[(section, runtime, key)] = Value(section, runtime, key, float(value), noise_key, order)

    for level, card in (doc.get("composite") or {}).items():
        section = f"composite c={level}"
        for rt in card.get("runtimes", ()):
            runtime = names.get(rt["name"], rt["name"])
            add(section, runtime, "composite", rt.get("composite"), f"composite@{level}", int(level))
            # The history's noise of these values is that of the lowest level (c=1); other levels have none.
            for metric, scored in (rt.get("metrics") or {}).items():
                noise_key = metric if level == "1" else f"{metric}@{level}"
                add(section, runtime, metric, scored.get("value"), noise_key, int(level))
    for section, key in OTHER_SECTIONS:
        for rt in (doc.get(section) or {}).get("runtimes", ()):
            add(section, names.get(rt["name"], rt["name"]), key, rt.get(key), key, 10**9)
    return out


def compare_documents(
    a: RunDocuments,
    b: RunDocuments,
    noise: Mapping[str, Mapping[str, Mapping[str, float]]],
    higher_is_better: Mapping[str, bool],
    runtimes: Collection[str] | None = None,
) -> Comparison:
    """A against B as the compare view does it; `runtimes`: only these (None: every runtime)."""
    va, vb = values(a.scorecards, a.names), values(b.scorecards, b.names)
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
        threshold = thresholds.get(x.runtime, {}).get(x.noise_key)
        beyond = threshold is not None and abs(delta) > threshold and abs(delta) > MIN_RELATIVE * abs(x.value)
        deltas.append(
            Delta(
                x.section,
                x.runtime,
                x.key,
                label(x.key),
                x.value,
                y.value,
                relative,
                verdict,
                threshold,
                beyond,
            )
        )
    estimated = any(d.threshold is not None for d in deltas)
    return Comparison(a.id, b.id, same_machine, estimated, tuple(deltas))


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Text with its numbers compared by value and its letters without case, as
    Intl.Collator(undefined, {numeric: true, sensitivity: "base"}) orders them."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(text))


def _place(v: Value) -> tuple:
    # Concurrency in numeric order (c=2 before c=16), then section, runtime and value name, each
    # compared as the compare view's collator does (numbers inside names by value, case aside).
    return (v.order, natural_key(v.section), natural_key(v.runtime), natural_key(v.key))


def compare_runs(
    catalog: Catalog,
    thresholds: Mapping[str, Any],
    a: Run,
    b: Run,
    runtimes: Collection[str] | None = None,
) -> Comparison:
    """Two runs of the catalog compared, with the noise of the catalog's history."""
    return compare_documents(
        RunDocuments.of(a),
        RunDocuments.of(b),
        compare_noise(list(catalog.series)),
        compare_directions(thresholds),
        runtimes,
    )


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
