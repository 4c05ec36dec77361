"""vLLM `vllm bench serve` (and `benchmarks/benchmark_serving.py`) and SGLang `bench_serving`
results: one JSON object per benchmark, several in one file when appended.

Both write milliseconds for their summaries and seconds for per-request arrays. Our ITL is
their per-request TPOT (`median_tpot_ms`), never their per-chunk ITL, which differs several
times under speculative decoding. A run with a request rate and no concurrency cap is a
rate-based load point: it has no concurrency and is never scored as c=1.
"""

from __future__ import annotations

from typing import Any

from ..results import RequestDetail
from ..stats import percentile
from .values import (
    NO_ZONE,
    Draft,
    Skip,
    count,
    from_epoch,
    from_naive,
    label,
    mapping,
    model_of,
    number,
    runtime_named,
)

VLLM = "vLLM bench serve"
SGLANG = "SGLang bench_serving"

# Backends that name an API, not the server behind it: the runtime is then unnamed.
GENERIC_BACKENDS = frozenset({"openai", "openai-chat", "openai-audio", "openai-embeddings", "openai-comp"})


def is_sglang(value: dict) -> bool:
    return "completed" in value and (
        "total_output_tokens_retokenized" in value or any(k.endswith("_e2e_latency_ms") for k in value)
    )


def is_vllm(value: dict) -> bool:
    return "completed" in value and any(
        k in value for k in ("median_ttft_ms", "mean_ttft_ms", "p99_ttft_ms", "median_tpot_ms")
    )


def runtime_of(backend: Any, draft: Draft, *explicit: Any) -> str:
    """An explicit name, else the backend where it names a server (not only an API)."""
    name = label(backend).lower()
    for suffix in ("-native", "-oai"):
        name = name.removesuffix(suffix)
    server = "" if name in GENERIC_BACKENDS else name
    return runtime_named(draft, *explicit, server)


def _load_point(value: dict, draft: Draft) -> int | None:
    """The configured concurrency cap, or None with draft.rate set for a rate-based run."""
    cap = count(value.get("max_concurrency"))
    if cap is not None and cap > 0:
        return cap
    rate = number(value.get("request_rate"))
    if rate is not None and rate > 0:
        draft.rate = rate
        return None
    raise Skip(
        "no concurrency cap and no finite request rate (every request sent at once): the load point is unknown"
    )


def _details(value: dict) -> tuple[list[RequestDetail], int | None]:
    """Per-request timings from the --save-detailed / --output-details arrays (seconds), the
    failed ones left out; and the number of failed requests, when the arrays say."""
    source = mapping(value.get("details")) or value
    ttfts, itls, outs, ins = (source.get(k) for k in ("ttfts", "itls", "output_lens", "input_lens"))
    errors = source.get("errors")
    if not (isinstance(ttfts, list) and isinstance(itls, list) and isinstance(outs, list)):
        return [], None
    failed = sum(1 for e in errors if e) if isinstance(errors, list) else None
    details: list[RequestDetail] = []
    for i, (ttft, gaps, out) in enumerate(zip(ttfts, itls, outs, strict=False)):
        if isinstance(errors, list) and i < len(errors) and errors[i]:
            continue
        first, n = number(ttft), count(out)
        gap_values = [number(g) for g in gaps] if isinstance(gaps, list) else [None]
        if first is None or n is None or None in gap_values:
            continue
        latency = (first + sum(g for g in gap_values if g is not None)) * 1000.0
        ttft_ms = first * 1000.0
        prompt = count(ins[i]) if isinstance(ins, list) and i < len(ins) else None
        details.append(
            RequestDetail(
                latency_ms=latency,
                ttft_ms=ttft_ms,
                completion_tokens=min(n, 2**32 - 1),
                prompt_tokens=min(prompt or 0, 2**32 - 1),
                itl_ms=(latency - ttft_ms) / (n - 1) if n > 1 else 0.0,
            )
        )
    return details, failed


def _latency_from_details(draft: Draft, details: list[RequestDetail]) -> None:
    if not details:
        return
    latencies = [d["latency_ms"] for d in details]
    computed = [
        f for f, p in (("latency_p50_ms", 50), ("latency_p95_ms", 95), ("latency_p99_ms", 99))
        if draft.put(f, percentile(latencies, p))
    ]  # fmt: skip
    if computed:
        draft.note(f"{', '.join(computed)} computed from the per-request arrays")


def _percentiles(draft: Draft, value: dict, metric: str, prefix: str) -> None:
    """ttft/tpot/e2el percentiles: median (or p50), p90, p95, p99, as written (ms)."""
    for ours, theirs in (("p50", ("median", "p50")), ("p90", ("p90",)), ("p95", ("p95",)), ("p99", ("p99",))):
        for key in theirs:
            draft.put(f"{prefix}_{ours}_ms", value.get(f"{key}_{metric}_ms"))


def _summary(draft: Draft, value: dict, latency: str) -> None:
    """The values both tools write the same way; `latency`: their name for end-to-end latency
    ("e2el" in vLLM, "e2e_latency" in SGLang). Our ITL is their median TPOT."""
    draft.put("throughput_rps", value.get("request_throughput"))
    draft.put("tokens_per_sec", value.get("output_throughput"))
    draft.put("elapsed_secs", value.get("duration"))
    _percentiles(draft, value, "ttft", "ttft")
    _percentiles(draft, value, "tpot", "tpot")
    _percentiles(draft, value, latency, "latency")
    draft.put("itl_p50_ms", draft.values.get("tpot_p50_ms"))
    draft.put("latency_stddev_ms", value.get(f"std_{latency}_ms"))


def read_vllm(value: dict) -> tuple[Draft, str, int | None, dict[str, str]]:
    draft = Draft(VLLM)
    concurrency = _load_point(value, draft)
    draft.put_count("successful", value.get("completed"))
    details, failed_in_details = _details(value)
    if not draft.put_count("failed", value.get("failed")):
        if failed_in_details is not None:
            draft.put_count("failed", failed_in_details)
        else:
            prompts, completed = count(value.get("num_prompts")), count(value.get("completed"))
            if prompts is not None and completed is not None and prompts >= completed:
                draft.put_count("failed", prompts - completed)
                draft.note("failed requests derived as prompts − completed (the file has no failure count)")
    _summary(draft, value, "e2el")
    draft.put_count("prompt_tokens_total", value.get("total_input_tokens"))
    draft.put_count("completion_tokens_total", value.get("total_output_tokens"))
    _latency_from_details(draft, details)
    if details:
        draft.values["request_details"] = details
    when = from_epoch(value.get("benchmark_start_time_unix"))
    if when is None:
        when = from_naive(value.get("date"), ("%Y%m%d-%H%M%S",))
        if when is not None:
            draft.note(NO_ZONE)
    if when is not None:
        draft.values["timestamp"] = when
    runtime = runtime_of(
        value.get("backend"),
        draft,
        value.get("label"),
        value.get("runtime"),
        value.get("framework"),
        value.get("engine"),
    )
    declared = {
        "model": model_of(value.get("model_id")),
        "tensor_parallel": label(value.get("tp") or value.get("tensor_parallel")),
        "precision": label(value.get("precision")),
        "engine_version": label(value.get("engine_version") or value.get("version")),
        "load_generator": "vllm bench serve",
    }
    return draft, runtime, concurrency, declared


def read_sglang(value: dict) -> tuple[Draft, str, int | None, dict[str, str]]:
    draft = Draft(SGLANG)
    concurrency = _load_point(value, draft)
    draft.put_count("successful", value.get("completed"))
    details, failed = _details(value)
    if failed is not None:
        draft.put_count("failed", failed)
    else:
        draft.note("no failure count without --output-details: failures not reported")
    _summary(draft, value, "e2e_latency")
    if not draft.has("itl_p50_ms") and "median_itl_ms" in value:
        draft.note("per-token latency (TPOT) not reported: its per-chunk ITL is another measure, not used")
    draft.put_count("prompt_tokens_total", value.get("total_input_tokens", value.get("total_input")))
    draft.put_count("completion_tokens_total", value.get("total_output_tokens", value.get("total_output")))
    _latency_from_details(draft, details)
    if details:
        draft.values["request_details"] = details
    draft.note("no timestamp in this format")
    server = mapping(value.get("server_info"))
    runtime = runtime_of(value.get("backend"), draft)
    declared = {
        "model": model_of(server.get("model_path") or value.get("model_id") or value.get("model")),
        "tensor_parallel": label(server.get("tp_size")),
        "dataset": label(value.get("dataset_name")),
        "engine_version": label(server.get("version")),
        "load_generator": "sglang bench_serving",
    }
    return draft, runtime, concurrency, declared
