"""A p99 of fewer than 100 requests rests on their two slowest, and the pages say so beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, build_into

from sitegen.catalog.derived import tail_requests, tail_words

GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
SITE_TOML = 'title = "Tails"\nresults = ["results"]\n'


def interpolated_p99(values: list[float]) -> float:
    """The load tester's p99: linear interpolation between closest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * 0.99
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def test_a_p99_of_fewer_than_100_requests_lies_between_the_two_slowest():
    for n in range(2, 300):
        values = [float(i) for i in range(n)]  # the slowest two: n − 2 and n − 1
        between = values[-2] < interpolated_p99(values) <= values[-1]
        if tail_requests(n):
            assert between, n
    assert tail_requests(0) == 0 and tail_requests(99) == 99 and tail_requests(100) == 0
    assert tail_words(40) == "p99 of 40 requests lies between their two slowest"
    assert tail_words(40, short=True) == "set by the 2 slowest of 40"
    assert tail_words(1) == "p99 of 1 request is that request" and tail_words(0) == ""


def test_the_sample_runs_p99_is_interpolated_so():
    # gb10 c=8, 69 requests: p99 TTFT 1016.055 ms, between the two slowest (not the maximum, 1140.9).
    path = FIXTURES / "sample-results" / "gb10" / "2026-03-27" / "gb10-realizr-7b-c8-pmat390.json"
    result = json.loads(path.read_text())
    ttfts = [r["ttft_ms"] for r in result["request_details"]]
    assert interpolated_p99(ttfts) == pytest.approx(result["ttft_p99_ms"], rel=1e-9)
    assert sorted(ttfts)[-2] < result["ttft_p99_ms"] < max(ttfts)


def test_pages_say_when_a_p99_rests_on_few_requests(tmp_path: Path):
    run = tmp_path / "tree" / "hw" / "2026-03-01"
    run.mkdir(parents=True)
    few = GOOD | {"runtime_name": "few-c1", "total_requests": 40, "successful": 40, "failed": 0}
    many = GOOD | {"runtime_name": "many-c1", "total_requests": 448, "successful": 448, "failed": 0}
    (run / "few-c1.json").write_text(json.dumps(few))
    (run / "many-c1.json").write_text(json.dumps(many))
    site = build_into(tmp_path / "build", tmp_path / "tree", SITE_TOML)
    page = (site / "runs" / "hw" / "2026-03-01" / "index.html").read_text(encoding="utf-8")
    card = page.split('id="composite-c1-table"')[1].split("</table>")[0]
    assert card.count("set by the 2 slowest of 40") == 1 and "of 448" not in card
    metrics = {
        r["file"]: r
        for r in json.loads((site / "runs" / "hw" / "2026-03-01" / "metrics.json").read_text())["results"]
    }
    assert metrics["few-c1.json"]["p99_note"] == "p99 of 40 requests lies between their two slowest"
    assert "p99_note" not in metrics["many-c1.json"]
