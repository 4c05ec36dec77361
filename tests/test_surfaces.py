"""Every surface that mentions a result says that result's own truth: its flag, its cohort, its
values. A table of cases (each a result file and what is true of it) is walked through the run
page, its copy-as-Markdown text, metrics.json, the compare view's command line, the pull-request
report, the hardware page's history, its preview description, feeds and badges.

The history: one machine, three runs. The second holds an invalid result (no output token:
the Jetson realizr case), an unreliable one, one of few samples, one whose TPOT is a unit
error, one that does not report completion_tokens_total, two results sharing one
runtime_name (one broken), and a 7B and a 32B model of one runtime (the gb10 case). The third
measures a level no other run does.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.review.changed import named_runs
from sitegen.review.compare import RunDocuments
from sitegen.review.report import ReportWriter
from sitegen.site.build import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
SITE_TOML = """results = ["results"]
base_url = "https://bench.example.org/"
preview_images = false
[[runtime]]
id = "qwen"
match = ["small*", "big*"]
"""
FIRST, SECOND, THIRD = "hw/2026-03-01", "hw/2026-03-08", "hw/2026-03-15"
NO_TOKEN = {"completion_tokens_total": 0, "tokens_per_sec": 0.0, "ttft_p50_ms": 0.0, "itl_p50_ms": 0.0}


@dataclass(frozen=True)
class Case:
    """A result and what every surface must say of it."""

    run: str
    file: str
    runtime_name: str
    changes: dict
    flag: str | None  # its validity flag, None when valid
    model: str = "unspecified"


CASES = (
    Case(FIRST, "realizr-c1.json", "realizr-c1", {}, None),
    Case(FIRST, "shared-a.json", "shared-c1", {}, None),
    Case(FIRST, "small-c1.json", "small-c1", {"model": "Qwen 7B"}, None, "qwen-7b"),
    Case(FIRST, "big-c1.json", "big-c1", {"model": "Qwen 32B", "decode_tok_per_sec": 20.0}, None, "qwen-32b"),
    Case(SECOND, "realizr-c1.json", "realizr-c1", NO_TOKEN, "invalid"),
    Case(SECOND, "unreliable-c1.json", "flaky-c1", {"error_rate": 0.06, "failed": 6}, "unreliable"),
    Case(SECOND, "few-c1.json", "few-c1", {"successful": 2, "total_requests": 2}, "few samples"),
    Case(SECOND, "unit-c1.json", "unit-c1", {"tpot_p50_ms": 0.00012, "tpot_p99_ms": 0.0002}, None),
    Case(SECOND, "old-c1.json", "old-c1", {"completion_tokens_total": None}, None),
    Case(SECOND, "shared-a.json", "shared-c1", {"successful": 0, "failed": 50, "error_rate": 1.0}, "invalid"),
    Case(SECOND, "shared-b.json", "shared-c1", {}, None),
    Case(SECOND, "small-c1.json", "small-c1", {"model": "Qwen 7B"}, None, "qwen-7b"),
    Case(
        SECOND, "big-c1.json", "big-c1", {"model": "Qwen 32B", "decode_tok_per_sec": 20.0}, None, "qwen-32b"
    ),
    Case(THIRD, "realizr-c128.json", "realizr-c128", {"concurrency": 128}, None),
)


def write_history(base: Path) -> None:
    for case in CASES:
        folder = base / "results" / case.run
        folder.mkdir(parents=True, exist_ok=True)
        day = case.run.rsplit("/", 1)[1]
        stamp = f"{day}T10:00:0{len(list(folder.iterdir())) % 10}Z"
        data = GOOD | {"runtime_name": case.runtime_name, "timestamp": stamp} | case.changes
        data = {k: v for k, v in data.items() if v is not None}  # None: the field is not reported
        (folder / case.file).write_text(json.dumps(data))
    (base / "site.toml").write_text(SITE_TOML)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("surfaces")
    write_history(base)
    return base


@pytest.fixture(scope="module")
def site(history: Path) -> Path:
    return build_site(load_config(cwd=history), history / "_site", workers=1).out


def flag_kind(reason: str | None) -> str | None:
    return reason.split(":", 1)[0] if reason else None


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.run[-5:]}-{c.file}")
def test_the_catalog_and_metrics_json_say_each_result_s_own_truth(history: Path, site: Path, case: Case):
    catalog = build_catalog(load_config(cwd=history))
    run = next(r for r in catalog.runs if r.id == case.run)
    entry = next(e for e in run.results if e.source == case.file)
    assert (str(entry.flag.kind) if entry.flag else None) == case.flag
    assert entry.cohort.model == case.model
    metrics = json.loads((site / "runs" / case.run / "metrics.json").read_text())
    row = next(r for r in metrics["results"] if r["file"] == case.file)
    assert row["validity"] == (case.flag or "valid") and row["model"] == case.model
    assert row["runtime_name"] == case.runtime_name
    compared = [v for v in metrics["compare"]["values"] if v[7] == case.file]
    assert all(flag_kind(v[8]) == case.flag for v in compared)  # every compared value of it


def rows_by_result(page: str) -> dict[str, set[str]]:
    """run id/file -> the data-flag of every table row whose composite cell names that result."""
    found: dict[str, set[str]] = {}
    for tr in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S):
        result = re.search(r'data-result="([^"]+)"', tr)
        if result:
            flag = re.search(r'^<tr[^>]*data-flag="([^"]+)"', tr)
            found.setdefault(html.unescape(result.group(1)), set()).add(flag.group(1) if flag else "")
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.run[-5:]}-{c.file}")
def test_run_page_rows_and_copy_text_wear_each_result_s_own_flag(site: Path, case: Case):
    page = (site / "runs" / case.run / "index.html").read_text()
    rows = rows_by_result(page)
    assert rows[f"{case.run}/{case.file}"] == {case.flag or ""}
    copies = "\n".join(html.unescape(t) for t in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S))
    said = re.findall(rf"- {re.escape(case.runtime_name)} \({re.escape(case.file)}\): ([a-z ]+),", copies)
    assert set(said) == ({case.flag} if case.flag else set())


def test_compare_and_report_say_each_result_s_own_flag(history: Path):
    done = CliRunner().invoke(
        app, ["compare", FIRST, SECOND, "--format", "json", "--all", "--config", str(history / "site.toml")]
    )
    doc = json.loads(done.stdout)
    by_runtime = {}
    for v in doc["values"]:
        by_runtime.setdefault((v["runtime"], v["cohort"]), set()).add(v["flag"] or "")
    # realizr c=1 produced no token in B: every value flagged, none judged (not "+392 % better").
    assert by_runtime[("realizr", "unspecified")] == {
        "B invalid: no output token: tokens_per_sec is 0, though 19 requests succeeded"
    }
    assert not any(v["noise"] == "beyond" for v in doc["values"] if v["runtime"] == "realizr")
    # shared-c1: the broken one of two results sharing a name is not the one compared.
    assert by_runtime[("shared", "unspecified")] == {""}
    # Each model against itself.
    assert {c for r, c in by_runtime if r == "qwen"} == {"qwen-7b", "qwen-32b"}
    catalog = build_catalog(load_config(cwd=history))
    config = load_config(cwd=history)
    report = ReportWriter(catalog, config.contract.thresholds, config.site.slo, "", history).report(
        named_runs(catalog, [SECOND])
    )
    flagged = report.markdown.split("**Flagged measurements**", 1)[1].split("\n\n**", 1)[0]
    listed = dict(re.findall(r"` ([\w.-]+\.json) `: ([a-z ]+)\\?,", flagged))
    assert listed == {c.file: c.flag for c in CASES if c.run == SECOND and c.flag}
    rows = [line.split(" | ")[0] for line in report.markdown.splitlines() if line.startswith("| qwen")]
    assert rows == ["| qwen \\(model Qwen 32B\\)", "| qwen \\(model Qwen 7B\\)"]


def test_history_previews_feeds_and_badges_never_show_a_broken_result_as_data(site: Path):
    hardware = (site / "hardware" / "hw" / "index.html").read_text()
    figure = json.loads(re.search(r'id="chart-decode-figure">(.*?)</script>', hardware, re.S).group(1))
    realizr = next(t for t in figure["data"] if t["name"] == "realizr (model unspecified)")
    assert realizr["y"][1] is None  # the broken run: a gap, never a value
    table = re.search(r'id="chart-decode-data".*?</table>', hardware, re.S).group(0)
    assert "invalid: no output token" in table
    names = {t["name"] for t in figure["data"]}
    assert {"qwen (model Qwen 7B)", "qwen (model Qwen 32B)"} <= names
    assert "Decode speed (c=1)" in hardware  # one level: the c=128 run is not on this line
    second = (site / "runs" / SECOND / "index.html").read_text()
    description = re.search(r'<meta name="description" content="([^"]*)"', second).group(1)
    assert "realizr" not in html.unescape(description)  # its only result there is invalid
    feed = (site / "feed.xml").read_text() if (site / "feed.xml").exists() else ""
    assert "realizr" not in feed.split(SECOND, 1)[-1].split("</entry>", 1)[0] or not feed
    badges = {p.parent.name for p in (site / "badges").rglob("*.svg")}
    assert not badges & {"flaky", "few"}  # flagged results are never crowned


def test_every_anchor_the_readme_names_exists_on_the_example_site(example_site: Path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    anchors = {a for a in re.findall(r"`#([a-z][a-z0-9-]*)`", readme) if a != "rrggbb"}
    assert anchors >= {"composite-c4", "scaling", "power", "chart-decode"}
    ids = set()
    for page in example_site.rglob("index.html"):
        ids.update(re.findall(r' id="([^"]+)"', page.read_text()))
    assert anchors <= ids, anchors - ids


def test_the_pull_request_tools_read_the_values_metrics_json_publishes(history: Path, site: Path):
    # The review tools compute a run's compared values from the catalog; the compare view reads
    # them from metrics.json. Both must be the same rows, or a comment and the page disagree.
    catalog = build_catalog(load_config(cwd=history))
    for run in catalog.runs:
        published = json.loads((site / "runs" / run.id / "metrics.json").read_text())["compare"]
        rows = [dict(zip(published["fields"], row, strict=True)) for row in published["values"]]
        computed = RunDocuments.of(run)
        assert rows == [dict(zip(published["fields"], v.as_row(), strict=True)) for v in computed.values]
        assert computed.scorecards == json.loads((site / "runs" / run.id / "scorecards.json").read_text())


def test_the_catalog_and_review_tools_never_import_page_builders():
    # What both the site and the pull-request tools need lives below both: a page change must
    # not be able to change a pull-request comment by accident.
    package = Path(__file__).resolve().parents[1] / "sitegen"
    for layer in ("catalog", "review", "scoring"):
        for module in sorted((package / layer).glob("*.py")):
            for node in ast.walk(ast.parse(module.read_text())):
                if isinstance(node, ast.ImportFrom):
                    name = "." * node.level + (node.module or "")
                    assert not re.match(r"\.\.(site|theme)\b", name), f"{layer}/{module.name} imports {name}"
                    assert not (node.module or "").startswith("sitegen.site"), module.name
