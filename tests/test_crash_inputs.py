"""One bad file or name never stops the build: each gets one line naming it, and the rest is published.

Every input here once aborted `build` with a traceback. Each goes through
`build`, `check` and `score`: exit 0 (no --strict), no traceback, a line that
names the file and the reason, and no NaN or Infinity anywhere in the site.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from helpers import TELEMETRY
from typer.testing import CliRunner

from sitegen.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
RUN = "hw-a/2026-03-01"


def result_text(**changes) -> str:
    return json.dumps(GOOD | changes, indent=1)


def telemetry(**changes) -> dict:
    return TELEMETRY | changes


def surrogate(text: str) -> str:
    """JSON text with the runtime name written as `x\\ud800y-c1`: a lone surrogate escape."""
    return text.replace('"runtime_name": "lone-c1"', '"runtime_name": "x\\ud800y-c1"')


CASES: dict[str, tuple[str, str]] = {
    # file name: (content, what check must say about it)
    "lone.json": (
        surrogate(result_text(runtime_name="lone-c1")),
        "runtime_name: a lone surrogate escape (\\ud800) is not text",
    ),
    "lone-correctness.json": (
        json.dumps({"runtime_name": "x", "results": [{"name": "m", "passed": True}]}).replace(
            '"name": "m"', '"name": "\\udc00m"'
        ),
        "results[0].name: a lone surrogate escape (\\udc00) is not text",
    ),
    "lone-training.json": (
        json.dumps({"kind": "sitegen.training_step", "name": "t"}).replace('"t"', '"\\ud83d"'),
        "name: a lone surrogate escape (\\ud83d) is not text",
    ),
    "tiny-memory.json": (
        result_text(
            runtime_name="tinymem-c1",
            gpu_telemetry=telemetry(memory_used_mb={"mean": 5e-324, "max": 5e-324, "min": 0.0}),
        ),
        "",
    ),
    "tiny-itl.json": (
        result_text(
            runtime_name="tinyitl-c1",
            request_details=[
                {"latency_ms": 10.0, "ttft_ms": 5.0, "completion_tokens": 3, "prompt_tokens": 2, "itl_ms": x}
                for x in (5e-324, 5e-324, 1.0)
            ],
        ),
        "",
    ),
    "tiny-power.json": (
        result_text(
            runtime_name="tinypower-c1",
            gpu_telemetry=telemetry(power_draw_w={"mean": 1e-310, "max": 1e-310, "min": 0.0}),
        ),
        "",
    ),
    "year-1.json": (
        result_text(runtime_name="early-c1", timestamp="0001-01-01T00:00:00+01:00"),
        "timestamp '0001-01-01T00:00:00+01:00' is outside the years a date can hold",
    ),
    "year-9999.json": (
        result_text(runtime_name="late-c1", timestamp="9999-12-31T23:59:59-01:00"),
        "timestamp '9999-12-31T23:59:59-01:00' is outside the years a date can hold",
    ),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    run = tmp_path / "results" / RUN
    run.mkdir(parents=True)
    (run / "ok-c1.json").write_text(result_text(runtime_name="ok-c1"))
    for name, (content, _) in CASES.items():
        (run / name).write_text(content)
    (run / "run.toml").write_text("x = " + "[" * 500 + "]" * 500 + "\n")
    for reserved in ("index.html", "scorecards.md"):
        (run / reserved).mkdir()
        (run / reserved / "inner-c1.json").write_text(result_text(runtime_name="inner-c1"))
    with open(run / "huge.bin", "wb") as f:  # sparse: 5 GB on paper, nothing on disk
        f.truncate(5 * 1024**3)
    return tmp_path


def invoke(project: Path, *args: str):
    os.chdir(project)
    done = CliRunner().invoke(app, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
    assert "Traceback" not in done.output
    return done


def test_check_names_every_bad_file_and_exits_0(project: Path):
    done = invoke(project, "check")
    assert done.exit_code == 0, done.output
    for name, (_, reason) in CASES.items():
        if reason:
            block = done.stdout.split(f"\n  {RUN}/{name}\n", 1)[-1].split("\n  hw-a", 1)[0]
            assert reason in block, (name, block)
    assert f"  {RUN}/run.toml\n      warning: not valid TOML: nested too deeply" in done.stdout


def test_build_publishes_the_rest_and_writes_no_nan_or_infinity(project: Path):
    done = invoke(project, "build", "--out", "site")
    assert done.exit_code == 0, done.output
    site = project / "site"
    run_page = site / "runs" / "hw-a" / "2026-03-01" / "index.html"
    assert "ok-c1" in run_page.read_text()
    # The directories named like the run's own files are runs too, published at their own address.
    report = (site / "report" / "index.html").read_text()
    assert "collides with a file of the site" in report
    run_dir = site / "runs" / "hw-a" / "2026-03-01"
    nested = [p for p in run_dir.iterdir() if p.is_dir() and not p.name.startswith("composite-c")]
    assert len(nested) == 2 and all((p / "index.html").is_file() for p in nested)
    assert "inner-c1" in (nested[0] / "index.html").read_text()
    bad = re.compile(rb"\bNaN\b|-?\bInfinity\b|\binf\b")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".svg"):
            # The reference's own markdown (scorecards.md, the copy-as-Markdown text) prints `inf`.
            data = re.sub(rb"<textarea.*?</textarea>", b"", path.read_bytes(), flags=re.S)
            assert not bad.search(data), path
    for path in site.rglob("scorecards.json"):
        json.loads(path.read_text())  # strict JSON: NaN/Infinity would not parse in a browser


def test_score_skips_lone_surrogates_like_the_reference(project: Path):
    done = invoke(project, "score", f"results/{RUN}", "--format", "json")
    assert done.exit_code == 0
    document = json.loads(done.stdout)
    assert "lone.json" in document["files_skipped"]
    assert document["skip_reasons"]["lone.json"] == CASES["lone.json"][1]
    assert "ok-c1.json" in document["files_loaded"]
    assert "Infinity" not in done.stdout and "NaN" not in done.stdout


def test_a_20_mb_name_is_shown_cut_and_warned(tmp_path: Path):
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    run = tmp_path / "results" / RUN
    run.mkdir(parents=True)
    (run / "long-c1.json").write_text(result_text(runtime_name="L" * 2_000_000 + "-c1"))
    (run / "run.toml").write_text(f'title = "{"T" * 100_000}"\n')
    done = invoke(tmp_path, "build", "--out", "site")
    assert done.exit_code == 0
    largest = max(p.stat().st_size for p in (tmp_path / "site").rglob("*.html"))
    assert largest < 300_000
    checked = invoke(tmp_path, "check")
    assert "runtime_name is 2,000,003 characters long; shown cut to 200" in checked.stdout
    assert "title is 100,000 characters long; shown cut to 200" in checked.stdout


def test_distinct_names_stay_distinct(tmp_path: Path):
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    for hw, rt in (("東京", "テスト"), ("Москва", "другой")):
        run = tmp_path / "results" / hw / "2026-03-01"
        run.mkdir(parents=True)
        (run / "a-c1.json").write_text(result_text(runtime_name=f"{rt}-c1"))
    (tmp_path / "results" / "r-c1.json").write_text(result_text(runtime_name="root-c1"))
    (tmp_path / "results" / "_root").mkdir()
    (tmp_path / "results" / "_root" / "r-c1.json").write_text(result_text(runtime_name="under-c1"))
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config

    catalog = build_catalog(load_config(cwd=tmp_path))
    assert len({r.hardware for r in catalog.runs if r.id != "." and not r.id.startswith("_root")}) == 2
    assert len({rt.id for rt in catalog.runtimes}) == 4
    done = invoke(tmp_path, "build", "--out", "site")
    assert done.exit_code == 0
    site = tmp_path / "site"
    pages = {
        p.parent.relative_to(site / "runs").as_posix()
        for p in (site / "runs").rglob("index.html")
        if not p.parent.name.startswith("composite-c")  # a scorecard's link-preview page
    }
    assert len([p for p in pages if "_root" in p]) == 2, pages
    texts = [(site / "runs" / p / "index.html").read_text() for p in pages if "_root" in p]
    assert any("root-c1" in t for t in texts) and any("under-c1" in t for t in texts)


HUGE = 1.7976931348623157e308  # the largest finite double


@pytest.mark.parametrize("field", ["tokens_per_sec", "ttft_p50_ms", "tpot_p50_ms", "ttft_p99_ms"])
def test_a_value_no_measurement_can_have_is_invalid_and_never_drawn(tmp_path: Path, field: str):
    """A finite number above 1e308 once overflowed the chart's log axis (10.0 ** 309)."""
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    for day in ("2026-03-01", "2026-03-08"):
        run = tmp_path / "results" / "hw-a" / day
        run.mkdir(parents=True)
        (run / "ok-c1.json").write_text(result_text(runtime_name="ok-c1"))
        (run / "other-c1.json").write_text(result_text(runtime_name="other-c1"))
    huge = tmp_path / "results" / "hw-a" / "2026-03-08" / "huge-c1.json"
    huge.write_text(result_text(runtime_name="huge-c1", **{field: HUGE}))
    done = invoke(tmp_path, "build", "--out", "site")
    assert done.exit_code == 0, done.output
    for page in (tmp_path / "site").rglob("index.html"):
        for figure in re.findall(
            r'<script type="application/json" id="[^"]*-figure">(.*?)</script>', page.read_text()
        ):
            assert "e308" not in figure and "e+308" not in figure, page
    checked = invoke(tmp_path, "check", "--strict")
    assert checked.exit_code == 1
    assert f"invalid: {field} is 1.8e+308, beyond any real measurement" in checked.stdout


def test_charts_leave_out_values_they_cannot_draw_and_say_so():
    from sitegen.site.charts import Line, Point, bar_chart, line_chart

    line = Line("a", (Point(1.0, 10.0), Point(2.0, HUGE), Point(HUGE, 5.0), Point(4.0, 1e-3)))
    chart = line_chart("c", "t", [line], x_title="x", y_title="y")
    figure = json.loads(chart.figure_json)
    assert figure["data"][0]["x"] == [1.0, 2.0, 4.0] and figure["data"][0]["y"] == [10.0, None, 0.001]
    assert chart.note == "2 values beyond what a chart can draw left out."
    bars = bar_chart("b", "t", [Point("a", HUGE), Point("b", 3.0)], x_title="x", y_title="y")
    assert json.loads(bars.figure_json)["data"][0]["y"] == [None, 3.0]
    assert bars.note == "1 value beyond what a chart can draw left out."


def test_a_run_of_thousands_of_tiny_files_is_read_in_part_and_says_so(tmp_path: Path):
    """One run of a million `{}` files made a 295 MB run page and a 69 MB scorecards.json, and a
    build of 3.7 GB: a run is read up to 2,000 JSON files, and its pages list a part."""
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    run = tmp_path / "results" / RUN
    run.mkdir(parents=True)
    (run / "a-c1.json").write_text(result_text(runtime_name="a-c1"))
    for i in range(2600):
        (run / f"z{i:05d}.json").write_text("{}")
        (run / f"z{i:05d}.log").write_text("")
    checked = invoke(tmp_path, "check", "--strict")
    assert checked.exit_code == 1
    assert "holds 2,601 JSON files; only the first 2,000 (by name) are read" in checked.stdout
    assert "holds 2,600 other files; only the first 2,000 (by name) are listed" in checked.stdout
    assert invoke(tmp_path, "build", "--out", "site").exit_code == 0
    site = tmp_path / "site"
    page = (site / "runs" / RUN / "index.html").read_text()
    assert "a-c1" in page and "The first 200 files are listed here; 3,800 more are not" in page
    scorecards = json.loads((site / "runs" / RUN / "scorecards.json").read_text())
    assert len(scorecards["files_skipped"]) == 1999
    for path in (site / "runs" / RUN / "index.html", site / "report" / "index.html"):
        assert path.stat().st_size < 300_000, path
    assert "The first 1,000 of " in (site / "report" / "index.html").read_text()
