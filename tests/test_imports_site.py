"""A results tree with one run per load tester, checked and built: every file's format is
named, imported results are shown with what they lack, repeats with their interval, and the
frontier chart draws each result where its file puts it (checked in Chromium)."""

from __future__ import annotations

import json
import math
import re
import shutil
import statistics
from pathlib import Path

import pytest
from conftest import FORMATS, TOOLS_SITE_TOML, tool_results
from test_browser_practice import drawn_traces
from typer.testing import CliRunner

from sitegen.cli import app

REPEATS = json.loads((FORMATS / "probador" / "CONSTRUCTED_bench-repeats-llamacpp-gpu.json").read_text())


def repeat_runs(results: Path, shifts: tuple[tuple[str, float], ...]) -> Path:
    """A run of the repeat file per (day, shift): its throughput moved by `shift` tok/s, every
    repeat, value, mean and interval bound alike."""
    for day, shift in shifts:
        value = json.loads(json.dumps(REPEATS))
        for run in value["runs"]:
            run["tokens_per_sec"] += shift
            run["timestamp"] = run["timestamp"].replace("2026-03-04", day)
        agg = value["aggregate"]["tokens_per_sec"]
        agg["values"] = [v + shift for v in agg["values"]]
        for key in ("mean", "ci_95_lower", "ci_95_upper"):
            agg[key] += shift
        (results / "4090" / day).mkdir(parents=True)
        (results / "4090" / day / "repeats.json").write_text(json.dumps(value))
    return results


@pytest.fixture(scope="module")
def tools_tree(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tools-check")
    tool_results(folder / "results")
    (folder / "site.toml").write_text(TOOLS_SITE_TOML, encoding="utf-8")
    return folder


def test_check_names_the_format_of_every_file(tools_tree: Path, monkeypatch):
    monkeypatch.chdir(tools_tree)
    out = CliRunner().invoke(app, ["check"]).output
    formats = re.search(r"^Formats read: (.*)$", out, re.M).group(1)
    for name in (
        "vLLM bench serve (2 files)",
        "SGLang bench_serving (2 files)",
        "GuideLLM (1 file)",
        "AIPerf (1 file)",
        "AIPerf per-request records (1 file)",
        "llmperf (1 file)",
        "llmperf individual responses (1 file)",
        "inference-perf (1 file)",
        "load tester repeats (1 file)",
        "load tester console output (1 file)",
    ):
        assert name in formats, name
    # Each imported file: its format, what it does not report, what was assumed.
    assert "info: read as vLLM bench serve: 1 result; not reported: latency_p95_ms" in out
    assert "timestamp without zone, read as UTC" in out
    assert "info: read as SGLang bench_serving: 7 results" in out
    assert "no failure count in this format" not in out  # no GenAI-Perf file here
    assert "all stages pooled" in out  # inference-perf's summary: not a load point, with the reason
    document = json.loads(CliRunner().invoke(app, ["check", "--format", "json"]).output)
    by_file = {r["file"]: r for run in document["runs"] for r in run["results"]}
    assert by_file["llamacpp-c4.json"]["format"] == "load tester console output"
    assert "ttft_p99_ms" in by_file["llamacpp-c4.json"]["not_reported"]


def test_sitegen_score_keeps_the_references_behaviour(tools_tree: Path, tmp_path: Path):
    run = tmp_path / "run"
    shutil.copytree(tools_tree / "results" / "4090" / "2026-03-04-repeats", run)
    shutil.copy(FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json", run / "vllm.json")
    document = json.loads(CliRunner().invoke(app, ["score", str(run), "--format", "json"]).output)
    assert document["files_loaded"] == [] and document["composite"] == {}
    reasons = document["skip_reasons"]
    assert reasons["repeats-llamacpp.json"].startswith(
        "a repeat file of the load tester (3 repeats of llamacpp-gpu at c=4"
    )
    assert reasons["vllm.json"].startswith(
        "vLLM bench serve result file: sitegen score reads the load tester's"
    )


def test_run_pages_show_imported_results_and_what_they_lack(tools_site: Path):
    sglang = (tools_site / "runs" / "h100" / "2025-01-10-sglang" / "index.html").read_text()
    table = sglang.split('id="imported-table"')[1].split("</table>")[0]
    assert table.count("<tr") == 8  # a header and the seven rate points
    assert "rate 16 req/s" in table and "not reported" in table
    assert ">0.00<" not in table and ">0<" not in table.replace(">0</td>", "")
    console = (tools_site / "runs" / "4090" / "2026-03-05-console" / "index.html").read_text()
    assert "load tester console output" in console and "not reported" in console


def test_scored_imports_are_marked_on_scorecards(tools_site: Path):
    vllm = (tools_site / "runs" / "h100" / "2026-04-28-vllm" / "index.html").read_text()
    assert "scored from a vLLM bench serve result" in vllm
    hardware = (tools_site / "hardware" / "4090" / "index.html").read_text()
    assert "mean of 3 repeats" in hardware
    # The leaderboard's aggregate throughput carries the file's interval: (964.01 − 932.74) / 2.
    assert "score 100 · ± 15.6 (95 % CI, 3 repeats)" in hardware


def test_repeats_page_and_metrics_carry_the_files_interval(tools_site: Path):
    run = tools_site / "runs" / "4090" / "2026-03-04-repeats"
    page = (run / "index.html").read_text()
    section = page.split('class="repeats"')[1].split("</section>")[0]
    for i in (1, 2, 3):
        assert f"repeats-llamacpp.json#run{i}" in section
    tps = REPEATS["aggregate"]["tokens_per_sec"]
    assert f"95 % CI {tps['ci_95_lower']:.1f} – {tps['ci_95_upper']:.1f}" in section
    metrics = json.loads((run / "metrics.json").read_text())
    entry = metrics["results"][0]
    assert entry["format"] == "load tester repeats"
    assert entry["intervals"]["tokens_per_sec"]["ci95"] == [tps["ci_95_lower"], tps["ci_95_upper"]]
    assert entry["intervals"]["tokens_per_sec"]["n"] == 3
    assert [r["tokens_per_sec"] for r in entry["repeats"]] == tps["values"]


def test_no_nan_or_infinity_is_written(tools_site: Path):
    for path in tools_site.rglob("*"):
        if path.suffix in (".json", ".html") and path.is_file() and "raw" not in path.parts:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\bNaN\b|\bInfinity\b", text), path


# Where each run's frontier chart must put its result: x = 1000 / our ITL (their per-request
# TPOT), y = output tokens/s per GPU (one GPU), read by hand from each file.
EXPECTED_FRONTIER = {
    "h100/2026-04-28-vllm": (1000 / 9.03941193840877, 1725.5812148243967),
    "h100/2026-04-29-vllm-detailed": (1000 / 20.49999999999998, 108.8967971530249),
    "h100/2025-01-11-sglang-details": (1000 / 20.49999999999998, 108.8967971530249),
    "h100/2025-06-05-guidellm": (1000 / 4.9241227427805505, 5888.0 / 29.997201442718506),
    "h100/2025-10-03-aiperf": (1000 / 27.615130366666666, 2320.7222350404572),
    "h100/2025-11-05-inference-perf": (1000 / 3.4682437246881946, 62.15363932698074),
}


@pytest.mark.browser
def test_frontier_charts_draw_each_imported_result_where_its_file_puts_it(page, tools_site: Path, serve_dir):
    base = serve_dir(tools_site)
    for run, (x, y) in EXPECTED_FRONTIER.items():
        page.goto(base + f"runs/{run}/index.html")
        traces = [t for t in drawn_traces(page, "chart-frontier") if t["name"] != "Pareto frontier"]
        points = [(px, py) for t in traces for px, py in zip(t["x"], t["y"], strict=True)]
        assert len(points) == 1, run
        assert points[0][0] == pytest.approx(x, rel=1e-4), run
        assert points[0][1] == pytest.approx(y, rel=1e-4), run
    # The repeats' point is their mean (the file's aggregate mean throughput).
    page.goto(base + "runs/4090/2026-03-04-repeats/index.html")
    traces = [t for t in drawn_traces(page, "chart-frontier") if t["name"] != "Pareto frontier"]
    assert [t["y"] for t in traces] == [[pytest.approx(REPEATS["aggregate"]["tokens_per_sec"]["mean"])]]
    # A rate sweep with no per-token latency draws no point at all (never at 0).
    page.goto(base + "runs/h100/2025-01-10-sglang/index.html")
    assert page.locator("#chart-frontier").count() == 0


def test_unscored_imports_never_take_a_standing(tools_site: Path):
    """The console report (no ITL, no p99 TTFT) is newer than the repeats of the same runtime and
    level: the contract would score its missing ITL as excellent, so it never stands; the repeats'
    mean does."""
    page = (tools_site / "hardware" / "4090" / "index.html").read_text()
    standings = page.split('id="standings-part"')[1]
    assert "948.4 tok/s" in standings  # the repeats' mean
    assert "941.6" not in standings  # the console report's throughput
    metrics = json.loads((tools_site / "runs" / "4090" / "2026-03-05-console" / "metrics.json").read_text())
    assert metrics["results"][0]["scored"] is False
    assert metrics["results"][0]["ttft_p99_ms"] is None  # not reported, never 0


@pytest.mark.browser
def test_compare_shows_the_interval_of_repeated_values(page, tmp_path: Path, serve_dir):
    from conftest import build_into

    results = repeat_runs(tmp_path / "tree", (("2026-03-04", 0.0), ("2026-03-11", 40.0)))
    site = build_into(tmp_path / "build", results, TOOLS_SITE_TOML)
    base = serve_dir(site)
    page.goto(base + "compare/index.html?a=4090/2026-03-04&b=4090/2026-03-11")
    page.wait_for_function("!document.getElementById('compare-table').hidden")
    if page.locator("input[name=beyond]").is_checked():
        page.locator("input[name=beyond]").uncheck()  # every value, not only changes beyond noise
    row = page.locator('#compare-table tr[data-key*="aggregate_tok_s"]')
    row.first.wait_for()
    cells = row.first.locator("td").all_inner_texts()
    half = (
        REPEATS["aggregate"]["tokens_per_sec"]["ci_95_upper"]
        - REPEATS["aggregate"]["tokens_per_sec"]["ci_95_lower"]
    ) / 2
    assert cells[3] == f"{REPEATS['aggregate']['tokens_per_sec']['mean']:.1f} ± {half:.4g}"
    assert cells[4].startswith(f"{REPEATS['aggregate']['tokens_per_sec']['mean'] + 40:.1f} ± ")


def test_repeats_spread_is_the_noise_of_a_short_series():
    """Two runs of repeats: no history to estimate noise from, so the repeats' own spread is it.
    A shift of 40 tok/s exceeds 4·σ·√2 of the repeats (σ ≈ 6.3): a change; 20 tok/s does not."""
    from sitegen.catalog.changes import SIGNIFICANCE, estimate_noise

    sigma = statistics.stdev(REPEATS["aggregate"]["tokens_per_sec"]["values"])
    noise = estimate_noise([948.4, 988.4], [sigma, sigma])
    assert noise.repeats == 2 and noise.sigma == pytest.approx(sigma)
    assert noise.threshold == pytest.approx(SIGNIFICANCE * sigma * math.sqrt(2))
    assert 20 < noise.threshold < 40
    assert estimate_noise([948.4, 988.4]) is None  # without repeats: no estimate, as before


def test_a_change_beyond_the_repeats_noise_is_flagged(tmp_path: Path):
    from sitegen.catalog.build import build_catalog
    from sitegen.catalog.changes import significant_changes
    from sitegen.config import load_config

    shifts = (("2026-03-04", 0.0), ("2026-03-11", 3.0), ("2026-03-18", 40.0), ("2026-03-25", 45.0))
    repeat_runs(tmp_path / "results", shifts)
    (tmp_path / "site.toml").write_text(TOOLS_SITE_TOML)
    catalog = build_catalog(load_config(cwd=tmp_path))
    changes = [c for c in significant_changes(catalog.series) if c.metric == "aggregate_tok_s"]
    assert [(c.previous_run_id, c.run_id, c.confirmed) for c in changes] == [
        ("4090/2026-03-11", "4090/2026-03-18", True)
    ]
    assert changes[0].noise.repeats == 4  # the spread of the four runs' repeats, pooled


def test_contributor_strings_in_imported_files_stay_text(tmp_path: Path):
    """A label, model and backend are a contributor's text: shown escaped, never markup or a link."""
    from conftest import build_into

    value = json.loads((FORMATS / "vllm" / "CONSTRUCTED_vllm-bench-serve_save-detailed.json").read_text())
    value |= {
        "label": '<img src=x onerror="alert(1)">',
        "model_id": "javascript:alert(2)",
        "backend": "</script><script>alert(3)</script>",
        "generated_texts": ["<b>bold</b>"] * 6,
    }
    folder = tmp_path / "tree" / "h100" / "2026-04-28"
    folder.mkdir(parents=True)
    (folder / "vllm.json").write_text(json.dumps(value))
    site = build_into(tmp_path / "build", tmp_path / "tree", TOOLS_SITE_TOML)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page
        assert 'href="javascript:' not in text, page
    run_page = (site / "runs" / "h100" / "2026-04-28" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in run_page  # the label, shown as text


def test_a_target_with_only_rate_based_results_draws_and_ranks_them_unscored(tmp_path: Path):
    """Rate-based load points are never scored, but the hardware page draws them on its frontier
    and ranks them under latency targets, named by their rate; the home page says why it has no
    scores for the target."""
    from conftest import build_into

    folder = tmp_path / "tree" / "h100" / "2025-11-05"
    folder.mkdir(parents=True)
    shutil.copy(FORMATS / "inference-perf" / "vllm+batch_size_stage_0_lifecycle_metrics.json", folder)
    site = build_into(tmp_path / "build", tmp_path / "tree", TOOLS_SITE_TOML)
    page = (site / "hardware" / "h100" / "index.html").read_text(encoding="utf-8")
    assert "1 imported result of this model and workload cannot be scored by the contract" in page
    server = page.split('id="slo-server"')[1].split("</table>")[0]
    assert "rate 1 req/s" in server and "meets both" in server  # p99 TTFT 43 ms, p99 TPOT 3.5 ms
    frontier = json.loads(page.split('id="chart-frontier-figure">')[1].split("</script>")[0])
    (trace,) = [t for t in frontier["data"] if t.get("name") != "Pareto frontier"]
    assert trace["x"] == [pytest.approx(1000 / 3.4682437246881946, rel=1e-4)]
    assert trace["y"] == [pytest.approx(62.15363932698074, rel=1e-4)]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "1 result was read on this target, but none that the scoring contract can rank" in home
    assert "0 runs hold" not in home


@pytest.mark.browser
def test_own_limits_rank_a_rate_based_point_by_its_rate(page, tmp_path: Path, serve_dir):
    from conftest import build_into

    folder = tmp_path / "tree" / "h100" / "2025-11-05"
    folder.mkdir(parents=True)
    shutil.copy(FORMATS / "inference-perf" / "vllm+batch_size_stage_0_lifecycle_metrics.json", folder)
    site = build_into(tmp_path / "build", tmp_path / "tree", TOOLS_SITE_TOML)
    page.goto(serve_dir(site) + "hardware/h100/index.html")
    form = page.locator("form.slo-form")
    form.locator("input[name=speed]").fill("1000")  # a p99 TPOT of 1 ms; it has 3.5 ms: missed
    row = page.locator("#slo-custom tbody tr").first
    assert row.get_attribute("data-meets") == "no"
    assert row.locator("td").nth(4).text_content() == "rate 1 req/s"
    form.locator("input[name=speed]").fill("100")  # 10 ms: met
    assert page.locator("#slo-custom tbody tr").first.get_attribute("data-meets") == "yes"


def test_scorecards_json_lists_what_was_scored_and_what_was_not(tools_site: Path):
    sglang = json.loads((tools_site / "runs" / "h100" / "2025-01-10-sglang" / "scorecards.json").read_text())
    assert sglang["files_loaded"] == []  # seven rate-based points: none scored
    assert sglang["skip_reasons"]["llama_3_3_70b_online_output.jsonl#1"] == (
        "SGLang bench_serving result, not scored: rate-based"
    )
    vllm = json.loads((tools_site / "runs" / "h100" / "2026-04-28-vllm" / "scorecards.json").read_text())
    assert vllm["files_loaded"] == ["gpt-oss-120b_concurrency_16_req_rate_inf_gpus_16_ctx_8_gen_8.json"]


def _two_runtimes(results: Path, shift: float) -> Path:
    """One run of two runtimes' repeat files, the second's throughput moved by `shift` tok/s."""
    folder = results / "4090" / "2026-03-04"
    folder.mkdir(parents=True)
    for name, moved in (("llamacpp-gpu", 0.0), ("vllm", shift)):
        value = json.loads(json.dumps(REPEATS))
        for run in value["runs"]:
            run["runtime_name"] = name
            run["tokens_per_sec"] += moved
        agg = value["aggregate"]["tokens_per_sec"]
        agg["values"] = [v + moved for v in agg["values"]]
        for key in ("mean", "ci_95_lower", "ci_95_upper"):
            agg[key] += moved
        (folder / f"repeats-{name}.json").write_text(json.dumps(value))
    return results


@pytest.mark.parametrize(("shift", "tie"), [(5.0, True), (100.0, False)])
def test_a_lead_within_the_repeats_noise_is_a_tie_on_the_leaderboard(tmp_path: Path, shift: float, tie: bool):
    """Intervals of ±15.6 tok/s: 5 tok/s apart they overlap (a tie, both marked best), 100 apart
    they do not (one best)."""
    from conftest import build_into

    site = build_into(tmp_path / "build", _two_runtimes(tmp_path / "tree", shift), TOOLS_SITE_TOML)
    page = (site / "hardware" / "4090" / "index.html").read_text(encoding="utf-8")
    card = page.split('id="composite-c4-table"')[1].split("</table>")[0]
    aggregate = [row.split("</td>")[1] for row in card.split("<tr>")[2:]]  # each row's aggregate cell
    best = [cell for cell in aggregate if "best" in cell]
    assert len(best) == (2 if tie else 1)
    assert sum("tie within noise" in cell for cell in aggregate) == (2 if tie else 0)


def test_run_toml_names_the_runtime_a_file_does_not(tmp_path: Path):
    from conftest import build_into

    folder = tmp_path / "tree" / "h100" / "2026-04-28"
    folder.mkdir(parents=True)
    shutil.copy(
        FORMATS / "vllm" / "gpt-oss-120b_concurrency_16_req_rate_inf_gpus_16_ctx_8_gen_8.json", folder
    )
    (folder / "run.toml").write_text('runtime = "sglang"\n')
    site = build_into(tmp_path / "build", tmp_path / "tree", TOOLS_SITE_TOML)
    assert (site / "runtimes" / "sglang" / "index.html").is_file()
    assert not (site / "runtimes" / "unnamed").exists()
    scorecards = json.loads((site / "runs" / "h100" / "2026-04-28" / "scorecards.json").read_text())
    assert scorecards["composite"]["16"]["runtimes"][0]["name"] == "sglang"
    metrics = json.loads((site / "runs" / "h100" / "2026-04-28" / "metrics.json").read_text())
    assert "runtime from run.toml" in metrics["results"][0]["import_notes"]
