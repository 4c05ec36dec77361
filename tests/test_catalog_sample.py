"""The catalog over copies of real result directories: resolution, dates, scores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.scoring.report import report_to_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RUNS = [
    "4090/2026-03-03",
    "4090/2026-03-04",
    "jetson-orin/2026-03-04",
    "jetson-orin/2026-03-05",
    "jetson-orin/2026-03-07",
    "rtx4060-laptop/2026-03-15-prod",
    "intel-cpu/2026-03-21",
]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for run in RUNS:
        shutil.copytree(FIXTURES / "sample-results" / run, tmp_path / "results" / run)
    return tmp_path


def catalog_of(site: Path, with_rules: bool):
    if with_rules:
        shutil.copy(FIXTURES / "sample-site.toml", site / "site.toml")
    return build_catalog(load_config(cwd=site))


def resolution(catalog) -> dict[str, tuple[str, list[str]]]:
    return {run.id: (run.hardware, sorted({e.runtime for e in run.results})) for run in catalog.runs}


def test_resolution_with_site_rules(site: Path):
    catalog = catalog_of(site, with_rules=True)
    assert resolution(catalog) == {
        "4090/2026-03-03": ("rtx4090", ["llama.cpp", "ollama", "realizr"]),
        "4090/2026-03-04": ("rtx4090", ["llama.cpp", "ollama", "realizr"]),
        "jetson-orin/2026-03-04": ("jetson-orin", ["llama.cpp", "ollama", "realizr"]),
        "jetson-orin/2026-03-05": ("jetson-orin", ["llama.cpp", "ollama", "realizr"]),
        "jetson-orin/2026-03-07": ("jetson-orin", ["llama.cpp", "realizr"]),
        "rtx4060-laptop/2026-03-15-prod": ("rtx4060-laptop", ["ollama", "vllm"]),
        "intel-cpu/2026-03-21": ("intel-cpu", ["llama.cpp", "realizr"]),
    }
    run = next(r for r in catalog.runs if r.id == "jetson-orin/2026-03-05")
    assert run.hardware_reason == "hardware jetson-orin: matched rule `jetson*` on the run path"
    reasons = {e.result.runtime_name: e.runtime_reason for e in run.results}
    assert (
        reasons["realizar-jetson"]
        == "runtime realizr: matched rule `realiz*r*` on runtime_name `realizar-jetson`"
    )
    # Files that say "unknown" are resolved from their file name.
    unknown = [e for e in run.results if e.result.runtime_name == "unknown"]
    assert {e.runtime for e in unknown} == {"realizr"}
    assert "file name `jetson-realizr-mwvq6k.json`" in next(
        e.runtime_reason for e in unknown if e.source == "jetson-realizr-mwvq6k.json"
    )
    # The original spelling stays visible.
    realizr = next(r for r in catalog.runtimes if r.id == "realizr")
    assert {"realizar-jetson", "realizr-jetson-stream-c1", "unknown"} <= set(realizr.spellings)
    assert realizr.config.homepage == "https://github.com/paiml/realizar"


def test_resolution_without_rules_uses_fallbacks(site: Path):
    catalog = catalog_of(site, with_rules=False)
    res = resolution(catalog)
    assert res["jetson-orin/2026-03-04"] == (
        "jetson-orin",
        ["llamacpp", "ollama", "realizr-cpu", "realizr-gpu"],
    )
    assert res["4090/2026-03-03"][0] == "4090"
    assert res["intel-cpu/2026-03-21"] == (
        "intel-cpu",
        ["llamacpp", "realizr", "realizr-avx512v2", "realizr-ggml-style", "realizr-pmat304"],
    )
    run = next(r for r in catalog.runs if r.id == "jetson-orin/2026-03-04")
    assert run.hardware_reason == "hardware jetson-orin: first path component `jetson-orin`"
    entry = next(e for e in run.results if e.result.runtime_name == "llamacpp-jetson-c4")
    assert entry.runtime_reason == (
        "runtime llamacpp: from runtime_name `llamacpp-jetson-c4` (without `-c4`; hardware word `jetson` removed)"
    )
    assert {h.id for h in catalog.hardware} == {"4090", "jetson-orin", "rtx4060-laptop", "intel-cpu"}


def test_run_dates(site: Path, tmp_path: Path):
    (site / "results" / "jetson-orin" / "2026-03-07" / "run.toml").write_text(
        'date = 2026-03-06\ntitle = "Grid sweep"\n'
    )
    undated = site / "results" / "misc" / "later"
    shutil.copytree(FIXTURES / "sample-results" / "gb10" / "2026-03-27", undated)
    catalog = catalog_of(site, with_rules=True)
    by_id = {r.id: r for r in catalog.runs}
    assert (str(by_id["jetson-orin/2026-03-07"].date), by_id["jetson-orin/2026-03-07"].date_reason) == (
        "2026-03-06",
        "date from run.toml",
    )
    assert by_id["jetson-orin/2026-03-07"].title == "Grid sweep"
    assert by_id["4090/2026-03-04"].date_reason == "date from the directory name"
    assert by_id["misc/later"].date_reason == "date of the earliest result timestamp"
    assert str(by_id["misc/later"].date) == "2026-03-27"
    # Runs are in date order.
    dates = [r.date for r in catalog.runs]
    assert dates == sorted(dates)


def test_run_scores_equal_sitegen_score_on_the_directory(site: Path):
    catalog = catalog_of(site, with_rules=True)
    for run in catalog.runs:
        out = CliRunner().invoke(app, ["score", str(run.path), "--format", "json"])
        doc = json.loads(out.stdout)
        stamp = max((e.result.timestamp for e in run.results), default="")
        assert {k: doc[k] for k in report_to_json(run.report, stamp)} == report_to_json(run.report, stamp)
        assert doc["files_loaded"] == [e.source for e in run.results]
        assert doc["files_skipped"] == [name for name, _ in run.skipped]


def test_correctness_reports_are_kept_with_the_run(site: Path):
    catalog = catalog_of(site, with_rules=True)
    run = next(r for r in catalog.runs if r.id == "jetson-orin/2026-03-05")
    reports = dict(run.correctness)
    assert set(reports) == {
        "ollama-jetson-correctness-20260305.json",
        "realizar-jetson-correctness-20260305.json",
        "realizr-jetson-correctness-20260305.json",
    }
    report = reports["realizr-jetson-correctness-20260305.json"]
    assert report.runtime_name == "realizr-jetson" and report.total == len(report.cases) > 0


def test_standings_take_the_latest_result_per_runtime_and_level(site: Path):
    catalog = catalog_of(site, with_rules=True)
    [standing] = catalog.standings["jetson-orin"]
    ranked = {(e.runtime, e.result.concurrency): run_id for run_id, e in standing.entries}
    apart = {(a.entry.runtime, a.entry.result.concurrency): a.run_id for a in standing.apart}
    assert len(ranked) == len(standing.entries) and len(apart) == len(standing.apart)
    picked = ranked | apart
    # All three Jetson runs measure llama.cpp at c=1: the latest run's result is shown.
    assert picked[("llama.cpp", 1)] == "jetson-orin/2026-03-07"
    # Only the first run measured c=4.
    assert picked[("llama.cpp", 4)] == "jetson-orin/2026-03-04"
    # A flagged result listed apart is newer than the valid one ranked in its place, if any.
    for key, run_id in apart.items():
        assert key not in ranked or ranked[key] < run_id
    sources = {rt.source_file for card in standing.report.composite.values() for rt in card.runtimes}
    assert sources == {f"{run_id}/{e.source}" for run_id, e in standing.entries}
    [rtx_standing] = catalog.standings["rtx4090"]
    rtx = {(e.runtime, e.result.concurrency): run_id for run_id, e in rtx_standing.entries}
    # The 2026-03-03 result does not report completion_tokens_total (an older file) but measured
    # 334 tok/s: not reported is not a zero, so it is the latest valid c=1 result, and ranked.
    apart = {(a.entry.runtime, a.entry.result.concurrency): (a.run_id, a.why) for a in rtx_standing.apart}
    assert ("llama.cpp", 1) not in apart
    assert rtx[("llama.cpp", 1)] == "4090/2026-03-03" and rtx[("llama.cpp", 4)] == "4090/2026-03-04"


def test_time_series_in_date_order_linked_to_runs(site: Path):
    catalog = catalog_of(site, with_rules=True)
    series = {(s.hardware, s.runtime, s.metric, s.concurrency): s for s in catalog.series}
    decode = series[("jetson-orin", "realizr", "decode_tok_s", 1)]  # a value's series is its level's
    assert [p.run_id for p in decode.points] == [
        "jetson-orin/2026-03-04",
        "jetson-orin/2026-03-05",
        "jetson-orin/2026-03-07",
    ]
    assert [p.date for p in decode.points] == sorted(p.date for p in decode.points)
    composite = series[("jetson-orin", "ollama", "composite", 4)]
    assert [p.run_id for p in composite.points] == ["jetson-orin/2026-03-04"]
    run_ids = {r.id for r in catalog.runs}
    assert all(p.run_id in run_ids for s in catalog.series for p in s.points)


def test_check_command(site: Path, monkeypatch):
    shutil.copy(FIXTURES / "sample-site.toml", site / "site.toml")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "7 runs, 49 results, 4 hardware targets, 4 runtimes, 2026-03-03 to 2026-03-21"
    assert (
        "  jetson-orin/2026-03-05  ->  hardware jetson-orin: matched rule `jetson*` on the run path; "
        "date from the directory name" in lines
    )
    assert "      info: correctness report" in lines
    doc = json.loads(CliRunner().invoke(app, ["check", "--format", "json"]).stdout)
    assert doc["summary"]["runs"] == 7
    assert not (site / "_site").exists(), "check writes nothing"


def test_correctness_reports_feed_the_pass_rate_history(site: Path):
    catalog = catalog_of(site, with_rules=True)
    series = {(s.hardware, s.runtime, s.metric): s for s in catalog.series}
    points = series[("jetson-orin", "realizr", "correctness_pass_rate")].points
    assert [(p.run_id, p.source) for p in points] == [
        ("jetson-orin/2026-03-05", "realizar-jetson-correctness-20260305.json")
    ]
    report = dict(next(r for r in catalog.runs if r.id == "jetson-orin/2026-03-05").correctness)
    assert points[0].value == report["realizar-jetson-correctness-20260305.json"].pass_rate * 100
