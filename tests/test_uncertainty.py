"""Intervals from a result's own requests: the exact percentile bootstrap, distribution-free
order statistics for the tail, the delta method for throughput, each held to its coverage on
synthetic samples whose truth is known, and shown where the value is."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from statistics import NormalDist

import pytest

from sitegen.catalog.derived import MIN_INTERVAL_REQUESTS, request_intervals
from sitegen.results import result_from_value as parse_result
from sitegen.stats import (
    bootstrap_ranks,
    order_statistic_ranks,
    quantile_interval,
    quantile_rank,
    ratio_interval,
    tail_interval,
)

ROOT = Path(__file__).resolve().parents[1]
SERIAL = "qwen-coder-deploy/4090/2026-03-07-serial"
LLAMACPP = "4090-serial-llamacpp-c1-20260307.json"  # 514 requests, every one in request_details
TRIALS = 400


def lognormal_quantile(p: float, mu: float = 3.0, sigma: float = 0.5) -> float:
    return math.exp(mu + sigma * NormalDist().inv_cdf(p))


def coverage(rng: random.Random, n: int, p: float, interval) -> float:
    truth = lognormal_quantile(p)
    hits = 0
    for _ in range(TRIALS):
        bounds = interval([rng.lognormvariate(3.0, 0.5) for _ in range(n)], p)
        hits += bounds[0] <= truth <= bounds[1]
    return hits / TRIALS


def test_the_exact_bootstrap_is_what_resampling_converges_to():
    """Its bounds are the order statistics a seeded bootstrap of 4,000 resamples finds."""
    rng = random.Random(11)
    sample = sorted(rng.lognormvariate(3.0, 0.5) for _ in range(60))
    k = quantile_rank(60, 0.5)
    medians = sorted(sorted(rng.choices(sample, k=60))[k - 1] for _ in range(4000))
    low, high = medians[int(0.025 * 4000)], medians[int(0.975 * 4000) - 1]
    ranks = bootstrap_ranks(60, 0.5)
    assert abs(sample.index(low) + 1 - ranks[0]) <= 1 and abs(sample.index(high) + 1 - ranks[1]) <= 1


def test_a_bootstrap_interval_of_the_median_covers_the_truth_about_95_percent_of_the_time():
    rng = random.Random(2026)
    assert 0.92 <= coverage(rng, 200, 0.5, quantile_interval) <= 0.98
    # At the fewest requests given an interval it steps with the ranks: 92.5 % at 30 (3,000 trials).
    assert 0.88 <= coverage(rng, MIN_INTERVAL_REQUESTS, 0.5, quantile_interval) <= 0.99


def test_the_tail_interval_covers_a_p99_at_least_95_percent_of_the_time_or_is_not_given():
    rng = random.Random(7)
    assert 0.93 <= coverage(rng, 500, 0.99, tail_interval) <= 1.0
    # The bootstrap would fall short there: it cannot reach past the largest request.
    assert coverage(rng, 200, 0.99, quantile_interval) < 0.9
    # Below about 370 requests, 0.99^n stays over 2.5 %: no upper bound among them, no interval.
    assert order_statistic_ranks(300, 0.99) is None and tail_interval([1.0] * 300, 0.99) is None
    assert order_statistic_ranks(1000, 0.99) is not None


def test_the_throughput_interval_covers_the_true_ratio_about_95_percent_of_the_time():
    rng = random.Random(5)
    hits = 0
    for _ in range(TRIALS):
        tokens = [rng.randint(50, 300) for _ in range(100)]
        latency = [t * rng.uniform(8.0, 12.0) for t in tokens]  # 10 ms per token on average
        ratio = sum(tokens) / sum(latency)
        half = ratio_interval(tokens, latency)
        hits += ratio * (1 - half) <= 0.1 <= ratio * (1 + half)
    assert 0.92 <= hits / TRIALS <= 0.98


def real_result() -> dict:
    return json.loads((ROOT / "examples" / "results" / SERIAL / LLAMACPP).read_text())


def test_a_real_result_gets_intervals_that_hold_its_reported_values():
    value = real_result()
    result = parse_result(value)
    found = {i.metric: i for i in request_intervals(result)}
    assert set(found) == {"ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "tokens_per_sec"}
    for metric, interval in found.items():
        assert interval.n == 514 and interval.of == "requests"
        assert interval.low <= getattr(result, metric) <= interval.high and interval.low < interval.high
    # Request details that are a sample of the requests measure something else: no interval.
    value["request_details"] = value["request_details"][::2]
    assert request_intervals(parse_result(value)) == ()
    # Nor from too few requests.
    value["request_details"] = value["request_details"][: MIN_INTERVAL_REQUESTS - 1]
    value["successful"] = MIN_INTERVAL_REQUESTS - 1
    assert request_intervals(parse_result(value)) == ()


def test_intervals_show_in_tables_charts_and_metrics_json(example_site: Path):
    run = example_site / "runs" / SERIAL
    metrics = json.loads((run / "metrics.json").read_text())
    entry = next(r for r in metrics["results"] if r["file"] == LLAMACPP)
    ttft = entry["request_intervals"]["ttft_p50_ms"]
    assert ttft["n"] == 514 and ttft["ci95"][0] <= ttft["value"] <= ttft["ci95"][1]
    assert ttft["method"].startswith("exact percentile bootstrap")
    # The compare table's values carry the same interval, found by the result's file.
    assert metrics["compare"]["intervals"][LLAMACPP]["ttft_p50_ms"] == ttft["ci95"]
    page = (run / "index.html").read_text()
    plus, minus = ttft["ci95"][1] - ttft["value"], ttft["value"] - ttft["ci95"][0]
    assert f"+{plus:.3g} −{minus:.3g} (95 % CI, 514 requests)" in page
    # The latency chart draws it as an error bar.
    figure = json.loads(
        re.search(
            r'<script type="application/json" id="chart-latency-figure">(.*?)</script>', page, re.S
        ).group(1)
    )
    bar = figure["data"][0]
    i = bar["text"].index(next(t for t in bar["text"] if t.startswith(LLAMACPP)))
    assert bar["error_y"]["array"][i] == pytest.approx(plus, rel=1e-4)
    assert bar["error_y"]["arrayminus"][i] == pytest.approx(minus, rel=1e-4)


def test_history_charts_draw_the_interval_of_a_point_that_has_one(example_site: Path):
    """The 4090's TTFT history at c=1: the serial run's llama.cpp result has every request, so
    its point carries an error bar and its data table says the interval; the others have none."""
    page = (example_site / "hardware" / "rtx4090" / "index.html").read_text()
    figure = json.loads(
        re.search(r'<script type="application/json" id="chart-ttft-figure">(.*?)</script>', page, re.S).group(
            1
        )
    )
    metrics = json.loads((example_site / "runs" / SERIAL / "metrics.json").read_text())
    ttft = next(r for r in metrics["results"] if r["file"] == LLAMACPP)["request_intervals"]["ttft_p50_ms"]
    line = next(t for t in figure["data"] if t["name"].startswith("llama"))
    i = line["x"].index("2026-03-07")
    assert line["error_y"]["array"][i] == pytest.approx(ttft["ci95"][1] - ttft["value"], rel=1e-4)
    assert line["error_y"]["arrayminus"][i] == pytest.approx(ttft["value"] - ttft["ci95"][0], rel=1e-4)
    assert sum(v is not None for v in line["error_y"]["array"]) == 1
    table = page.split('id="chart-ttft-data"')[1].split("</table>")[0]
    assert f"95 % CI {ttft['ci95'][0]:.4g}–{ttft['ci95'][1]:.4g}" in table
