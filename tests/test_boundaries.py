"""The edges of each rule: a value exactly at a limit, the first value past it, and the inputs a
one-character change of the code would treat differently. Each test here was written against
a mutant of the code that the rest of the suite let through."""

from __future__ import annotations

from helpers import make_test_result

from sitegen.catalog.derived import TradeoffPoint, at_interactivity, meets, pareto_frontier, tpot_unit_error
from sitegen.catalog.validity import Validity, judge
from sitegen.config import QualityConfig, SloConfig
from sitegen.safefs import inside
from sitegen.safetext import escape_html, printable


def result(error_rate: float = 0.0, **changes):
    return make_test_result("rt-c1", 100.0, 20.0, 10.0, 40.0, error_rate, 1, **changes)


def test_few_samples_is_fewer_than_the_minimum_not_the_minimum_itself():
    rules = QualityConfig(min_requests=5)
    at_limit = judge(result(successful=5, total_requests=5, failed=0), rules)
    below = judge(result(successful=4, total_requests=4, failed=0), rules)
    assert at_limit is None
    assert below is not None and below.kind is Validity.FEW_SAMPLES
    assert below.reason == "4 successful requests, fewer than 5"
    assert judge(result(successful=1, total_requests=1, failed=0), rules).reason == (
        "1 successful request, fewer than 5"
    )


def test_unreliable_is_over_the_limit_not_at_it():
    rules = QualityConfig(max_error_rate=0.05)
    assert judge(result(error_rate=0.05, failed=5, successful=95), rules) is None
    over = judge(result(error_rate=0.0501, failed=5, successful=95), rules)
    assert over is not None and over.kind is Validity.UNRELIABLE


def test_tokens_per_second_of_zero_alone_is_no_output():
    flag = judge(result(tokens_per_sec=0.0), QualityConfig())
    assert flag is not None and flag.kind is Validity.INVALID and "tokens_per_sec is 0" in flag.reason


def test_a_tpot_is_a_unit_error_only_beyond_100_times_below_the_itl():
    assert not tpot_unit_error(result(tpot_p50_ms=0.25, itl_p50_ms=25.0))  # exactly 100 times
    assert tpot_unit_error(result(tpot_p50_ms=0.2499, itl_p50_ms=25.0))
    assert not tpot_unit_error(result(tpot_p50_ms=0.0, itl_p50_ms=25.0))  # not reported: no error


def test_a_latency_target_is_met_at_its_limit():
    slo = SloConfig(name="t", ttft_p99_ms=450.0, tpot_p99_ms=40.0)
    assert meets(slo, 450.0, 40.0)
    assert not meets(slo, 450.01, 40.0) and not meets(slo, 450.0, 40.01)
    assert not meets(slo, 10.0, None)  # no p99 TPOT: no target is met


def test_the_frontier_keeps_one_point_of_equal_throughput_the_one_with_more_interactivity():
    points = [
        TradeoffPoint("a", 1, 10.0, 100.0),
        TradeoffPoint("b", 1, 20.0, 100.0),
        TradeoffPoint("c", 4, 5.0, 150.0),
    ]
    frontier = pareto_frontier(points)
    assert [(p.runtime, p.x) for p in frontier] == [("c", 5.0), ("b", 20.0)]


def test_throughput_at_an_interactivity_is_read_at_the_curve_s_ends_too():
    curve = [
        TradeoffPoint("a", 1, 40.0, 100.0),
        TradeoffPoint("a", 4, 20.0, 300.0),
        TradeoffPoint("a", 8, 10.0, 500.0),
    ]
    assert at_interactivity(curve, 10.0) == 500.0  # the lowest point
    assert at_interactivity(curve, 40.0) == 100.0  # the highest
    assert at_interactivity(curve, 30.0) == 200.0  # between two levels
    assert at_interactivity(curve, 9.99) is None and at_interactivity(curve, 40.01) is None
    assert at_interactivity([TradeoffPoint("a", 1, 20.0, 7.0)], 20.0) == 7.0  # one level, at it


def test_a_folder_beside_the_root_with_the_root_s_name_as_prefix_is_not_inside_it():
    assert inside("/repo/results", "/repo/results")
    assert inside("/repo/results/a", "/repo/results")
    assert not inside("/repo/results-private/a", "/repo/results")
    assert not inside("/repo/results-private", "/repo/results")


def test_quotes_alone_are_escaped():
    assert escape_html('"') == "&#34;" and escape_html("'") == "&#39;"
    assert escape_html('"\'"') == "&#34;&#39;&#34;"


def test_c1_control_characters_never_reach_a_terminal():
    assert printable("a\x85b\x9bc\x80") == "a\\x85b\\x9bc\\x80"
    assert printable("\u2028") == "\\u2028"


def test_the_pull_request_comment_caps_each_list():
    from sitegen.review.report import MAX_ITEMS, _listing

    lines = _listing("Things", [f"item {i}" for i in range(MAX_ITEMS + 1)])
    assert lines[0] == f"**Things** ({MAX_ITEMS + 1}):"
    assert lines[2 : 2 + MAX_ITEMS] == [f"- item {i}" for i in range(MAX_ITEMS)]
    assert lines[2 + MAX_ITEMS] == "- … and 1 more"
    assert _listing("Things", [f"item {i}" for i in range(MAX_ITEMS)])[-2] == f"- item {MAX_ITEMS - 1}"
