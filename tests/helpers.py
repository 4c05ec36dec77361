"""Builders shared by the tests."""

from __future__ import annotations

from sitegen.results import LoadTestResult


def make_test_result(
    name: str,
    decode: float,
    ttft: float,
    itl: float,
    ttft_p99: float,
    error_rate: float,
    concurrency: int,
    **overrides: object,
) -> LoadTestResult:
    """The reference tests' `make_test_result`, field for field."""
    fields = dict(
        total_requests=100,
        successful=int(100.0 * (1.0 - error_rate)),
        failed=int(100.0 * error_rate),
        throughput_rps=decode / 32.0,
        latency_p50_ms=ttft + itl * 31.0,
        latency_p95_ms=ttft + itl * 31.0 * 1.1,
        latency_p99_ms=ttft + itl * 31.0 * 1.2,
        ttft_p50_ms=ttft,
        tokens_per_sec=decode * concurrency,
        avg_tok_per_req=32.0,
        itl_p50_ms=itl,
        decode_tok_per_sec=decode,
        prefill_tok_per_sec=1000.0 / ttft * 23.0,
        timestamp="2026-03-11T00:00:00Z",
        runtime_name=name,
        elapsed_secs=60.0,
        concurrency=concurrency,
        ttft_p90_ms=ttft * 1.1,
        ttft_p95_ms=ttft * 1.2,
        ttft_p99_ms=ttft_p99,
        tpot_p50_ms=itl,
        tpot_p90_ms=itl * 1.1,
        tpot_p95_ms=itl * 1.2,
        tpot_p99_ms=itl * 1.3,
        latency_min_ms=ttft + itl * 30.0,
        latency_max_ms=ttft + itl * 35.0,
        latency_stddev_ms=itl * 0.5,
        error_rate=error_rate,
        prompt_tokens_total=2300,
        completion_tokens_total=3200,
        truncated_pct=0.0,
        sse_batch_ratio=1.0,
        goodput_pct=100.0,
        num_layers=28,
    )
    fields.update(overrides)
    return LoadTestResult.model_validate(fields)


def make_test_result_with_layers(
    name: str, decode: float, ttft: float, us_per_layer: float, prompt_tokens: int
) -> LoadTestResult:
    return make_test_result(
        name,
        decode,
        ttft,
        7.0,
        20.0,
        0.0,
        1,
        decode_us_per_layer=us_per_layer,
        prompt_tokens_total=prompt_tokens,
    )


TELEMETRY = {
    "samples": 10,
    "gpu_utilization_pct": {"mean": 80.0, "max": 95.0, "min": 60.0},
    "memory_used_mb": {"mean": 3200.0, "max": 3500.0, "min": 3000.0},
    "memory_total_mb": 8192.0,
    "power_draw_w": {"mean": 80.0, "max": 100.0, "min": 60.0},
    "temperature_c": {"mean": 70.0, "max": 80.0, "min": 50.0},
    "clock_gpu_mhz": {"mean": 1500.0, "max": 1500.0, "min": 1500.0},
    "throttle_events": 0,
    "energy_total_wh": 1.0,
    "energy_per_token_mj": 5.0,
    "energy_per_request_mj": 160.0,
}


def tail(itl_cv: float, spike_count: int) -> dict:
    return {
        "itl_p999_ms": 7.0,
        "itl_p9999_ms": 7.0,
        "ttft_p999_ms": 15.0,
        "ttft_p9999_ms": 15.0,
        "latency_p999_ms": 250.0,
        "latency_p9999_ms": 250.0,
        "tail_ratio_itl": 1.0,
        "tail_ratio_ttft": 1.0,
        "tail_ratio_latency": 1.0,
        "jitter": {
            "itl_cv": itl_cv,
            "itl_iqr_ms": 0.1,
            "spike_count": spike_count,
            "spike_threshold_ms": 35.0,
            "spikes": [],
        },
        "drift": {"itl_slope_ms_per_min": 0.0, "ttft_slope_ms_per_min": 0.0, "degradation_detected": False},
    }
