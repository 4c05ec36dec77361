"""Property: any results tree builds, checks, compares and reports without an exception.

Hypothesis generates trees where any of a target, runtime, run, cohort, level
or series may have nothing in it: a machine whose only run holds a file that
is not a result, a folder named like a result file, a run of correctness
reports or console text only, a runtime measured once, two models on one
machine, runs without a date. Every generated tree must give a whole site (each
page the navigation links to exists), a `check`, a comparison of two runs
and a pull-request report.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.catalog.build import build_catalog
from sitegen.check import check_document, check_text
from sitegen.config import load_config
from sitegen.review.changed import named_runs
from sitegen.review.compare import compare_runs
from sitegen.review.report import ReportWriter
from sitegen.site.build import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
CORRECTNESS = FIXTURES / "sample-results/jetson-orin/2026-03-05/ollama-jetson-correctness-20260305.json"
PROBADOR = FIXTURES / "formats" / "probador"

RUNTIMES = ("vllm", "llamacpp", "ollama")
# A target, a runtime and a model declared but never measured, besides what the tree holds.
SITE_TOML = """title = "Generated"
base_url = "https://x.example/"
results = ["results"]
[[hardware]]
id = "declared-empty"
match = ["nowhere/*"]
[[runtime]]
id = "never-run"
match = ["never*"]
[[model]]
id = "big-model"
"""


def result(runtime: str, level: int, **changes) -> dict:
    return GOOD | {"runtime_name": f"{runtime}-c{level}", "concurrency": level} | changes


# One file of a run: (file name, bytes), or a folder (bytes None).
FILE_KINDS = {
    "valid": lambda rt, c: (f"{rt}-c{c}.json", result(rt, c)),
    "invalid": lambda rt, c: (f"{rt}-c{c}-x.json", result(rt, c, successful=0, failed=10, error_rate=1.0)),
    "unreliable": lambda rt, c: (f"{rt}-c{c}-u.json", result(rt, c, error_rate=0.5, failed=50)),
    "no tokens": lambda rt, c: (f"{rt}-c{c}-t.json", result(rt, c, completion_tokens_total=0)),
    "other model": lambda rt, c: (f"{rt}-c{c}-m.json", result(rt, c) | {"model": "big-model"}),
    "not a result": lambda rt, c: ("meta.json", {}),
    "folder named json": lambda rt, c: ("x.json", None),
    "correctness": lambda rt, c: ("correctness.json", json.loads(CORRECTNESS.read_text())),
    "console": lambda rt, c: (f"console-{rt}.json", "console"),
    "repeats": lambda rt, c: (f"repeats-{rt}.json", "repeats"),
    "broken json": lambda rt, c: ("broken.json", "{"),
}

run_files = st.lists(
    st.tuples(st.sampled_from(sorted(FILE_KINDS)), st.sampled_from(RUNTIMES), st.sampled_from((1, 4))),
    min_size=1,
    max_size=5,
)
runs = st.lists(st.tuples(st.booleans(), run_files), min_size=1, max_size=3)  # (dated, files)
trees = st.lists(runs, min_size=1, max_size=3)  # one list of runs per machine


def write_tree(base: Path, tree: list) -> None:
    (base / "site.toml").write_text(SITE_TOML)
    day = itertools.count(1)
    for m, machine in enumerate(tree):
        for dated, files in machine:
            n = next(day)
            folder = base / "results" / f"box{m}" / (f"2026-03-{n:02d}" if dated else f"run{n}")
            folder.mkdir(parents=True)
            for kind, runtime, level in files:
                name, content = FILE_KINDS[kind](runtime, level)
                path = folder / name
                if content is None:
                    path.mkdir(exist_ok=True)
                elif content == "console":
                    path.write_bytes((PROBADOR / "CONSTRUCTED_console-output-llamacpp-c1.json").read_bytes())
                elif content == "repeats":
                    path.write_bytes((PROBADOR / "CONSTRUCTED_bench-repeats-llamacpp-gpu.json").read_bytes())
                elif isinstance(content, str):
                    path.write_text(content)
                elif not path.is_dir():
                    path.write_text(json.dumps(content))


HREF = re.compile(r'href="([^"#?:]+)"')


def assert_links_resolve(site: Path) -> None:
    """Every relative link of the home page and the navigation leads to a file of the site."""
    for page in [site / "index.html", *sorted((site / "hardware").glob("*/index.html"))]:
        for target in HREF.findall(page.read_text()):
            resolved = (page.parent / target).resolve()
            if target.endswith("/"):
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{page.relative_to(site)} links to a missing {target}"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=trees)
def test_any_tree_builds_checks_compares_and_reports(tree: list, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("tree")
    write_tree(base, tree)
    config = load_config(cwd=base)
    site = build_site(config, base / "_site", workers=1).out
    assert (site / "index.html").is_file()
    assert_links_resolve(site)
    catalog = build_catalog(config)
    for target in catalog.hardware:  # a target with runs but nothing ranked says why
        if catalog.runs_on(target.id) and not catalog.standings.get(target.id):
            page = (site / "hardware" / target.id / "index.html").read_text()
            read = sum(r.n_results for r in catalog.runs_on(target.id))
            why = (
                "none that the scoring contract can rank"
                if read
                else "No result has been read on this target yet"
            )
            assert why in page
    list(check_text(catalog))
    json.dumps(check_document(catalog))
    for a, b in itertools.combinations(catalog.runs, 2):
        compare_runs(catalog, config.contract.thresholds, a, b, None)
    if catalog.runs:
        ReportWriter(catalog, config.contract.thresholds, config.site.slo, "").report(
            named_runs(catalog, [r.id for r in catalog.runs])
        )
