"""llmperf `*_summary.json` (+ `*_individual_responses.json`): one load point per summary.

Values are in seconds. llmperf's own `inter_token_latency_s` includes the time to first token,
so our ITL is recomputed from the individual responses, when they sit beside the summary:
the median over successful requests of (latency − TTFT) / (output tokens − 1).
"""

from __future__ import annotations

from typing import Any

from ..results import RequestDetail
from .values import Draft, count, from_epoch, model_of, number, runtime_named

LLMPERF = "llmperf"
COMPANION = "llmperf individual responses"
COMPANION_SUFFIX = "_individual_responses.json"
SUMMARY_SUFFIX = "_summary.json"
NO_ITL = "ITL not reported: llmperf's inter-token latency includes TTFT, and no individual responses file"


def is_llmperf(value: Any) -> bool:
    return isinstance(value, dict) and "results_num_completed_requests" in value


def is_individual_responses(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and "ttft_s" in v and "end_to_end_latency_s" in v for v in value[:20])
    )


def companion_name(summary: str) -> str:
    """The individual responses file written beside a summary of that name."""
    stem = summary.removesuffix(SUMMARY_SUFFIX) if summary.endswith(SUMMARY_SUFFIX) else summary[:-5]
    return stem + COMPANION_SUFFIX


def details_of(responses: list) -> list[RequestDetail]:
    """Each successful response's timings (ms), ITL as (latency − TTFT) / (tokens − 1)."""
    out: list[RequestDetail] = []
    for r in responses:
        if not isinstance(r, dict) or r.get("error_code") is not None:
            continue
        latency, ttft, tokens = (
            number(r.get("end_to_end_latency_s")),
            number(r.get("ttft_s")),
            count(r.get("number_output_tokens")),
        )
        if latency is None or ttft is None or tokens is None:
            continue
        out.append(
            RequestDetail(
                latency_ms=latency * 1000.0,
                ttft_ms=ttft * 1000.0,
                completion_tokens=min(tokens, 2**32 - 1),
                prompt_tokens=min(count(r.get("number_input_tokens")) or 0, 2**32 - 1),
                itl_ms=(latency - ttft) * 1000.0 / (tokens - 1) if tokens > 1 else 0.0,
            )
        )
    return out


def read_summary(value: dict) -> tuple[Draft, str, int | None, dict[str, str]]:
    draft = Draft(LLMPERF)
    concurrency = count(value.get("num_concurrent_requests")) or None
    draft.put_count("total_requests", value.get("results_num_requests_started"))
    draft.put_count("successful", value.get("results_num_completed_requests"))
    draft.put_count("failed", value.get("results_number_errors"))
    draft.put("error_rate", value.get("results_error_rate"))
    per_min = number(value.get("results_num_completed_requests_per_min"))
    if per_min is not None:
        draft.put("throughput_rps", per_min / 60.0)
    for p in ("p50", "p95", "p99"):
        draft.put(f"latency_{p}_ms", value.get(f"results_end_to_end_latency_s_quantiles_{p}"), 1000.0)
    for p in ("p50", "p90", "p95", "p99"):
        draft.put(f"ttft_{p}_ms", value.get(f"results_ttft_s_quantiles_{p}"), 1000.0)
    draft.put("latency_min_ms", value.get("results_end_to_end_latency_s_min"), 1000.0)
    draft.put("latency_max_ms", value.get("results_end_to_end_latency_s_max"), 1000.0)
    draft.put("latency_stddev_ms", value.get("results_end_to_end_latency_s_stddev"), 1000.0)
    draft.put("tokens_per_sec", value.get("results_mean_output_throughput_token_per_s"))
    draft.put("avg_tok_per_req", value.get("results_number_output_tokens_mean"))
    when = from_epoch(value.get("timestamp"))
    if when is not None:
        draft.values["timestamp"] = when
    draft.note(NO_ITL)
    runtime = runtime_named(draft, value.get("framework"), value.get("runtime"), value.get("engine"))
    return draft, runtime, concurrency, {"model": model_of(value.get("model")), "load_generator": "llmperf"}
