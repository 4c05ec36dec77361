"""NVIDIA AIPerf `profile_export_aiperf.json` and GenAI-Perf `profile_export_genai_perf.json`:
one load point per file, each metric a distribution (`avg`, `p50`, ..., `p99`, in its `unit`).

AIPerf wrote its metrics under `records` with short tags (`ttft`) until late 2025, at the top
level with long ones (`time_to_first_token`) since. Our ITL is their `inter_token_latency`
(per request), never `inter_chunk_latency`. GenAI-Perf has no failure count.
"""

from __future__ import annotations

import re
from typing import Any

from ..results import ParseFailure, RequestDetail
from .values import (
    NO_ZONE,
    Draft,
    Skip,
    count,
    decode_documents,
    dig,
    from_epoch,
    from_naive,
    model_of,
    number,
    runtime_named,
)

AIPERF = "AIPerf"
GENAI_PERF = "GenAI-Perf"

RECORDS = "AIPerf per-request records"
RECORDS_NOTE = "AIPerf per-request records: read with the summary beside them (per-request timings)"
_RECORDS_HEAD = re.compile(rb'\A\s*\{"metadata":\s*\{.*?"(?:credit_phase|benchmark_phase)"')

_ALIASES = {"time_to_first_token": ("time_to_first_token", "ttft")}


def is_aiperf(value: Any) -> bool:
    return isinstance(value, dict) and (
        ("aiperf_version" in value)
        or (
            isinstance(value.get("records"), dict)
            and isinstance(dig(value, "records", "request_latency"), dict)
        )
        or isinstance(dig(value, "input_config", "loadgen"), dict)
        and isinstance(value.get("request_latency"), dict)
    )


def is_genai_perf(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(dig(value, "time_to_first_token", "unit"), str)
        and isinstance(value.get("input_config"), dict)
        and "loadgen" not in value["input_config"]
    )


def is_per_request_records(raw: bytes) -> bool:
    """AIPerf's `profile_export.jsonl`: one record per request, each opening with its metadata."""
    return bool(_RECORDS_HEAD.match(raw[:4096]))


def companion_name(summary: str) -> str:
    """The per-request records AIPerf writes beside a summary of that name."""
    return summary.removesuffix("_aiperf.json") + ".jsonl"


def records_details(raw: bytes) -> list[RequestDetail]:
    """Each successful request of the measurement phase (warm-up records left out), in ms."""
    try:
        documents = decode_documents(raw)
    except ParseFailure:
        return []
    out: list[RequestDetail] = []
    for record in documents:
        phase = dig(record, "metadata", "benchmark_phase") or dig(record, "metadata", "credit_phase")
        if not isinstance(record, dict) or record.get("error") or phase not in (None, "profiling"):
            continue
        metrics = record.get("metrics")
        latency = number(dig(metrics, "request_latency", "value"))
        ttft = number(dig(metrics, "time_to_first_token", "value") or dig(metrics, "ttft", "value"))
        tokens = count(dig(metrics, "output_sequence_length", "value"))
        itl = number(dig(metrics, "inter_token_latency", "value"))
        if latency is None or ttft is None or tokens is None:
            continue
        if itl is None:
            itl = (latency - ttft) / (tokens - 1) if tokens > 1 else 0.0
        prompt = count(dig(metrics, "input_sequence_length", "value")) or 0
        out.append(
            RequestDetail(
                latency_ms=latency,
                ttft_ms=ttft,
                completion_tokens=min(tokens, 2**32 - 1),
                prompt_tokens=min(prompt, 2**32 - 1),
                itl_ms=itl,
            )
        )
    return out


def _metric(value: dict, name: str) -> dict:
    for tag in _ALIASES.get(name, (name,)):
        for found in (value.get(tag), dig(value, "records", tag)):
            if isinstance(found, dict):
                return found
    return {}


def _load_point(config: Any, draft: Draft) -> int | None:
    for source in (dig(config, "loadgen"), dig(config, "perf_analyzer", "stimulus"), config):
        if not isinstance(source, dict):
            continue
        cap = count(source.get("concurrency"))
        if cap:
            return cap
        rate = number(source.get("request_rate"))
        if rate is not None and rate > 0:
            draft.rate = rate
            return None
    raise Skip("no concurrency and no request rate in input_config")


def read_profile(value: dict, genai_perf: bool) -> tuple[Draft, str, int | None, dict[str, str]]:
    draft = Draft(GENAI_PERF if genai_perf else AIPERF)
    config = value.get("input_config")
    concurrency = _load_point(config, draft)
    draft.put_count("successful", _metric(value, "request_count").get("avg"))
    if genai_perf:
        draft.note("no failure count in this format")
    elif not draft.put_count("failed", _metric(value, "error_request_count").get("avg")):
        draft.put_count("failed", 0)  # AIPerf leaves the count out when no request failed
    draft.put("throughput_rps", _metric(value, "request_throughput").get("avg"))
    latency = _metric(value, "request_latency")
    ttft = _metric(value, "time_to_first_token")
    itl = _metric(value, "inter_token_latency")
    for p in ("p50", "p95", "p99"):
        draft.put(f"latency_{p}_ms", latency.get(p))
    for p in ("p50", "p90", "p95", "p99"):
        draft.put(f"ttft_{p}_ms", ttft.get(p))
        draft.put(f"tpot_{p}_ms", itl.get(p))
    draft.put("itl_p50_ms", itl.get("p50"))
    draft.put("latency_min_ms", latency.get("min"))
    draft.put("latency_max_ms", latency.get("max"))
    draft.put("latency_stddev_ms", latency.get("std"))
    draft.put("tokens_per_sec", _metric(value, "output_token_throughput").get("avg"))
    draft.put("avg_tok_per_req", _metric(value, "output_sequence_length").get("avg"))
    draft.put_count("completion_tokens_total", _metric(value, "total_osl").get("avg"))
    draft.put_count("prompt_tokens_total", _metric(value, "total_isl").get("avg"))
    if number(_metric(value, "total_reasoning_tokens").get("avg")):
        draft.note("output tokens include reasoning tokens, as AIPerf counts them")
    draft.put("elapsed_secs", _metric(value, "benchmark_duration").get("avg"))
    start = number(_metric(value, "min_request_timestamp").get("avg"))
    when = from_epoch(start / 1e9) if start is not None else None
    if when is None:
        when = from_naive(value.get("start_time"), ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"))
        if when is not None:
            draft.note(NO_ZONE)
    if when is not None:
        draft.values["timestamp"] = when
    elif genai_perf:
        draft.note("no timestamp in this format")
    names = dig(config, "endpoint", "model_names") or dig(config, "model_names") or dig(config, "model")
    model = names[0] if isinstance(names, list) and names else names
    declared = {"model": model_of(model), "load_generator": "genai-perf" if genai_perf else "aiperf"}
    return draft, runtime_named(draft), concurrency, declared
