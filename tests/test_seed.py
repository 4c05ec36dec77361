"""The reference module's own `#[cfg(test)]` tests, ported one for one."""

from __future__ import annotations

from helpers import TELEMETRY, make_test_result, make_test_result_with_layers, tail

from sitegen.results import TailAnalysis
from sitegen.scoring.cold_start import compute_cold_start_scorecard
from sitegen.scoring.composite import compute_scorecard
from sitegen.scoring.contract import DEFAULT_CONTRACT, MetricThreshold
from sitegen.scoring.correctness import compute_correctness_scorecard
from sitegen.scoring.layer import compute_layer_scorecard
from sitegen.scoring.memory import compute_memory_scorecard
from sitegen.scoring.metric import assign_grade, compute_jitter_penalty, compute_metric_score
from sitegen.scoring.output_length import OutputLengthCategory
from sitegen.scoring.power import compute_power_efficiency_scorecard
from sitegen.scoring.profile import PromptCategory, compute_profile_scorecard
from sitegen.scoring.scaling import compute_concurrency_scaling_scorecard

DECODE = MetricThreshold(160.0, 120.0, True)
TTFT = MetricThreshold(12.0, 50.0, False)
ERRORS = MetricThreshold(0.0, 0.01, False)


def test_higher_is_better_at_excellent():
    assert compute_metric_score(160.0, DECODE) == 100
    assert compute_metric_score(200.0, DECODE) == 100


def test_higher_is_better_at_good():
    assert compute_metric_score(120.0, DECODE) == 75


def test_higher_is_better_below_good():
    assert compute_metric_score(60.0, DECODE) == 38


def test_higher_is_better_zero():
    assert compute_metric_score(0.0, DECODE) == 0


def test_lower_is_better_at_excellent():
    assert compute_metric_score(12.0, TTFT) == 100
    assert compute_metric_score(5.0, TTFT) == 100


def test_lower_is_better_at_good():
    assert compute_metric_score(50.0, TTFT) == 75


def test_lower_is_better_above_good():
    assert compute_metric_score(100.0, TTFT) == 38


def test_error_rate_zero_is_perfect():
    assert compute_metric_score(0.0, ERRORS) == 100


def test_error_rate_low_still_high_score():
    assert compute_metric_score(0.007, ERRORS) >= 80


def test_jitter_penalty_clean():
    assert compute_jitter_penalty(TailAnalysis.model_validate(tail(0.01, 0))) == 1


def test_jitter_penalty_spiky():
    spiky = tail(0.15, 10)
    penalty = compute_jitter_penalty(TailAnalysis.model_validate(spiky))
    assert 25 <= penalty <= 30


def test_grade_assignment():
    grades = DEFAULT_CONTRACT.grades
    expected = {
        97.0: "A+",
        92.0: "A",
        85.0: "A-",
        80.0: "B+",
        75.0: "B",
        60.0: "C+",
        50.0: "C",
        40.0: "D",
        30.0: "D-",
        10.0: "F",
    }
    for score, grade in expected.items():
        assert assign_grade(score, grades) == grade


def test_no_single_metric_dominates():
    weights = DEFAULT_CONTRACT.interactive_weights
    for zeroed in weights:
        total = sum(w * (0.0 if m == zeroed else 100.0) for m, w in weights.items())
        assert total >= 40.0, f"zeroing {zeroed} drops composite to {total}"


def test_weights_sum_to_one():
    assert abs(sum(DEFAULT_CONTRACT.interactive_weights.values()) - 1.0) < 0.001
    assert abs(sum(DEFAULT_CONTRACT.throughput_weights.values()) - 1.0) < 0.001


def test_score_independence_from_field():
    a = make_test_result("runtime_a", 150.0, 15.0, 7.0, 20.0, 0.0, 1)
    b = make_test_result("runtime_b", 130.0, 30.0, 8.0, 40.0, 0.0, 1)
    c = make_test_result("runtime_c", 100.0, 60.0, 12.0, 80.0, 0.01, 1)
    abc = compute_scorecard([(a, "a.json"), (b, "b.json"), (c, "c.json")], None, DEFAULT_CONTRACT)
    ab = compute_scorecard([(a, "a.json"), (b, "b.json")], None, DEFAULT_CONTRACT)
    with_bc = next(r for r in abc.runtimes if r.name == "runtime_a").composite
    with_b = next(r for r in ab.runtimes if r.name == "runtime_a").composite
    assert abs(with_bc - with_b) <= DEFAULT_CONTRACT.best_in_class_bonus


def test_layer_scoring_best_first():
    results = [
        (make_test_result_with_layers("fast", 160.0, 12.0, 220.0, 2300), "a.json"),
        (make_test_result_with_layers("slow", 100.0, 50.0, 350.0, 2300), "b.json"),
    ]
    card = compute_layer_scorecard(results, DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 2
    assert card.runtimes[0].name == "fast"
    assert card.runtimes[0].best
    assert card.runtimes[0].score > card.runtimes[1].score


def test_layer_scoring_excellent_threshold():
    results = [(make_test_result_with_layers("vllm", 160.0, 12.0, 220.0, 2300), "a.json")]
    assert compute_layer_scorecard(results, DEFAULT_CONTRACT.grades).runtimes[0].score == 100


def test_prompt_category_classification():
    assert PromptCategory.from_avg_prompt_tokens(10.0) is PromptCategory.MICRO
    assert PromptCategory.from_avg_prompt_tokens(23.0) is PromptCategory.SHORT
    assert PromptCategory.from_avg_prompt_tokens(102.0) is PromptCategory.MEDIUM
    assert PromptCategory.from_avg_prompt_tokens(512.0) is PromptCategory.LONG


def test_profile_consistency_perfect():
    short = make_test_result_with_layers("runtime_a", 150.0, 15.0, 240.0, 2300)
    medium = make_test_result_with_layers("runtime_a", 150.0, 15.0, 240.0, 10200)
    card = compute_profile_scorecard([(short, "short.json"), (medium, "medium.json")], DEFAULT_CONTRACT)
    assert len(card.entries) >= 2
    assert card.consistency, "two profiles of one runtime give a consistency row"
    assert card.consistency[0].consistency == 100.0


def test_correctness_scoring():
    r = make_test_result(
        "runtime_a",
        150.0,
        15.0,
        7.0,
        20.0,
        0.0,
        1,
        quality={
            "validation_level": "basic",
            "total_validated": 100,
            "passed": 100,
            "failed": 0,
            "pass_rate": 1.0,
        },
    )
    card = compute_correctness_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 1
    assert card.runtimes[0].score == 100


def test_correctness_partial():
    r = make_test_result(
        "runtime_a",
        150.0,
        15.0,
        7.0,
        20.0,
        0.0,
        1,
        quality={
            "validation_level": "basic",
            "total_validated": 100,
            "passed": 90,
            "failed": 10,
            "pass_rate": 0.9,
        },
    )
    card = compute_correctness_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades)
    assert card.runtimes[0].score < 75


def test_output_length_classification():
    assert OutputLengthCategory.from_tokens(10) is OutputLengthCategory.SHORT
    assert OutputLengthCategory.from_tokens(32) is OutputLengthCategory.MEDIUM
    assert OutputLengthCategory.from_tokens(128) is OutputLengthCategory.MEDIUM
    assert OutputLengthCategory.from_tokens(200) is OutputLengthCategory.LONG


def test_memory_scoring():
    r = make_test_result("runtime_a", 140.0, 15.0, 7.0, 20.0, 0.0, 1, gpu_telemetry=TELEMETRY)
    card = compute_memory_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 1
    assert card.runtimes[0].score >= 95


def test_cold_start_scoring():
    fast = make_test_result("realizr", 140.0, 15.0, 7.0, 20.0, 0.0, 1, cold_start_ms=300.0)
    slow = make_test_result("vllm", 160.0, 12.0, 6.0, 15.0, 0.0, 1, cold_start_ms=15000.0)
    card = compute_cold_start_scorecard([(fast, "a.json"), (slow, "b.json")], DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 2
    assert card.runtimes[0].name == "realizr"
    assert card.runtimes[0].score > card.runtimes[1].score


def test_power_efficiency_scoring():
    r = make_test_result("runtime_a", 140.0, 15.0, 7.0, 20.0, 0.0, 1, gpu_telemetry=TELEMETRY)
    card = compute_power_efficiency_scorecard([(r, "a.json")], DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 1
    assert card.runtimes[0].score >= 75


def test_concurrency_scaling():
    c1 = make_test_result("runtime_a-c1", 150.0, 15.0, 7.0, 20.0, 0.0, 1)
    c4 = make_test_result("runtime_a-c4", 140.0, 30.0, 8.0, 40.0, 0.0, 4, tokens_per_sec=540.0)
    card = compute_concurrency_scaling_scorecard([(c1, "c1.json"), (c4, "c4.json")], DEFAULT_CONTRACT.grades)
    assert len(card.runtimes) == 1
    assert card.runtimes[0].scaling_efficiency > 0.85
    assert card.runtimes[0].score >= 90


def test_profile_consistency_degradation():
    short = make_test_result_with_layers("runtime_a", 150.0, 15.0, 240.0, 2300)
    medium = make_test_result_with_layers("runtime_a", 140.0, 80.0, 240.0, 10200)
    card = compute_profile_scorecard([(short, "short.json"), (medium, "medium.json")], DEFAULT_CONTRACT)
    assert card.consistency
    assert card.consistency[0].consistency < 90.0
    assert card.consistency[0].worst_score < card.consistency[0].best_score
