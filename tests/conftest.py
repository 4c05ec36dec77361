"""Shared test configuration: helper imports, Chromium for Playwright, built sites served locally."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen.site.serve import SiteHandler

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CHROMIUM = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


@pytest.fixture(scope="session", autouse=True)
def _build_cache_in_tmp(tmp_path_factory):
    """Every build of the session keeps its cache (cache_store.py) in a folder of the session's
    own, not in the user's cache folder; subprocesses inherit it."""
    folder = tmp_path_factory.mktemp("sitegen-cache")
    folder.chmod(0o700)
    old = os.environ.get("SITEGEN_CACHE_DIR")
    os.environ["SITEGEN_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("SITEGEN_CACHE_DIR", None)
    else:
        os.environ["SITEGEN_CACHE_DIR"] = old


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds asked for several workers fork them even for a handful of runs (plan.py forks one
    only for a few dozen), so that a test's small tree goes through the forked workers."""
    from sitegen.site import plan

    monkeypatch.setattr(plan, "MIN_RUNS_PER_WORKER", 1)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(SiteHandler):
    """`sitegen serve`'s handler, as GitHub Pages serves a site: under a path prefix, and with
    the 404 page a test names (or none)."""

    prefix = ""  # serve the site under this path, e.g. "/repo"
    not_found: Path | None = None  # a page served, with status 404, for any missing path

    def not_found_page(self) -> Path | None:
        return self.not_found

    def translate_path(self, path: str) -> str:
        if self.prefix:
            if not (path == self.prefix or path.startswith(self.prefix + "/")):
                return os.path.join(self.directory, ".outside-the-prefix", "missing")  # a 404
            path = path[len(self.prefix) :] or "/"
        return super().translate_path(path)


@pytest.fixture(scope="session")
def serve_dir():
    """Serve a directory on 127.0.0.1 (optionally under a path prefix); yields the base URL."""
    servers: dict[tuple, ThreadingHTTPServer] = {}

    def start(directory: Path, prefix: str = "", not_found: Path | None = None) -> str:
        """`not_found`: serve this page for missing paths, as GitHub Pages serves 404.html. A
        directory served the same way twice is served by the same server."""
        key = (str(directory), prefix, str(not_found))
        if key not in servers:
            handler = type("Handler", (_QuietHandler,), {"prefix": prefix, "not_found": not_found})
            server = ThreadingHTTPServer(
                ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
            )
            server.daemon_threads = True
            # A short poll: shutting the session's servers down waits one poll each.
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
            servers[key] = server
        return f"http://127.0.0.1:{servers[key].server_address[1]}{prefix}/"

    yield start
    for server in servers.values():
        server.shutdown()
        server.server_close()


def build_into(tmp: Path, results: Path, site_toml: str) -> Path:
    """Copy a results tree to tmp/results, write tmp/site.toml, build; return the site directory."""
    from sitegen.config import load_config
    from sitegen.site.build import build_site

    shutil.copytree(results, tmp / "results")
    (tmp / "site.toml").write_text(site_toml, encoding="utf-8")
    return build_site(load_config(cwd=tmp), workers=1).out


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The repository's example results and site.toml, built once."""
    text = (ROOT / "site.toml").read_text(encoding="utf-8")
    assert 'results = ["examples/results"]' in text
    return build_into(
        tmp_path_factory.mktemp("example-site"),
        ROOT / "examples" / "results",
        text.replace('results = ["examples/results"]', 'results = ["results"]'),
    )


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """Copies of the real sample result directories with the site.toml a user would write."""
    return build_into(
        tmp_path_factory.mktemp("sample-site"),
        FIXTURES / "sample-results",
        (FIXTURES / "sample-site.toml").read_text(encoding="utf-8"),
    )


def iter_files(site: Path) -> Iterator[Path]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield path


@pytest.fixture(scope="session")
def linked_site(tmp_path_factory) -> Path:
    """The sample runs built with a base URL, as published: canonical links, absolute feed and badge URLs."""
    site_toml = (FIXTURES / "sample-site.toml").read_text(encoding="utf-8")
    site_toml = site_toml.replace(
        'results = ["results"]', 'results = ["results"]\nbase_url = "https://bench.example.org/qwen/"'
    )
    return build_into(tmp_path_factory.mktemp("linked-site"), FIXTURES / "sample-results", site_toml)


FORMATS = FIXTURES / "formats"

# One run per load tester, built from the real (and constructed) files of tests/fixtures/formats:
# (run folder, [(fixture file, name in the run)]).
TOOL_RUNS = (
    (
        "h100/2026-04-28-vllm",
        [("vllm/gpt-oss-120b_concurrency_16_req_rate_inf_gpus_16_ctx_8_gen_8.json", None)],
    ),
    ("h100/2026-04-29-vllm-detailed", [("vllm/CONSTRUCTED_vllm-bench-serve_save-detailed.json", None)]),
    ("h100/2025-01-10-sglang", [("sglang/llama_3_3_70b_online_output.jsonl", None)]),
    ("h100/2025-01-11-sglang-details", [("sglang/CONSTRUCTED_bench_serving_output-details.jsonl", None)]),
    ("h100/2025-06-05-guidellm", [("guidellm/benchmarks_stripped.v0.2-0.3schema.json", "benchmarks.json")]),
    (
        "h100/2025-10-03-aiperf",
        [
            ("aiperf/aiperf-repo_run1_profile_export_aiperf.json", "profile_export_aiperf.json"),
            ("aiperf/aiperf-repo_run1_profile_export.TRIMMED50.jsonl", "profile_export.jsonl"),
        ],
    ),
    (
        "h100/2023-12-27-llmperf",
        [
            ("llmperf/bedrock_70b_summary.json", None),
            (
                "llmperf/bedrock_70b_individual_responses.TRIMMED50.json",
                "bedrock_70b_individual_responses.json",
            ),
        ],
    ),
    (
        "h100/2025-11-05-inference-perf",
        [
            ("inference-perf/vllm+batch_size_stage_0_lifecycle_metrics.json", None),
            ("inference-perf/vllm+batch_size_summary_lifecycle_metrics.json", None),
        ],
    ),
    (
        "4090/2026-03-04-repeats",
        [("probador/CONSTRUCTED_bench-repeats-llamacpp-gpu.json", "repeats-llamacpp.json")],
    ),
    (
        "4090/2026-03-05-console",
        [("probador/CONSTRUCTED_console-output-llamacpp-c1.json", "llamacpp-c4.json")],
    ),
)

TOOLS_SITE_TOML = """title = "Every load tester"
results = ["results"]

[[hardware]]
id = "h100"
match = ["h100/*"]
price_per_hour = 2.99

[[hardware]]
id = "4090"
match = ["4090/*"]
"""


def tool_results(dest: Path) -> Path:
    """A results tree with one run per load tester (TOOL_RUNS) under `dest`."""
    for run, files in TOOL_RUNS:
        folder = dest / run
        folder.mkdir(parents=True)
        for fixture, name in files:
            shutil.copyfile(FORMATS / fixture, folder / (name or Path(fixture).name))
    return dest


@pytest.fixture(scope="session")
def tools_site(tmp_path_factory) -> Path:
    """The one-run-per-load-tester tree, built."""
    tree = tool_results(tmp_path_factory.mktemp("tool-results") / "results")
    return build_into(tmp_path_factory.mktemp("tools-site"), tree, TOOLS_SITE_TOML)
