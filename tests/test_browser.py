"""What people see, in a real browser (Playwright driving Debian's Chromium).

Each page loads with no console error and no request leaving 127.0.0.1;
headers sort; charts draw their points; every page is reachable and every
internal link and anchor resolves, at the domain root and under /repo/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl import crawl

pytestmark = pytest.mark.browser

PAGES = [
    "index.html",
    "hardware/h100-sxm/index.html",
    "runs/synthetic/h100-sxm/2026-01-05/index.html",
    "runtimes/vllm/index.html",
    "runs/index.html",
    "methodology/index.html",
    "report/index.html",
    "runs/qwen-coder-deploy/jetson-orin/2026-03-05/index.html",
]


def open_page(page, url: str) -> tuple[list[str], list[str]]:
    """Load a page; return (console errors, requests to any host but 127.0.0.1)."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if urlsplit(req.url).hostname not in ("127.0.0.1", None) and not req.url.startswith("data:")
            else None
        ),
    )
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    assert errors == [] and outside == [], (url, errors, outside)  # every caller: a clean load
    return errors, outside  # the same lists, filled on: a caller checks them after its clicks too


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_cleanly(page, example_site: Path, serve_dir, path: str):
    base = serve_dir(example_site)
    errors, outside = open_page(page, base + path)
    charts = page.locator("[data-figure]")
    for i in range(charts.count()):  # charts are drawn as they come into view
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).and_(page.locator("[data-drawn=true]")).wait_for()
    assert errors == []
    assert outside == []
    assert page.title()


def test_every_chart_draws_its_points(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    for path in (
        "hardware/h100-sxm/index.html",
        "runs/synthetic/l4/2026-01-06/index.html",
        "runtimes/realizr/index.html",
    ):
        errors, outside = open_page(page, base + path)
        figures = page.locator("figure.chart")
        assert figures.count() >= 2, path
        for i in range(figures.count()):
            figure = figures.nth(i)
            if figure.locator(".plot").count() == 0:
                continue  # nothing to draw: the figure says why, or shows one run's values
            figure.scroll_into_view_if_needed()
            figure.locator("[data-drawn=true]").wait_for()
            expected = int(figure.locator(".plot").get_attribute("data-points"))
            drawn = figure.locator(".scatterlayer .point, .bars .point").count()
            assert drawn == expected > 0, (path, figure.get_attribute("id"))
        assert errors == [] and outside == [], path  # drawing them logged nothing, fetched nothing


def column_values(page, table_id: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-sort') ?? "
        f"r.cells[{index}].textContent.trim().toLowerCase())",
    )


def as_numbers(values: list[str]) -> list[float | None]:
    return [float(v) if v not in ("", None) else None for v in values]


def test_clicking_a_header_sorts_best_first_then_flips(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    open_page(page, base + "runs/synthetic/h100-sxm/2026-01-05/index.html")
    table = "composite-c4-table"
    header = page.locator(f"#{table} th[data-key=composite]")
    index = int(page.eval_on_selector(f"#{table} th[data-key=composite]", "th => th.cellIndex"))
    header.locator("button").click()  # a score: best (highest) first
    assert header.get_attribute("aria-sort") == "descending"
    down = as_numbers(column_values(page, table, index))
    assert down == sorted(down, reverse=True) and len(down) >= 4
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert as_numbers(column_values(page, table, index)) == sorted(down)
    # A latency column sorts by its measured value, lowest (best) first.
    ttft = page.locator(f"#{table} th[data-key=ttft_p50_ms]")
    ttft_index = int(page.eval_on_selector(f"#{table} th[data-key=ttft_p50_ms]", "th => th.cellIndex"))
    ttft.locator("button").click()
    assert ttft.get_attribute("aria-sort") == "ascending"
    texts = page.eval_on_selector_all(
        f"#{table} tbody tr", f"rows => rows.map(r => r.cells[{ttft_index}].firstChild.textContent)"
    )
    values = [float(t.split()[0]) for t in texts]
    assert values == sorted(values) and all(t.endswith(" ms") for t in texts)
    # Keyboard: the header is a button, so Enter sorts too; other headers drop their aria-sort.
    other = page.locator(f"#{table} th[data-key=runtime]")
    other.locator("button").focus()
    page.keyboard.press("Enter")
    assert other.get_attribute("aria-sort") == "ascending" and header.get_attribute("aria-sort") == "none"


def test_numbers_sort_numerically_and_missing_values_last(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    open_page(page, base + "index.html")
    # Standings of the RTX 4060 laptop: ollama was measured at c=32 only ("–" at c=1, missing).
    table = "standings-rtx4060-laptop"
    th = page.locator(f"#{table} th[data-key=c1]")
    index = int(page.eval_on_selector(f"#{table} th[data-key=c1]", "th => th.cellIndex"))
    for direction in ("descending", "ascending"):  # scores: best first, then flipped
        th.locator("button").click()
        assert th.get_attribute("aria-sort") == direction
        values = as_numbers(column_values(page, table, index))
        present = [v for v in values if v is not None]
        assert values[: len(present)] == sorted(present, reverse=direction == "descending")
        assert all(v is None for v in values[len(present) :]) and len(present) < len(values)
    # Text sorts as text, grades by their band: A+ above A above B.
    open_page(page, base + "runs/synthetic/l4/2026-01-06/index.html")
    grade_th = page.locator("#composite-c1-table th[data-key=grade]")
    grade_th.locator("button").click()
    index = int(page.eval_on_selector("#composite-c1-table th[data-key=grade]", "th => th.cellIndex"))
    scores = as_numbers(column_values(page, "composite-c1-table", index))
    assert scores == sorted(scores, reverse=True)  # the best grade first


def test_runs_index_filters(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    open_page(page, base + "runs/index.html?hardware=l4")
    visible = page.locator("#all-runs tbody tr:not([hidden])")
    assert visible.count() == 8
    page.select_option("form.filters select[name=hardware]", "")
    page.select_option("form.filters select[name=runtimes]", "vllm")
    # 24 synthetic runs and one real run measured vLLM.
    assert page.locator("#all-runs tbody tr:not([hidden])").count() == 25
    page.fill("form.filters input[name=from]", "2026-02-01")
    remaining = page.eval_on_selector_all(
        "#all-runs tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.date)"
    )
    assert remaining and all(d >= "2026-02-01" for d in remaining)


def test_chart_click_opens_the_run(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    open_page(page, base + "hardware/l4/index.html")
    figure = page.locator("#chart-decode")
    figure.scroll_into_view_if_needed()
    figure.locator("[data-drawn=true]").wait_for()
    figure.locator(".scatterlayer .point").first.click(force=True)
    page.wait_for_url(re.compile(r"/runs/synthetic/l4/\d{4}-\d\d-\d\d/index\.html$"))


@pytest.mark.parametrize("prefix", ["", "/repo"])
def test_crawl_reaches_every_page_and_every_link_resolves(example_site: Path, serve_dir, prefix: str):
    base = serve_dir(example_site, prefix)
    result = crawl(base + "index.html")
    assert result.broken == []
    assert result.duplicate_ids == {}
    on_disk = {base + p.relative_to(example_site).as_posix() for p in example_site.rglob("*.html")}
    on_disk.discard(base + "404.html")
    assert on_disk <= result.pages
    assert all(not url.startswith(base) for url in result.external)


def test_subpath_pages_load_cleanly(page, example_site: Path, serve_dir):
    base = serve_dir(example_site, "/repo")
    for path in ("index.html", "hardware/l4/index.html", "runs/synthetic/l4/2026-01-06/index.html"):
        errors, outside = open_page(page, base + path)
        page.locator("[data-drawn=true]").first.wait_for() if path != "index.html" else None
        assert errors == [] and outside == [], path


def test_sample_results_site(page, sample_site: Path, serve_dir):
    base = serve_dir(sample_site)
    result = crawl(base + "index.html")
    assert result.broken == [] and result.duplicate_ids == {}
    for path in (
        "index.html",
        "hardware/jetson-orin/index.html",
        "runs/jetson-orin/2026-03-05/index.html",
        "runtimes/realizr/index.html",
        "report/index.html",
    ):
        errors, outside = open_page(page, base + path)
        assert errors == [] and outside == [], path
    # Skipped files are listed with their reason, and the raw JSON is one click away.
    page.goto(base + "runs/jetson-orin/2026-03-05/index.html")
    assert "correctness report of the correctness tester" in page.locator("#skipped").inner_text()
    page.locator("#files-table a", has_text="ollama-jetson-load-20260305.json").click()
    assert '"runtime_name"' in page.content()
