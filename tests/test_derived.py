"""Derived values computed by hand: interactivity, throughput per GPU, energy, cost, latency targets,
the Pareto frontier and interpolation at an interactivity."""

from __future__ import annotations

import pytest
from helpers import TELEMETRY, make_test_result

from sitegen.catalog.derived import (
    ENERGY_FROM_POWER,
    ENERGY_FROM_TELEMETRY,
    SloCandidate,
    TradeoffPoint,
    at_interactivity,
    derive,
    frontier_summary,
    pareto_frontier,
    slo_board,
)
from sitegen.config import DEFAULT_SLOS, SloConfig

INTERACTIVE, SERVER = DEFAULT_SLOS


def result(**changes):
    # decode 100 tok/s, TTFT 20 ms, ITL 8 ms (tpot_p50 = 8), p99 TTFT 300 ms, c=4: 400 tok/s.
    return make_test_result("rt-c4", 100.0, 20.0, 8.0, 300.0, 0.0, 4, **changes)


def test_interactivity_is_1000_over_tpot_else_itl_else_absent():
    assert derive(result(), 1, None, ()).interactivity == pytest.approx(125.0)  # 1000 / 8 ms
    assert derive(result(tpot_p50_ms=0.0, itl_p50_ms=5.0), 1, None, ()).interactivity == pytest.approx(200.0)
    assert derive(result(tpot_p50_ms=0.0, itl_p50_ms=0.0), 1, None, ()).interactivity is None


def test_a_tpot_far_below_itl_is_a_unit_error_and_not_used():
    """A real result of the examples reports tpot_p50_ms 0.00012 beside itl_p50_ms 25 (and a
    decode rate of 40 tok/s): taken as it is, one user would read 8 million tokens a second and
    every latency target would be met. Interactivity comes from ITL then, and with no credible
    p99 TPOT no latency target is met; the run's diagnostics say why."""
    from sitegen.catalog.checks import result_warnings

    broken = result(tpot_p50_ms=0.00012, tpot_p99_ms=0.0002, itl_p50_ms=25.0)
    derived = derive(broken, 1, None, DEFAULT_SLOS)
    assert derived.interactivity == pytest.approx(40.0)  # 1000 / 25 ms
    assert derived.tpot_p99_ms is None
    assert derived.meets == ()
    warnings = list(result_warnings(broken, None, None, False))
    assert any("tpot_p50_ms" in w and "itl_p50_ms" in w and "not used" in w for w in warnings), warnings
    # Tokens sent a few at a time (SSE batching) keep TPOT well below ITL: still credible.
    batched = derive(result(tpot_p50_ms=1.0, tpot_p99_ms=1.5, itl_p50_ms=8.0), 1, None, ())
    assert batched.interactivity == pytest.approx(1000.0) and batched.tpot_p99_ms == pytest.approx(1.5)
    assert not any(
        "tpot" in w for w in result_warnings(result(tpot_p50_ms=1.0, itl_p50_ms=8.0), None, None, False)
    )


def test_throughput_is_per_gpu():
    assert derive(result(), 1, None, ()).throughput_per_gpu == pytest.approx(400.0)
    assert derive(result(), 8, None, ()).throughput_per_gpu == pytest.approx(50.0)


def test_energy_per_token_from_telemetry_else_power_times_time_else_absent():
    with_energy = derive(result(gpu_telemetry=TELEMETRY), 1, None, ())
    assert with_energy.joules_per_token == pytest.approx(0.005)  # 5 mJ per token
    assert with_energy.energy_source == ENERGY_FROM_TELEMETRY
    no_energy = TELEMETRY | {"energy_per_token_mj": 0.0}
    # 80 W mean for 60 s over 3,200 completion tokens: 1.5 J per token.
    from_power = derive(result(gpu_telemetry=no_energy), 1, None, ())
    assert from_power.joules_per_token == pytest.approx(80.0 * 60.0 / 3200.0)
    assert from_power.energy_source == ENERGY_FROM_POWER
    no_tokens = derive(result(gpu_telemetry=no_energy, completion_tokens_total=0), 1, None, ())
    assert no_tokens.joules_per_token is None and no_tokens.energy_source == ""
    assert derive(result(), 1, None, ()).joules_per_token is None  # no telemetry: absent, never 0


def test_cost_per_million_tokens_and_absent_without_a_price():
    # 2.88 per hour at 400 tok/s: 2.88 / (400 x 3600) x 1e6 = 2.0 per million tokens.
    assert derive(result(), 1, 2.88, ()).cost_per_million == pytest.approx(2.0)
    assert derive(result(), 1, None, ()).cost_per_million is None
    assert derive(result(tokens_per_sec=0.0), 1, 2.88, ()).cost_per_million is None


def test_latency_targets_need_both_p99s_within():
    # p99 TTFT 300 ms, p99 TPOT 8 x 1.3 = 10.4 ms: within interactive (450/40) and server.
    assert derive(result(), 1, None, DEFAULT_SLOS).meets == ("interactive", "server")
    slow = derive(result(ttft_p99_ms=600.0), 1, None, DEFAULT_SLOS)
    assert slow.meets == ("server",)
    no_tpot = derive(result(tpot_p99_ms=0.0), 1, None, DEFAULT_SLOS)
    assert no_tpot.tpot_p99_ms is None and no_tpot.meets == ()


def test_pareto_frontier_and_who_leads_where():
    points = [
        TradeoffPoint("vllm", 1, 80.0, 100.0),
        TradeoffPoint("vllm", 8, 40.0, 700.0),
        TradeoffPoint("vllm", 32, 10.0, 1500.0),
        TradeoffPoint("sglang", 1, 90.0, 95.0),
        TradeoffPoint("sglang", 8, 50.0, 600.0),
        TradeoffPoint("sglang", 32, 12.0, 1200.0),
        TradeoffPoint("other", 4, 30.0, 300.0),  # beaten on both axes
    ]
    frontier = pareto_frontier(points)
    assert [(p.runtime, p.concurrency) for p in frontier] == [
        ("vllm", 32),
        ("sglang", 32),
        ("vllm", 8),
        ("sglang", 8),
        ("vllm", 1),
        ("sglang", 1),
    ]
    two = pareto_frontier([points[1], points[2], points[3], points[4]])
    names = {"vllm": "vLLM", "sglang": "SGLang"}.get
    assert frontier_summary(two, names) == "SGLang leads above 50 tok/s per user, vLLM below"
    assert (
        frontier_summary(pareto_frontier(points[:3]), names) == "vLLM leads at every interactivity measured"
    )


def test_throughput_at_an_interactivity_is_interpolated_and_absent_outside_the_curve():
    curve = [
        TradeoffPoint("rt", 1, 80.0, 100.0),
        TradeoffPoint("rt", 8, 40.0, 700.0),
        TradeoffPoint("rt", 32, 10.0, 1500.0),
    ]
    assert at_interactivity(curve, 20.0) == pytest.approx(1500.0 + (700.0 - 1500.0) * (10.0 / 30.0))
    assert at_interactivity(curve, 40.0) == pytest.approx(700.0)
    assert at_interactivity(curve, 5.0) is None and at_interactivity(curve, 100.0) is None


def test_the_leaderboard_under_a_target_ranks_by_throughput_and_lists_the_others_closest_first():
    slo = SloConfig(name="tight", ttft_p99_ms=200.0, tpot_p99_ms=20.0)
    candidates = [
        SloCandidate("a", 1, 100.0, 50.0, 10.0, "r1"),
        SloCandidate("a", 8, 600.0, 180.0, 19.0, "r1"),
        SloCandidate("a", 32, 1500.0, 900.0, 45.0, "r1"),  # fast but outside the target
        SloCandidate("b", 1, 90.0, 60.0, 12.0, "r2"),
        SloCandidate("c", 1, 80.0, 250.0, 30.0, "r3"),  # overshoots TPOT by 1.5x
        SloCandidate("d", 1, 70.0, 500.0, None, "r4"),  # no p99 TPOT: never meets
    ]
    rows = slo_board(candidates, slo)
    assert [(r.runtime, r.meets, r.best.concurrency) for r in rows] == [
        ("a", True, 8),
        ("b", True, 1),
        ("c", False, 1),
        ("d", False, 1),
    ]
    assert rows[2].miss == "p99 TTFT 250 ms > 200; p99 TPOT 30.0 ms > 20"
    assert rows[3].miss == "p99 TTFT 500 ms > 200; no p99 TPOT reported"
