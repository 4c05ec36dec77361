"""A generated hostile results tree: every bad input gets its diagnostic, the rest is scored."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.catalog.model import Level
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.errors import BuildError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
HOSTILE_NAME = "<img src=x onerror=alert(1)>.json"


def good(**changes) -> dict:
    return GOOD | changes


def write(path: Path, content: bytes | str | dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = json.dumps(content, indent=1)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "site.toml").write_text(
        'results = ["results"]\noutput = "results/_site"\nmax_file_mb = 0.05\n'
    )
    run = tmp_path / "results" / "hw-a" / "2026-01-10"
    text = json.dumps(GOOD, indent=1)
    write(run / "ok-c1.json", good(runtime_name="alpha-c1", timestamp="2026-01-10T10:00:00Z"))
    write(run / "ok-c4.json", good(runtime_name="alpha-c4", concurrency=4, timestamp="2026-01-10T10:05:00Z"))
    write(run / "my result ü.json", good(runtime_name="beta-c1", timestamp="2026-01-10T10:10:00Z"))
    write(
        run / HOSTILE_NAME, good(runtime_name="<script>alert(1)</script>", timestamp="2026-01-10T10:15:00Z")
    )
    write(
        run / "bad-utf8.json",
        text.replace('"realizr-4090-c1"', '"\udcff"', 1).encode("utf-8", "surrogateescape"),
    )
    write(run / "bom.json", b"\xef\xbb\xbf" + text.encode())
    write(run / "empty.json", b"")
    write(run / "truncated.json", text[: len(text) // 2])
    write(run / "deep.json", "[" * 20_000 + "]" * 20_000)
    write(run / "nan.json", text.replace('"error_rate": 0.0', '"error_rate": NaN'))
    write(run / "infinity.json", text.replace('"elapsed_secs": ', '"elapsed_secs": Infinity, "x": ', 1))
    write(run / "huge.json", good(padding="x" * 80_000))
    (run / "dir.json").mkdir()
    write(run / "fraction.json", good(concurrency=4.5))
    write(run / "terminal-log.json", "Loading model...\nGPU warmup\n")
    write(run / "summary.json", {"experiment": "prefill", "notes": "not a result"})
    write(
        run / "correctness.json",
        {
            "runtime_name": "alpha",
            "results": [{"name": "math", "passed": True}],
            "passed": 1,
            "failed": 0,
            "total": 1,
        },
    )
    write(
        run / "sweep.json",
        {
            "levels": [
                {"concurrency": 2, "result": good(runtime_name="gamma-c2", concurrency=2)},
                {"concurrency": 8, "result": {"runtime_name": "gamma-c8"}},
            ],
            "optimal_concurrency": 2,
        },
    )
    write(run / "bad-time.json", good(runtime_name="delta-c1", timestamp="yesterday"))
    write(run / "far-time.json", good(runtime_name="eps-c1", timestamp="2026-06-01T00:00:00Z"))
    write(
        run / "error-rate.json",
        good(runtime_name="zeta-c1", error_rate=1.5, timestamp="2026-01-10T11:00:00Z"),
    )
    write(
        run / "negative.json", good(runtime_name="eta-c1", ttft_p50_ms=-3.0, timestamp="2026-01-10T11:01:00Z")
    )
    write(run / "dup-1.json", good(runtime_name="theta-c1", timestamp="2026-01-10T11:02:00Z"))
    write(run / "dup-2.json", good(runtime_name="theta-c1", timestamp="2026-01-10T11:03:00Z"))
    os.symlink(run / "missing-target.json", run / "dangling.json")
    os.symlink(tmp_path / "results" / "hw-a", tmp_path / "results" / "hw-a" / "loop")
    write(run / "nested" / "inner-c1.json", good(runtime_name="alpha-c1", timestamp="2026-01-10T12:00:00Z"))
    write(tmp_path / "results" / ".git" / "objects" / "x.json", GOOD)
    write(tmp_path / "results" / "_site" / "runs" / "old.json", GOOD)
    write(
        tmp_path / "results" / "hw b ü" / "2026-02-01 run" / "r-c1.json",
        good(timestamp="2026-02-01T09:00:00Z"),
    )
    return tmp_path


EXPECTED = {
    "bad-utf8.json": (Level.ERROR, "invalid result: not UTF-8 text (invalid byte at offset"),
    "bom.json": (Level.ERROR, "invalid result: file starts with a byte-order mark (BOM); JSON must not"),
    "empty.json": (Level.INFO, "not JSON: empty file"),
    "truncated.json": (Level.ERROR, "invalid result: invalid JSON: "),
    "deep.json": (Level.INFO, "not JSON: invalid JSON: nested too deeply"),
    "nan.json": (Level.ERROR, "invalid result: invalid JSON: NaN is not a number JSON allows"),
    "infinity.json": (Level.ERROR, "invalid result: invalid JSON: Infinity is not a number JSON allows"),
    "huge.json": (Level.WARNING, "unreadable: file is "),
    "dir.json": (Level.WARNING, "unreadable: is a directory, not a file"),
    "fraction.json": (Level.ERROR, "invalid result: concurrency: expected a non-negative integer, got 4.5"),
    "terminal-log.json": (Level.INFO, "not JSON: invalid JSON: Expecting value at line 1 column 1"),
    "summary.json": (Level.INFO, 'other JSON: not a result: an object with keys "experiment", "notes"'),
    "correctness.json": (Level.INFO, "correctness report"),
    "sweep.json#c8": (
        Level.ERROR,
        "invalid result: levels[1].result: total_requests: missing required field",
    ),
    "bad-time.json": (Level.WARNING, "timestamp 'yesterday' is not an RFC 3339 date and time"),
    "far-time.json": (Level.WARNING, "is more than 7 days from the run date 2026-01-10"),
    "error-rate.json": (Level.WARNING, "error_rate 1.5 is outside 0..1"),
    "negative.json": (Level.WARNING, "negative latency: ttft_p50_ms"),
    "dup-1.json": (Level.WARNING, "2 results in this run have runtime_name 'theta-c1' at c=1"),
    "dup-2.json": (Level.WARNING, "2 results in this run have runtime_name 'theta-c1' at c=1"),
}


def test_every_bad_input_gets_its_diagnostic(hostile: Path):
    catalog = build_catalog(load_config(cwd=hostile))
    found = {}
    for d in catalog.diagnostics:
        if d.path.startswith("hw-a/2026-01-10/"):
            found.setdefault(d.path.removeprefix("hw-a/2026-01-10/"), []).append((d.level, d.reason))
    for name, (level, reason) in EXPECTED.items():
        assert any(lv is level and (r.startswith(reason) or reason in r) for lv, r in found.get(name, [])), (
            name,
            found.get(name),
        )
    # Walk notes name paths relative to site.toml's folder, never where the checkout lives.
    notes = {Path(d.path).name: d.reason for d in catalog.diagnostics if d.path.startswith("results/")}
    assert notes["dangling.json"] == "dangling link; skipped"
    assert notes["loop"].endswith("a folder walked at its own path (results/hw-a); skipped")
    assert notes["_site"] == "the output directory; not searched for results"


def test_valid_files_beside_them_are_all_scored(hostile: Path):
    catalog = build_catalog(load_config(cwd=hostile))
    runs = {r.id: r for r in catalog.runs}
    assert set(runs) == {"hw-a/2026-01-10", "hw-a/2026-01-10/nested", "hw b ü/2026-02-01 run"}
    run = runs["hw-a/2026-01-10"]
    sources = {e.source for e in run.results}
    assert sources == {
        "ok-c1.json",
        "ok-c4.json",
        "my result ü.json",
        HOSTILE_NAME,
        "sweep.json#c2",
        "bad-time.json",
        "far-time.json",
        "error-rate.json",
        "negative.json",
        "dup-1.json",
        "dup-2.json",
    }
    scored = {rt.source_file for card in run.report.composite.values() for rt in card.runtimes}
    assert scored == sources
    assert run.hardware == "hw-a"
    assert runs["hw b ü/2026-02-01 run"].hardware == "hw-b-u"


def test_check_reports_without_traceback_and_strict_fails(hostile: Path, monkeypatch):
    monkeypatch.chdir(hostile)
    runner = CliRunner()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert (
        "      <script>alert(1)</script>  ->  runtime script-alert-1-script: from runtime_name"
        in result.stdout
    )
    strict = runner.invoke(app, ["check", "--strict"])
    assert strict.exit_code == 1
    assert "error(s) (files that look like results rejected, links refused" in strict.stderr
    as_json = runner.invoke(app, ["check", "--format", "json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["summary"]["errors"] >= 7


def test_strict_passes_on_a_clean_tree(tmp_path: Path, monkeypatch):
    write(tmp_path / "results" / "hw" / "2026-01-01" / "a-c1.json", GOOD)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["check", "--strict"]).exit_code == 0


def test_the_site_builds_from_a_hostile_tree_and_every_link_resolves(hostile: Path, serve_dir):
    from crawl import crawl

    from sitegen.site.build import build_site

    # results/_site lies inside the results root: the configured output is refused...
    with pytest.raises(BuildError, match="is inside the results root"):
        build_site(load_config(cwd=hostile), workers=1)
    # ...so the site goes elsewhere.
    site = build_site(load_config(cwd=hostile), hostile / "site", workers=1).out
    assert (site / "runs" / "hw b ü" / "2026-02-01 run" / "index.html").is_file()
    assert (site / "raw" / "hw-a" / "2026-01-10" / HOSTILE_NAME).is_file()
    report = (site / "report" / "index.html").read_text()
    assert "dangling link; skipped" in report and "&lt;img src=x onerror=alert(1)&gt;.json" not in report
    result = crawl(serve_dir(site) + "index.html")
    assert result.broken == [] and result.duplicate_ids == {}
    assert any("hw%20b%20%C3%BC/2026-02-01%20run" in page for page in result.pages)


def test_the_same_run_id_under_two_roots_is_kept_once(tmp_path: Path):
    for root in ("lab", "cloud"):
        write(tmp_path / root / "hw" / "2026-01-01" / "a-c1.json", good(runtime_name=f"{root}-c1"))
    (tmp_path / "site.toml").write_text('results = ["lab", "cloud"]\n')
    catalog = build_catalog(load_config(cwd=tmp_path))
    assert [(r.id, r.root.name) for r in catalog.runs] == [("hw/2026-01-01", "lab")]
    note = next(d for d in catalog.diagnostics if "already comes from" in d.reason)
    assert note.path.endswith("cloud/hw/2026-01-01") and note.level is Level.WARNING
