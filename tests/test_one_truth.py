"""One result, one truth: a result's facts (its validity, cohort and values) are decided once and
found by its identity (its file) on every surface, never by the runtime name a row shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.catalog.build import build_catalog
from sitegen.catalog.validity import judge
from sitegen.config import load_config
from sitegen.results import result_from_value
from sitegen.site.views import ViewBuilder

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEVERITY = {"invalid": 0, "unreliable": 1, "stale": 2, "few samples": 3}


def flag_from_file(run_path: Path, source: str, config) -> str | None:
    """A result's flag recomputed from its own file (a sweep level from its level)."""
    name, _, level = source.partition("#")
    value = json.loads((run_path / name).read_text(encoding="utf-8"))
    if level:
        value = next(lv["result"] for lv in value["levels"] if f"c{lv.get('concurrency')}" == level)
    flag = judge(result_from_value(value), config.site.quality)
    return str(flag.kind) if flag else None


def expected_row_flag(flags: list[str | None]) -> str | None:
    found = [f for f in flags if f]
    return min(found, key=SEVERITY.__getitem__) if found else None


@pytest.mark.parametrize(
    "results, toml",
    [
        (ROOT / "examples" / "results", ROOT / "site.toml"),
        (FIXTURES / "sample-results", FIXTURES / "sample-site.toml"),
    ],
    ids=["examples", "sample-results"],
)
def test_every_run_page_row_wears_its_own_file_s_flag(tmp_path: Path, results: Path, toml: Path):
    """A row's flag is its own result's, recomputed here from its file: two results sharing a
    runtime_name once shared one flag (11 wrong rows on the examples, 13 on real data)."""
    (tmp_path / "results").symlink_to(results)
    text = toml.read_text().replace('results = ["examples/results"]', 'results = ["results"]')
    text = text.replace('results = ["results"]', 'results = ["results"]\nallow_results_outside = true', 1)
    (tmp_path / "site.toml").write_text(text)
    config = load_config(cwd=tmp_path)
    catalog = build_catalog(config)
    builder = ViewBuilder(catalog, config.site, config.contract, "")
    checked = wrong = 0
    previous: dict[str, object] = {}
    for run in catalog.runs:
        view = builder.run(run, previous.get(run.hardware))
        previous[run.hardware] = run
        for section in view.sections:
            for row, sources in zip(section.table.rows, section.sources, strict=True):
                if not sources:
                    continue
                expected = expected_row_flag([flag_from_file(run.path, s, config) for s in sources])
                checked += 1
                if (row[0].flag or None) != expected:
                    wrong += 1
                    print(run.id, section.id, row[0].text, row[0].flag, expected)
    assert checked > 100 and wrong == 0


def test_a_completion_count_not_reported_is_not_a_zero():
    """Older files report tokens_per_sec but no completion_tokens_total: the run measured
    tokens (the 4090 run's llama.cpp at 334 tok/s), and nothing says it produced none."""
    from sitegen.config import QualityConfig

    path = FIXTURES / "sample-results" / "4090" / "2026-03-03" / "llamacpp-gpu.json"
    value = json.loads(path.read_text())
    assert "completion_tokens_total" not in value and value["tokens_per_sec"] > 300
    assert judge(result_from_value(value), QualityConfig()) is None
    reported_zero = judge(result_from_value(value | {"completion_tokens_total": 0}), QualityConfig())
    assert reported_zero is not None and reported_zero.reason.startswith(
        "no output token: completion_tokens_total is 0"
    )
    no_speed = judge(result_from_value(value | {"tokens_per_sec": 0.0}), QualityConfig())
    assert no_speed is not None and "tokens_per_sec is 0" in no_speed.reason
