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
    pages = builder.run_pages()
    for run in catalog.runs:
        view = pages[run.id].run(run)
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


GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
FAILED = {"successful": 0, "failed": 40, "total_requests": 40, "error_rate": 1.0}


def write(run: Path, name: str, runtime_name: str, c: int, stamp: str, **changes) -> None:
    run.mkdir(parents=True, exist_ok=True)
    data = GOOD | {"runtime_name": runtime_name, "concurrency": c, "timestamp": stamp} | changes
    (run / name).write_text(json.dumps(data))


@pytest.fixture
def variants(tmp_path: Path) -> Path:
    """One machine, three runs: a valid c=4 result, then an invalid one at the same level; two
    variants of one runtime at c=1 in one run; a run whose results all failed."""
    results = tmp_path / "results" / "hw"
    write(results / "2026-03-01", "realizr-c4.json", "realizr-c4", 4, "2026-03-01T10:00:00Z")
    write(results / "2026-03-01", "vllm-c1.json", "vllm-c1", 1, "2026-03-01T10:00:00Z")
    write(results / "2026-03-08", "realizr-c4.json", "realizr-c4", 4, "2026-03-08T10:00:00Z", **FAILED)
    write(results / "2026-03-08", "grid16.json", "realizr-grid16-c1", 1, "2026-03-08T10:00:00Z")
    write(
        results / "2026-03-08", "nograph.json", "realizr-nograph-c1", 1, "2026-03-08T11:00:00Z",
        decode_tok_per_sec=GOOD["decode_tok_per_sec"] * 0.7,
    )  # fmt: skip
    for name in ("realizr", "vllm"):
        write(results / "2026-03-15", f"{name}-c1.json", f"{name}-c1", 1, "2026-03-15T10:00:00Z", **FAILED)
    (tmp_path / "site.toml").write_text(
        'results = ["results"]\n[[runtime]]\nid = "realizr"\nmatch = ["realizr*"]\n'
    )
    return tmp_path


def test_standings_take_the_latest_valid_result_and_list_a_newer_broken_one_apart(variants: Path):
    catalog = build_catalog(load_config(cwd=variants))
    [standing] = catalog.standings["hw"]
    ranked = {(e.runtime, e.result.concurrency): run_id for run_id, e in standing.entries}
    apart = {(a.entry.runtime, a.entry.result.concurrency, a.run_id): a.why for a in standing.apart}
    assert ranked[("realizr", 4)] == "hw/2026-03-01"  # the older valid one, not hidden
    assert apart[("realizr", 4, "hw/2026-03-08")] == "invalid"  # the newer broken one, said
    assert ranked[("realizr", 1)] == "hw/2026-03-08" and ranked[("vllm", 1)] == "hw/2026-03-01"
    assert apart[("realizr", 1, "hw/2026-03-15")] == "invalid"


def test_two_variants_of_one_runtime_at_one_level_are_named_and_the_choice_said(variants: Path):
    catalog = build_catalog(load_config(cwd=variants))
    [standing] = catalog.standings["hw"]
    chosen = next(e for _, e in standing.entries if (e.runtime, e.result.concurrency) == ("realizr", 1))
    assert chosen.source == "nograph.json"  # the latest of the two, as the warning says
    warnings = [d.reason for d in catalog.diagnostics if d.path == "hw/2026-03-08/nograph.json"]
    assert (
        "2 results of runtime realizr at c=1 in this run (realizr-grid16-c1 in grid16.json, "
        "realizr-nograph-c1 in nograph.json): standings and history take realizr-nograph-c1, "
        "the latest valid one" in warnings
    )


def test_link_previews_never_praise_a_broken_run(variants: Path):
    config = load_config(cwd=variants)
    catalog = build_catalog(config)
    builder = ViewBuilder(catalog, config.site, config.contract, "")
    broken = next(r for r in catalog.runs if r.id == "hw/2026-03-15")
    pages = builder.run_pages()
    description = pages[broken.id].run_description(broken)
    assert " at c=1" not in description and "no valid measurement" in description
    fine = next(r for r in catalog.runs if r.id == "hw/2026-03-01")
    fine_description = pages[fine.id].run_description(fine)
    assert "vllm A" in fine_description or " at c=1" in fine_description


def test_a_discarded_tpot_and_an_unreachable_reference_interactivity_are_explained(tmp_path: Path):
    """A TPOT sitegen discards as a unit error was explained as "no p99 TPOT reported"; and the
    chart at the reference interactivity said "no runtime reaches it" where every runtime stays
    above it."""
    from sitegen.site.build import build_site

    run = tmp_path / "results" / "hw" / "2026-03-01"
    write(run, "fast-c1.json", "fast-c1", 1, "2026-03-01T10:00:00Z", tpot_p50_ms=5.0, tpot_p99_ms=6.0)
    write(run, "unit-c1.json", "unit-c1", 1, "2026-03-01T10:00:00Z", tpot_p50_ms=0.00012, tpot_p99_ms=0.0002)
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    site = build_site(load_config(cwd=tmp_path), tmp_path / "_site", workers=1).out
    page = (site / "hardware" / "hw" / "index.html").read_text()
    assert "p99 TPOT not used: median TPOT 0.00012 ms is over 100 times below ITL" in page
    assert "not used: a unit error" in page  # under the cell, in the derived values
    run_page = (site / "runs" / "hw" / "2026-03-01" / "index.html").read_text()
    assert "not used: a unit error" in run_page
    assert "Every runtime here stays above 20 tok/s per user at every level measured" in page
    assert "No runtime here reaches the reference interactivity" not in page


def figure_and_table(page: str, chart_id: str) -> tuple[dict, str]:
    import re

    figure = re.search(rf'<script type="application/json" id="{chart_id}-figure">(.*?)</script>', page, re.S)
    table = re.search(rf'<table[^>]*id="{chart_id}-data".*?</table>', page, re.S)
    return json.loads(figure.group(1)), table.group(0)


def test_history_never_joins_two_levels_and_lists_every_run_of_a_date(tmp_path: Path):
    """On the RTX 4060 one run measured c=1 and the next c=128: "Decode speed" fell 148 -> 56
    tok/s as if it were a trend. And two runs on one date were drawn, but tabulated once."""
    from sitegen.site.build import build_site

    results = tmp_path / "results" / "hw"
    write(results / "2026-03-01", "a-c1.json", "a-c1", 1, "2026-03-01T10:00:00Z", decode_tok_per_sec=148.0)
    write(
        results / "2026-03-08", "a-c128.json", "a-c128", 128, "2026-03-08T10:00:00Z", decode_tok_per_sec=56.0
    )
    write(results / "2026-03-15-a", "a-c1.json", "a-c1", 1, "2026-03-15T10:00:00Z", decode_tok_per_sec=150.0)
    write(results / "2026-03-15-b", "a-c1.json", "a-c1", 1, "2026-03-15T12:00:00Z", decode_tok_per_sec=152.0)
    for run in ("2026-03-15-a", "2026-03-15-b"):
        (results / run / "run.toml").write_text("date = 2026-03-15\n")
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    site = build_site(load_config(cwd=tmp_path), tmp_path / "_site", workers=1).out
    page = (site / "hardware" / "hw" / "index.html").read_text()
    assert "Decode speed (c=1)" in page
    figure, table = figure_and_table(page, "chart-decode")
    drawn = [y for trace in figure["data"] for y in trace["y"]]
    assert 56.0 not in drawn and sorted(drawn) == [148.0, 150.0, 152.0]
    assert "2026-03-15 · 2026-03-15-a" in table and "2026-03-15 · 2026-03-15-b" in table


def test_compare_never_counts_a_broken_result_nor_matches_two_models(tmp_path: Path):
    """Two Jetson runs: realizr's composite 13 -> 64 "+392 % better" for a run that produced no
    token; on gb10, the 32B model "+296 % decode" against the 7B."""
    from sitegen.review.compare import compare_runs

    results = tmp_path / "results" / "hw"
    for day in ("2026-03-01", "2026-03-08"):
        stamp = f"{day}T10:00:00Z"
        write(results / day, "small-c1.json", "small-c1", 1, stamp, model="Qwen 7B")
        write(results / day, "big-c1.json", "big-c1", 1, stamp, model="Qwen 32B", decode_tok_per_sec=20.0)
    write(results / "2026-03-01", "realizr-c1.json", "realizr-c1", 1, "2026-03-01T10:00:00Z")
    write(
        results / "2026-03-08", "realizr-c1.json", "realizr-c1", 1, "2026-03-08T10:00:00Z",
        completion_tokens_total=0, tokens_per_sec=0.0, itl_p50_ms=0.0, ttft_p50_ms=0.0,
    )  # fmt: skip
    (tmp_path / "site.toml").write_text(
        'results = ["results"]\n[[runtime]]\nid = "qwen"\nmatch = ["small*", "big*"]\n'
    )
    config = load_config(cwd=tmp_path)
    catalog = build_catalog(config)
    a, b = (next(r for r in catalog.runs if r.id == f"hw/{d}") for d in ("2026-03-01", "2026-03-08"))
    comparison = compare_runs(catalog, config.contract.thresholds, a, b)
    realizr = [d for d in comparison.deltas if d.runtime == "realizr"]
    assert realizr and all(d.flag.startswith("B invalid: no output token") for d in realizr)
    assert not any(d.beyond for d in realizr) and "flagged" in comparison.summary()
    qwen = [d for d in comparison.deltas if d.runtime == "qwen" and d.key == "decode_tok_s"]
    assert {d.cohort for d in qwen} == {"qwen-7b", "qwen-32b"}
    assert all(d.before == d.after for d in qwen)  # 7B against 7B, 32B against 32B


@pytest.fixture
def two_models(tmp_path: Path) -> Path:
    """gb10: a 7B and a 32B model on one machine, each at c=1 and c=4, in two runs."""
    results = tmp_path / "results" / "gb10"
    for day in ("2026-03-01", "2026-03-08"):
        for c in (1, 4):
            stamp = f"{day}T10:00:0{c}Z"
            write(results / day, f"small-c{c}.json", f"small-c{c}", c, stamp, model="Qwen 7B")
            write(
                results / day, f"big-c{c}.json", f"big-c{c}", c, stamp, model="Qwen 32B",
                decode_tok_per_sec=GOOD["decode_tok_per_sec"] / 4, tokens_per_sec=GOOD["tokens_per_sec"] / 4 * c,
            )  # fmt: skip
    (tmp_path / "site.toml").write_text(
        'results = ["results"]\n[[runtime]]\nid = "qwen"\nmatch = ["small*", "big*"]\n'
    )
    return tmp_path


def test_a_run_of_two_models_draws_a_line_per_model_and_reports_a_row_per_model(two_models: Path):
    from sitegen.review.changed import named_runs
    from sitegen.review.report import ReportWriter
    from sitegen.site.build import build_site

    config = load_config(cwd=two_models)
    site = build_site(config, two_models / "_site", workers=1).out
    page = (site / "runs" / "gb10" / "2026-03-08" / "index.html").read_text()
    for chart in ("chart-frontier", "chart-latency-throughput", "chart-scaling", "chart-latency"):
        figure, _ = figure_and_table(page, chart)
        names = {trace["name"] for trace in figure["data"]}
        assert names >= {"qwen (model Qwen 7B)", "qwen (model Qwen 32B)"}, (chart, names)
        dashes = {trace["name"]: trace["line"]["dash"] for trace in figure["data"] if "line" in trace}
        assert dashes["qwen (model Qwen 7B)"] != dashes["qwen (model Qwen 32B)"]
    assert "This run measured 2 models or workloads" in page
    hardware = (site / "hardware" / "gb10" / "index.html").read_text()
    figure, _ = figure_and_table(hardware, "chart-decode")
    styles = {trace["name"]: trace["line"]["dash"] for trace in figure["data"]}
    assert len(styles) == 2 and len(set(styles.values())) == 2  # two series, told apart
    catalog = build_catalog(config)
    report = ReportWriter(catalog, config.contract.thresholds, config.site.slo, "").report(
        named_runs(catalog, ["gb10/2026-03-08"])
    )
    rows = [line for line in report.markdown.splitlines() if line.startswith("| qwen")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| qwen \\(model Qwen 32B\\)",
        "| qwen \\(model Qwen 7B\\)",
    ]


def test_results_of_other_settings_are_never_compared_and_an_engine_change_is_said(tmp_path: Path):
    """precision, tensor_parallel, dataset, load_generator (from run.toml or the result file) set
    results apart; a change of engine_version is compared, and said."""
    from typer.testing import CliRunner

    from sitegen.cli import app
    from sitegen.review.compare import compare_runs
    from sitegen.site.exports import metrics_json

    results = tmp_path / "results" / "hw"
    write(results / "2026-03-01", "vllm-c1.json", "vllm-c1", 1, "2026-03-01T10:00:00Z")
    (results / "2026-03-01" / "run.toml").write_text('precision = "bf16"\nengine_version = "0.6.3"\n')
    write(results / "2026-03-08", "vllm-c1.json", "vllm-c1", 1, "2026-03-08T10:00:00Z", precision="fp8")
    write(
        results / "2026-03-15", "vllm-c1.json", "vllm-c1", 1, "2026-03-15T10:00:00Z",
        precision="bf16", engine_version="0.6.4",
    )  # fmt: skip
    write(results / "2026-03-22", "vllm-c1.json", "vllm-c1", 1, "2026-03-22T10:00:00Z", tensor_parallel=2)
    (results / "2026-03-22" / "run.toml").write_text('precision = "bf16"\n')
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    config = load_config(cwd=tmp_path)
    catalog = build_catalog(config)
    runs = {r.id: r for r in catalog.runs}
    cohorts = {r.id: r.results[0].cohort.key for r in catalog.runs}
    assert cohorts == {
        "hw/2026-03-01": "unspecified~p-bf16",
        "hw/2026-03-08": "unspecified~p-fp8",
        "hw/2026-03-15": "unspecified~p-bf16",
        "hw/2026-03-22": "unspecified~p-bf16~tp-2",
    }
    fp8 = compare_runs(catalog, config.contract.thresholds, runs["hw/2026-03-01"], runs["hw/2026-03-08"])
    assert fp8.deltas == ()
    assert (
        "not compared, other model or settings: vllm unspecified~p-bf16 vs unspecified~p-fp8" in fp8.summary()
    )
    tp = compare_runs(catalog, config.contract.thresholds, runs["hw/2026-03-15"], runs["hw/2026-03-22"])
    assert tp.deltas == () and "unspecified~p-bf16~tp-2" in tp.summary()
    upgrade = compare_runs(catalog, config.contract.thresholds, runs["hw/2026-03-01"], runs["hw/2026-03-15"])
    assert upgrade.deltas and all(d.note == "engine 0.6.3 → 0.6.4" for d in upgrade.deltas)
    done = CliRunner().invoke(app, ["check", "--config", str(tmp_path / "site.toml")])
    assert (
        "precision bf16: set in run.toml" in done.stdout
        and "precision fp8: the result's field" in done.stdout
    )
    metrics = json.loads(metrics_json(runs["hw/2026-03-15"]))
    assert metrics["results"][0]["precision"] == "bf16" and metrics["results"][0]["engine_version"] == "0.6.4"
