"""GuideLLM `benchmarks.json`: one result per entry of `benchmarks` (v0.2 to current).

Each metric is a distribution per request status; the successful requests' one is read.
Request latency is in seconds, token timings in milliseconds. Our ITL is GuideLLM's
`inter_token_latency_ms` (per request, first to last token), not its `time_per_output_token_ms`,
whose meaning changed between versions. Constant, Poisson and sweep entries are rate-based:
they have no concurrency.
"""

from __future__ import annotations

from typing import Any

from .values import Draft, Skip, count, dig, from_epoch, label, model_of, number, runtime_named

GUIDELLM = "GuideLLM"


def is_guidellm(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("benchmarks"), list):
        return False
    return bool(dig(value, "metadata", "guidellm_version")) or dig(value, "benchmarks", 0, "type_") == (
        "generative_benchmark"
    )


def _dist(metrics: Any, name: str) -> dict:
    found = dig(metrics, name, "successful")
    return found if isinstance(found, dict) else {}


def _pct(dist: dict, p: str) -> Any:
    if p == "p50":
        return dist.get("median", dig(dist, "percentiles", "p50"))
    return dig(dist, "percentiles", p)


def _strategy(bench: dict) -> dict:
    for path in (("config", "strategy"), ("args", "strategy"), ("scheduler", "strategy")):
        found = dig(bench, *path)
        if isinstance(found, dict):
            return found
    return {}


def _load_point(bench: dict, draft: Draft) -> int | None:
    strategy = _strategy(bench)
    kind = label(strategy.get("type_") or strategy.get("type"))
    if kind == "synchronous":
        return 1
    if kind == "concurrent":
        streams = count(strategy.get("streams", strategy.get("max_concurrency")))
        if streams:
            return streams
    if kind == "throughput":
        cap = count(strategy.get("max_concurrency"))
        if cap:
            draft.note("throughput strategy: its concurrency is a cap on workers, not a fixed load")
            return cap
        raise Skip("a throughput entry without a concurrency cap: the load point is unknown")
    rate = number(strategy.get("rate"))
    if kind in ("constant", "poisson", "async") and rate is not None and rate > 0:
        draft.rate = rate
        return None
    raise Skip(f"strategy {kind or 'unknown'!r}: no concurrency and no rate")


def read_benchmark(bench: Any, report: dict) -> tuple[Draft, str, int | None, dict[str, str]]:
    if not isinstance(bench, dict):
        raise Skip("expected an object")
    draft = Draft(GUIDELLM)
    concurrency = _load_point(bench, draft)
    metrics = bench.get("metrics")
    totals = dig(metrics, "request_totals") or bench.get("request_totals") or {}
    draft.put_count("successful", dig(totals, "successful"))
    draft.put_count("failed", dig(totals, "errored"))
    incomplete = count(dig(totals, "incomplete"))
    if incomplete:
        draft.note(f"{incomplete} requests cut off at the end of the window are not counted")
    duration = number(bench.get("duration"))
    draft.put("elapsed_secs", duration)
    latency = _dist(metrics, "request_latency")
    for p in ("p50", "p95", "p99"):
        draft.put(f"latency_{p}_ms", _pct(latency, p), 1000.0)
    draft.put("latency_min_ms", latency.get("min"), 1000.0)
    draft.put("latency_max_ms", latency.get("max"), 1000.0)
    draft.put("latency_stddev_ms", latency.get("std_dev"), 1000.0)
    ttft = _dist(metrics, "time_to_first_token_ms")
    itl = _dist(metrics, "inter_token_latency_ms")
    for p in ("p50", "p90", "p95", "p99"):
        draft.put(f"ttft_{p}_ms", _pct(ttft, p))
        draft.put(f"tpot_{p}_ms", _pct(itl, p))
    draft.put("itl_p50_ms", _pct(itl, "p50"))
    output = _dist(metrics, "output_token_count")
    total_out = number(output.get("total_sum"))
    if total_out is not None and duration:
        draft.put("tokens_per_sec", total_out / duration)
        draft.put_count("completion_tokens_total", round(total_out))
    draft.put("avg_tok_per_req", output.get("mean"))
    prompt = number(_dist(metrics, "prompt_token_count").get("total_sum"))
    if prompt is not None:
        draft.put_count("prompt_tokens_total", round(prompt))
    when = from_epoch(bench.get("start_time"))
    if when is not None:
        draft.values["timestamp"] = when
    labels = dig(report, "config", "metadata", "labels") or {}
    model = (
        dig(report, "config", "spec", "backend", "model")
        or dig(report, "args", "model")
        or dig(bench, "worker", "backend_model")
    )
    runtime = runtime_named(draft, dig(labels, "runtime"), dig(labels, "engine"), dig(labels, "framework"))
    declared = {
        "model": model_of(model),
        "tensor_parallel": label(dig(labels, "tp") or dig(labels, "tensor_parallel")),
        "precision": label(dig(labels, "precision")),
        "load_generator": "guidellm",
    }
    return draft, runtime, concurrency, declared
