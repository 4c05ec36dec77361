"""Broken measurements never win, one label means one number, like is compared with like.

A realistic history on one target: four weekly runs of two runtimes, a runtime
last measured months earlier (stale), a 32B model measured beside the 7B one,
and, in the latest run, one result of each broken kind: zero output tokens,
every request failed, half the requests failed, only two requests.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.catalog.validity import Validity
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.site.build import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
LATEST = "hw-a/2026-02-22"
BROKEN = {
    # file: (runtime, flag, words of the reason)
    "zero-c1.json": ("zero", Validity.INVALID, "no output token"),
    "allfail-c1.json": ("allfail", Validity.INVALID, "no successful request"),
    "halffail-c1.json": ("halffail", Validity.UNRELIABLE, "50% of requests failed"),
    "tworeq-c1.json": ("tworeq", Validity.FEW_SAMPLES, "2 successful requests"),
}
SITE_TOML = """\
results = ["results"]
base_url = "https://bench.example.org/"
preview_images = false
[[model]]
id = "qwen-7b"
name = "Qwen2.5 7B"
match = ["hw-a/*"]
"""


def result(name: str, c: int, day: str, speed: float = 1.0, **changes) -> dict:
    """The fixture result as `name` at level c, its speed scaled (faster is better everywhere)."""
    return (
        GOOD
        | {
            "runtime_name": f"{name}-c{c}",
            "concurrency": c,
            "timestamp": f"{day}T10:00:0{c % 10}Z",
            "decode_tok_per_sec": GOOD["decode_tok_per_sec"] * speed,
            "tokens_per_sec": GOOD["tokens_per_sec"] * speed * c,
            "ttft_p50_ms": GOOD["ttft_p50_ms"] / speed,
            "ttft_p99_ms": GOOD["ttft_p99_ms"] / speed,
            "itl_p50_ms": GOOD["itl_p50_ms"] / speed,
        }
        | changes
    )


def write_history(root: Path) -> None:
    runs = {"hw-a/2025-10-01": [("oldtimer-c1.json", result("oldtimer", 1, "2025-10-01", 1.5))]}
    for week, day in enumerate(("2026-02-01", "2026-02-08", "2026-02-15", "2026-02-22")):
        files = []
        for name, speed in (("alpha", 1.0 + week * 0.01), ("beta", 0.8)):
            for c in (1, 4):
                files.append((f"{name}-c{c}.json", result(name, c, day, speed)))
        files.append(
            ("big-c1.json", result("big", 1, day, 0.5, model="Qwen2.5 32B"))
        )  # the result declares its model
        runs[f"hw-a/{day}"] = files
    latest = runs[f"hw-a/{LATEST.split('/')[1]}"]
    day = "2026-02-22"
    zero = dict(completion_tokens_total=0, tokens_per_sec=0.0, decode_tok_per_sec=0.0)
    zero |= dict(ttft_p50_ms=0.0, ttft_p99_ms=0.0, itl_p50_ms=0.0, tpot_p50_ms=0.0)
    latest.append(("zero-c1.json", result("zero", 1, day, **zero)))
    failed = dict(successful=0, failed=40, total_requests=40, error_rate=1.0, completion_tokens_total=0)
    failed |= dict(ttft_p50_ms=0.0, ttft_p99_ms=0.0, itl_p50_ms=0.0, tokens_per_sec=0.0)
    latest.append(("allfail-c1.json", result("allfail", 1, day, **failed)))
    latest.append(
        ("halffail-c1.json", result("halffail", 1, day, 3.0, error_rate=0.5, successful=20, failed=20))
    )
    latest.append(("tworeq-c1.json", result("tworeq", 1, day, 1.1, successful=2, total_requests=2)))
    for run_id, files in runs.items():
        directory = root / "results" / run_id
        directory.mkdir(parents=True)
        for name, data in files:
            (directory / name).write_text(json.dumps(data, indent=1))
    latest_dir = root / "results" / LATEST
    (latest_dir / "server.log").write_text("loading model\n")
    (latest_dir / "sweep.csv").write_text("c,tok_s\n1,200\n")
    correctness = {
        "runtime_name": "alpha",
        "results": [{"name": "m", "passed": True}],
        "passed": 1,
        "total": 1,
    }
    (latest_dir / "correctness.json").write_text(json.dumps(correctness))
    (latest_dir / "notes.json").write_text(json.dumps({"operator": "ci"}))
    (root / "site.toml").write_text(SITE_TOML)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("truthful")
    write_history(root)
    return root


@pytest.fixture(scope="module")
def site(history: Path) -> Path:
    return build_site(load_config(cwd=history), history / "_site", workers=2).out


class Cells(HTMLParser):
    """Table rows of a page: each row's attributes (and its table's id), and per cell its
    attributes and its main text (without the notes and flags under it)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict, list[tuple[dict, str]]]] = []
        self._cell: tuple[dict, list[str]] | None = None
        self._table = ""
        self._small = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id", "")
        elif tag == "tr":
            self.rows.append((a | {"table": self._table}, []))
        elif tag == "td":
            self._cell = (a, [])
        elif tag == "small":
            self._small += 1

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append((self._cell[0], " ".join("".join(self._cell[1]).split())))
            self._cell = None
        elif tag == "small":
            self._small -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._small:
            self._cell[1].append(data)


def cells_of(path: Path) -> Cells:
    parser = Cells()
    parser.feed(path.read_text())
    return parser


def test_each_result_is_judged(history: Path):
    catalog = build_catalog(load_config(cwd=history))
    latest = next(r for r in catalog.runs if r.id == LATEST)
    flags = {e.source: e.flag for e in latest.results}
    for name, (_, kind, words) in BROKEN.items():
        assert flags[name] is not None and flags[name].kind is kind and words in flags[name].reason
    assert flags["alpha-c1.json"] is None and flags["big-c1.json"] is None


def test_check_names_every_flagged_file_and_strict_fails(history: Path, monkeypatch):
    monkeypatch.chdir(history)
    done = CliRunner().invoke(app, ["check"])
    assert done.exit_code == 0
    for name, (_, kind, words) in BROKEN.items():
        block = done.stdout.split(f"\n  {LATEST}/{name}\n", 1)[1].split("\n  hw-a", 1)[0]
        assert f"warning: {kind}: " in block and words in block, name
    assert "big-c1  ->  runtime big: from runtime_name" in done.stdout
    assert "model Qwen2.5 32B: the result's model field" in done.stdout
    assert "model qwen-7b: matched rule `hw-a/*` on the run path" in done.stdout
    strict = CliRunner().invoke(app, ["check", "--strict"])
    assert strict.exit_code == 1 and "4 flagged measurement(s)" in strict.stderr


def test_standings_never_rank_a_broken_or_stale_result(history: Path):
    catalog = build_catalog(load_config(cwd=history))
    by_model = {s.cohort.model: s for s in catalog.standings["hw-a"]}
    assert set(by_model) == {"qwen-7b", "qwen2.5-32b"}
    seven = by_model["qwen-7b"]
    ranked = {e.runtime for _, e in seven.entries}
    # Two successful requests are shown, never ranked (it is the fastest: it would be crowned).
    assert ranked == {"alpha", "beta"}
    apart = {a.entry.runtime: a.why for a in seven.apart}
    assert apart == {
        "zero": "invalid",
        "allfail": "invalid",
        "halffail": "unreliable",
        "oldtimer": "stale",
        "tworeq": "few samples",
    }
    stale = next(a for a in seven.apart if a.why == "stale")
    assert "last measured 2025-10-01, 144 days before the newest run here" in stale.reason
    big = by_model["qwen2.5-32b"]
    assert {e.runtime for _, e in big.entries} == {"big"}
    # Scored apart: the 32B model's best-in-class bonus is its own.
    assert big.report.composite[1].runtimes[0].metrics["decode_tok_s"].best


def test_home_and_hardware_pages_show_flags_apart_and_best_marks_only_on_valid_rows(site: Path):
    broken_names = {"zero", "allfail", "halffail", "oldtimer"}
    for page in ("index.html", "hardware/hw-a/index.html"):
        parsed = cells_of(site / page)
        for attrs, cells in parsed.rows:
            if not cells:
                continue
            name = cells[0][1].split(" ")[0]
            best_here = any("best" in (a.get("class") or "").split() for a, _ in cells)
            if attrs.get("data-flag") in ("invalid", "unreliable", "stale", "few samples"):
                assert not best_here, (page, cells[0])
                assert "apart" in attrs["table"], (page, attrs["table"])
            elif name.removesuffix("-c1").removesuffix("-c4") in broken_names:
                raise AssertionError(f"{page}: {name} ranked in {attrs['table']}")
        html = (site / page).read_text()
        for runtime, _, words in BROKEN.values():
            if runtime != "tworeq":
                assert words in html, (page, words)
        assert "Results of 2 different models or workloads were measured on this target" in html
        assert "Scored among the latest valid result" in html


def test_hardware_charts_draw_no_point_for_invalid_results(site: Path):
    html = (site / "hardware" / "hw-a" / "index.html").read_text()
    figures = [
        json.loads(m)
        for m in re.findall(r'<script type="application/json" id="chart-[a-z-]+-figure">(.*?)</script>', html)
    ]
    assert figures
    drawn = {}
    for figure in figures:
        for trace in figure["data"]:
            drawn.setdefault(trace["name"].split(" (")[0], []).extend(trace["y"])
    for runtime in ("zero", "allfail"):
        assert drawn[runtime] and all(y is None for y in drawn[runtime]), runtime  # gaps, never zeros
    assert any(y is not None for y in drawn["halffail"])  # unreliable: drawn, flagged in the data table
    assert "invalid: no successful request" in html  # the reason, in the chart's data table


def test_run_page_keeps_the_reference_numbers_with_flags_and_no_best_on_broken_rows(site: Path):
    page = site / "runs" / "hw-a" / "2026-02-22" / "index.html"
    parsed = cells_of(page)
    flagged = [(attrs, cells) for attrs, cells in parsed.rows if attrs.get("data-flag")]
    assert {cells[0][1].split(" ")[0] for _, cells in flagged} >= {f"{rt}-c1" for rt, _, _ in BROKEN.values()}
    for attrs, cells in flagged:
        if attrs["data-flag"] in ("invalid", "unreliable"):
            assert not any("best" in (a.get("class") or "").split() for a, _ in cells)
    html = page.read_text()
    assert 'href="../../../methodology/index.html#validity">invalid</a>: no output token' in html
    scorecards = json.loads((page.parent / "scorecards.json").read_text())
    rows = {r["name"]: r for r in scorecards["composite"]["1"]["runtimes"]}
    # The reference's own answer, unchanged: a 0 ms ITL is best there.
    assert (
        rows["zero-c1"]["metrics"]["itl_p50_ms"]["best"]
        or rows["allfail-c1"]["metrics"]["itl_p50_ms"]["best"]
    )


def test_badges_feeds_and_cards_never_crown_a_broken_result(site: Path):
    badges = {p.stem for p in (site / "badges").rglob("*.svg")}
    assert not {"hw-a"} & {p.parent.name for p in (site / "badges").rglob("*.svg")}
    assert not any(p.parent.name in ("zero", "allfail", "halffail") for p in (site / "badges").rglob("*.svg"))
    assert badges
    feed = (site / "feed.xml").read_text()
    for runtime in ("zero", "allfail", "halffail"):
        assert f"{runtime}: " not in feed


def scored_cells(site: Path) -> list[tuple[str, str, str, str]]:
    """(page, what it was scored against, result, score) of every composite cell of the site."""
    out = []
    for page in sorted(site.rglob("index.html")):
        for _, cells in cells_of(page).rows:
            for attrs, value in cells:
                if "data-scored" in attrs:
                    where = page.relative_to(site).as_posix()
                    out.append((where, attrs["data-scored"], attrs["data-result"], value.split(" ")[0]))
    return out


def test_every_composite_equals_its_run_page_or_says_what_it_was_scored_against(site: Path):
    cells = scored_cells(site)
    run_pages = {f"runs/{run_id}/index.html" for run_id in ("hw-a/2026-02-22", "hw-a/2026-02-15")}
    on_run_pages = {r: v for where, scored, r, v in cells if where in run_pages and scored == "run"}
    assert on_run_pages
    standings: dict[str, set[str]] = {}
    for where, scored, result_id, score in cells:
        assert scored in ("run", "standings") and result_id, where
        if scored == "run":
            # Scored within its run: the same number as on its run page.
            assert on_run_pages.get(result_id, score) == score, (where, result_id)
        else:
            standings.setdefault(result_id, set()).add(score)
            assert "Scored among the latest" in (site / where).read_text(), where
    # One standings score per result on every page that shows it (home, hardware, runtime pages).
    assert all(len(scores) == 1 for scores in standings.values()), standings
    assert {where.split("/")[0] for where, scored, _, _ in cells if scored == "standings"} >= {
        "index.html",
        "hardware",
        "runtimes",
    }


def test_nothing_read_is_silently_ignored(history: Path, site: Path):
    page = (site / "runs" / "hw-a" / "2026-02-22" / "index.html").read_text()
    for name in ("server.log", "sweep.csv"):
        assert f'<td class="k-text">{name}</td><td class="k-text">other file</td>' in page
        assert not (site / "raw" / "hw-a" / "2026-02-22" / name).exists()  # listed, never published
    summary = build_site(load_config(cwd=history), history / "_site2", workers=1)
    # notes.json is not a result; the correctness report is shown on its run page, not "skipped".
    assert summary.skipped == 1
    assert "1 files not read as results: invalid, unreadable or not results" in summary.line()


def test_every_tied_best_carries_the_mark_on_standings(site: Path):
    """alpha and beta both report 5% errors at c=1: the reference stars only the first."""
    parsed = cells_of(site / "hardware" / "hw-a" / "index.html")
    rows = [cells for attrs, cells in parsed.rows if attrs["table"] == "qwen-7b-composite-c1-table" and cells]
    errors = {cells[0][1]: "best" in (cells[5][0].get("class") or "") for cells in rows}
    assert errors["alpha-c1"] and errors["beta-c1"], errors


def test_the_methodology_page_follows_the_values_in_use(tmp_path: Path):
    write_history(tmp_path)
    with (tmp_path / "site.toml").open("a") as f:
        f.write("[quality]\nmax_error_rate = 0.1\nmin_requests = 7\nstale_after_days = 30\n")
        f.write("[scoring]\nbest_in_class_bonus = 3\n")
    site = build_site(load_config(cwd=tmp_path), tmp_path / "_site", workers=1).out
    page = (site / "methodology" / "index.html").read_text()
    assert "more than 10% of its requests failed" in page and "fewer than 7 successful requests" in page
    assert "more than 30 days before" in page and "+3 best-in-class bonus" in page
    assert "exceeds 4 standard errors of a difference of two runs and 2% of the first" in page
    assert "below 0.003, and when it exceeds 2% of the level before" in page  # the detector's test
    script = (site / "assets" / "compare.js").read_text()
    assert "0.02" not in script and "index.noise_min_relative" in script


def test_tied_values_are_all_marked_best_however_their_cells_were_made():
    """The standings mark every value shown equal to the best, also plain numbers (which the
    renderer writes by a shortcut), and never on a flagged-out row."""
    from sitegen.site.rows import table_html
    from sitegen.site.tables import Column, Table, flag_rows, mark_tied_bests, num, text

    table = Table(
        "t",
        (Column("name", "Name", "text"), Column("ttft", "TTFT")),
        (
            (text("a"), num(12.34, "{:.1f} ms", best=True, note="score 90")),
            (text("b"), num(12.31, "{:.1f} ms", note="score 90")),  # shown as 12.3 ms too
            (text("c"), num(12.29, "{:.1f} ms", note="score 90")),  # as well, but invalid
            (text("d"), num(15.0, "{:.1f} ms", note="score 80")),
        ),
    )
    flagged = flag_rows(table, [None, None, ("invalid", "why"), None], "#rule", drop_best=[False] * 4)
    html = str(table_html(mark_tied_bests(flagged)))
    assert html.count('class="best"') == 2
    assert '<td data-sort="12.31" class="best">12.3 ms<small>score 90</small></td>' in html
    assert '<td data-sort="12.29">12.3 ms<small>score 90</small></td>' in html
    assert '<td data-sort="15">15.0 ms<small>score 80</small></td>' in html


def test_the_headline_charts_tabulate_each_point_with_the_result_it_stands_for(site: Path):
    """Their x is measured (interactivity, p99 TTFT), so no two runtimes share a value: the data
    table has a row per point naming its runtime and result, with the same numbers as the
    derived-values table and a flagged point's flag, not a column per runtime empty but for
    one row."""
    page = site / "runs" / LATEST / "index.html"
    parsed = cells_of(page)
    derived = {
        (cells[0][1], cells[1][1]): [value for _, value in cells]
        for attrs, cells in parsed.rows
        if attrs["table"] == "derived" and cells
    }
    html = page.read_text()
    for chart, x_column in (("chart-frontier-data", 2), ("chart-latency-throughput-data", 4)):
        rows = [
            [value for _, value in cells] for attrs, cells in parsed.rows if attrs["table"] == chart and cells
        ]
        assert rows, chart
        for line, result, x, y in rows:
            # The run measured two models: each line names its model ("alpha (model Qwen2.5 7B)").
            runtime = line.split(" (model ")[0]
            level = result.split(" ")[0].removeprefix("c=")
            assert result == f"c={level} · {runtime}-c{level}"
            values = derived[(runtime, level)]
            assert (x, y) == (values[x_column].removesuffix(" ms"), values[3]), (chart, runtime, level)
        # Every drawn result once: the invalid ones are not drawn.
        drawn = {(r[0].split(" (model ")[0], r[1]) for r in rows}
        assert len(drawn) == len(rows)
        assert {runtime for runtime, _ in drawn} >= {"alpha", "beta", "halffail", "tworeq"}
        assert not {runtime for runtime, _ in drawn} & {"zero", "allfail"}
        table = html.split(f'id="{chart}"', 1)[1].split("</table>", 1)[0]
        assert "<small>unreliable: 50% of requests failed" in table


@pytest.mark.parametrize("how", ["run.toml", "folder", "timestamp"])
def test_a_date_after_the_build_is_an_error_and_moves_no_staleness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    """One result at half the speed, dated 2099: it must neither make every other runtime stale
    nor rank itself first alone. The build's date is SOURCE_DATE_EPOCH's, as reproducible
    builds set it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773900000")  # 2026-03-19
    write_history(tmp_path)
    folder = {"run.toml": "hw-a/2026-03-01", "folder": "hw-a/2099-12-31", "timestamp": "hw-a/late"}[how]
    run = tmp_path / "results" / folder
    run.mkdir(parents=True)
    day = "2099-12-31" if how == "timestamp" else "2026-03-01"
    (run / "slow-c1.json").write_text(json.dumps(result("slow", 1, day, 0.5)))
    if how == "run.toml":
        (run / "run.toml").write_text("date = 2099-12-31\n")
    catalog = build_catalog(load_config(cwd=tmp_path))
    seven = next(s for s in catalog.standings["hw-a"] if s.cohort.model == "qwen-7b")
    assert {a.entry.runtime: a.why for a in seven.apart} == {
        "zero": "invalid",
        "allfail": "invalid",
        "halffail": "unreliable",
        "oldtimer": "stale",
        "tworeq": "few samples",
        "slow": "invalid",
    }
    assert {e.runtime for _, e in seven.entries} == {"alpha", "beta"}
    slow = next(a for a in seven.apart if a.entry.runtime == "slow")
    assert "2099-12-31" in slow.reason and "after this build (2026-03-19)" in slow.reason
    named = {"run.toml": f"{folder}/run.toml", "folder": folder, "timestamp": f"{folder}/slow-c1.json"}[how]
    errors = [d for d in catalog.diagnostics if d.level == "error" and "2099-12-31" in d.reason]
    assert [d.path for d in errors] == [named]
    monkeypatch.chdir(tmp_path)
    strict = CliRunner().invoke(app, ["check", "--strict"])
    assert strict.exit_code == 1 and "after this build" in strict.stdout


def test_the_home_page_counts_what_it_does_not_rank_and_each_flag_has_its_css_class(site: Path):
    """The "Not ranked" count is the number of rows listed apart; a flag's CSS class is one class
    ("flag-few-samples", which the stylesheet colours), never two ("flag-few samples")."""
    parsed = cells_of(site / "index.html")
    home = (site / "index.html").read_text()
    for summary, table in re.findall(
        r"<summary>Not ranked: (\d+) [^<]*</summary>.*?<table[^>]*id=\"([^\"]+)\"", home, re.S
    ):
        rows = [cells for attrs, cells in parsed.rows if attrs["table"] == table and cells]
        assert int(summary) == len(rows) > 0, table
    assert re.findall(r"Not ranked: (\d+)", home)
    hardware = (site / "hardware" / "hw-a" / "index.html").read_text()
    classes = set(re.findall(r'<small class="flag ([^"]+)"', hardware))
    assert {"flag-invalid", "flag-unreliable", "flag-stale", "flag-few-samples"} <= classes
    css = (site / "assets" / "site.css").read_text()
    assert all(f"small.{c}" in css for c in classes)
