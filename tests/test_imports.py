"""Other load testers' files, and the load tester's repeat and console files, read as results.

Every expected value below was read by hand from the fixture file it names (tests/fixtures/
formats/<tool>/, with each file's source and licence in its SOURCE.txt), then converted as
spec'd: seconds to ms, our ITL from the tool's per-request TPOT, never its per-chunk ITL.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from pathlib import Path

import pytest

from sitegen.catalog.classify import FileKind, classify_file, with_companions
from sitegen.imports import read_text
from sitegen.imports.origin import Origin
from sitegen.results import LoadTestResult
from sitegen.stats import mean_interval, percentile, t975

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def only(path: Path, name: str | None = None) -> tuple[LoadTestResult, Origin]:
    imported = read_text(path.read_bytes(), name or path.name)
    assert imported is not None and len(imported.results) == 1, imported
    result, _, origin = imported.results[0]
    return result, origin


def reads(text: str | bytes, name: str = "x.json"):
    raw = text.encode() if isinstance(text, str) else text
    return read_text(raw, name)


# --- vLLM ---------------------------------------------------------------------------------


def test_vllm_real_file_inferencex():
    r, o = only(FORMATS / "vllm" / "gpt-oss-120b_concurrency_16_req_rate_inf_gpus_16_ctx_8_gen_8.json")
    assert o.format == "vLLM bench serve"
    assert r.concurrency == 16 and o.rate is None  # max_concurrency 16, request_rate "inf"
    assert (r.successful, r.failed, r.total_requests) == (160, 0, 160)  # num_prompts 160 − completed 160
    assert r.throughput_rps == pytest.approx(1.68513790510195)
    assert r.tokens_per_sec == pytest.approx(1725.5812148243967)
    assert r.ttft_p50_ms == pytest.approx(104.43462803959846)
    assert r.ttft_p99_ms == pytest.approx(687.9313375009224)
    # Our ITL is their median TPOT (9.039 ms), not their median ITL (9.067 ms).
    assert r.itl_p50_ms == pytest.approx(9.03941193840877)
    assert r.decode_tok_per_sec == pytest.approx(1000 / 9.03941193840877)
    assert r.latency_p50_ms == pytest.approx(9359.918448608369)
    assert r.latency_p99_ms == pytest.approx(9977.636895296164)
    assert r.elapsed_secs == pytest.approx(94.94771882798523)
    assert r.timestamp == "2026-04-28T11:01:59.000000Z"  # "20260428-110159", local time read as UTC
    assert "timestamp without zone, read as UTC" in o.notes
    assert any("prompts − completed" in n for n in o.notes)
    # InferenceX writes p90/p99/p99.9 only: no p95 anywhere, and it says so.
    assert {"latency_p95_ms", "ttft_p95_ms", "tpot_p95_ms"} <= o.missing
    assert o.scored


def test_vllm_detailed_arrays_give_per_request_timings():
    r, o = only(FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json")
    assert (r.successful, r.failed, r.total_requests, r.concurrency) == (5, 1, 6, 4)
    assert r.error_rate == pytest.approx(1 / 6)
    assert len(r.request_details) == 5  # the failed request (errors[4]) is left out
    first = r.request_details[0]
    # ttfts[0] 0.21 s, 127 gaps of 0.02 s: latency 2.75 s, ITL (2750 − 210) / 127 = 20 ms.
    assert first["ttft_ms"] == pytest.approx(210.0)
    assert first["latency_ms"] == pytest.approx(2750.0)
    assert first["itl_ms"] == pytest.approx(20.0)
    assert r.latency_p95_ms == pytest.approx(3005.2000000000025)  # written by the file, not recomputed
    assert r.itl_p50_ms == pytest.approx(20.49999999999998)


def test_vllm_appended_results_are_each_read():
    one = json.loads((FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json").read_text())
    two = dict(one, max_concurrency=8, output_throughput=200.0)
    imported = reads(json.dumps(one) + "\n" + json.dumps(two) + "\n", "bench.json")
    assert imported is not None and [s for _, s, _ in imported.results] == ["bench.json#1", "bench.json#2"]
    assert [r.concurrency for r, _, _ in imported.results] == [4, 8]


def test_vllm_rate_runs_have_no_concurrency_and_a_burst_is_not_a_load_point():
    one = json.loads((FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json").read_text())
    rated = reads(json.dumps(dict(one, max_concurrency=None, request_rate=8)))
    r, _, o = rated.results[0]
    assert o.rate == 8.0 and not o.scored and o.load_point == "rate 8 req/s"
    burst = reads(json.dumps(dict(one, max_concurrency=None, request_rate="inf")))
    assert burst.results == () and "every request sent at once" in burst.skipped[0][1]


def test_missing_optional_values_are_not_reported_never_zero():
    one = json.loads((FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json").read_text())
    for key in ("p99_tpot_ms", "p95_tpot_ms", "median_e2el_ms", "p50_e2el_ms", "p95_e2el_ms", "p99_e2el_ms"):
        one.pop(key)
    for key in ("ttfts", "itls", "output_lens", "input_lens", "errors"):
        one.pop(key)
    r, _, o = reads(json.dumps(one)).results[0]
    assert {"tpot_p99_ms", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms"} <= o.missing
    assert r.request_details == []


# --- SGLang -------------------------------------------------------------------------------


def test_sglang_real_rate_sweep():
    imported = read_text((FORMATS / "sglang" / "llama_3_3_70b_online_output.jsonl").read_bytes(), "out.jsonl")
    assert imported.format == "SGLang bench_serving" and len(imported.results) == 7
    assert [o.rate for _, _, o in imported.results] == [1.0, 2.0, 4.0, 8.0, 16.0, 4.0, 8.0]
    r, source, o = imported.results[0]
    assert source == "out.jsonl#1" and r.concurrency == 0 and not o.scored
    assert r.successful == 300
    assert r.tokens_per_sec == pytest.approx(537.4142851849319)
    assert r.ttft_p50_ms == pytest.approx(85.74514742940664)
    assert r.latency_p50_ms == pytest.approx(7819.046192569658)
    # The 2024 writer has only the per-chunk median ITL (13.64 ms): never taken as ours.
    assert "itl_p50_ms" in o.missing and r.itl_p50_ms == 0.0
    assert "failed" in o.missing and "timestamp" in o.missing


def test_sglang_infinity_and_details():
    r, o = only(FORMATS / "sglang" / "CONSTRUCTED_bench_serving_output-details.jsonl")
    assert r.concurrency == 4 and o.rate is None  # "request_rate": Infinity, capped at 4
    assert (r.successful, r.failed) == (5, 1)  # one error in the details
    assert r.ttft_p99_ms == pytest.approx(296.47999999999996)
    assert r.itl_p50_ms == pytest.approx(20.49999999999998)  # median_tpot_ms, not median_itl_ms 20.5
    assert r.latency_p99_ms == pytest.approx(3023.8400000000047)
    assert any("latency_p95_ms computed from the per-request arrays" in n for n in o.notes)
    assert r.latency_p95_ms == pytest.approx(percentile([d["latency_ms"] for d in r.request_details], 95))


def test_nan_and_numbers_as_strings():
    line = {
        "backend": "sglang",
        "request_rate": "Infinity",
        "max_concurrency": "2",
        "completed": "10",
        "duration": 5.0,
        "output_throughput": "120.5",
        "median_ttft_ms": 40,
        "p99_ttft_ms": float("nan"),
        "median_tpot_ms": 10.0,
        "median_e2e_latency_ms": 900,
        "total_output_tokens_retokenized": 600,
    }
    text = json.dumps(line)  # NaN written bare, as pandas does
    assert "NaN" in text
    r, _, o = reads(text, "s.jsonl").results[0]
    assert (r.concurrency, r.successful, r.tokens_per_sec) == (2, 10, 120.5)
    assert "ttft_p99_ms" in o.missing and not o.scored


# --- GuideLLM -----------------------------------------------------------------------------


def test_guidellm_real_v02_file():
    r, o = only(FORMATS / "guidellm" / "benchmarks_stripped.v0.2-0.3schema.json")
    assert o.format == "GuideLLM"
    assert r.concurrency == 1  # the synchronous strategy
    assert (r.successful, r.failed) == (46, 0)
    assert any("1 requests cut off" in n for n in o.notes)  # 1 incomplete, not a failure
    assert r.ttft_p50_ms == pytest.approx(16.38054847717285)
    assert r.ttft_p99_ms == pytest.approx(21.281957626342773)
    assert r.itl_p50_ms == pytest.approx(4.9241227427805505)  # inter_token_latency_ms
    assert r.tokens_per_sec == pytest.approx(5888.0 / 29.997201442718506)
    assert r.latency_p50_ms == pytest.approx(642.4565315246582)  # 0.642 s
    assert r.timestamp == "2025-06-05T20:59:28.182700Z"  # start_time 1749157168.1827004


def test_guidellm_sweep_each_entry_its_own_load_point():
    report = json.loads((FORMATS / "guidellm" / "benchmarks_stripped.v0.2-0.3schema.json").read_text())
    sync = report["benchmarks"][0]
    throughput = json.loads(json.dumps(sync))
    throughput["args"]["strategy"] = {"type_": "throughput", "max_concurrency": 16}
    constant = json.loads(json.dumps(sync))
    constant["args"]["strategy"] = {"type_": "constant", "rate": 2.5}
    poisson = json.loads(json.dumps(sync))
    poisson["args"]["strategy"] = {"type_": "poisson"}  # no rate: skipped with the reason
    report["benchmarks"] = [sync, throughput, constant, poisson]
    imported = reads(json.dumps(report), "benchmarks.json")
    points = [(s, r.concurrency, o.rate) for r, s, o in imported.results]
    assert points == [
        ("benchmarks.json#1", 1, None),
        ("benchmarks.json#2", 16, None),
        ("benchmarks.json#3", 0, 2.5),
    ]
    assert any("cap on workers" in n for n in imported.results[1][2].notes)
    assert imported.skipped == (("benchmarks.json#4", "strategy 'poisson': no concurrency and no rate"),)


# --- AIPerf and GenAI-Perf ----------------------------------------------------------------


def test_aiperf_real_file():
    r, o = only(FORMATS / "aiperf" / "aiperf-repo_run1_profile_export_aiperf.json")
    assert o.format == "AIPerf" and r.concurrency == 100
    assert (r.successful, r.failed, r.total_requests) == (89, 11, 100)
    assert r.throughput_rps == pytest.approx(9.551622221540914)
    assert r.tokens_per_sec == pytest.approx(2320.7222350404572)
    assert r.ttft_p50_ms == pytest.approx(2369.317693)
    assert r.ttft_p99_ms == pytest.approx(3833.3894000399996)
    assert r.itl_p50_ms == pytest.approx(27.615130366666666)  # inter_token_latency, not inter_chunk 22.67
    assert r.latency_p50_ms == pytest.approx(9097.345014999999)
    assert r.elapsed_secs == pytest.approx(9.317788951)
    # min_request_timestamp 1.759522419154569e18 ns: exact UTC (start_time is naive local time).
    assert r.timestamp.startswith("2025-10-03T20:13:39")


def test_genai_perf_shape_has_no_failure_count():
    aiperf = json.loads((FORMATS / "aiperf" / "aiperf-repo_run1_profile_export_aiperf.json").read_text())
    genai = {tag: m for tag, m in aiperf["records"].items() if tag != "error_request_count"}
    genai["time_to_first_token"] = genai.pop("ttft")
    genai["input_config"] = {"model": ["llama"], "perf_analyzer": {"stimulus": {"concurrency": 8}}}
    r, _, o = reads(json.dumps(genai)).results[0]
    assert o.format == "GenAI-Perf" and r.concurrency == 8
    assert "failed" in o.missing and "error_rate" in o.missing and not o.scored
    assert "no failure count in this format" in o.notes


def test_aiperf_per_request_records_are_listed_not_errors(tmp_path):
    path = tmp_path / "profile_export.jsonl"
    path.write_bytes((FORMATS / "aiperf" / "aiperf-repo_run1_profile_export.TRIMMED50.jsonl").read_bytes())
    item = classify_file(path, 1 << 24)
    assert item.kind is FileKind.COMPANION and "AIPerf" in item.reason


# --- llmperf ------------------------------------------------------------------------------


def test_llmperf_summary_alone_has_no_itl():
    r, o = only(FORMATS / "llmperf" / "bedrock_70b_summary.json")
    assert (r.total_requests, r.successful, r.failed, r.concurrency) == (150, 101, 49, 5)
    assert r.ttft_p50_ms == pytest.approx(387.71994699891366)  # 0.3877 s
    assert r.latency_p95_ms == pytest.approx(7833.533104001617)
    assert r.timestamp == "2023-12-27T00:52:09.000000Z"  # 1703638329
    assert r.runtime_name == "bedrock"  # its --metadata framework
    # llmperf's inter_token_latency_s (46 ms) includes TTFT: never taken as ours.
    assert "itl_p50_ms" in o.missing and not o.scored


def test_llmperf_itl_from_individual_responses(tmp_path):
    summary = tmp_path / "bedrock_70b_summary.json"
    summary.write_bytes((FORMATS / "llmperf" / "bedrock_70b_summary.json").read_bytes())
    companion = tmp_path / "bedrock_70b_individual_responses.json"
    companion.write_bytes(
        (FORMATS / "llmperf" / "bedrock_70b_individual_responses.TRIMMED50.json").read_bytes()
    )
    items = with_companions([classify_file(p, 1 << 24) for p in (companion, summary)])
    r, _, o = items[1].imported[0]
    responses = json.loads(companion.read_text())
    ok = [x for x in responses if x["error_code"] is None]
    expected = statistics.median(
        (x["end_to_end_latency_s"] - x["ttft_s"]) * 1000 / (x["number_output_tokens"] - 1) for x in ok
    )
    assert r.itl_p50_ms == pytest.approx(expected) and "itl_p50_ms" not in o.missing
    assert len(r.request_details) == len(ok)
    assert items[0].kind is FileKind.COMPANION


def test_llmperf_numbers_as_strings():
    summary = json.loads((FORMATS / "llmperf" / "bedrock_70b_summary.json").read_text())
    summary["results_num_completed_requests"] = "101"
    r, _ = only_value(summary)
    assert r.successful == 101


def only_value(value: dict) -> tuple[LoadTestResult, Origin]:
    imported = reads(json.dumps(value))
    result, _, origin = imported.results[0]
    return result, origin


# --- inference-perf -----------------------------------------------------------------------


def test_inference_perf_stage_is_a_rate_point():
    r, o = only(FORMATS / "inference-perf" / "vllm+batch_size_stage_0_lifecycle_metrics.json")
    assert o.format == "inference-perf" and o.rate == 1.0 and r.concurrency == 0
    assert (r.total_requests, r.successful, r.failed) == (60, 60, 0)
    assert r.tokens_per_sec == pytest.approx(62.15363932698074)
    assert r.ttft_p50_ms == pytest.approx(32.918093027547)
    assert r.ttft_p99_ms == pytest.approx(42.51505806925707)
    # time_per_output_token (3.47 ms), not inter_token_latency (median 0.034 ms: zero gaps in chunks).
    assert r.itl_p50_ms == pytest.approx(3.4682437246881946)
    assert r.latency_p99_ms == pytest.approx(493.34994919016023)


def test_inference_perf_pooled_summary_is_not_a_load_point():
    imported = read_text(
        (FORMATS / "inference-perf" / "vllm+batch_size_summary_lifecycle_metrics.json").read_bytes(), "s.json"
    )
    assert imported.results == () and "pooled" in imported.skipped[0][1]


# --- the load tester's repeats and console output ------------------------------------------

REPEATS = FORMATS / "probador" / "CONSTRUCTED_bench-repeats-llamacpp-gpu.json"


def test_repeats_keep_every_repeat_and_the_files_interval():
    mean, o = only(REPEATS, "rep.json")
    value = json.loads(REPEATS.read_text())
    assert [s for s, _ in o.repeats] == ["rep.json#run1", "rep.json#run2", "rep.json#run3"]
    assert [r.tokens_per_sec for _, r in o.repeats] == value["aggregate"]["tokens_per_sec"]["values"]
    tps = o.interval("tokens_per_sec")
    given = value["aggregate"]["tokens_per_sec"]
    assert (tps.low, tps.high, tps.n) == (given["ci_95_lower"], given["ci_95_upper"], 3)
    assert mean.tokens_per_sec == given["mean"] and o.scored
    assert mean.concurrency == 4 and mean.runtime_name == "llamacpp-gpu"
    assert mean.timestamp == "2026-03-04T10:20:00.000000000+00:00"  # the earliest repeat


def test_repeats_interval_recomputed_when_the_file_gives_none():
    value = json.loads(REPEATS.read_text())
    for metric in value["aggregate"].values():
        del metric["ci_95_lower"], metric["ci_95_upper"]
    _, o = only_value(value)
    values = value["aggregate"]["tokens_per_sec"]["values"]
    m, s = statistics.mean(values), statistics.stdev(values)
    half = 4.302652729911275 * s / math.sqrt(3)  # t(0.975, 2)
    tps = o.interval("tokens_per_sec")
    assert tps.low == pytest.approx(m - half, rel=1e-6) and tps.high == pytest.approx(m + half, rel=1e-6)
    assert "recomputed" in tps.method
    # And it agrees with the file's own interval, which it was written from.
    given = json.loads(REPEATS.read_text())["aggregate"]["tokens_per_sec"]
    assert tps.low == pytest.approx(given["ci_95_lower"], rel=1e-6)


def test_repeats_of_different_levels_are_not_one_measurement():
    value = json.loads(REPEATS.read_text())
    value["runs"][1]["concurrency"] = 8
    imported = reads(json.dumps(value))
    assert imported.results == () and "different" in imported.skipped[0][1]


def test_console_output_marked_and_missing_values_not_reported():
    r, o = only(FORMATS / "probador" / "CONSTRUCTED_console-output-llamacpp-c1.json")
    assert o.format == "load tester console output"
    assert (r.total_requests, r.successful, r.failed, r.concurrency) == (448, 448, 0, 4)
    assert (r.throughput_rps, r.latency_p95_ms, r.ttft_p50_ms, r.tokens_per_sec) == (7.4, 553.6, 526.6, 941.6)
    assert r.elapsed_secs == 60.0 and "elapsed time is the configured duration" in o.notes
    assert {"ttft_p99_ms", "itl_p50_ms", "timestamp"} <= o.missing and not o.scored


def test_an_incomplete_console_report_is_no_result():
    text = (FORMATS / "probador" / "CONSTRUCTED_console-output-llamacpp-c1.json").read_text()
    cut = "\n".join(line for line in text.splitlines() if not line.startswith("TTFT P50"))
    assert reads(cut) is None


# --- the format is found from keys, never from the name -----------------------------------


def test_format_from_keys_not_name(tmp_path):
    vllm = tmp_path / "llamacpp-c4.json"  # a load tester's name, a vLLM file
    vllm.write_bytes((FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json").read_bytes())
    assert classify_file(vllm, 1 << 24).format == "vLLM bench serve"
    native = tmp_path / "x_summary.json"  # an llmperf name, a load tester result
    native.write_bytes(
        (Path(__file__).parent / "fixtures" / "sample-results" / "4090" / "2026-03-07-serial")
        .glob("*.json")
        .__next__()
        .read_bytes()
    )
    assert classify_file(native, 1 << 24).kind is FileKind.RESULT


# --- statistics ---------------------------------------------------------------------------


def test_t_quantiles_match_tables():
    assert t975(2) == pytest.approx(4.302653, abs=1e-6)
    assert t975(30) == pytest.approx(2.042272, abs=1e-6)
    assert t975(60) == pytest.approx(2.000298, abs=2e-4)
    assert t975(1000) == pytest.approx(1.962339, abs=1e-4)


def test_mean_interval_covers_the_true_mean_95_percent_of_the_time():
    """Synthetic repeats whose truth is known: normal samples of three around 100."""
    rng = random.Random(7)
    trials, covered = 4000, 0
    for _ in range(trials):
        values = [rng.gauss(100.0, 5.0) for _ in range(3)]
        _, low, high = mean_interval(values)
        covered += low <= 100.0 <= high
    assert 0.94 <= covered / trials <= 0.96


def test_aiperf_records_beside_the_summary_give_per_request_timings(tmp_path):
    summary = tmp_path / "profile_export_aiperf.json"
    summary.write_bytes((FORMATS / "aiperf" / "aiperf-repo_run1_profile_export_aiperf.json").read_bytes())
    records = tmp_path / "profile_export.jsonl"
    records.write_bytes((FORMATS / "aiperf" / "aiperf-repo_run1_profile_export.TRIMMED50.jsonl").read_bytes())
    items = with_companions([classify_file(p, 1 << 24) for p in (summary, records)])
    r, _, o = items[0].imported[0]
    # 50 records, 11 cancelled (error 499): 39 successful requests of the profiling phase.
    assert len(r.request_details) == 39
    first = r.request_details[0]
    assert (first["latency_ms"], first["ttft_ms"], first["completion_tokens"]) == (
        7936.968269,
        1680.543782,
        193,
    )
    assert first["itl_ms"] == 32.585544203124996  # the record's inter_token_latency, not inter_chunk
    assert r.itl_p50_ms == pytest.approx(27.615130366666666)  # the summary's value is kept
    assert any("per-request timings of 39 requests" in n for n in o.notes)


# --- strange values anywhere: a reason or a result, never a traceback -----------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

JSON_FIXTURES = [
    FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json",
    FORMATS / "vllm" / "gpt-oss-120b_concurrency_16_req_rate_inf_gpus_16_ctx_8_gen_8.json",
    FORMATS / "guidellm" / "benchmarks_stripped.v0.2-0.3schema.json",
    FORMATS / "aiperf" / "aiperf-repo_run1_profile_export_aiperf.json",
    FORMATS / "llmperf" / "bedrock_70b_summary.json",
    FORMATS / "inference-perf" / "vllm+batch_size_stage_0_lifecycle_metrics.json",
    FORMATS / "probador" / "CONSTRUCTED_bench-repeats-llamacpp-gpu.json",
    FORMATS / "sglang" / "CONSTRUCTED_bench_serving_output-details.jsonl",  # one line, with Infinity
]
STRANGE = st.sampled_from(
    [
        None,
        True,
        -1,
        -0.5,
        0,
        1e308,
        -1e308,
        "NaN",
        "Infinity",
        "12",
        "",
        "\u202e",
        [],
        {},
        [1, "x"],
        {"a": None},
    ]
)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list) and value and len(value) < 8:
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    if path:
        yield path


def _replaced(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    out = list(value)
    out[head] = _replaced(value[head], rest, new)
    return out


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_strange_value_anywhere_gives_a_result_or_a_reason(data, tmp_path_factory):
    fixture = data.draw(st.sampled_from(JSON_FIXTURES))
    value = json.loads(fixture.read_text())
    changed = value
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_leaves(changed))  # anew: a replaced object has other leaves
        if paths:
            changed = _replaced(changed, data.draw(st.sampled_from(paths)), data.draw(STRANGE))
    path = tmp_path_factory.mktemp("strange") / "x.json"
    path.write_text(json.dumps(changed, allow_nan=True))
    item = classify_file(path, 1 << 24)  # never raises
    for result, _, origin in item.imported:
        # Placeholders only (a missing total is taken as the successful count), each listed.
        numbers = [getattr(result, f) for f in origin.missing if f not in ("timestamp", "total_requests")]
        assert all(n == 0 for n in numbers)
        assert all(math.isfinite(v) for v in (result.tokens_per_sec, result.ttft_p50_ms))
    if not item.imported and item.kind is not FileKind.RESULT:
        assert item.reason  # a reason, naming what is wrong


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    line=st.integers(0, 12),
    text=st.sampled_from(["", "NaN", "-5", "1e400", "99999999999999999999", "abc", "4 (5 ok, x failed)"]),
)
def test_a_strange_console_report_gives_a_result_or_stays_text(line, text):
    lines = (FORMATS / "probador" / "CONSTRUCTED_console-output-llamacpp-c1.json").read_text().splitlines()
    if line < len(lines) and ":" in lines[line]:
        lines[line] = lines[line].split(":", 1)[0] + ": " + text
    imported = reads("\n".join(lines))
    if imported is not None:
        for result, _, _ in imported.results:
            assert math.isfinite(result.tokens_per_sec) and result.successful <= 2**63
