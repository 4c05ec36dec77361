"""Run metadata: run.toml, README notes rendered safely, dates in paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitegen.catalog.metadata import date_in_path, read_metadata


def test_readme_markup_is_text_and_unsafe_links_are_refused(tmp_path: Path):
    (tmp_path / "README.md").write_text(
        "# Notes\n\n<script>alert(1)</script>\n\n[ok](https://example.org) [bad](javascript:alert(1)) "
        "[data](data:text/html;base64,PHNjcmlwdD4=) ![img](data:image/png;base64,AAAA)\n"
    )
    html = read_metadata(tmp_path).notes_html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">ok</a>' in html
    assert "javascript:" not in html.split("[bad]")[0] or 'href="javascript' not in html
    assert 'href="javascript' not in html and 'href="data' not in html and 'src="data' not in html
    assert "<img" not in html  # images would load from wherever a contributor points them


def test_run_toml_fields_and_free_fields(tmp_path: Path):
    (tmp_path / "run.toml").write_text(
        'title = "Baseline"\ndate = 2026-03-05\nhardware = "jetson-orin"\ntags = ["baseline"]\n'
        'commit = "abc123"\nlink = "javascript:alert(1)"\ndriver = "560.35"\n'
    )
    meta = read_metadata(tmp_path)
    assert (meta.title, meta.date, meta.hardware, meta.tags, meta.commit) == (
        "Baseline",
        dt.date(2026, 3, 5),
        "jetson-orin",
        ("baseline",),
        "abc123",
    )
    assert meta.link == ""
    assert meta.fields == (("driver", "560.35"),)


def test_broken_run_toml_is_a_problem_not_a_crash(tmp_path: Path):
    (tmp_path / "run.toml").write_text("date = 'not a date'\n")
    meta = read_metadata(tmp_path)
    assert meta.date is None
    assert meta.problems and meta.problems[0].startswith("run.toml: date: ")


@pytest.mark.parametrize(
    "run_id, expected",
    [
        ("jetson/2026-03-05", dt.date(2026, 3, 5)),
        ("4090/20260304-bench", dt.date(2026, 3, 4)),
        ("2025-12-01/later/2026-01-02-x", dt.date(2026, 1, 2)),
        ("hw/run-7", None),
        ("hw/2026-13-01", None),
        ("hw/x-120260304", None),
    ],
)
def test_date_in_path(run_id: str, expected):
    assert date_in_path(run_id) == expected
