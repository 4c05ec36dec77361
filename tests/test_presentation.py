"""What readers see, checked where a quiet change would mislead them: best marks, badge colours,
the feed's words, which runs history charts keep, a run's date, hardware rules and how loudly
a file that cannot be read is reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from sitegen.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "results" / "synthetic" / "l4" / "2026-02-17"
RUN_PAGE = "runs/synthetic/h100-sxm/2026-02-23/index.html"


@pytest.mark.browser
def test_every_best_value_wears_its_star(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    page.goto(base + RUN_PAGE)
    scorecards = page.locator("section.scorecard")
    assert scorecards.count() >= 8
    for i in range(scorecards.count()):
        if scorecards.nth(i).get_attribute("id").startswith(("profile-", "output-length-")):
            continue  # the contract marks no best in these
        best = scorecards.nth(i).locator("td.best")
        assert best.count() >= 1, scorecards.nth(i).get_attribute("id")
        star = best.first.evaluate("td => getComputedStyle(td, '::before').content")
        assert "★" in star, scorecards.nth(i).get_attribute("id")


@pytest.mark.browser
def test_grade_badges_keep_their_grade_colour(page, example_site: Path, serve_dir):
    from sitegen.site.exports import GRADE_COLOURS, badge_svg

    for grade in ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "D", "F"):
        assert GRADE_COLOURS[grade[0]] in badge_svg("vllm", grade, 80.0), grade
    base = serve_dir(example_site)
    page.goto(base + RUN_PAGE)
    grey = page.evaluate(
        "() => { const s = document.createElement('span'); s.className = 'grade'; document.body.append(s);"
        " return getComputedStyle(s).backgroundColor; }"
    )
    for css in ("Aplus", "Bminus"):
        colour = page.evaluate(
            f"() => {{ const s = document.createElement('span'); s.className = 'grade g-{css}';"
            " document.body.append(s); return getComputedStyle(s).backgroundColor; }"
        )
        assert colour != grey, css


def test_a_tie_with_the_best_is_not_a_new_best():
    from sitegen.site.exports import run_changes

    def run(score: float) -> SimpleNamespace:
        return SimpleNamespace(c1_by_runtime={"vllm": (score, "B")})

    tie = run_changes(run(80.0), run(78.0), {"vllm": 80.0}, str)
    assert not any("new best" in line for line in tie)
    better = run_changes(run(81.0), run(78.0), {"vllm": 80.0}, str)
    assert "vllm: new best on this hardware, 81" in better


def test_history_charts_draw_the_latest_runs(monkeypatch, example_site: Path):
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config
    from sitegen.site.views import ViewBuilder, base

    config = load_config(cwd=ROOT)
    catalog = build_catalog(config)
    monkeypatch.setattr(base, "MAX_HISTORY_RUNS", 3)
    views = ViewBuilder(catalog, config.site, config.contract, "")
    page = views.page("hardware/h100-sxm/", "t", "d", "hardware")
    series = [s for s in catalog.series if s.hardware == "h100-sxm" and s.metric == "decode_tok_s"]
    chart = views.series_chart("c", page, series, "decode_tok_s", "runtime")
    dates = sorted({x for trace in json.loads(chart.figure_json)["data"] for x in trace["x"]})
    runs = sorted(r.date.isoformat() for r in catalog.runs if r.hardware == "h100-sxm")
    assert dates == runs[-3:]


def _results_tree(tmp_path: Path, run_name: str, timestamps: list[str]) -> Path:
    """A results tree with one run of real result files, re-stamped."""
    run = tmp_path / "results" / "bench" / run_name
    run.mkdir(parents=True)
    for source, stamp in zip(sorted(EXAMPLE.glob("*-c1.json")), timestamps, strict=False):
        doc = json.loads(source.read_text())
        doc["timestamp"] = stamp
        (run / source.name).write_text(json.dumps(doc))
    return run


def test_a_run_is_dated_by_its_earliest_result(tmp_path: Path):
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config

    _results_tree(
        tmp_path, "nightly", ["2026-05-03T23:50:00Z", "2026-05-02T08:00:00Z", "2026-05-04T01:00:00Z"]
    )
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    catalog = build_catalog(load_config(cwd=tmp_path))
    (run,) = catalog.runs
    assert run.date.isoformat() == "2026-05-02"


def test_hardware_rules_match_whatever_the_case(tmp_path: Path):
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config

    _results_tree(tmp_path, "H100-Node7", ["2026-05-02T08:00:00Z"] * 3)
    (tmp_path / "site.toml").write_text(
        'results = ["results"]\n[[hardware]]\nid = "h100"\nmatch = ["bench/h100-node*"]\n'
    )
    catalog = build_catalog(load_config(cwd=tmp_path))
    assert [r.hardware for r in catalog.runs] == ["h100"]


def test_a_file_that_cannot_be_read_is_a_warning(tmp_path: Path):
    run = _results_tree(tmp_path, "2026-05-02", ["2026-05-02T08:00:00Z"] * 3)
    big = run / "huge-c1.json"
    shutil.copyfile(next(run.glob("*.json")), big)
    with open(big, "a") as handle:
        handle.write(" " * (2 * 1024 * 1024))  # over the size limit below
    (tmp_path / "site.toml").write_text('results = ["results"]\nmax_file_mb = 1\n')
    done = CliRunner().invoke(app, ["check", "--format", "json", "--config", str(tmp_path / "site.toml")])
    report = json.loads(done.output)
    found = [d for d in report["diagnostics"] if d["path"].endswith("huge-c1.json")]
    assert [d["level"] for d in found] == ["warning"], found


def test_hover_labels_say_what_x_does_not_and_nothing_twice():
    from sitegen.site.charts import Line, Point, line_chart

    def hovers(labels: list[str]) -> list[str]:
        """Each point's hover lines above x's, as plotly fills the template in."""
        points = tuple(Point(f"2026-03-0{i + 1}", 1.0, label) for i, label in enumerate(labels))
        flagged = Line("flagged", (Point("2026-03-01", 1.0, "2026-03-01 · unreliable"),))
        chart = line_chart("c", "t", [Line("x", points), flagged], x_title="Run date", y_title="tok/s")
        trace = json.loads(chart.figure_json)["data"][0]
        head = trace["hovertemplate"].split("Run date:")[0].removeprefix("<b>%{fullData.name}</b><br>")
        return [head.replace("%{text}", text) for text in trace.get("text", [""] * len(labels))]

    # Folders named by their dates: the date is said once, by the x line.
    assert hovers(["2026-03-01", "2026-03-02"]) == ["", ""]
    # Titled runs: each title on its own line.
    assert hovers(["Baseline", "Tuned"]) == ["Baseline<br>", "Tuned<br>"]
    # Some of each: only the titles.
    assert hovers(["2026-03-01", "Tuned"]) == ["", "Tuned<br>"]
