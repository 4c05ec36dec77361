"""Identity resolution: the hardware target of each run and the canonical runtime of each result.

Each answer carries the reason the site shows, e.g.
"hardware jetson-orin: matched rule `*jetson*` on the run path".

Hardware of a run: run.toml, then site.toml rules on the run path, then
site.toml rules on the run's runtime names, then the first path component.
Runtime of a result: site.toml rules on runtime_name, else runtime_name with
its `-c<digits>` suffix stripped and the hardware's words removed (for an
unnamed runtime, `unknown`, the file name stands in).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..config import HardwareConfig, RuntimeConfig
from ..scoring.composite import strip_concurrency_suffix

UNNAMED_RUNTIMES = frozenset({"", "unknown", "none", "null"})


@dataclass(frozen=True, slots=True)
class Resolution:
    id: str
    reason: str


def slug(text: str) -> str:
    """A URL- and file-safe id: lowercase ASCII letters, digits, '.', '_' and '-' (ü -> u)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9._-]+", "-", ascii_text.lower()).strip("-.")
    return out[:80] or "unnamed"


def _matches(pattern: str, text: str) -> bool:
    return fnmatchcase(text.lower(), pattern.lower())


def resolve_hardware(
    run_id: str,
    declared: str,
    runtime_names: Iterable[str],
    targets: Sequence[HardwareConfig],
) -> Resolution:
    if declared:
        return Resolution(slug(declared), f"hardware {slug(declared)}: set in run.toml")
    for target in targets:
        for pattern in target.match:
            if _matches(pattern, run_id):
                return Resolution(
                    target.id, f"hardware {target.id}: matched rule `{pattern}` on the run path"
                )
    names = sorted(set(runtime_names))
    for target in targets:
        for pattern in target.match:
            for name in names:
                if _matches(pattern, name):
                    return Resolution(
                        target.id, f"hardware {target.id}: matched rule `{pattern}` on runtime_name `{name}`"
                    )
    first = run_id.split("/")[0]
    if "/" in run_id:
        return Resolution(slug(first), f"hardware {slug(first)}: first path component `{first}`")
    return Resolution("unknown", "hardware unknown: no rule matched and the run has no parent directory")


def hardware_words(hardware_id: str, target: HardwareConfig | None) -> frozenset[str]:
    """Words that name a machine, removed from runtime names: its id's words and its rules' words."""
    words = set(re.split(r"[-_ ./]+", hardware_id.lower()))
    if target is not None:
        for pattern in target.match:
            words.update(w for w in re.split(r"[^a-z0-9]+", pattern.lower()) if w)
    words.discard("")
    return frozenset(words)


_DATE_SUFFIX = re.compile(r"[-_](20\d{6}|20\d\d-\d\d-\d\d)$")


def resolve_runtime(
    runtime_name: str, file_name: str, runtimes: Sequence[RuntimeConfig], words: frozenset[str]
) -> Resolution:
    for runtime in runtimes:
        for pattern in runtime.match:
            if _matches(pattern, runtime_name):
                return Resolution(
                    runtime.id,
                    f"runtime {runtime.id}: matched rule `{pattern}` on runtime_name `{runtime_name}`",
                )
    source = runtime_name
    what = f"runtime_name `{runtime_name}`"
    if runtime_name.strip().lower() in UNNAMED_RUNTIMES:
        stem = file_name.split("#")[0].removesuffix(".json")
        source = _DATE_SUFFIX.sub("", stem)
        what = f"file name `{file_name}`, as runtime_name is `{runtime_name}`"
        for runtime in runtimes:
            for pattern in runtime.match:
                if _matches(pattern, source):
                    return Resolution(runtime.id, f"runtime {runtime.id}: matched rule `{pattern}` on {what}")
    stripped = strip_concurrency_suffix(source)
    steps = []
    if stripped != source:
        steps.append(f"without `{source[len(stripped) :]}`")
    parts = [p for p in stripped.split("-")]
    kept = [p for p in parts if p.lower() not in words]
    removed = [p for p in parts if p.lower() in words]
    if removed and kept:
        steps.append(
            "hardware word"
            + ("s " if len(removed) > 1 else " ")
            + ", ".join(f"`{w}`" for w in removed)
            + " removed"
        )
        stripped = "-".join(kept)
    canonical = slug(stripped)
    detail = f" ({'; '.join(steps)})" if steps else ""
    return Resolution(canonical, f"runtime {canonical}: from {what}{detail}")
