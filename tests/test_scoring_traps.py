"""The places where a naive Python port of the Rust scorer gives a different answer."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from helpers import make_test_result

from sitegen.scoring.composite import compute_scorecard, format_table, strip_concurrency_suffix
from sitegen.scoring.contract import DEFAULT_CONTRACT, MetricThreshold, ScoringContract
from sitegen.scoring.layer import compute_layer_scorecard, format_layer_table
from sitegen.scoring.metric import compute_metric_score
from sitegen.scoring.numeric import (
    as_u8,
    round_half_away,
    rust_display,
)
from sitegen.scoring.power import compute_power_efficiency_scorecard, format_power_table
from sitegen.scoring.profile import compute_profile_scorecard
from sitegen.scoring.scaling import compute_concurrency_scaling_scorecard


@pytest.mark.parametrize(
    "value, expected",
    [
        (2.5, 3.0),
        (0.5, 1.0),
        (1.5, 2.0),
        (-2.5, -3.0),
        (92.5, 93.0),
        (2.4999999999999996, 2.0),
        (0.49999999999999994, 0.0),
        (74.5, 75.0),
    ],
)
def test_round_half_away_from_zero(value, expected):
    assert round_half_away(value) == expected


def test_metric_scores_round_half_away_from_zero():
    # 103 between good 100 and excellent 150 scores exactly 76.5: Rust rounds it to 77, where
    # Python's round() would give 76 (half to even).
    assert compute_metric_score(103.0, MetricThreshold(150.0, 100.0, True)) == 77
    assert compute_metric_score(97.0, MetricThreshold(50.0, 100.0, False)) == 77  # lower is better


def test_a_composite_of_exactly_92_5_is_published_as_93():
    """Through the scorer: scores 100, 100, 75, 75, 100 under the interactive weights sum to 92.5."""
    contract = ScoringContract(best_in_class_bonus=0)  # one runtime: no bonus to blur the sum
    thresholds = contract.thresholds
    itl_good, p99_good = thresholds["itl_p50_ms"].good, thresholds["ttft_p99_ms"].good
    result = make_test_result("rt-c1", 200.0, 5.0, itl_good, p99_good, 0.0, 1)
    card = compute_scorecard([(result, "a.json")], None, contract)
    scores = {m: s.score for m, s in card.runtimes[0].metrics.items()}
    assert scores == {
        "decode_tok_s": 100,
        "ttft_p50_ms": 100,
        "itl_p50_ms": 75,
        "ttft_p99_ms": 75,
        "error_rate": 100,
    }
    assert card.runtimes[0].composite == 93.0


@pytest.mark.parametrize(
    "value, expected", [(-3.0, 0), (float("nan"), 0), (300.0, 255), (254.9, 254), (0.0, 0), (74.0, 74)]
)
def test_saturating_u8_cast(value, expected):
    assert as_u8(value) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("realizr-c4", "realizr"),
        ("realizr-jetson-c16", "realizr-jetson"),
        ("rt-c", "rt-c"),
        ("rt-c4a", "rt-c4a"),
        ("rt-c-4", "rt-c-4"),
        ("llamacpp-cpu", "llamacpp-cpu"),
        ("a-c1-c2", "a-c1"),
        ("-c8", ""),
        ("rt-c٣", "rt-c٣"),
        ("rt_c4", "rt_c4"),
    ],
)
def test_strip_concurrency_suffix_only_ascii_digits(name, expected):
    assert strip_concurrency_suffix(name) == expected


def test_thresholds_print_like_rust_display():
    assert rust_display(220.0) == "220"
    assert rust_display(1.5) == "1.5"
    assert rust_display(3.0) == "3"
    assert rust_display(1e-7) == "0.0000001"
    assert rust_display(-0.0) == "-0"
    r = make_test_result("rt", 100.0, 10.0, 7.0, 12.0, 0.0, 1, decode_us_per_layer=250.0)
    assert format_layer_table(compute_layer_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades)).endswith(
        "Thresholds: excellent <= 220us, good <= 300us"
    )
    tel = {
        "samples": 1,
        "memory_total_mb": 1.0,
        "throttle_events": 0,
        "energy_total_wh": 0.0,
        "energy_per_token_mj": 0.0,
        "energy_per_request_mj": 0.0,
        **{
            k: {"mean": 50.0, "max": 50.0, "min": 50.0}
            for k in (
                "gpu_utilization_pct",
                "memory_used_mb",
                "power_draw_w",
                "temperature_c",
                "clock_gpu_mhz",
            )
        },
    }
    r = make_test_result("rt", 100.0, 10.0, 7.0, 12.0, 0.0, 1, gpu_telemetry=tel)
    power = format_power_table(compute_power_efficiency_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades))
    assert power.endswith("Thresholds: excellent >= 3 tok/s/W, good >= 1.5 tok/s/W")


def test_scaling_needs_c1_results():
    c4 = make_test_result("rt-c4", 100.0, 20.0, 9.0, 30.0, 0.0, 4, tokens_per_sec=380.0)
    c8 = make_test_result("rt-c8", 90.0, 30.0, 11.0, 40.0, 0.0, 8, tokens_per_sec=700.0)
    card = compute_concurrency_scaling_scorecard([(c4, "a.json"), (c8, "b.json")], DEFAULT_CONTRACT.grades)
    assert card.runtimes == ()
    composite = compute_scorecard([(c4, "a.json")], None, DEFAULT_CONTRACT)
    assert "throughput_scaling" not in composite.runtimes[0].metrics
    assert " -" in format_table(composite).splitlines()[5]


def test_scaling_uses_c1_of_same_base_name():
    c1 = make_test_result("rt-c1", 100.0, 10.0, 10.0, 12.0, 0.0, 1)
    other_c1 = make_test_result("other-c1", 10.0, 10.0, 10.0, 12.0, 0.0, 1)
    c4 = make_test_result("rt-c4", 95.0, 20.0, 10.5, 30.0, 0.0, 4, tokens_per_sec=380.0)
    card = compute_scorecard([(c4, "c4.json")], [(other_c1, "o.json"), (c1, "c1.json")], DEFAULT_CONTRACT)
    assert card.runtimes[0].metrics["throughput_scaling"].value == pytest.approx(3.8)


def test_scaling_peak_tie_takes_lowest_concurrency():
    # The reference picks either level at random; sitegen always the lower one.
    c1 = make_test_result("rt-c1", 100.0, 10.0, 10.0, 12.0, 0.0, 1)
    c2 = make_test_result("rt-c2", 100.0, 10.0, 10.0, 12.0, 0.0, 2, tokens_per_sec=300.0)
    c4 = make_test_result("rt-c4", 100.0, 10.0, 10.0, 12.0, 0.0, 4, tokens_per_sec=300.0)
    for order in ([c1, c2, c4], [c4, c2, c1]):
        card = compute_concurrency_scaling_scorecard([(r, "f.json") for r in order], DEFAULT_CONTRACT.grades)
        assert card.runtimes[0].peak_concurrency == 2
        assert card.runtimes[0].scaling_efficiency == 1.5


def test_scaling_peak_tie_with_concurrency_0_keeps_the_row():
    # A peak shared by c=0 and c=4: the reference either drops the row (peak at c=0) or keeps it
    # (peak at c=4), by hash order; sitegen keeps it, at c=4.
    c0 = make_test_result("rt-c0", 100.0, 10.0, 10.0, 12.0, 0.0, 0, tokens_per_sec=300.0)
    c1 = make_test_result("rt-c1", 100.0, 10.0, 10.0, 12.0, 0.0, 1)
    c4 = make_test_result("rt-c4", 100.0, 10.0, 10.0, 12.0, 0.0, 4, tokens_per_sec=300.0)
    card = compute_concurrency_scaling_scorecard(
        [(r, "f.json") for r in (c0, c1, c4)], DEFAULT_CONTRACT.grades
    )
    assert [(rt.name, rt.peak_concurrency) for rt in card.runtimes] == [("rt", 4)]
    higher_at_0 = make_test_result("rt-c0", 100.0, 10.0, 10.0, 12.0, 0.0, 0, tokens_per_sec=900.0)
    card = compute_concurrency_scaling_scorecard(
        [(r, "f.json") for r in (higher_at_0, c1, c4)], DEFAULT_CONTRACT.grades
    )
    assert card.runtimes == ()  # a real peak at c=0 drops the row, as in the reference


def test_equal_efficiencies_and_consistencies_break_ties_by_name():
    rows = []
    for name in ("zeta", "alpha"):
        rows.append((make_test_result(f"{name}-c1", 50.0, 10.0, 20.0, 12.0, 0.0, 1), "a.json"))
        rows.append(
            (make_test_result(f"{name}-c8", 50.0, 10.0, 20.0, 12.0, 0.0, 8, tokens_per_sec=200.0), "b")
        )
    card = compute_concurrency_scaling_scorecard(rows, DEFAULT_CONTRACT.grades)
    assert [r.name for r in card.runtimes] == ["alpha", "zeta"]
    assert [r.best for r in card.runtimes] == [True, False]
    profile_rows = []
    for name in ("q", "p"):
        profile_rows.append((make_test_result(name, 100.0, 20.0, 10.0, 30.0, 0.0, 1), "s.json"))
        profile_rows.append(
            (make_test_result(name, 100.0, 80.0, 10.0, 30.0, 0.0, 1, prompt_tokens_total=10200), "m.json")
        )
    profile = compute_profile_scorecard(profile_rows, DEFAULT_CONTRACT)
    assert [c.name for c in profile.consistency] == ["p", "q"]


@pytest.mark.parametrize("value", [0.0, -5.0])
def test_zero_and_negative_values(value):
    higher = MetricThreshold(160.0, 120.0, True)
    lower = MetricThreshold(12.0, 50.0, False)
    assert compute_metric_score(value, higher) == 0
    # Lower-is-better treats 0 and negatives as at or below excellent.
    assert compute_metric_score(value, lower) == 100
    r = make_test_result("rt", 100.0, 10.0, 7.0, 12.0, 0.0, 1, decode_us_per_layer=value)
    assert compute_layer_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades).runtimes == ()


def test_lower_is_better_with_zero_good_threshold():
    # error_rate: excellent 0, good 0.01; above good scores 75 * good / value.
    errors = MetricThreshold(0.0, 0.01, False)
    assert compute_metric_score(1.0, errors) == 1
    assert compute_metric_score(0.02, errors) == 38
    assert compute_metric_score(0.005, errors) == 88
    assert compute_metric_score(1.0, MetricThreshold(0.0, 0.0, False)) == 0


def test_best_in_class_bonus_goes_to_first_of_equals():
    a = make_test_result("a", 150.0, 15.0, 7.0, 20.0, 0.0, 1)
    b = make_test_result("b", 150.0, 15.0, 7.0, 20.0, 0.0, 1)
    card = compute_scorecard([(a, "a.json"), (b, "b.json")], None, DEFAULT_CONTRACT)
    by_name = {r.name: r for r in card.runtimes}
    assert by_name["a"].metrics["decode_tok_s"].best and not by_name["b"].metrics["decode_tok_s"].best
    for metric, b_score in by_name["b"].metrics.items():
        # +5 for best in class, capped at 100.
        assert by_name["a"].metrics[metric].score == min(b_score.score + 5, 100)
    assert by_name["a"].composite > by_name["b"].composite


def test_jitter_penalty_subtracts_from_itl_and_saturates():
    from helpers import tail

    spiky = make_test_result("rt", 150.0, 15.0, 7.0, 20.0, 0.0, 1, tail_analysis=tail(0.5, 40))
    card = compute_scorecard([(spiky, "a.json")], None, DEFAULT_CONTRACT)
    itl = card.runtimes[0].metrics["itl_p50_ms"]
    assert itl.jitter_penalty == 30
    # 7 ms ITL scores 94, minus 30, plus the best-in-class bonus.
    assert itl.score == 94 - 30 + 5
    negative_cv = make_test_result("rt", 150.0, 15.0, 7.0, 20.0, 0.0, 1, tail_analysis=tail(-5.0, 0))
    assert (
        compute_scorecard([(negative_cv, "a")], None, DEFAULT_CONTRACT)
        .runtimes[0]
        .metrics["itl_p50_ms"]
        .jitter_penalty
        == 0
    )


def test_negative_zero_prints_like_rust():
    # Rust prints -0.0 as "-0.0" with a precision and "-0" with `{}`; so must the tables.
    from sitegen.scoring.profile import compute_profile_scorecard, format_profile_table

    result = make_test_result("rt-c1", 150.0, 10.0, 7.0, 12.0, 0.0, 1, ttft_p50_ms=-0.0)
    table = format_profile_table(compute_profile_scorecard([(result, "a.json")], DEFAULT_CONTRACT))
    assert table.splitlines()[-1].split()[4] == "-0.0"
    assert rust_display(-0.0) == "-0" and rust_display(0.0) == "0"


def test_half_sum_fixture_really_lands_on_a_half():
    """The golden half-sums fixture exercises the .5 case: exact sum 92.5, published 93."""
    from pathlib import Path

    from sitegen.catalog.directory import load_directory
    from sitegen.scoring.report import score_results

    load = load_directory(Path(__file__).parent / "fixtures" / "scorecards" / "half-sums")
    card = score_results(load.loaded).composite[1]
    half_a = next(rt for rt in card.runtimes if rt.name == "half-a-c1")
    weights = DEFAULT_CONTRACT.interactive_weights
    exact = sum(Fraction(repr(weights[m])) * s.score for m, s in half_a.metrics.items())
    assert exact == Fraction(185, 2)
    assert half_a.composite == 93.0 and half_a.grade == "A"


@pytest.mark.parametrize(
    "scores",
    [[100, 100, 75, 75, 100], [0, 0, 0, 0, 0], [99, 1, 50, 51, 33], [74, 75, 76, 77, 78], [1, 0, 0, 0, 5]],
)
def test_integer_rounding_matches_exact_fractions(scores):
    from sitegen.scoring.numeric import rounded_weighted_sum

    pairs = list(zip([0.3, 0.3, 0.15, 0.15, 0.1], scores, strict=True))
    exact = sum(Fraction(repr(w)) * s for w, s in pairs)  # the decimal weights, as written
    floor = math.floor(exact)
    assert rounded_weighted_sum(pairs) == floor + (1 if exact - floor >= Fraction(1, 2) else 0)


def test_single_table_ties_break_by_name_then_concurrency_then_file():
    from sitegen.scoring.cold_start import compute_cold_start_scorecard

    def cold(name: str, c: int) -> object:
        return make_test_result(
            name, 100.0, 10.0, 7.0, 12.0, 0.0, c, decode_us_per_layer=250.0, cold_start_ms=800.0
        )

    rows = [
        (cold("b", 1), "a.json"),
        (cold("a", 4), "b.json"),
        (cold("a", 1), "d.json"),
        (cold("a", 1), "c.json"),
    ]
    for card in (
        compute_layer_scorecard(rows, DEFAULT_CONTRACT.grades),
        compute_cold_start_scorecard(rows, DEFAULT_CONTRACT.grades),
    ):
        assert [r.name for r in card.runtimes] == ["a", "a", "a", "b"]
        assert [r.best for r in card.runtimes] == [True, False, False, False]
    # Among the three "a" rows: c=1 before c=4, and c.json before d.json at c=1 (seen through the layer count).
    layered = [
        (cold("a", 1), "d.json"),
        (
            make_test_result("a", 100.0, 10.0, 7.0, 12.0, 0.0, 1, decode_us_per_layer=250.0, num_layers=40),
            "c.json",
        ),
    ]
    assert [r.num_layers for r in compute_layer_scorecard(layered, DEFAULT_CONTRACT.grades).runtimes] == [
        40,
        28,
    ]
