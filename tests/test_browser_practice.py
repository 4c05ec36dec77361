"""What practitioners decide by, in a real browser: the frontier chart, latency targets, colours."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
RUN = "synthetic/h100-sxm/2026-02-23"


def drawn_traces(page, chart_id: str) -> list[dict]:
    """The traces plotly drew for a chart: name, x, y, colour."""
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()  # charts are drawn as they come into view
    page.locator(f"#{chart_id} [data-drawn=true]").wait_for()
    return page.eval_on_selector(
        f"#{chart_id} .plot",
        "div => div.data.map(t => ({name: t.name, x: t.x, y: t.y, colour: t.line && t.line.color}))",
    )


def test_the_frontier_chart_draws_one_point_per_runtime_and_level_where_it_should(
    page, example_site: Path, serve_dir
):
    base = serve_dir(example_site)
    page.goto(base + f"runs/{RUN}/index.html")
    traces = drawn_traces(page, "chart-frontier")
    # Expected from the result files themselves: x = 1000 / tpot_p50_ms, y = tokens_per_sec / 1 GPU.
    expected: dict[str, set[tuple[float, float]]] = {}
    names = {"realizr": "realizr", "llamacpp": "llama.cpp", "ollama": "ollama", "vllm": "vLLM"}
    for path in (ROOT / "examples" / "results" / RUN).glob("*.json"):
        r = json.loads(path.read_text())
        runtime = names[r["runtime_name"].split("-")[0]]
        point = (round(1000.0 / r["tpot_p50_ms"], 2), round(r["tokens_per_sec"], 2))
        expected.setdefault(runtime, set()).add(point)
    lines = {t["name"]: t for t in traces if t["name"] != "Pareto frontier"}
    assert set(lines) == set(expected)
    for name, t in lines.items():
        drawn = sorted(zip(t["x"], t["y"], strict=True))
        wanted = sorted(expected[name])
        assert len(drawn) == len(wanted), name
        for (x, y), (ex, ey) in zip(drawn, wanted, strict=True):
            assert x == pytest.approx(ex, rel=1e-4) and y == pytest.approx(ey, rel=1e-4), name
    markers = page.locator("#chart-frontier .scatterlayer .point").count()
    assert markers == sum(len(v) for v in expected.values())
    # Its data table has a row per point: the runtime and result read from the left, numbers align right.
    rows = page.locator("#chart-frontier-data tbody tr")
    assert rows.count() == markers
    aligns = rows.first.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td).textAlign)")
    assert aligns == ["left", "left", "right", "right"]
    # The frontier is drawn as a line of its own, and named in words above the chart.
    frontier = next(t for t in traces if t["name"] == "Pareto frontier")
    assert len(frontier["x"]) >= 2
    assert page.locator("#chart-frontier .scatterlayer .trace").count() == len(lines) + 1
    assert "leads" in page.locator("#chart-frontier p.meta").text_content()
    assert page.locator("#chart-frontier .xtitle").text_content() == "Interactivity (tok/s per user)"
    assert page.locator("#chart-frontier .ytitle").text_content() == "Output throughput (tok/s per GPU)"


def test_own_latency_limits_rerank_in_the_browser_and_the_url_keeps_them(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    page.goto(base + "hardware/h100-sxm/index.html")
    form = page.locator("form.slo-form")
    body = page.locator("#slo-custom tbody tr")
    assert page.locator("#slo-custom tbody tr[data-meets=yes]").count() == 4  # as built: the first target
    # The limits are a per-user speed (tok/s) and a p99 TTFT: the first target's 40 ms TPOT is 25.
    assert form.locator("input[name=speed]").input_value() == "25"
    # As the page opens, the browser's ranking is the build's (read without JavaScript), cost per
    # million output tokens included.
    script = "rows => rows.map(r => Array.from(r.cells, c => c.innerText.replace(/\\s+/g, ' ').trim()))"
    drawn = page.eval_on_selector_all("#slo-custom tbody tr", script)
    plain = page.context.browser.new_context(java_script_enabled=False).new_page()
    plain.goto(base + "hardware/h100-sxm/index.html")
    assert plain.eval_on_selector_all("#slo-custom tbody tr", script) == drawn
    costs = [row[3] for row in drawn]
    assert all(c != "–" for c in costs) and len(set(costs)) == 4  # each runtime's own cost at its level
    # Tighter limits than any level meets (1000 tok/s per user: a p99 TPOT of 1 ms): every runtime
    # drops to "closest".
    form.locator("input[name=speed]").fill("1000")
    assert page.locator("#slo-custom tbody tr[data-meets=yes]").count() == 0
    assert "0 of 4 runtimes meet these limits" in form.locator("output").text_content()
    # Limits that only the lowest levels meet (a p99 TPOT of 2.5 ms): the ranking changes to those levels.
    form.locator("input[name=speed]").fill("400")
    met = page.locator("#slo-custom tbody tr[data-meets=yes]")
    assert 0 < met.count() < 4
    levels = [
        int(c)
        for c in page.eval_on_selector_all(
            "#slo-custom tbody tr[data-meets=yes] td:nth-child(5)", "tds => tds.map(td => td.textContent)"
        )
    ]
    assert max(levels) < 32
    query = parse_qs(urlsplit(page.url).query)
    assert query["speed"] == ["400"] and query["ttft"] == ["450"]
    # The link reproduces the view; so does one written in p99 TPOT before the form took a speed.
    page.goto(page.url)
    assert page.locator("#slo-custom tbody tr[data-meets=yes]").count() == met.count()
    assert body.count() == 4
    page.goto(base + "hardware/h100-sxm/index.html?ttft=450&tpot=2.5")
    assert form.locator("input[name=speed]").input_value() == "400"
    assert page.locator("#slo-custom tbody tr[data-meets=yes]").count() == met.count()


def test_a_runtime_keeps_its_colour_on_every_page(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    colours: dict[str, set[str]] = {}
    for path, chart in (
        (f"runs/{RUN}/index.html", "chart-frontier"),
        ("hardware/h100-sxm/index.html", "chart-decode"),
        ("hardware/l4/index.html", "chart-composite"),
        ("runs/synthetic/l4/2026-01-06/index.html", "chart-scaling"),
        # Only ollama and vLLM here: colours by line order would give them the first two colours.
        ("runs/qwen-coder-deploy/rtx4060-laptop/2026-03-15-prod/index.html", "chart-frontier"),
    ):
        page.goto(base + path)
        for t in drawn_traces(page, chart):
            if t["name"] != "Pareto frontier":
                colours.setdefault(t["name"], set()).add(t["colour"])
    assert set(colours) >= {"realizr", "llama.cpp", "ollama", "vLLM"}
    assert all(len(c) == 1 for c in colours.values()), colours
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # and no two share one


def test_home_shows_decode_at_c1_and_best_throughput_under_the_first_target(
    page, example_site: Path, serve_dir
):
    base = serve_dir(example_site)
    page.goto(base + "index.html")
    headers = page.eval_on_selector_all("#standings-h100-sxm th", "ths => ths.map(th => th.dataset.key)")
    assert headers.index("decode") > headers.index("c1") and "slo" in headers
    decode = page.eval_on_selector_all(
        "#standings-h100-sxm tbody tr",
        f"rows => rows.map(r => r.cells[{headers.index('decode')}].firstChild.textContent)",
    )
    assert all(text.endswith(" tok/s") for text in decode)


def test_each_run_publishes_its_derived_values_beside_the_reference_scorecards(example_site: Path):
    run = example_site / "runs" / RUN
    metrics = json.loads((run / "metrics.json").read_text())
    scorecards = json.loads((run / "scorecards.json").read_text())
    assert {r["file"] for r in metrics["results"]} == set(scorecards["files_loaded"])
    first = next(r for r in metrics["results"] if r["concurrency"] == 1 and r["runtime"] == "realizr")
    source = json.loads((ROOT / "examples" / "results" / RUN / first["file"]).read_text())
    assert first["interactivity_tok_s_per_user"] == pytest.approx(1000.0 / source["tpot_p50_ms"])
    assert first["cost_per_million_output_tokens"] == pytest.approx(
        2.99 / (source["tokens_per_sec"] * 3600) * 1e6
    )
    assert "metrics" not in scorecards  # the reference's document stays as it is


def test_the_runs_page_lists_the_newest_runs_and_its_filters_find_every_run(
    page, tmp_path_factory, serve_dir
):
    from sitegen.config import load_config
    from sitegen.site.build import build_site

    root = tmp_path_factory.mktemp("many-runs")
    good = json.loads(
        (ROOT / "tests" / "fixtures" / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text()
    )
    import datetime as dt

    for i in range(130):  # two hardware targets, 65 weekly runs each
        hw = "hw-a" if i % 2 else "hw-b"
        day = dt.date(2025, 1, 1) + dt.timedelta(days=7 * (i // 2))
        run = root / "results" / hw / day.isoformat()
        run.mkdir(parents=True)
        (run / "r-c1.json").write_text(
            json.dumps(good | {"runtime_name": "rt-c1", "timestamp": f"{day}T10:00:00Z"})
        )
    (root / "site.toml").write_text('results = ["results"]\n')
    site = build_site(load_config(cwd=root), root / "_site", workers=1).out
    base = serve_dir(site)
    page.goto(base + "runs/index.html")
    assert page.locator("#all-runs tbody tr").count() == 100
    page.select_option("form.filters select[name=hardware]", "hw-a")
    page.locator("form.filters[data-loaded=yes]").wait_for()
    assert page.locator("#all-runs tbody tr:not([hidden])").count() == 65  # every run, not only the listed
    page.fill("form.filters input[name=from]", "2026-01-01")
    assert page.locator("#all-runs tbody tr:not([hidden])").count() == 12  # weeks 53 to 64
    # Without JavaScript every run is still reachable: a page per month lists all of its runs.
    months = sorted((site / "archive").iterdir())
    listed = sum((m / "index.html").read_text().count('href="../../runs/hw-') for m in months)
    assert listed == 130
    assert max(p.stat().st_size for p in site.rglob("*.html")) < 300_000


def test_a_history_point_names_its_run_once_and_a_flagged_point_its_flag(page, example_site: Path, serve_dir):
    """Hover labels name what the axis does not: a run whose folder is its date is not named
    twice, a flagged point says its flag."""
    base = serve_dir(example_site)
    page.goto(base + "hardware/jetson-orin-nano/index.html")
    # The composite history: llama.cpp's third run on this target is unreliable.
    figure = json.loads(page.locator("#chart-composite-figure").text_content())
    trace = next(k for k, t in enumerate(figure["data"]) if any("unreliable" in s for s in t.get("text", [])))
    texts, x = figure["data"][trace]["text"], figure["data"][trace]["x"]
    flagged = next(i for i, s in enumerate(texts) if "unreliable" in s)
    plain = next(i for i, s in enumerate(texts) if "unreliable" not in s)
    drawn_traces(page, "chart-composite")
    points = page.locator("#chart-composite .scatterlayer .trace").nth(trace).locator(".point")
    hover = page.locator("#chart-composite .hoverlayer .hovertext")

    def hover_text(i: int) -> str:
        box = points.nth(i).bounding_box()  # plotly listens on the layer above its points
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(hover).to_contain_text(f"Run date: {x[i]}")
        return hover.text_content()

    assert "unreliable" in hover_text(flagged)
    label = hover_text(plain)
    assert label.count(x[plain]) == 1, label


def test_a_short_history_ticks_each_run_date_once(page, example_site: Path, serve_dir):
    """Three runs within a week: plotly's own date ticks would fall every twelve hours and
    print each date twice; the axis ticks the run dates instead."""
    base = serve_dir(example_site)
    page.goto(base + "hardware/jetson-orin-nano/index.html")
    traces = drawn_traces(page, "chart-composite")
    dates = sorted({x for t in traces for x in t["x"]})
    assert 1 < len(dates) <= 8
    ticks = page.eval_on_selector_all("#chart-composite .xtick text", "ts => ts.map(t => t.textContent)")
    assert ticks == dates
    # The data table writes each date on one line (on a phone its box scrolls instead).
    wraps = page.eval_on_selector_all(
        "#chart-composite-data tbody td:first-child", "tds => tds.map(td => getComputedStyle(td).whiteSpace)"
    )
    assert wraps and set(wraps) == {"nowrap"}


def test_a_short_history_shows_its_last_date_on_a_phone(page, example_site: Path, serve_dir):
    """The last run date's tick sits at the plot's right edge; at 390 px its label must still
    fit inside the chart (plotly hides a tick label that would run off it)."""
    page.set_viewport_size({"width": 390, "height": 844})
    base = serve_dir(example_site)
    page.goto(base + "hardware/jetson-orin-nano/index.html")
    drawn_traces(page, "chart-composite")
    chart = page.locator("#chart-composite .main-svg").first.bounding_box()
    shown = []
    for tick in page.locator("#chart-composite .xtick text").all():
        box = tick.bounding_box()  # None: hidden
        if box and chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"]:
            shown.append(tick.text_content())
    assert shown == ["2026-03-04", "2026-03-05", "2026-03-07"]
