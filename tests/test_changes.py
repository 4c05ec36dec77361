"""Noise estimation and change detection over run histories."""

from __future__ import annotations

import datetime as dt
import random
from statistics import NormalDist

import pytest

from sitegen.catalog.changes import estimate_noise, significant_changes
from sitegen.catalog.model import Series, SeriesPoint


def series(runtime: str, values: list[float], metric: str = "decode_tok_s") -> Series:
    start = dt.date(2026, 1, 1)
    points = tuple(
        SeriesPoint(f"hw/run-{i:02d}", start + dt.timedelta(days=7 * i), v, runtime, f"{runtime}.json")
        for i, v in enumerate(values)
    )
    return Series("hw", runtime, metric, None, points)


def test_a_step_change_is_flagged_and_pure_noise_is_not():
    rng = random.Random(42)
    noise_only = [100.0 + rng.gauss(0, 1.5) for _ in range(16)]
    stepped = [100.0 + rng.gauss(0, 1.5) + (12.0 if i >= 9 else 0.0) for i in range(16)]
    changes = significant_changes([series("steady", noise_only), series("improved", stepped)])
    assert [(c.runtime, c.run_id, c.previous_run_id, c.better) for c in changes] == [
        ("improved", "hw/run-09", "hw/run-08", True)
    ]
    noise = estimate_noise(stepped)
    assert noise is not None and 0.7 < noise.sigma < 3.0


def test_direction_decides_better_or_worse():
    ttft = [50.0, 50.4, 49.7, 50.2, 49.9, 50.1, 65.0, 65.3, 64.8]
    (change,) = significant_changes([series("rt", ttft, metric="ttft_p50_ms")])
    assert change.delta > 0 and not change.better  # a slower first token is worse
    assert round(change.relative, 2) == 0.30


def test_short_histories_and_flat_series():
    assert estimate_noise([1.0, 2.0, 3.0]) is None  # too few runs to say what noise is
    flat = [80.0] * 8 + [80.5] + [80.0] * 3
    assert significant_changes([series("rt", flat)]) == []  # below the 2 % floor


# --- the detector on a synthetic history whose truth is known ----------------------------------

RUNS = 24


def noisy(rng: random.Random, spread: float = 0.03) -> list[float]:
    return [1000.0 * (1.0 + rng.gauss(0.0, spread)) for _ in range(RUNS)]


def test_steps_are_found_at_their_run_and_noise_and_outliers_are_not_changes():
    """40 series of pure noise at 3 % (an outlier of ±25 % at one run of every other one) and 10
    series with a 10 % step at a known run: every step found at its run (±1), at most one false
    alarm over the noise series, no outlier reported as a change."""
    rng = random.Random(20261208)
    false_alarms, outlier_reports = 0, 0
    for i in range(40):
        values = noisy(rng)
        outlier = None
        if i % 2:
            outlier = 3 + i % (RUNS - 6)
            values[outlier] *= 1.25 if i % 4 == 1 else 0.75
        changes = significant_changes([series(f"noise-{i}", values)])
        false_alarms += len(changes)
        outlier_reports += sum(
            1 for c in changes if c.run_id in (f"hw/run-{outlier:02d}", f"hw/run-{(outlier or 0) + 1:02d}")
        )
    assert false_alarms <= 1
    assert outlier_reports == 0
    covered = 0
    for i in range(10):
        values = noisy(rng)
        at = 6 + i  # runs 6 to 15
        up = i % 2 == 0
        values[at:] = [v * (1.10 if up else 0.90) for v in values[at:]]
        changes = significant_changes([series(f"step-{i}", values)])
        found = [int(c.run_id.removeprefix("hw/run-")) for c in changes]
        assert any(abs(run - at) <= 1 for run in found), (at, found)
        (change,) = [c for c in changes if abs(int(c.run_id.removeprefix("hw/run-")) - at) <= 1]
        assert change.confirmed and change.better == up
        low, high = change.relative_interval
        covered += low < (0.10 if up else -0.10) < high
    assert covered >= 8  # a 95 % interval of the size holds the true one (9.5 of 10 expected)


def test_the_methodology_figures_are_the_replay_of_the_same_sets():
    from sitegen.catalog.changes import REPLAY_LENGTHS, REPLAY_SET, published_replays, replay

    live = (replay(), *(replay(runs=runs, **REPLAY_SET) for runs in REPLAY_LENGTHS))
    assert published_replays() == live, f"the detector's figures are now {live}: update PUBLISHED_FIGURES"

    figures = replay()
    assert (figures.noise_series, figures.step_series, figures.outliers) == (40, 10, 20)
    assert figures.false_alarms <= 1 and figures.outliers_reported == 0
    assert figures.steps_found == 10
    larger = replay(noise_series=400, step_series=100, seed=7)
    assert larger.false_alarm_rate < 0.02 and larger.detection_rate > 0.9
    assert replay() == figures  # seeded: the same figures every time


def test_an_outlier_at_the_latest_run_is_unconfirmed_and_one_before_it_is_nothing():
    rng = random.Random(5)
    values = noisy(rng, 0.01)
    values[-1] *= 0.8
    (change,) = significant_changes([series("rt", values)])
    assert change.run_id == f"hw/run-{RUNS - 1:02d}" and not change.confirmed and change.runs_after == 1
    values.append(1000.0)  # the next run is back at the old level: no change anywhere
    assert significant_changes([series("rt", values)]) == []


def test_whole_number_scores_never_have_zero_noise():
    from sitegen.catalog.changes import ROUNDING_SIGMA

    flat = [84.0] * 7 + [85.0]
    noise = estimate_noise(flat)
    assert noise.sigma == ROUNDING_SIGMA and noise.floor == "rounding" and noise.threshold > 1


def test_a_rate_of_requests_has_at_least_its_binomial_noise():
    from sitegen.catalog.changes import series_noise

    points = tuple(
        SeriesPoint(f"hw/run-{i:02d}", None, v, "rt", "rt.json", trials=48)
        for i, v in enumerate([0.0] * 7 + [4.167])
    )
    noise = series_noise(Series("hw", "rt", "error_rate", 4, points))
    rate = (2 + 0.5) / (8 * 48 + 1)  # pooled, with half a request either way
    assert noise.floor == "requests" and noise.sigma == pytest.approx(100 * (rate * (1 - rate) / 48) ** 0.5)


def test_binomial_tail_is_exact():
    from math import comb

    from sitegen.catalog.changes import binomial_tail

    p = 0.01
    upper = sum(comb(48, k) * p**k * (1 - p) ** (48 - k) for k in range(2, 49))
    assert binomial_tail(2, 48, p, upper=True) == pytest.approx(upper, rel=1e-9)
    assert binomial_tail(0, 48, p, upper=True) == pytest.approx(1.0)
    assert binomial_tail(48, 48, p, upper=False) == pytest.approx(1.0)


def test_what_else_differed_between_the_two_runs():
    from sitegen.catalog.changes import what_differed
    from sitegen.catalog.metadata import RunMetadata

    values = [100.0, 101.0, 99.0, 100.5, 99.5, 100.0, 120.0, 121.0, 119.5]
    (change,) = significant_changes([series("rt", values)])
    before = RunMetadata(commit="abc123", tags=("nightly",), fields=(("image", "vllm:0.6.3"),))
    after = RunMetadata(commit="def456", tags=("nightly",), fields=(("image", "vllm:0.6.4"),))
    assert what_differed(change, before, after) == (
        "commit: abc123 → def456",
        "image: vllm:0.6.3 → vllm:0.6.4",
    )
    assert what_differed(change, before, before) == ()


def test_the_bundled_examples(tmp_path):
    """The ollama c=4 error-rate jump on the H100 (0 % for four runs, then 2 of 48 requests) is
    found, at its run and unconfirmed; no composite's noise is zero."""
    from pathlib import Path

    from sitegen.catalog.build import build_catalog
    from sitegen.catalog.changes import series_noise
    from sitegen.catalog.comparison import compare_noise
    from sitegen.config import load_config

    catalog = build_catalog(load_config(Path(__file__).parents[1] / "site.toml"))
    changes = significant_changes(catalog.series)
    (jump,) = [
        c
        for c in changes
        if (c.hardware, c.runtime, c.metric, c.concurrency) == ("h100-sxm", "ollama", "error_rate", 4)
    ]
    assert jump.run_id == "synthetic/h100-sxm/2026-02-23" and not jump.better and not jump.confirmed
    assert jump.after == pytest.approx(4.167, abs=1e-3)
    composites = [s for s in catalog.series if s.metric == "composite"]
    noises = [series_noise(s) for s in composites]
    assert all(n.sigma > 0 for n in noises if n is not None) and sum(n is not None for n in noises) > 20
    thresholds = [
        v
        for groups in compare_noise(list(catalog.series)).values()
        for g in groups.values()
        for v in g.values()
    ]
    assert thresholds and min(thresholds) > 0


def test_changes_json_lists_every_change_with_what_a_script_needs(example_site):
    import json

    doc = json.loads((example_site / "changes.json").read_text())
    changes = doc["changes"]
    (error,) = [
        c
        for c in changes
        if (c["hardware"], c["runtime"], c["metric"], c["concurrency"])
        == ("h100-sxm", "ollama", "error_rate", 4)
    ]
    assert (
        error["run"] == "synthetic/h100-sxm/2026-02-23"
        and error["previous_run"] == "synthetic/h100-sxm/2026-02-16"
    )
    assert error["direction"] == "worse" and error["confirmed"] is False and 0.95 < error["confidence"] < 1
    assert error["model"] == "qwen2.5-coder-1.5b-instruct-q4_k_m" and error["workload"] == "unspecified"
    assert error["relative"] is None and error["delta_ci95"][0] > 0  # from 0 %: no relative size
    step = next(
        c
        for c in changes
        if (c["hardware"], c["runtime"], c["metric"], c["concurrency"])
        == ("h100-sxm", "realizr", "decode_tok_s", 1)
    )
    assert (
        step["run"] == "synthetic/h100-sxm/2026-02-02" and step["confirmed"] and step["direction"] == "better"
    )
    low, high = step["relative_ci95"]
    assert low < step["relative"] < high and 0.15 < step["relative"] < 0.35
    assert step["what_differed"] and all("→" in d for d in step["what_differed"])
    dates = [c["date"] for c in changes]
    assert dates == sorted(dates)  # oldest first
    assert {c["direction"] for c in changes} == {"better", "worse"}


def test_student_t_tail_matches_the_tables():
    from sitegen.stats import t975, t_sf

    for df in (1, 2, 5, 10, 30, 200):
        assert t_sf(t975(df), df) == pytest.approx(0.025, abs=2e-5)
    assert t_sf(0.0, 4) == 0.5 and t_sf(-t975(3), 3) == pytest.approx(0.975, abs=2e-5)
    assert t_sf(4.0, 1e6) == pytest.approx(NormalDist().cdf(-4.0), rel=1e-3)  # the normal, at many df
