"""The result models accept what the reference deserializer accepts, and say why not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.catalog.classify import classify_file
from sitegen.results import LoadTestResult

EDGE = Path(__file__).resolve().parent / "fixtures" / "oracle" / "edge"

MINIMAL = {
    "total_requests": 10,
    "successful": 10,
    "failed": 0,
    "throughput_rps": 1.0,
    "latency_p50_ms": 100.0,
    "latency_p95_ms": 110.0,
    "latency_p99_ms": 120.0,
    "ttft_p50_ms": 20,
    "tokens_per_sec": 100.0,
    "timestamp": "2026-01-01T00:00:00Z",
    "runtime_name": "rt",
    "elapsed_secs": 10.0,
    "concurrency": 1,
}


def parse_result(raw: bytes) -> LoadTestResult | str:
    """The file's bytes as the catalog and `sitegen score` read them: the result, or the reason."""
    item = classify_file("result.json", 1 << 30, raw=raw)
    return item.results[0][0] if item.results else item.reason


def parse(obj: object) -> LoadTestResult | str:
    return parse_result(json.dumps(obj).encode())


def test_minimal_result_gets_defaults():
    r = parse(MINIMAL)
    assert isinstance(r, LoadTestResult)
    assert r.itl_p50_ms == 0.0 and r.request_details == [] and r.quality is None
    assert isinstance(r.ttft_p50_ms, float)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"concurrency": 4.5}, "concurrency: expected a non-negative integer, got 4.5"),
        ({"concurrency": -1}, "concurrency: expected a non-negative integer, got -1"),
        ({"total_requests": 10.0}, "total_requests: expected a non-negative integer, got 10.0"),
        ({"concurrency": True}, "concurrency: expected a non-negative integer, got true"),
        ({"itl_p50_ms": None}, "itl_p50_ms: expected a number, got null"),
        ({"tokens_per_sec": "100"}, 'tokens_per_sec: expected a number, got "100"'),
        ({"timestamp": 20260101}, "timestamp: expected a string, got 20260101"),
        ({"output_tokens_dist": [1, 2, 3]}, "output_tokens_dist: expected an array of 4 numbers"),
        ({"output_tokens_dist": [1, 2, 3, 4, 5]}, "output_tokens_dist: expected an array of 4 numbers"),
        ({"request_details": None}, "request_details: expected an array, got null"),
        ({"num_layers": 2**32}, "num_layers: integer out of range, got 4294967296"),
        ({"total_requests": 2**64}, "total_requests: integer out of range, got 18446744073709551616"),
        ({"quality": {"validation_level": "basic"}}, "quality.total_validated: missing required field"),
        (
            {
                "request_details": [
                    {"latency_ms": 1, "ttft_ms": 1, "completion_tokens": 1.5, "prompt_tokens": 1, "itl_ms": 1}
                ]
            },
            "request_details[0].completion_tokens: expected a non-negative integer, got 1.5",
        ),
    ],
)
def test_invalid_fields_name_the_field(change, reason):
    assert parse(MINIMAL | change) == reason


def test_missing_required_field():
    assert (
        parse({k: v for k, v in MINIMAL.items() if k != "elapsed_secs"})
        == "elapsed_secs: missing required field"
    )


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"\xef\xbb\xbf{}", "file starts with a byte-order mark (BOM); JSON must not"),
        (b'{"runtime_name": "\xff"}', "not UTF-8 text (invalid byte at offset 18)"),
        (b'{"a": 1', "invalid JSON: Expecting ',' delimiter at line 1 column 8"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON: nested too deeply"),
        # Valid JSON that is not a result at all: listed with the run as another file.
        (b'"just a string"', "not a result: a JSON string"),
        (b"42", "not a result: a JSON int"),
    ],
)
def test_unreadable_json(raw, reason):
    assert parse_result(raw) == reason


def test_nan_and_infinity_are_rejected():
    text = json.dumps(MINIMAL).replace('"throughput_rps": 1.0', '"throughput_rps": NaN')
    assert parse_result(text.encode()) == "invalid JSON: NaN is not a number JSON allows"
    text = json.dumps(MINIMAL).replace('"throughput_rps": 1.0', '"throughput_rps": -Infinity')
    assert "-Infinity" in parse_result(text.encode())
    text = json.dumps(MINIMAL).replace('"throughput_rps": 1.0', '"throughput_rps": 1e400')
    assert parse_result(text.encode()) == "throughput_rps: expected a finite number, got inf"


def test_negative_zero_integer_is_rejected_but_negative_zero_float_is_not():
    text = json.dumps(MINIMAL).replace('"failed": 0', '"failed": -0')
    assert parse_result(text.encode()) == "failed: expected a non-negative integer, got -0"
    text = json.dumps(MINIMAL).replace('"throughput_rps": 1.0', '"throughput_rps": -0')
    assert isinstance(parse_result(text.encode()), LoadTestResult)
    # "-0" inside a string is just text.
    assert isinstance(parse(MINIMAL | {"runtime_name": "rt-0"}), LoadTestResult)


def test_duplicate_known_field_is_rejected_unknown_is_not():
    text = json.dumps(MINIMAL)[:-1] + ', "runtime_name": "dup"}'
    assert parse_result(text.encode()) == "runtime_name: field given twice"
    text = json.dumps(MINIMAL | {"extra": 1})[:-1] + ', "extra": 2}'
    assert isinstance(parse_result(text.encode()), LoadTestResult)


def test_a_repeat_anywhere_in_a_record_is_rejected_on_every_path():
    """The fast path must not read a repeated field last-wins where the reference rejects it."""
    full = Path(__file__).resolve().parent / "fixtures" / "scorecards" / "full-sweep" / "vllm-4090-c4.json"
    text = full.read_text()
    cases = {
        "concurrency: field given twice": text.replace(
            '"concurrency": ', '"concurrency": 3, "concurrency": ', 1
        ),
        "gpu_telemetry.gpu_utilization_pct.mean: field given twice": text.replace(
            '"mean": ', '"mean": 1.0, "mean": ', 1
        ),
        "request_details[0].ttft_ms: field given twice": text.replace(
            '"ttft_ms": ', '"ttft_ms": 1.0, "ttft_ms": ', 1
        ),
    }
    for reason, mutated in cases.items():
        assert parse_result(mutated.encode()) == reason
    spaced = text.replace('"concurrency": ', '"concurrency" : 3, "concurrency"\n: ', 1)
    assert parse_result(spaced.encode()) == "concurrency: field given twice"
    in_a_string = text.replace('"runtime_name": ', '"note": "a\\": b", "runtime_name": ', 1)
    assert isinstance(parse_result(in_a_string.encode()), LoadTestResult)


def test_unknown_fields_ignored_and_null_options_absent():
    r = parse(MINIMAL | {"platform": "jetson", "cold_start_ms": None, "num_layers": None})
    assert isinstance(r, LoadTestResult) and r.cold_start_ms is None


def test_array_form_is_read_in_declaration_order():
    r = parse_result((EDGE / "ok-array-form.json").read_bytes())
    assert isinstance(r, LoadTestResult)
    assert r.runtime_name == "ok-array-form" and r.concurrency == 1 and r.tokens_per_sec == 100.0


def test_edge_fixtures_split_like_the_reference():
    loaded = sorted(
        p.name
        for p in EDGE.glob("*.json")
        if p.name != ".json" and isinstance(parse_result(p.read_bytes()), LoadTestResult)
    )
    assert loaded == sorted(p.name for p in EDGE.glob("ok-*.json"))
    for p in EDGE.glob("skip-*.json"):
        reason = parse_result(p.read_bytes())
        assert isinstance(reason, str) and "\n" not in reason, p.name


def test_realistic_results_take_the_fast_path():
    """Files with quality, telemetry, tail and request details must not fall back to the slow decoder."""
    from sitegen.results import parse_result_fast_with_value

    directory = Path(__file__).resolve().parent / "fixtures" / "scorecards" / "full-sweep"
    files = sorted(directory.glob("*-c*.json"))
    assert len(files) >= 16
    for path in files:
        assert parse_result_fast_with_value(path.read_bytes()) is not None, path.name
