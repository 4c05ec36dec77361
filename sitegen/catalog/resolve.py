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

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .. import memo
from ..config import HardwareConfig, ModelConfig, RuntimeConfig
from ..scoring.composite import strip_concurrency_suffix

UNNAMED_RUNTIMES = frozenset({"", "unknown", "none", "null"})


@dataclass(frozen=True, slots=True)
class Resolution:
    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class NamedResolution:
    """A resolved model or workload: its id, the name pages show, and why."""

    id: str
    name: str
    reason: str


UNSPECIFIED = NamedResolution("unspecified", "unspecified", "")


# Unicode's default-ignorable code points (DerivedCoreProperties.txt, Default_Ignorable_Code_Point):
# they render as nothing, so `s\u034fglang` would look exactly like `sglang`.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """A name as readers see it, when that differs from how it is spelled."""

    text: str  # what it reads as
    why: str  # "invisible characters" or "letters of several scripts"


def visible(text: str) -> str:
    """`text` with its invisible characters written as escapes (`s\\u034fglang`), for messages."""
    return _IGNORABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@memo.memoised(maxsize=4096)
def reads_as(text: str) -> Reading | None:
    """How `text` reads, when that is not how it is spelled: without its invisible characters,
    and, in a name that mixes Latin letters with another script's, with each letter that looks
    like a Latin one (Unicode's confusables, UTS #39) read as that letter (`\u0455glang` reads
    as `sglang`). A name in one script keeps its letters (Москва is not "mockba")."""
    if text.isascii():
        return None
    shown = _IGNORABLE.sub("", text)
    why = "invisible characters" if shown != text else ""
    latin = _latin_skeleton(shown)
    if latin != shown:
        shown, why = latin, "letters of several scripts"
    return Reading(shown, why) if why else None


def _latin_skeleton(text: str) -> str:
    """`text` with its non-Latin letters that have a Latin look-alike replaced by it, when it
    mixes Latin letters with those of another script; else `text` as it is."""
    if text.isascii():
        return text
    from confusable_homoglyphs import categories, confusables  # loads Unicode's tables: only here

    scripts = {categories.alias(c) for c in text if c.isalpha()} - {"COMMON", "INHERITED"}
    if "LATIN" not in scripts or len(scripts) < 2:
        return text
    out = []
    for c in text:
        if c.isalpha() and categories.alias(c) not in ("LATIN", "COMMON", "INHERITED"):
            found = confusables.is_confusable(c, preferred_aliases=["latin"], greedy=False) or []
            glyphs = [h["c"] for hit in found for h in hit["homoglyphs"] if h["n"].startswith("LATIN")]
            c = glyphs[0] if glyphs else c
        out.append(c)
    return "".join(out)


def lookalike_warning(kind: str, spelled: str, counted_as: str) -> str | None:
    """The warning for a name that reads as another (see `reads_as`), or None."""
    reading = reads_as(spelled)
    if reading is None:
        return None
    return f"{kind} '{visible(spelled)}' looks like '{reading.text}' ({reading.why}): counted as {counted_as}"


SLUG_LENGTH = 80
# Unicode categories a slug keeps: lowercase and uncased letters, marks and digits (config.Identifier).
SLUG_CATEGORIES = frozenset({"Ll", "Lo", "Lm", "Mn", "Mc", "Nd", "Nl", "No"})


def _fold(char: str) -> str:
    """A Latin letter without its accent (ü -> u); any other character as it is (й stays й)."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base.isascii() else char


def slug(text: str) -> str:
    """A URL- and file-safe id: lowercase letters of any script, digits, '.', '_' and '-'.

    Accents of Latin letters are dropped (ü -> u), other letters kept (東京 stays 東京), so names that differ in
    more than case, accents and punctuation keep distinct ids. A name is read as readers see it
    first (`reads_as`): invisible characters and look-alike letters never make a second id. A name with no letter or digit,
    or one cut to SLUG_LENGTH, ends in a short hash of the whole name.
    """
    reading = reads_as(text)
    read = reading.text if reading is not None else text
    folded = "".join(_fold(c) for c in unicodedata.normalize("NFC", read).lower())
    kept = "".join(c if c in "._-" or unicodedata.category(c) in SLUG_CATEGORIES else " " for c in folded)
    out = re.sub(r"\s+", "-", kept.strip()).strip("-.")
    tag = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()
    if not out:
        return f"unnamed-{tag}" if text.strip() else "unnamed"
    if len(out) > SLUG_LENGTH:
        return f"{out[: SLUG_LENGTH - 7]}-{tag}"
    return out


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
    """A result's canonical runtime: site.toml's rules on its runtime_name (on its file name when
    the name says nothing), else the name without its level suffix and hardware words.
    Remembered: a history repeats the same few names in every run."""
    if runtime_name.strip().lower() not in UNNAMED_RUNTIMES:
        file_name = ""  # not read: one answer per name
    rules = tuple((runtime.id, tuple(runtime.match)) for runtime in runtimes)
    return _resolve_runtime(runtime_name, file_name, rules, words)


@memo.memoised(maxsize=4096)
def _resolve_runtime(
    runtime_name: str, file_name: str, rules: tuple[tuple[str, tuple[str, ...]], ...], words: frozenset[str]
) -> Resolution:
    for runtime_id, patterns in rules:
        for pattern in patterns:
            if _matches(pattern, runtime_name):
                return Resolution(
                    runtime_id,
                    f"runtime {runtime_id}: matched rule `{pattern}` on runtime_name `{runtime_name}`",
                )
    source = runtime_name
    what = f"runtime_name `{runtime_name}`"
    if runtime_name.strip().lower() in UNNAMED_RUNTIMES:
        stem = file_name.split("#")[0].removesuffix(".json")
        source = _DATE_SUFFIX.sub("", stem)
        what = f"file name `{file_name}`, as runtime_name is `{runtime_name}`"
        for runtime_id, patterns in rules:
            for pattern in patterns:
                if _matches(pattern, source):
                    return Resolution(runtime_id, f"runtime {runtime_id}: matched rule `{pattern}` on {what}")
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


def resolve_model(
    run_id: str,
    in_run_toml: str,
    in_result: str,
    runtime_name: str,
    models: Sequence[ModelConfig],
    file_name: str = "",
) -> NamedResolution:
    """A result's model: run.toml, then the result's own `model` field, then site.toml rules on
    the run path, then on its runtime_name (on its file name, without `.json`, when the name says
    nothing: `unknown`, as the runtime is named then); else unspecified."""
    name_said = f"runtime_name `{runtime_name}`"
    if runtime_name.strip().lower() in UNNAMED_RUNTIMES and file_name:
        runtime_name = file_name.split("#")[0].removesuffix(".json")
        name_said = f"file name `{file_name}`, as runtime_name is `{name_said[14:-1]}`"
    for declared, where in ((in_run_toml, "set in run.toml"), (in_result, "the result's model field")):
        if declared:
            known = next((m for m in models if m.id == slug(declared)), None)
            name = known.display_name if known else declared
            return NamedResolution(slug(declared), name, f"model {name}: {where}")
    for subject, what in ((run_id, "the run path"), (runtime_name, name_said)):
        for model in models:
            for pattern in model.match:
                if subject and _matches(pattern, subject):
                    return NamedResolution(
                        model.id, model.display_name, f"model {model.id}: matched rule `{pattern}` on {what}"
                    )
    return replace_reason(UNSPECIFIED, "model unspecified: no run.toml model, model field or matching rule")


def resolve_workload(in_run_toml: str, in_result: str, dataset_source: str) -> NamedResolution:
    """A result's workload: run.toml, then the result's `workload` field, then dataset_stats.source."""
    for declared, where in (
        (in_run_toml, "set in run.toml"),
        (in_result, "the result's workload field"),
        (dataset_source, "dataset_stats.source"),
    ):
        if declared:
            return NamedResolution(slug(declared), declared, f"workload {declared}: {where}")
    return replace_reason(UNSPECIFIED, "workload unspecified: no run.toml workload or dataset_stats.source")


def replace_reason(resolution: NamedResolution, reason: str) -> NamedResolution:
    return NamedResolution(resolution.id, resolution.name, reason)


def resolve_settings(
    in_run_toml: Sequence[tuple[str, str]], in_result: dict[str, str], fields: Sequence[str]
) -> tuple[tuple[tuple[str, str, str], ...], list[str]]:
    """A result's comparability settings (model.SETTINGS): each from run.toml, else the result
    file; a setting reported by neither is left out (not reported, never a default). Returns
    ((field, id, as written), ...) in `fields` order, and how each was resolved."""
    toml = dict(in_run_toml)
    found, reasons = [], []
    for name in fields:
        for value, where in (
            (toml.get(name, ""), "set in run.toml"),
            (in_result.get(name, ""), "the result's field"),
        ):
            if value:
                found.append((name, slug(value), value))
                reasons.append(f"{name.replace('_', ' ')} {value}: {where}")
                break
    return tuple(found), reasons
