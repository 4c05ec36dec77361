"""Kubernetes inference-perf `stage_<i>_lifecycle_metrics.json`: one load stage per file.

Every time is in seconds. Our ITL is its `time_per_output_token` (per request), not its
`inter_token_latency` (gaps pooled over tokens, zero inside a chunk). A stage with a
requested rate is rate-based; the pooled summary of all stages is no single load point.
"""

from __future__ import annotations

import math
from typing import Any

from .values import Draft, Skip, count, dig, mapping, number, runtime_named

INFERENCE_PERF = "inference-perf"


def is_inference_perf(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("load_summary"), dict) and "successes" in value


def _pct(dist: Any, p: str) -> Any:
    if not isinstance(dist, dict):
        return None
    return dist.get("median", dist.get("p50")) if p == "p50" else dist.get(p)


def read_stage(value: dict) -> tuple[Draft, str, int | None, dict[str, str]]:
    draft = Draft(INFERENCE_PERF)
    load = value["load_summary"]
    concurrency = count(load.get("concurrency")) or None
    rate = number(load.get("requested_rate"))
    if concurrency is None:
        if rate is None or rate <= 0:
            raise Skip(
                "all stages pooled (a summary): no single concurrency or rate; the stage files are read"
            )
        draft.rate = rate
    successes = mapping(value.get("successes"))
    draft.put_count("total_requests", load.get("count"))
    draft.put_count("successful", successes.get("count"))
    draft.put_count("failed", dig(value, "failures", "count"))
    draft.put("throughput_rps", dig(successes, "throughput", "requests_per_sec"))
    draft.put("tokens_per_sec", dig(successes, "throughput", "output_tokens_per_sec"))
    latency = dig(successes, "latency", "request_latency")
    ttft = dig(successes, "latency", "time_to_first_token")
    tpot = dig(successes, "latency", "time_per_output_token")
    for p in ("p50", "p95", "p99"):
        draft.put(f"latency_{p}_ms", _pct(latency, p), 1000.0)
    for p in ("p50", "p90", "p95", "p99"):
        draft.put(f"ttft_{p}_ms", _pct(ttft, p), 1000.0)
        draft.put(f"tpot_{p}_ms", _pct(tpot, p), 1000.0)
    draft.put("itl_p50_ms", _pct(tpot, "p50"), 1000.0)
    draft.put("latency_min_ms", dig(latency, "min"), 1000.0)
    draft.put("latency_max_ms", dig(latency, "max"), 1000.0)
    draft.put("avg_tok_per_req", dig(successes, "output_len", "mean"))
    if not draft.put_count("completion_tokens_total", dig(successes, "output_tokens", "total")):
        mean, n = number(dig(successes, "output_len", "mean")), count(successes.get("count"))
        total = mean * n if mean is not None and n is not None else math.inf
        if math.isfinite(total) and draft.put_count("completion_tokens_total", round(total)):
            draft.note("output tokens derived as mean output length × successful requests")
    draft.note("no timestamp in this format")
    return draft, runtime_named(draft), concurrency, {"load_generator": "inference-perf"}
