"""A p99 of fewer than 100 requests is their maximum, and the pages say so beside it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, build_into

from sitegen.catalog.derived import tail_requests, tail_words

GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
SITE_TOML = 'title = "Tails"\nresults = ["results"]\n'


def test_the_nearest_rank_p99_is_the_maximum_below_100_requests():
    # Nearest rank: the ceil(0.99 n)-th value, which is the n-th (the largest) exactly when n < 100.
    for n in range(1, 300):
        assert (tail_requests(n) == n) == (-(-99 * n // 100) == n), n
    assert tail_requests(0) == 0 and tail_requests(99) == 99 and tail_requests(100) == 0
    assert tail_words(40) == "p99 of 40 requests is their maximum"
    assert tail_words(40, short=True) == "the max of 40 requests"
    assert tail_words(1) == "p99 of 1 request is that request" and tail_words(0) == ""


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
    assert card.count("the max of 40 requests") == 1 and "the max of 448" not in card
    metrics = {
        r["file"]: r
        for r in json.loads((site / "runs" / "hw" / "2026-03-01" / "metrics.json").read_text())["results"]
    }
    assert metrics["few-c1.json"]["p99_note"] == "p99 of 40 requests is their maximum"
    assert "p99_note" not in metrics["many-c1.json"]
