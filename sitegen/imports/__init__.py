"""Results of other load testers, and the load tester's own repeat and console files, read as
results (`Imported`). The format is found from a file's keys (or, for console output, its
results block), never from its name.

Read after the load tester's own format has failed, so a plain result costs nothing more.
Every importer maps the tool's fields onto the result format (see the README's results
layout, and each module's docstring for its tool's traps); what a file does not report is
listed in the result's `Origin.missing` and shown as "not reported", never as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..results import LoadTestResult, ParseFailure, RequestDetail
from ..stats import percentile
from . import aiperf, guidellm, inference_perf, llmperf, loadtester, serving
from .origin import Imported, Origin
from .values import Draft, Skip, decode_documents

Reading = tuple[Draft, str, int | None, dict[str, str]]

# (format, is it?, read one document): tried in order, the most specific first.
_SINGLE: tuple[tuple[str, Callable[[Any], bool], Callable[[Any], Reading]], ...] = (
    (serving.SGLANG, lambda v: isinstance(v, dict) and serving.is_sglang(v), serving.read_sglang),
    (serving.VLLM, lambda v: isinstance(v, dict) and serving.is_vllm(v), serving.read_vllm),
    (aiperf.AIPERF, aiperf.is_aiperf, lambda v: aiperf.read_profile(v, genai_perf=False)),
    (aiperf.GENAI_PERF, aiperf.is_genai_perf, lambda v: aiperf.read_profile(v, genai_perf=True)),
    (llmperf.LLMPERF, llmperf.is_llmperf, llmperf.read_summary),
    (inference_perf.INFERENCE_PERF, inference_perf.is_inference_perf, inference_perf.read_stage),
)


def _finish(readings: list[tuple[str, Reading | Skip]], fmt: str) -> Imported:
    """The file's results from its readings (source name, reading or why it was skipped); a
    reading that lacks a fact every result needs is skipped with the reason."""
    results, skipped, declared = [], [], []
    for source, reading in readings:
        if isinstance(reading, Skip):
            skipped.append((source, reading.reason))
            continue
        draft, runtime, concurrency, said = reading
        try:
            result, origin = draft.finish(runtime, concurrency)
        except Skip as skip:
            skipped.append((source, skip.reason))
            continue
        results.append((result, source, origin))
        fields = tuple((k, v) for k, v in said.items() if v)
        if fields:
            declared.append((source, fields))
    return Imported(fmt, tuple(results), tuple(skipped), tuple(declared))


def _attempt(read: Callable[[Any], Reading], value: Any) -> Reading | Skip:
    """`read(value)`, or the Skip it raised."""
    try:
        return read(value)
    except Skip as skip:
        return skip


def read_value(value: Any, name: str) -> Imported | None:
    """What another tool's JSON document holds, or None when it is no format known here."""
    if loadtester.is_repeats(value):
        try:
            mean, origin = loadtester.read_repeats(value, name)
        except Skip as skip:
            return Imported(loadtester.REPEATS, (), ((name, skip.reason),))
        return Imported(loadtester.REPEATS, ((mean, name, origin),))
    if guidellm.is_guidellm(value):
        benches = value["benchmarks"]
        readings = [
            (
                f"{name}#{i + 1}" if len(benches) > 1 else name,
                _attempt(lambda b: guidellm.read_benchmark(b, value), b),
            )
            for i, b in enumerate(benches)
        ]
        return _finish(readings, guidellm.GUIDELLM)
    return read_documents([value], name)


def read_documents(values: list[Any], name: str) -> Imported | None:
    """One or more documents of one format (JSON Lines, appended objects)."""
    if not values:
        return None
    for fmt, test, read in _SINGLE:
        if all(test(v) for v in values):
            readings = [
                (f"{name}#{i + 1}" if len(values) > 1 else name, _attempt(read, v))
                for i, v in enumerate(values)
            ]
            return _finish(readings, fmt)
    return None


def read_text(raw: bytes, name: str) -> Imported | None:
    """A file that is not one JSON document: console output, JSON Lines, or JSON with `NaN`
    or `Infinity` in it. None when it is none of the formats known here."""
    if loadtester.CONSOLE_MARK in raw:
        reading = _attempt(loadtester.read_console, raw)
        if isinstance(reading, Skip):
            return None  # an incomplete report stays an other file, as any text
        return _finish([(name, reading)], loadtester.CONSOLE)
    try:
        documents = decode_documents(raw)
    except ParseFailure:
        return None
    if len(documents) == 1:
        return read_value(documents[0], name)
    return read_documents(documents, name)


def attach_companion(
    result: LoadTestResult, origin: Origin, details: Sequence[RequestDetail]
) -> tuple[LoadTestResult, Origin]:
    """An imported result with the per-request timings written beside it (their successful
    requests'): llmperf's ITL (our definition) is recomputed from them; AIPerf's summary has
    every value already, so its result only gains the timings."""
    if origin.format != llmperf.LLMPERF:
        if not details:
            return result, origin
        notes = (*origin.notes, f"per-request timings of {len(details)} requests from the records beside it")
        return result.model_copy(update={"request_details": list(details)}), replace(origin, notes=notes)
    itls = [d["itl_ms"] for d in details if d["completion_tokens"] > 1]
    if not itls:
        return result, origin
    itl = percentile(itls, 50)
    update = {
        "itl_p50_ms": itl,
        "tpot_p50_ms": itl,
        "decode_tok_per_sec": 1000.0 / itl if itl > 0 else 0.0,
        "request_details": list(details),
        "completion_tokens_total": sum(d["completion_tokens"] for d in details),
    }
    for p in (90, 95, 99):
        update[f"tpot_p{p}_ms"] = percentile(itls, p)
    notes = tuple(n for n in origin.notes if n != llmperf.NO_ITL) + (
        "ITL recomputed from the individual responses: median of (latency − TTFT) ÷ (tokens − 1)",
    )
    missing = origin.missing - set(update)
    return result.model_copy(update=update), replace(origin, missing=missing, notes=notes)


__all__ = ["Imported", "Origin", "attach_companion", "read_text", "read_value"]
