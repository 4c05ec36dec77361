"""Realistic synthetic load-test results, generated deterministically from a seed.

Used for the bundled example results, test fixtures and benchmarks. Numbers
follow the shape of real runs: per-stream decode speed falls as concurrency
rises while aggregate throughput grows sub-linearly; TTFT grows with queueing;
power and memory depend on the hardware; a few runs carry jitter spikes,
validation failures or errors.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HardwareProfile:
    id: str
    speed: float  # relative decode speed (1.0 = RTX 4090)
    watts: float  # mean board power under load
    memory_total_mb: float
    word: str  # how runtime names spell this machine


@dataclass(frozen=True)
class RuntimeProfile:
    id: str
    decode_tok_s: float  # c=1 decode speed on the reference machine
    ttft_ms: float
    scaling: float  # 0..1: how well aggregate throughput scales with concurrency
    cold_start_ms: float
    vram_mb: float
    layers_us_factor: float


HARDWARE = (
    HardwareProfile("h100-sxm", 2.3, 520.0, 81559.0, "h100"),
    HardwareProfile("l4", 0.48, 68.0, 23034.0, "l4"),
    HardwareProfile("jetson-agx-orin", 0.21, 38.0, 62841.0, "orin"),
    HardwareProfile("rtx4090", 1.0, 310.0, 24564.0, "4090"),
)

RUNTIMES = (
    RuntimeProfile("realizr", 210.0, 9.0, 0.78, 420.0, 1450.0, 1.00),
    RuntimeProfile("llamacpp", 190.0, 14.0, 0.62, 1900.0, 1650.0, 1.08),
    RuntimeProfile("ollama", 165.0, 30.0, 0.45, 3800.0, 2300.0, 1.22),
    RuntimeProfile("vllm", 150.0, 22.0, 0.92, 41000.0, 19800.0, 1.30),
)

CONCURRENCY_LEVELS = (1, 2, 4, 8, 16, 32)
NUM_LAYERS = 28


def _r(x: float, digits: int = 3) -> float:
    return round(x, digits)


def make_result(
    rng: random.Random,
    hardware: HardwareProfile,
    runtime: RuntimeProfile,
    concurrency: int,
    when: datetime,
    *,
    drift: float = 1.0,
    details: int = 24,
    telemetry: bool = True,
    cold_start: bool = True,
    quality: bool = True,
    tail: bool = True,
    prompt_tokens: int = 102,
) -> dict[str, Any]:
    """One LoadTestResult as a JSON-ready dict."""
    noise = rng.gauss(1.0, 0.02)
    base_decode = runtime.decode_tok_s * hardware.speed * drift * noise
    # Per-stream decode falls with concurrency; how fast depends on the runtime's batching.
    per_stream = base_decode / (1.0 + (concurrency - 1) * (1.0 - runtime.scaling) * 0.35)
    aggregate = per_stream * concurrency * rng.uniform(0.93, 0.99)
    itl = 1000.0 / per_stream
    ttft = runtime.ttft_ms / hardware.speed**0.5 * (1.0 + 0.18 * (concurrency - 1)) * rng.gauss(1.0, 0.04)
    out_tokens = 128
    requests = max(20, 12 * concurrency)
    errors = 0 if rng.random() > 0.08 else rng.randint(1, 2)
    latency = ttft + itl * (out_tokens - 1)
    elapsed = requests * latency / 1000.0 / concurrency
    result: dict[str, Any] = {
        "total_requests": requests,
        "successful": requests - errors,
        "failed": errors,
        "throughput_rps": _r(requests / elapsed, 4),
        "latency_p50_ms": _r(latency),
        "latency_p95_ms": _r(latency * 1.08),
        "latency_p99_ms": _r(latency * 1.15),
        "ttft_p50_ms": _r(ttft),
        "tokens_per_sec": _r(aggregate),
        "avg_tok_per_req": float(out_tokens),
        "itl_p50_ms": _r(itl, 4),
        "decode_tok_per_sec": _r(per_stream),
        "prefill_tok_per_sec": _r(prompt_tokens / (ttft / 1000.0)),
        "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "runtime_name": f"{runtime.id}-{hardware.word}-c{concurrency}",
        "elapsed_secs": _r(elapsed),
        "concurrency": concurrency,
        "ttft_p90_ms": _r(ttft * 1.2),
        "ttft_p95_ms": _r(ttft * 1.3),
        "ttft_p99_ms": _r(ttft * 1.55),
        "tpot_p50_ms": _r(itl, 4),
        "tpot_p90_ms": _r(itl * 1.05, 4),
        "tpot_p95_ms": _r(itl * 1.08, 4),
        "tpot_p99_ms": _r(itl * 1.2, 4),
        "latency_min_ms": _r(latency * 0.9),
        "latency_max_ms": _r(latency * 1.3),
        "latency_stddev_ms": _r(latency * 0.05),
        "error_rate": _r(errors / requests, 5),
        "prompt_tokens_total": prompt_tokens * requests,
        "completion_tokens_total": out_tokens * (requests - errors),
        "truncated_pct": 100.0,
        "sse_batch_ratio": 1.0,
        "goodput_pct": _r(100.0 * (requests - errors) / requests, 2),
        "output_tokens_dist": [float(out_tokens)] * 4,
        "decode_us_per_layer": _r(itl * 1000.0 / NUM_LAYERS * runtime.layers_us_factor / 1.1, 2),
        "num_layers": NUM_LAYERS,
    }
    if details:
        result["request_details"] = [
            _request_detail(rng, ttft, itl, prompt_tokens) for _ in range(min(details, requests))
        ]
    if quality:
        failed = 0 if rng.random() > 0.2 else rng.randint(1, 3)
        total = requests - errors
        result["quality"] = {
            "validation_level": "basic",
            "total_validated": total,
            "passed": total - failed,
            "failed": failed,
            "pass_rate": _r((total - failed) / total, 6) if total else 0.0,
            "failures": [{"request_idx": i * 3, "reason": "empty_content"} for i in range(failed)],
        }
    if tail:
        spikes = rng.choice((0, 0, 0, 1, 2, 5))
        result["tail_analysis"] = {
            "itl_p999_ms": _r(itl * 2.1),
            "itl_p9999_ms": _r(itl * 3.0),
            "ttft_p999_ms": _r(ttft * 2.0),
            "ttft_p9999_ms": _r(ttft * 2.4),
            "latency_p999_ms": _r(latency * 1.4),
            "latency_p9999_ms": _r(latency * 1.6),
            "tail_ratio_itl": _r(rng.uniform(1.1, 2.5)),
            "tail_ratio_ttft": _r(rng.uniform(1.2, 2.0)),
            "tail_ratio_latency": _r(rng.uniform(1.05, 1.3)),
            "jitter": {
                "itl_cv": _r(rng.uniform(0.01, 0.09), 4),
                "itl_iqr_ms": _r(itl * 0.1),
                "spike_count": spikes,
                "spike_threshold_ms": _r(itl * 5.0),
                "spikes": [{"request_idx": 7 * i + 1, "itl_ms": _r(itl * 6.0)} for i in range(spikes)],
            },
            "drift": {
                "itl_slope_ms_per_min": _r(rng.uniform(-0.02, 0.05), 4),
                "ttft_slope_ms_per_min": _r(rng.uniform(-0.1, 0.2), 4),
                "degradation_detected": False,
            },
        }
    if telemetry:
        watts = (
            hardware.watts * (0.55 + 0.45 * min(1.0, math.log2(concurrency + 1) / 5.0)) * rng.gauss(1.0, 0.03)
        )
        vram = min(runtime.vram_mb * (1.0 + 0.04 * concurrency), hardware.memory_total_mb * 0.95)
        result["gpu_telemetry"] = {
            "samples": int(elapsed * 10) + 1,
            "gpu_utilization_pct": {"mean": _r(min(99.0, 40 + 8 * concurrency)), "max": 100.0, "min": 12.0},
            "memory_used_mb": {"mean": _r(vram * 0.97), "max": _r(vram), "min": _r(vram * 0.9)},
            "memory_total_mb": hardware.memory_total_mb,
            "power_draw_w": {"mean": _r(watts), "max": _r(watts * 1.2), "min": _r(watts * 0.5)},
            "temperature_c": {"mean": 61.0, "max": 72.0, "min": 44.0},
            "clock_gpu_mhz": {"mean": 1890.0, "max": 1905.0, "min": 1860.0},
            "throttle_events": 0,
            "energy_total_wh": _r(watts * elapsed / 3600.0, 4),
            "energy_per_token_mj": _r(watts / aggregate * 1000.0),
            "energy_per_request_mj": _r(watts / aggregate * 1000.0 * out_tokens),
        }
    if cold_start and concurrency == 1:
        result["cold_start_ms"] = _r(runtime.cold_start_ms * rng.gauss(1.0, 0.05))
    return result


def _request_detail(rng: random.Random, ttft: float, itl: float, prompt_tokens: int) -> dict[str, Any]:
    tokens = rng.choice((8, 16, 24, 64, 128, 128, 200, 256))
    this_itl = itl * rng.gauss(1.0, 0.03) * (1.0 + tokens / 4096.0)
    this_ttft = ttft * rng.gauss(1.0, 0.05)
    return {
        "latency_ms": _r(this_ttft + this_itl * (tokens - 1)),
        "ttft_ms": _r(this_ttft),
        "completion_tokens": tokens,
        "prompt_tokens": prompt_tokens,
        "itl_ms": _r(this_itl, 4),
        "finish_reason": "length" if tokens in (128, 256) else "stop",
    }


def run_dates(start: datetime, count: int, step_days: int) -> list[datetime]:
    return [start + timedelta(days=i * step_days, hours=i % 5) for i in range(count)]


EPOCH = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def write_history(
    root: Path,
    dates_per_target: int,
    *,
    hardware: tuple[HardwareProfile, ...] = HARDWARE,
    runtimes: tuple[RuntimeProfile, ...] = RUNTIMES,
    levels: tuple[int, ...] = CONCURRENCY_LEVELS,
    details: int = 24,
    seed: int = 2026,
    step_days: int = 7,
    describe: bool = False,
) -> int:
    """Write `<root>/<hardware>/<YYYY-MM-DD>/<runtime>-<word>-c<N>.json` for a history of runs.

    Runtimes improve slowly over time; on the first target one runtime steps up
    by 25 % halfway through (a known change for regression detection). Returns
    the number of files written.
    """
    rng = random.Random(seed)
    written = 0
    for h_index, hw in enumerate(hardware):
        for i, when in enumerate(run_dates(EPOCH + timedelta(days=h_index), dates_per_target, step_days)):
            run_dir = root / hw.id / when.strftime("%Y-%m-%d")
            run_dir.mkdir(parents=True, exist_ok=True)
            if describe:
                _describe_run(run_dir, hw, i)
            for r_index, rt in enumerate(runtimes):
                drift = 1.0 + 0.004 * i
                if h_index == 0 and r_index == 0 and i >= dates_per_target // 2:
                    drift *= 1.25
                for c in levels:
                    stamp = when + timedelta(minutes=r_index * 15 + c)
                    result = make_result(rng, hw, rt, c, stamp, drift=drift, details=details)
                    path = run_dir / f"{rt.id}-{hw.word}-c{c}.json"
                    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
                    written += 1
    return written


def _describe_run(run_dir: Path, hw: HardwareProfile, index: int) -> None:
    (run_dir / "run.toml").write_text(
        f'title = "Nightly sweep #{index + 1} on {hw.id}"\n'
        'tags = ["synthetic", "nightly"]\n'
        f'commit = "{random.Random(index * 31 + len(hw.id)).getrandbits(40):010x}"\n'
        'model = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"\n',
        encoding="utf-8",
    )
    (run_dir / "README.md").write_text(
        f"Synthetic nightly sweep of four runtimes on **{hw.id}** at concurrency "
        "1 to 32, generated by `examples/generate.py` (deterministic; see `sitegen/synthetic.py`).\n\n"
        "Numbers are realistic in shape, not measurements.\n",
        encoding="utf-8",
    )
