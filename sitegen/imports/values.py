"""Reading other tools' files leniently and turning their values into a result.

Other load testers write what serde_json (and so the load tester's own format) rejects: bare
`Infinity` and `NaN`, numbers as strings, several JSON documents in one file, local times
without a zone. These helpers read such values without trusting them: a value that is not a
finite number is "not reported", never 0, and every assumption becomes a note on the result.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..results import LoadTestResult, ParseFailure
from ..safetext import shorten
from .origin import SHOWN_FIELDS, Origin

_DECODER = json.JSONDecoder()  # accepts NaN and Infinity: they are read, then never trusted
MAX_DOCUMENTS = 10_000  # JSON documents read from one file (lines of a JSONL file)


class Skip(ValueError):
    """An entry of an imported file that cannot be a result; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_documents(raw: bytes) -> list[Any]:
    """Every JSON document in the text, one after the other (JSON Lines, or objects written one
    after another by an appending writer). ParseFailure when the text is not such a sequence."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseFailure(f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    documents: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        if pos >= end:
            return documents
        if len(documents) >= MAX_DOCUMENTS:
            raise ParseFailure(f"more than {MAX_DOCUMENTS:,} JSON documents in one file")
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ParseFailure(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except RecursionError:
            raise ParseFailure("invalid JSON: nested too deeply") from None
        documents.append(value)


def number(value: Any) -> float | None:
    """A finite number, from a number or a numeric string ("550"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        value = float(value)
    return value if isinstance(value, float) and math.isfinite(value) else None


def count(value: Any) -> int | None:
    """A whole, non-negative count (2.0 is 2); None otherwise."""
    found = number(value)
    if found is None or found < 0 or found > 2**63 or found != int(found):
        return None
    return int(found)


def dig(value: Any, *path: str | int) -> Any:
    """value[path[0]][path[1]]..., or None where the path does not exist."""
    for key in path:
        if isinstance(value, Mapping) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def mapping(value: Any) -> dict:
    """`value` when it is a JSON object, else an empty one: a missing or odd section reads empty."""
    return value if isinstance(value, dict) else {}


def label(value: Any, limit: int = 120) -> str:
    """Contributor text fit to show: a string with no lone surrogate, shortened; "" otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = f"{value:g}"
    if not isinstance(value, str):
        return ""
    text = "".join(ch for ch in value if not "\ud800" <= ch <= "\udfff").strip()
    return shorten(text, limit)


def utc_text(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_epoch(seconds: Any) -> str | None:
    """RFC 3339 text of an epoch time in seconds; None when it is no plausible time."""
    found = number(seconds)
    if found is None or not 0 < found < 4e9:
        return None
    return utc_text(dt.datetime.fromtimestamp(found, dt.UTC))


def from_naive(text: Any, formats: Iterable[str]) -> str | None:
    """RFC 3339 text of a local time written without a zone, read as UTC; None if none fits."""
    if not isinstance(text, str):
        return None
    for fmt in formats:
        try:
            when = dt.datetime.strptime(text.strip()[:40], fmt)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return utc_text(when)
    return None


NO_ZONE = "timestamp without zone, read as UTC"

UNNAMED = "unnamed"  # the runtime of a file that names none (run.toml's `runtime` may name it)
UNNAMED_NOTE = "the file names no runtime (only the API it spoke): shown as unnamed"


def model_of(value: Any) -> str:
    """A model id from a name or a local path (`/models/models--openai--gpt-oss-120b/snapshots/..`
    is openai/gpt-oss-120b)."""
    text = label(value, 300)
    if "/" not in text or not text.startswith(("/", ".")):
        return label(text)
    parts = [p for p in text.split("/") if p]
    for part in parts:
        if part.startswith("models--"):
            return label(part[len("models--") :].replace("--", "/"))
    return label(parts[-1]) if parts else ""


def runtime_named(draft: Draft, *candidates: Any) -> str:
    """The first candidate that names a runtime (a label, `--metadata runtime=...`), else
    UNNAMED, noted on the draft."""
    for given in candidates:
        if label(given):
            return label(given)
    draft.note(UNNAMED_NOTE)
    return UNNAMED


class Draft:
    """One result being filled in from another tool's values: each field set once, in the
    load tester's units; what was derived or assumed kept as notes."""

    def __init__(self, fmt: str) -> None:
        self.format = fmt
        self.values: dict[str, Any] = {}
        self.notes: list[str] = []
        self.rate: float | None = None

    def put(self, field: str, value: Any, scale: float = 1.0) -> bool:
        """Set `field` from a number (times `scale`, e.g. 1000 for seconds to ms) unless it is
        set already or the value is not a finite number. Whether it was set."""
        found = number(value)
        if field in self.values or found is None or not math.isfinite(found * scale):
            return False
        self.values[field] = found * scale
        return True

    def put_count(self, field: str, value: Any) -> bool:
        found = count(value)
        if field in self.values or found is None:
            return False
        self.values[field] = found
        return True

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def has(self, field: str) -> bool:
        return field in self.values

    def derive_common(self) -> None:
        """Values every format derives the same way from what it reported."""
        v = self.values
        if "itl_p50_ms" in v and "decode_tok_per_sec" not in v and v["itl_p50_ms"] > 0:
            v["decode_tok_per_sec"] = 1000.0 / v["itl_p50_ms"]
        if "successful" in v and "failed" in v and "total_requests" not in v:
            v["total_requests"] = v["successful"] + v["failed"]
        if "error_rate" not in v and "failed" in v and v.get("total_requests"):
            v["error_rate"] = v["failed"] / v["total_requests"]
        if "elapsed_secs" not in v and v.get("throughput_rps") and "successful" in v:
            v["elapsed_secs"] = v["successful"] / v["throughput_rps"]
            self.note("elapsed time derived as requests ÷ request throughput")
        if "throughput_rps" not in v and v.get("elapsed_secs") and "successful" in v:
            v["throughput_rps"] = v["successful"] / v["elapsed_secs"]
        if "avg_tok_per_req" not in v and v.get("successful") and "completion_tokens_total" in v:
            v["avg_tok_per_req"] = v["completion_tokens_total"] / v["successful"]

    def finish(self, runtime_name: str, concurrency: int | None) -> tuple[LoadTestResult, Origin]:
        """The result and its origin; Skip when a fact no result can lack is missing: a
        runtime, a load point (a concurrency or a rate), successful requests, output throughput
        and the median time to first token."""
        self.derive_common()
        v = self.values
        if not runtime_name:
            raise Skip("no runtime or model name")
        if concurrency is None and self.rate is None:
            raise Skip("no concurrency and no request rate: the load point is unknown")
        for field, words in (
            ("successful", "no count of successful requests"),
            ("tokens_per_sec", "no output throughput"),
            ("ttft_p50_ms", "no median time to first token"),
        ):
            if field not in v:
                raise Skip(words)
        missing = frozenset(f for f in SHOWN_FIELDS if f not in v)
        filled = {
            "total_requests": v["successful"],
            "failed": 0,
            "throughput_rps": 0.0,
            "latency_p50_ms": 0.0,
            "latency_p95_ms": 0.0,
            "latency_p99_ms": 0.0,
            "timestamp": "",
            "elapsed_secs": 0.0,
        }
        body = {k: val for k, val in filled.items() if k not in v} | v
        body["runtime_name"] = runtime_name
        body["concurrency"] = concurrency if concurrency is not None else 0
        for name in (
            "prompt_tokens_total",
            "completion_tokens_total",
            "total_requests",
            "successful",
            "failed",
        ):
            if isinstance(body.get(name), float):
                body[name] = round(body[name])
        try:
            result = LoadTestResult.model_validate(body)
        except ValueError as exc:  # a value the result format cannot hold (a negative count)
            raise Skip(f"a value out of range: {str(exc).splitlines()[1:2] or exc}") from None
        origin = Origin(self.format, missing, tuple(self.notes), self.rate)
        return result, origin
