"""Every screen: accessibility (axe-core), phones, dark mode, and a page that works before plotly.js.

Each test opens the example site in Debian's Chromium, as a reader would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# One page of every kind, the 404 page reached at a nested address among them.
PAGE_KINDS = {
    "home": "index.html",
    "hardware": "hardware/h100-sxm/index.html",
    "run": "runs/synthetic/h100-sxm/2026-02-23/index.html",
    "runtime": "runtimes/vllm/index.html",
    "models": "models/index.html",
    "model": "models/qwen2.5-coder-1.5b-instruct-q4_k_m/unspecified/index.html",
    "runs": "runs/index.html",
    "compare": "compare/index.html?a=synthetic/h100-sxm/2026-01-26&b=synthetic/h100-sxm/2026-02-02",
    "methodology": "methodology/index.html",
    "report": "report/index.html",
    "404": "no/such/page/here.html",
    "scorecard link": "runs/synthetic/h100-sxm/2026-02-23/composite-c4/index.html",
}


def serve_with_404(serve_dir, site: Path) -> str:
    """The site served as GitHub Pages serves it: 404.html, with status 404, for any missing path."""
    return serve_dir(site, not_found=site / "404.html")


def ready(page) -> None:
    """Wait until the page is whole: every chart drawn (scrolled into view in turn), compare rows in."""
    page.wait_for_load_state("load")
    page.locator("html[data-ready]").wait_for(state="attached")  # site.js ran (late on the 404 page)
    charts = page.locator("[data-figure]")
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).and_(page.locator("[data-drawn=true]")).wait_for()
    if page.locator("#compare-form").count():
        page.locator("#compare-table tbody tr").first.wait_for(state="attached")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_serious_accessibility_finding(browser, example_site: Path, serve_dir, kind: str, scheme: str):
    from axe_playwright_python.sync_playwright import Axe

    base = serve_with_404(serve_dir, example_site)
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(base + PAGE_KINDS[kind])
    if kind == "scorecard link":  # it leads on to the run page: check it before it does
        page.wait_for_url(re.compile(r"#composite-c4$"))
        page.goto(base + PAGE_KINDS[kind].replace("composite-c4/", ""))
    ready(page)
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == [], serious


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_nothing_scrolls_sideways_on_a_phone(browser, example_site: Path, serve_dir, kind: str):
    base = serve_with_404(serve_dir, example_site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + PAGE_KINDS[kind])
    if kind == "scorecard link":
        page.wait_for_url(re.compile(r"#composite-c4$"))
    ready(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (kind, width)
    # The navigation is folded into a menu: the header stays short, and the menu opens it.
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 130, header
    assert not page.locator("#site-nav").is_visible()
    page.locator(".menu-toggle").click()
    assert page.locator("#site-nav").is_visible()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    context.close()


def test_buttons_stay_whole_on_a_phone(browser, example_site: Path, serve_dir):
    """A button that does not fit on its line moves to the next, whole: "Compare with previous
    run" used to break across two lines, its box open on the right."""
    base = serve_with_404(serve_dir, example_site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + PAGE_KINDS["run"])
    page.wait_for_load_state("load")
    boxes = page.evaluate(
        "[...document.querySelectorAll('a.button')].map(b => [b.textContent, b.getClientRects().length])"
    )
    context.close()
    assert len(boxes) >= 2, boxes  # the previous run's and the comparison's
    assert all(rects == 1 for _, rects in boxes), boxes


def test_wide_tables_scroll_in_their_box_with_the_first_column_kept(browser, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + PAGE_KINDS["run"])
    ready(page)
    wrap = page.locator("#composite-c4 .table-wrap")
    scroll, client = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert scroll > client  # wider than the phone: it scrolls inside its box
    first = wrap.locator("tbody tr td").first
    before = first.bounding_box()
    wrap.evaluate("w => { w.scrollLeft = 200; }")
    after = first.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1  # sticky
    # The cue: the box's background draws a shadow at the edge that has more.
    assert "radial-gradient" in wrap.evaluate("w => getComputedStyle(w).backgroundImage")
    # Touch screens get no plotly toolbar over the charts.
    chart = page.locator("#chart-frontier")
    chart.scroll_into_view_if_needed()
    chart.locator("[data-drawn=true]").wait_for()
    assert chart.locator(".modebar").count() == 0
    context.close()


def test_dark_mode_follows_the_system_and_a_remembered_choice(browser, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    context = browser.new_context(color_scheme="dark", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(base + PAGE_KINDS["hardware"])
    ready(page)

    def background() -> str:
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    def chart_text_colour() -> str:
        return page.locator("#chart-frontier .xtick text").first.evaluate("t => getComputedStyle(t).fill")

    def luminance(colour: str) -> float:
        r, g, b = (int(x) for x in re.findall(r"\d+", colour)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luminance(background()) < 50  # the system's dark scheme
    assert luminance(chart_text_colour()) > 150  # the chart's text follows it
    best = page.locator("td.best").first
    assert luminance(best.evaluate("td => getComputedStyle(td).backgroundColor")) < 80
    toggle = page.locator(".theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert luminance(background()) > 200
    page.wait_for_function(
        "() => { const t = document.querySelector('#chart-frontier .xtick text');"
        " return t && getComputedStyle(t).fill !== 'rgb(230, 237, 243)'; }"
    )
    assert luminance(chart_text_colour()) < 100
    # Remembered: another page opens light although the system is dark.
    page.goto(base + PAGE_KINDS["run"])
    assert luminance(background()) > 200
    assert page.locator(".theme-toggle").get_attribute("aria-pressed") == "false"
    context.close()


def test_tables_sort_and_links_copy_before_plotly_arrives(browser, example_site: Path, serve_dir):
    """plotly.js is held back for the whole test: everything but the charts must work without it."""
    base = serve_dir(example_site)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    held = []
    page.route("**/plotly-basic.min.js", lambda route: held.append(route))
    with page.expect_request("**/plotly-basic.min.js"):  # a chart is in view: plotly.js is asked for
        page.goto(base + PAGE_KINDS["run"])
    page.evaluate("location.hash = '#composite-c4'")
    page.wait_for_function("document.getElementById('composite-c4').classList.contains('highlight')")
    # The whole header cell sorts, the best first on the first click of a score column.
    table = page.locator("#composite-c4 table")
    header = table.locator("th[data-key=composite]")
    header.click(position={"x": 2, "y": 2})  # the cell's corner, not its button
    assert header.get_attribute("aria-sort") == "descending"
    scores = [
        float(x) for x in table.locator("td[data-scored]").evaluate_all("cs => cs.map(c => c.dataset.sort)")
    ]
    assert scores == sorted(scores, reverse=True)
    page.locator("#composite-c4 .permalink").click()
    assert page.evaluate("navigator.clipboard.readText()").endswith("/composite-c4/")
    assert page.locator("[data-drawn=true]").count() == 0
    # Once plotly.js comes, the charts in view are drawn.
    body = (example_site / "assets" / "plotly-basic.min.js").read_bytes()
    for route in held:
        route.fulfill(body=body, content_type="text/javascript")
    page.locator("#chart-frontier").scroll_into_view_if_needed()
    page.locator("#chart-frontier [data-drawn=true]").wait_for()
    context.close()


def test_names_sort_naturally(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    page.goto(base + PAGE_KINDS["run"])
    table = page.locator("#scaling table, #composite-c4 table").first
    header = table.locator("th").first
    header.click()
    names = table.locator("tbody tr td:first-child").all_inner_texts()
    assert names == sorted(
        names, key=lambda n: [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", n)]
    )


def test_the_404_page_works_at_any_depth_without_a_base_url(page, example_site: Path, serve_dir):
    base = serve_with_404(serve_dir, example_site)
    response = page.goto(base + "runs/no/such/run/index.html")
    assert response is not None and response.status == 404
    header = page.locator(".site-header").evaluate("h => getComputedStyle(h).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent")  # styled: the stylesheet is inline
    page.wait_for_function("document.getElementById('home-link').href.endsWith('/index.html')")
    page.wait_for_function(f"document.getElementById('home-link').href === '{base}index.html'")
    page.locator("#home-link").click()
    page.wait_for_url(base + "index.html")
    assert page.locator("h1").count() == 1 and "not found" not in page.title().lower()
