"""`sitegen build`: the pages and files it writes, safety of the output directory, determinism."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, iter_files
from typer.testing import CliRunner

from sitegen.cli import app
from sitegen.config import load_config
from sitegen.errors import BuildError
from sitegen.site.build import MARKER, build_site

GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())


class Terminal:
    """What `serve_site` prints, with waits on it (conditions, not sleeps)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._said = threading.Condition()

    def echo(self, line: str) -> None:
        with self._said:
            self.lines.append(line)
            self._said.notify_all()

    def wait_for(self, predicate, count: int = 1) -> str:
        """The `count`-th line matching `predicate`, once printed."""
        with self._said:
            assert self._said.wait_for(lambda: sum(map(predicate, self.lines)) >= count, timeout=30), (
                self.lines
            )
            return [line for line in self.lines if predicate(line)][count - 1]


def start_serving(config, watch: bool) -> tuple[Terminal, str, threading.Event, threading.Thread]:
    """Serve in a thread on a free port; return the terminal, the site's URL, a stop event and the thread."""
    from sitegen.site.serve import serve_site

    terminal, stop = Terminal(), threading.Event()
    thread = threading.Thread(
        target=serve_site,
        args=(config, None, "127.0.0.1", 0, watch, lambda m: None, terminal.echo, stop, 0.05),
        daemon=True,
    )
    thread.start()
    url = terminal.wait_for(lambda line: line.startswith("serving")).split(" at ")[1].split(" ")[0]
    return terminal, url, stop, thread


def digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in iter_files(site)}


def small_tree(tmp: Path) -> Path:
    shutil.copytree(FIXTURES / "sample-results" / "jetson-orin", tmp / "results" / "jetson-orin")
    return tmp


def test_example_site_has_every_page_kind(example_site: Path):
    for page in [
        "index.html",
        "runs/index.html",
        "methodology/index.html",
        "report/index.html",
        "404.html",
        "hardware/h100-sxm/index.html",
        "hardware/rtx4090/index.html",
        "runtimes/vllm/index.html",
        "runs/synthetic/h100-sxm/2026-01-05/index.html",
        "runs/qwen-coder-deploy/jetson-orin/2026-03-05/index.html",
        "raw/qwen-coder-deploy/jetson-orin/2026-03-05/ollama-jetson-load-20260305.json",
        "assets/plotly-basic.min.js",
        "assets/plotly-basic.LICENSE.txt",
        "assets/site.js",
        "assets/site.css",
        "assets/favicon.svg",
        "sitemap.xml",
        ".nojekyll",
        MARKER,
    ]:
        assert (example_site / page).is_file(), page
    # plotly.js's basic bundle, vendored with its licence, the same version as the plotly package's.
    bundle = (example_site / "assets" / "plotly-basic.min.js").read_text(encoding="utf-8")
    import plotly as plotly_package

    full = (Path(plotly_package.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", full)[1]
    assert f"plotly.js (basic - minified) v{version}" in bundle[:300]
    assert "MIT License" in (example_site / "assets" / "plotly-basic.LICENSE.txt").read_text(encoding="utf-8")


def test_pages_stay_small_and_links_are_relative(example_site: Path):
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert len(html.encode()) < 300 * 1024, page
        for url in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert not url.startswith("/"), (page, url)
            if url.startswith("http"):
                # Only links to the outside world: runtime homepages and run links from run.toml.
                assert "127.0.0.1" not in url and not url.startswith("https://cdn"), (page, url)
        assert "cdn." not in html and "googleapis" not in html


def test_every_grade_badge_carries_its_colour_and_its_band_as_sort_key(example_site: Path):
    """Grade cells are written once per grade and shared (tables._grade_cell): each still shows
    its grade's colour class and sorts by the minimum score of its band."""
    from sitegen.scoring.contract import DEFAULT_CONTRACT

    bands = {name: minimum for minimum, name in DEFAULT_CONTRACT.grades}
    page = (example_site / "runs" / "synthetic" / "l4").glob("*/index.html")
    html = next(page).read_text(encoding="utf-8")
    cells = re.findall(
        r'<td data-sort="([^"]*)" class="k-grade"><span class="grade g-([^"]+)">([^<]+)</span></td>', html
    )
    assert len(cells) >= 20
    for sort, css, label in cells:
        assert css == label.replace("+", "plus").replace("-", "minus"), (css, label)
        assert float(sort) == bands[label], (sort, label)


def test_the_navigation_marks_the_page_it_is_on(example_site: Path):
    """Pages share their navigation (views/base.py keeps one per depth and kind): each hardware
    page still marks itself, and only itself, as the current page."""

    def current(page: Path) -> list[str]:
        nav = page.read_text(encoding="utf-8").split('<nav aria-label="Site"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', nav)

    hardware = sorted((example_site / "hardware").glob("*/index.html"))
    assert len(hardware) >= 3
    names = [current(page) for page in hardware]
    assert all(len(marked) == 1 for marked in names) and len({m[0] for m in names}) == len(hardware)
    assert current(example_site / "runs" / "index.html") == ["Runs"]
    assert current(example_site / "index.html") == ["Leaderboard"]
    run_page = next((example_site / "runs" / "synthetic" / "l4").glob("*/index.html"))
    assert current(run_page) == []


def test_no_published_file_names_a_cdn(example_site: Path):
    """The site loads nothing from the network: no file it publishes (scripts and the vendored
    plotly.js included) holds the address of a CDN or a font service."""
    for path in example_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".css", ".json", ".svg", ".xml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(r"//cdn[.\w-]*\.|cdn\.plot\.ly|googleapis|jsdelivr|unpkg", text), path


def test_sitemap_lists_every_page(example_site: Path):
    tree = ET.parse(example_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", ns)]
    pages = sorted(
        p.relative_to(example_site).as_posix()
        for p in example_site.rglob("index.html")
        if not p.parent.name.startswith("composite-c")  # link-preview pages lead on to their run page
    )
    assert len(locs) == len(pages)
    assert "runs/synthetic/h100-sxm/2026-01-05/" in locs


def test_two_builds_are_byte_identical(tmp_path: Path, forked_workers: None):
    small_tree(tmp_path)
    config = load_config(cwd=tmp_path)
    first = digest(build_site(config, tmp_path / "a", workers=1).out)
    second = digest(build_site(config, tmp_path / "b", workers=2, force=True).out)
    assert first == second
    assert len(first) > 20


def test_a_build_with_the_collector_running_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked_workers: None
):
    """A build pauses the garbage collector while it holds every run (gcpause.py): the site must
    not depend on that. With pausing off, the collector runs throughout, in the workers too."""
    import gc

    from sitegen import gcpause

    small_tree(tmp_path)
    config = load_config(cwd=tmp_path)
    paused = digest(build_site(config, tmp_path / "a", workers=2).out)
    monkeypatch.setattr(gcpause, "PAUSING", False)
    running: list[bool] = []
    second = build_site(
        config, tmp_path / "b", workers=2, force=True, progress=lambda _: running.append(gc.isenabled())
    )
    assert running and all(running)
    assert digest(second.out) == paused
    assert gc.isenabled()


def test_rebuild_with_nothing_changed_is_skipped_and_a_change_is_not(tmp_path: Path):
    small_tree(tmp_path)
    config = load_config(cwd=tmp_path)
    assert not build_site(config, workers=1).up_to_date
    assert build_site(config, workers=1).up_to_date
    result = tmp_path / "results" / "jetson-orin" / "2026-03-07" / "llamacpp-jetson-20260307.json"
    result.write_text(result.read_text() + " ")  # the same result, other bytes: a change all the same
    assert not build_site(config, workers=1).up_to_date


@pytest.mark.parametrize("workers", [1, 2])
def test_failed_build_leaves_the_old_site_untouched(tmp_path: Path, workers: int):
    small_tree(tmp_path)
    config = load_config(cwd=tmp_path)
    site = build_site(config, workers=workers).out
    before = digest(site)
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "run.html").write_text(
        "{% extends 'default:run.html' %}{% block main %}{{ view.no_such_field }}{% endblock %}"
    )
    (tmp_path / "site.toml").write_text('theme = "theme"\n')
    with pytest.raises(Exception, match="no_such_field"):
        build_site(load_config(cwd=tmp_path), workers=workers)
    assert digest(site) == before
    assert not list(tmp_path.glob(".*sitegen-tmp"))


def test_theme_overrides_one_template_and_extends_the_default(tmp_path: Path):
    small_tree(tmp_path)
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "methodology.html").write_text(
        "{% extends 'default:methodology.html' %}{% block main %}<p id='ours'>Our rules</p>{{ super() }}{% endblock %}"
    )
    (tmp_path / "theme" / "static").mkdir()
    (tmp_path / "theme" / "static" / "site.css").write_text("body { color: red; }\n")
    (tmp_path / "site.toml").write_text('theme = "theme"\n')
    site = build_site(load_config(cwd=tmp_path), workers=1).out
    html = (site / "methodology" / "index.html").read_text()
    assert "<p id='ours'>Our rules</p>" in html and "From a measurement to a score" in html
    assert (site / "assets" / "site.css").read_text() == "body { color: red; }\n"
    assert (site / "assets" / "site.js").is_file()


def test_out_refuses_a_foreign_non_empty_directory(tmp_path: Path, monkeypatch):
    small_tree(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["build", "--out", str(precious)])
    assert result.exit_code == 1
    assert "was not built by sitegen" in result.stderr and "Traceback" not in result.output
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in precious.iterdir()) == ["thesis.tex"]
    # The working directory itself (a repository, say) is refused the same way.
    dot = CliRunner().invoke(app, ["build", "--out", "."])
    assert dot.exit_code == 1 and (tmp_path / "results").is_dir() and (tmp_path / "precious").is_dir()
    with pytest.raises(BuildError):
        build_site(load_config(cwd=tmp_path), tmp_path / "results", workers=1)


def test_build_cli_reports_progress_and_the_path_to_open(tmp_path: Path, monkeypatch):
    small_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["build", "--base-url", "https://example.org/bench/"])
    assert result.exit_code == 0, result.output
    assert "found 3 runs" in result.stderr
    assert result.stdout.startswith("built ") and result.stdout.rstrip().endswith(
        f"open {tmp_path / '_site' / 'index.html'}"
    )
    home = (tmp_path / "_site" / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/bench/">' in home
    sitemap = (tmp_path / "_site" / "sitemap.xml").read_text()
    assert "<loc>https://example.org/bench/runs/jetson-orin/2026-03-05/</loc>" in sitemap


def test_markup_in_names_and_notes_is_text(tmp_path: Path):
    run = tmp_path / "results" / "hw" / "2026-01-10"
    run.mkdir(parents=True)
    (run / "a-c1.json").write_text(
        json.dumps(
            GOOD | {"runtime_name": "<script>alert('rt')</script>", "timestamp": "2026-01-10T10:00:00Z"}
        )
    )
    (run / "<b>file<b>.json").write_text(
        json.dumps(GOOD | {"runtime_name": "plain-c1", "timestamp": "2026-01-10T10:01:00Z"})
    )
    (run / "README.md").write_text(
        "Notes <img src=x onerror=alert('notes')> and [x](javascript:alert('link'))\n"
    )
    (run / "run.toml").write_text('title = "<i>Title</i>"\ntags = ["<u>tag</u>"]\n')
    site = build_site(load_config(cwd=tmp_path), workers=1).out
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html and 'href="javascript' not in html, page
        assert "<i>Title</i>" not in html and "<b>file<b>" not in html and "<u>tag</u>" not in html, page
    run_page = (site / "runs" / "hw" / "2026-01-10" / "index.html").read_text()
    assert "&lt;script&gt;alert(&#39;rt&#39;)&lt;/script&gt;" in run_page
    assert "&lt;img src=x onerror=alert('notes')&gt;" in run_page
    assert "&lt;i&gt;Title&lt;/i&gt;" in run_page


def test_serve_builds_when_missing_and_serves_only_the_site(tmp_path: Path):
    import urllib.request
    from urllib.error import HTTPError

    small_tree(tmp_path)
    (tmp_path / "secret.txt").write_text("not for the web")
    terminal, url, stop, thread = start_serving(load_config(cwd=tmp_path), watch=False)
    lines = terminal.lines
    assert url.startswith("http://127.0.0.1:")
    assert b"<html" in urllib.request.urlopen(url).read()
    for probe in ("../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt", "no/such/page"):
        with pytest.raises(HTTPError) as exc:
            urllib.request.urlopen(url + probe)
        assert exc.value.code == 404
        assert b"Page not found" in exc.value.read()
    stop.set()
    thread.join(5)
    assert lines[0].startswith("built ")


def test_serve_watch_rebuilds_on_change_and_keeps_the_last_good_site(tmp_path: Path, forked_workers: None):
    """A rebuild under watch goes the way every build goes (in this process, updating in place):
    the same bytes as a cold build in worker processes."""
    import urllib.request

    small_tree(tmp_path)
    terminal, url, stop, thread = start_serving(load_config(cwd=tmp_path), watch=True)
    run = tmp_path / "results" / "jetson-orin" / "2026-03-07"
    (run / "run.toml").write_text('title = "Renamed while serving"\n')
    terminal.wait_for(lambda line: line.startswith("built "), count=2)  # the first build, then the rebuild
    page = urllib.request.urlopen(url + "runs/jetson-orin/2026-03-07/index.html").read().decode()
    assert "Renamed while serving" in page
    cold = build_site(load_config(cwd=tmp_path), tmp_path / "_cold", workers=2, force=True)
    assert digest(tmp_path / "_site") == digest(cold.out)
    # A broken site.toml makes the next rebuild fail: the last good site stays served.
    (tmp_path / "site.toml").write_text("title = 3\n")
    (run / "run.toml").write_text('title = "Second rename"\n')
    terminal.wait_for(lambda line: line.startswith("rebuild failed, still serving the last good site"))
    page = urllib.request.urlopen(url + "runs/jetson-orin/2026-03-07/index.html").read().decode()
    assert "Renamed while serving" in page
    stop.set()
    thread.join(5)


def test_the_site_does_not_depend_on_where_the_checkout_lives(tmp_path: Path):
    sites = []
    for place in ("one", "elsewhere/two"):
        base = tmp_path / place
        small_tree(base)
        (base / "site.toml").write_text('results = ["results", "not-there"]\n')
        (base / "results" / "jetson-orin" / "broken.json").symlink_to(base / "missing")
        sites.append(digest(build_site(load_config(cwd=base), workers=1).out))
    assert sites[0] == sites[1]


def test_unwritable_output_and_busy_port_are_one_line_errors(tmp_path: Path, monkeypatch):
    import socket

    small_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("a file, not a folder")
    result = CliRunner().invoke(app, ["build", "--out", "file/site"])
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and "Traceback" not in result.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        CliRunner().invoke(app, ["build"])
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_odd_but_valid_results_build_and_link(tmp_path: Path, serve_dir):
    """The serde edge probes (array form, concurrency 0, nulls, unknown fields) beside ordinary runs."""
    import shutil

    from crawl import crawl

    shutil.copytree(FIXTURES / "oracle" / "edge", tmp_path / "results" / "edge-hw" / "2026-01-01")
    shutil.copytree(FIXTURES / "oracle" / "ties", tmp_path / "results" / "edge-hw" / "2026-01-02")
    site = build_site(load_config(cwd=tmp_path), workers=1).out
    run_page = (site / "runs" / "edge-hw" / "2026-01-01" / "index.html").read_text()
    assert 'id="composite-c0"' in run_page and 'id="composite-c1"' in run_page
    result = crawl(serve_dir(site) + "index.html")
    assert result.broken == [] and result.duplicate_ids == {}


def test_any_number_of_jobs_builds_the_same_bytes(tmp_path: Path, forked_workers: None):
    from sitegen.cli import app

    small_tree(tmp_path)
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    sites = []
    for jobs in (1, 2, 3):
        done = CliRunner().invoke(
            app,
            [
                "build",
                "--config",
                str(tmp_path / "site.toml"),
                "--out",
                str(tmp_path / f"site-{jobs}"),
                "--jobs",
                str(jobs),
            ],
        )
        assert done.exit_code == 0, done.output
        sites.append(digest(tmp_path / f"site-{jobs}"))
    assert sites[0] == sites[1] == sites[2]


# Run in a process of its own made a subreaper: a worker the build leaves behind comes to it.
LEFT_BEHIND = """
import ctypes, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
command = [sys.executable, "-m", "sitegen", "build", "--jobs", "2"]
done = subprocess.run(command, cwd=sys.argv[1], stdout=subprocess.DEVNULL)
left = 0
try:
    while os.waitpid(-1, 0):
        left += 1
except ChildProcessError:
    pass
print(done.returncode, left)
"""


def test_the_build_command_waits_for_its_workers(tmp_path: Path):
    """The build waits for its workers before the command ends: none outlives it, and `time`
    counts their memory and time. Enough runs that `--jobs 2` forks two workers."""
    from sitegen import synthetic

    runs = synthetic.write_history(
        tmp_path / "results", 13, runtimes=synthetic.RUNTIMES[:1], levels=(1,), details=0
    )
    assert runs >= 2 * 25  # a file per run, and plan.MIN_RUNS_PER_WORKER runs per worker
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    done = subprocess.run(
        [sys.executable, "-c", LEFT_BEHIND, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["0", "0"], done.stdout + done.stderr
    assert (tmp_path / "_site" / "index.html").is_file()


def test_every_memo_is_registered_and_clearing_them_changes_nothing_but_speed(tmp_path: Path):
    """Memos are owned by sitegen/memo.py, so a long-lived process (serve --watch, which clears
    them before each rebuild) can let them go: no lru_cache is made anywhere else, and a build
    after clearing gives the same bytes."""
    import ast

    from sitegen import memo

    for path in sorted((Path(__file__).resolve().parents[1] / "sitegen").rglob("*.py")):
        if path.name == "memo.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "functools":
                assert not {a.name for a in node.names} & {"lru_cache", "cache"}, path
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "functools"
            ):
                assert node.attr not in ("lru_cache", "cache"), path
    small_tree(tmp_path)
    config = load_config(cwd=tmp_path)
    first = digest(build_site(config, tmp_path / "a", workers=1).out)
    memo.clear()
    assert digest(build_site(config, tmp_path / "b", workers=1, force=True).out) == first


def test_build_site_returns_only_once_its_workers_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked_workers: None
):
    """The library, not the command line, waits for the worker processes it forked: when
    build_site returns, each has ended and been reaped (no zombie, nothing still running)."""
    import os

    from sitegen import parallel

    forked: list[int] = []
    real_init = parallel.ForkedExecutor.__init__

    def recording(self) -> None:
        real_init(self)
        forked.append(self._process.pid)

    monkeypatch.setattr(parallel.ForkedExecutor, "__init__", recording)
    small_tree(tmp_path)
    build_site(load_config(cwd=tmp_path), tmp_path / "site", workers=2)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):  # reaped already: not a child any more
            os.waitpid(pid, os.WNOHANG)


def test_serve_watch_picks_up_an_edited_theme_template(tmp_path: Path):
    """Templates compile once per process and are not checked again during a build; a rebuild
    under watch must still draw with the template as edited since the last one."""
    import urllib.request

    small_tree(tmp_path)
    theme = tmp_path / "theme" / "templates"
    theme.mkdir(parents=True)
    override = theme / "methodology.html"
    override.write_text('{% extends "default:methodology.html" %}{% block main %}First words{% endblock %}\n')
    (tmp_path / "site.toml").write_text('results = ["results"]\ntheme = "theme"\n')
    terminal, url, stop, thread = start_serving(load_config(cwd=tmp_path), watch=True)
    try:
        assert "First words" in urllib.request.urlopen(url + "methodology/").read().decode()
        override.write_text(
            '{% extends "default:methodology.html" %}{% block main %}Second words{% endblock %}\n'
        )
        terminal.wait_for(lambda line: line.startswith("built "), count=2)
        assert "Second words" in urllib.request.urlopen(url + "methodology/").read().decode()
    finally:
        stop.set()
        thread.join(5)


def test_a_second_build_in_one_process_draws_with_the_edited_theme(tmp_path: Path):
    """The library keeps compiled templates for the process; a build after a theme template
    was edited draws with the new one, as a fresh command would (nothing cleared by hand)."""
    small_tree(tmp_path)
    override = tmp_path / "theme" / "templates" / "methodology.html"
    override.parent.mkdir(parents=True)
    (tmp_path / "site.toml").write_text('results = ["results"]\ntheme = "theme"\n')
    for words in ("First words", "Second words"):
        override.write_text(
            f'{{% extends "default:methodology.html" %}}{{% block main %}}{words}{{% endblock %}}\n'
        )
        site = build_site(load_config(cwd=tmp_path), workers=1).out
        assert words in (site / "methodology" / "index.html").read_text()
