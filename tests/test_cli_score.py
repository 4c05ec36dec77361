"""`sitegen score`: options, bad input, training steps, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def score(*args: str):
    return CliRunner().invoke(app, ["score", *args])


@pytest.fixture
def untidy(tmp_path: Path) -> Path:
    """A copy of a real run plus files the reference CLI would abort on."""
    d = tmp_path / "run"
    shutil.copytree(FIXTURES / "sample-results" / "jetson-orin" / "2026-03-05", d)
    (d / "bad-utf8.json").write_bytes(b'{"runtime_name": "\xff\xfe"}')
    (d / "sub.json").mkdir()
    (d / "notes.txt").write_text("not json")
    return d


def test_unreadable_files_are_skipped_not_fatal(untidy: Path):
    result = score(str(untidy), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["skip_reasons"]["bad-utf8.json"] == "not UTF-8 text (invalid byte at offset 18)"
    assert doc["skip_reasons"]["sub.json"] == "is a directory, not a file"
    assert "notes.txt" not in doc["files_skipped"]
    assert len(doc["files_loaded"]) == 16
    assert list(doc) == [
        "files_loaded",
        "files_skipped",
        "skip_reasons",
        "training_files",
        "composite",
        "layer",
        "profile",
        "correctness",
        "output_length",
        "memory",
        "cold_start",
        "power",
        "scaling",
        "training",
    ]


def test_text_mode_reports_skipped_files_on_stderr(untidy: Path):
    result = score(str(untidy))
    assert result.exit_code == 0
    assert "skipped sub.json: is a directory, not a file" in result.stderr
    assert "skipped" not in result.stdout
    assert result.stdout.startswith("Inference Runtime Scorecard — Interactive (c=1)")


def test_files_are_ordered_by_timestamp_then_name(tmp_path: Path):
    src = FIXTURES / "oracle" / "ties"
    for name in ("tie-1.json", "tie-2.json", "scal-a-c1.json"):
        shutil.copy(src / name, tmp_path / name)
    doc = json.loads(score(str(tmp_path), "--format", "json").stdout)
    # scal-a-c1 has the earlier timestamp; the tie-* pair share one and go by name.
    assert doc["files_loaded"] == ["scal-a-c1.json", "tie-1.json", "tie-2.json"]


def test_json_timestamp_is_the_newest_result_not_the_clock():
    d = str(FIXTURES / "scorecards" / "half-sums")
    first, second = score(d, "--format", "json").stdout, score(d, "--format", "json").stdout
    assert first == second
    assert json.loads(first)["composite"]["1"]["timestamp"] == "2026-02-01T10:05:00Z"


def test_empty_directory(tmp_path: Path):
    result = score(str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == f"No result files found in {tmp_path}\n"


def test_missing_directory_is_one_line_error(tmp_path: Path):
    result = score(str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: not a directory"


@pytest.mark.parametrize("grade, code", [("F", 0), ("B", 0), ("A+", 1)])
def test_fail_on_grade(grade: str, code: int):
    # half-sums: composites 93 and 89 at c=1, 100, 78 and 73 at c=4.
    result = score(str(FIXTURES / "scorecards" / "half-sums"), "--fail-on-grade", grade)
    assert result.exit_code == code
    if code:
        assert "4 composite score(s) below A+ (95)" in result.stderr


def test_fail_on_grade_counts_every_level():
    result = score(str(FIXTURES / "scorecards" / "half-sums"), "--fail-on-grade", "B")
    assert result.exit_code == 0
    result = score(str(FIXTURES / "scorecards" / "half-sums"), "--fail-on-grade", "B+")
    assert result.exit_code == 1
    assert "2 composite score(s) below B+ (80); first: anchor-c4 at c=4 scored 78" in result.stderr


def test_fail_on_unknown_grade():
    result = score(str(FIXTURES / "scorecards" / "half-sums"), "--fail-on-grade", "E")
    assert result.exit_code == 1
    assert "unknown grade 'E'" in result.stderr


def test_training_steps_are_scored_as_last_section():
    result = score(str(FIXTURES / "training"))
    assert result.exit_code == 0
    text = result.stdout
    assert text.index("Per-Prompt-Profile Scores") < text.index(
        "Training Step Scorecard — qwen2.5-coder-1.5b"
    )
    assert text.rstrip().endswith("realizr     *     1400      365.7   90%    70  memory_bw   B")
    assert "realizr     *     7000       73.1   94%   100    compute  A+" in text
    assert "pytorch           3000      170.6   88%    83   transfer  B+" in text
    assert "candle            1000      512.0   71%    50     launch   C" in text
    assert (
        "skipped train-broken.json: hotspot_layers: expected a non-negative integer, got -2" in result.stderr
    )


def test_training_steps_in_json():
    doc = json.loads(score(str(FIXTURES / "training"), "--format", "json").stdout)
    assert doc["files_loaded"] == ["result-c1.json"]
    assert doc["training_files"] == [
        "train-candle.json",
        "train-other-model.json",
        "train-pytorch.json",
        "train-realizr.json",
    ]
    card = doc["training"]["qwen2.5-coder-1.5b"]
    assert card["model_name"] == "qwen2.5-coder-1.5b"
    assert [(r["name"], r["score"], r["grade"], r["bottleneck"], r["best"]) for r in card["runtimes"]] == [
        ("realizr", 100, "A+", "Compute", True),
        ("pytorch", 83, "B+", "Transfer", False),
        ("candle", 50, "C", "Launch", False),
    ]


def test_platform_filter_applies_to_training_too():
    doc = json.loads(score(str(FIXTURES / "training"), "--format", "json", "--platform", "candle").stdout)
    assert doc["composite"] == {}
    assert [r["name"] for r in doc["training"]["qwen2.5-coder-1.5b"]["runtimes"]] == ["candle"]


def test_command_line_process_ends_with_its_exit_code_and_all_its_output(tmp_path: Path):
    """The installed command's output arrives whole through a pipe, and each way of ending
    keeps its exit code."""

    def sitegen(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=120
        )

    done = sitegen(
        "score", str(FIXTURES / "sample-results" / "jetson-orin" / "2026-03-05"), "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files_loaded"]  # the whole document, not a cut buffer
    failed = sitegen("score", str(FIXTURES / "scorecards" / "half-sums"), "--fail-on-grade", "A+")
    assert failed.returncode == 1 and "composite score(s) below A+" in failed.stderr
    missing = sitegen("score", str(tmp_path / "nope"))
    assert (
        missing.returncode == 1 and missing.stderr.strip() == f"error: {tmp_path / 'nope'}: not a directory"
    )
    usage = sitegen("score", "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr
