"""Made to be linked: page heads, scorecards.json/.md, badges, feeds, permalinks and copy buttons."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.cli import app

BASE = "https://bench.example.org/qwen/"
ATOM = "{http://www.w3.org/2005/Atom}"


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "link" and a.get("rel"):
            self.links[a["rel"]] = a.get("href", "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_head_is_complete_and_specific(linked_site: Path):
    pages = sorted(p for p in linked_site.rglob("index.html"))
    assert len(pages) > 20
    titles, descriptions = {}, {}
    for page in pages:
        url = BASE + page.parent.relative_to(linked_site).as_posix() + "/"
        url = url.replace("/./", "/")
        head = head_of(page)
        assert head.title and head.meta["description"], page
        assert head.links["canonical"] == url, page
        assert head.meta["og:url"] == url and head.meta["og:title"] == head.title, page
        assert head.meta["og:description"] == head.meta["description"], page
        assert head.meta["twitter:card"] in ("summary", "summary_large_image")
        titles.setdefault(head.title, []).append(page)
        descriptions.setdefault(head.meta["description"], []).append(page)
    assert all(len(v) == 1 for v in titles.values()), [v for v in titles.values() if len(v) > 1]
    run = head_of(linked_site / "runs" / "jetson-orin" / "2026-03-05" / "index.html")
    # A run's description summarises it: hardware, date, each runtime's grade at c=1 and its best throughput grade.
    assert run.meta["description"].startswith("Jetson Orin Nano Super, 2026-03-05; ")
    # C+ belonged to the run's invalid llama.cpp result (0 of its requests succeeded, so 0 ms
    # latencies scored well): descriptions, like preview images, take valid results only.
    assert "llama.cpp C at c=1" in run.meta["description"]
    four = head_of(linked_site / "runs" / "jetson-orin" / "2026-03-04" / "index.html")
    assert "at c=4" in four.meta["description"]


def test_scorecards_json_of_every_run_equals_sitegen_score(linked_site: Path):
    results = linked_site.parent / "results"
    runs = sorted(p.parent for p in results.rglob("*.json"))
    assert len(set(runs)) == 13
    for run_dir in sorted(set(runs)):
        run_id = run_dir.relative_to(results).as_posix()
        published = linked_site / "runs" / run_id / "scorecards.json"
        expected = CliRunner().invoke(app, ["score", str(run_dir), "--format", "json"]).stdout
        # The same document; the CLI indents it for people, the site publishes it compact.
        assert json.loads(published.read_text(encoding="utf-8")) == json.loads(expected), run_id
        markdown = CliRunner().invoke(app, ["score", str(run_dir), "--format", "markdown"]).stdout
        assert (linked_site / "runs" / run_id / "scorecards.md").read_text(encoding="utf-8") == markdown
        assert json.loads(expected)["files_loaded"]


def test_feeds_are_valid_atom_with_changes(linked_site: Path):
    feed = ET.parse(linked_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 13
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert links[0] == BASE + "runs/gb10/2026-03-27/"  # newest first
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    jetson = ET.parse(linked_site / "hardware" / "jetson-orin" / "feed.xml").getroot()
    summaries = {
        e.find(f"{ATOM}title").text: e.find(f"{ATOM}summary").text for e in jetson.findall(f"{ATOM}entry")
    }
    assert len(summaries) == 3
    latest = summaries["jetson-orin/2026-03-07 on Jetson Orin Nano Super"]
    assert "grade" in latest or "new best" in latest or "No grade changed." == latest
    first = summaries["jetson-orin/2026-03-04 on Jetson Orin Nano Super"]
    assert "first run here" in first


def test_sitemap_is_valid_xml_with_absolute_urls(linked_site: Path):
    root = ET.parse(linked_site / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in locs and BASE + "runs/jetson-orin/2026-03-05/" in locs
    assert all(loc.startswith(BASE) for loc in locs)


def test_badges_are_well_formed_svg_with_the_current_grade(linked_site: Path):
    badges = sorted((linked_site / "badges").rglob("*.svg"))
    assert badges
    for badge in badges:
        svg = ET.parse(badge).getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert svg.get("role") == "img" and svg.get("aria-label")
    label = ET.parse(linked_site / "badges" / "vllm" / "rtx4060-laptop.svg").getroot().get("aria-label")
    assert label == "vllm on RTX 4060 laptop: A+ 100"
    runtime = (linked_site / "runtimes" / "vllm" / "index.html").read_text()
    assert (
        f"[![vllm on RTX 4060 laptop]({BASE}badges/vllm/rtx4060-laptop.svg)]({BASE}hardware/rtx4060-laptop/)"
    ) in runtime


@pytest.mark.browser
def test_anchored_link_opens_scrolled_and_highlighted(page, linked_site: Path, serve_dir):
    base = serve_dir(linked_site)
    page.goto(base + "runs/jetson-orin/2026-03-04/index.html#composite-c4")
    section = page.locator("#composite-c4")
    section.wait_for()
    page.wait_for_function("document.getElementById('composite-c4').classList.contains('highlight')")
    assert page.evaluate("window.scrollY") > 200
    box = section.bounding_box()
    assert box is not None and 0 <= box["y"] < 100


@pytest.mark.browser
def test_copy_buttons_put_the_expected_text_on_the_clipboard(page, linked_site: Path, serve_dir):
    base = serve_dir(linked_site)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    url = base + "runs/jetson-orin/2026-03-04/index.html"
    page.goto(url)
    page.locator("#scaling .copy-md").click()
    expected_md = (linked_site / "runs" / "jetson-orin" / "2026-03-04" / "scorecards.md").read_text()
    section_md = expected_md[expected_md.index("## Concurrency Scaling Efficiency") :].rstrip("\n")
    copied = page.evaluate("navigator.clipboard.readText()")
    # The reference's table, then the flag of its flagged row, which the table cannot say.
    flagged = (
        "Flagged by sitegen, never ranked:\n- realizr-jetson-cpu: invalid, realizr-jetson-cpu-load-20260304.json: "
        "no successful request (of 377,086); 100% of requests failed, over the 5% limit"
    )
    assert copied == (
        f"{section_md}\n\n{flagged}\n\n[Concurrency scaling]({BASE}runs/jetson-orin/2026-03-04/#scaling)\n"
    )
    # A composite scorecard is shared by the address of its own link-preview page.
    page.locator("#composite-c4 .permalink").click()
    shared = f"{BASE}runs/jetson-orin/2026-03-04/composite-c4/"
    assert page.evaluate("navigator.clipboard.readText()") == shared
    assert page.url.endswith("#composite-c4")
    assert "highlight" in page.locator("#composite-c4").get_attribute("class")
    # Other scorecards keep their anchors.
    page.locator("#scaling .permalink").click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{BASE}runs/jetson-orin/2026-03-04/#scaling"


@pytest.mark.browser
def test_a_scorecard_link_previews_that_scorecard_and_opens_it(page, linked_site: Path, serve_dir):
    share = linked_site / "runs" / "jetson-orin" / "2026-03-04" / "composite-c4" / "index.html"
    head = head_of(share)
    assert head.links["canonical"] == f"{BASE}runs/jetson-orin/2026-03-04/composite-c4/"
    assert head.title.startswith("Throughput scorecard (c=4) · ")
    run_head = head_of(share.parent.parent / "index.html")
    assert head.meta["og:description"] != run_head.meta["og:description"]
    card = head.meta["og:image"]
    assert card != run_head.meta["og:image"] and (linked_site / card.removeprefix(BASE)).is_file()
    base = serve_dir(linked_site)
    page.goto(base + "runs/jetson-orin/2026-03-04/composite-c4/index.html")
    page.wait_for_url(re.compile(r"/runs/jetson-orin/2026-03-04/index\.html#composite-c4$"))
    page.wait_for_function("document.getElementById('composite-c4').classList.contains('highlight')")


@pytest.mark.browser
def test_badges_load_in_the_runtime_page(page, linked_site: Path, serve_dir):
    base = serve_dir(linked_site)
    page.goto(base + "runtimes/realizr/index.html")
    images = page.locator("#badges img")
    assert images.count() >= 3
    for i in range(images.count()):
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", images.nth(i).element_handle())


@pytest.mark.browser
def test_a_compare_url_reopens_the_same_comparison(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    a, b = "synthetic/h100-sxm/2026-01-26", "synthetic/h100-sxm/2026-02-02"
    page.goto(base + f"compare/index.html?a={a}&b={b}")
    rows = page.locator("#compare-table tbody tr")
    rows.first.wait_for()
    assert page.locator("select[name=a]").input_value() == a
    assert page.locator("select[name=b]").input_value() == b
    # realizr steps up by 25 % on this machine at 2026-02-02 (examples/generate.py): beyond noise.
    cohort = "qwen2.5-coder-1.5b-instruct-q4_k_m"  # the examples' model (examples/generate.py)
    row = page.locator(f'#compare-table tr[data-key="composite c=1|realizr|{cohort}|decode_tok_s"]')
    cells = row.locator("td").all_inner_texts()
    doc_a = json.loads((example_site / "runs" / a / "scorecards.json").read_text())
    value_a = next(rt for rt in doc_a["composite"]["1"]["runtimes"] if rt["name"] == "realizr-h100-c1")
    assert (
        float(row.locator("td").nth(3).get_attribute("data-sort"))
        == value_a["metrics"]["decode_tok_s"]["value"]
    )
    assert cells[2] == "Decode speed (tok/s)"
    assert cells[7] == "better" and cells[8].startswith("beyond noise")
    assert "verdict-better" in row.locator("td").nth(7).get_attribute("class")
    # By default only the changes beyond noise are listed (and the flagged values, never judged),
    # and the summary names them first.
    noise = set(page.locator("#compare-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.noise)"))
    assert noise <= {"beyond", "flagged"} and "beyond" in noise
    summary = page.locator("output[name=status]").inner_text()
    assert re.match(r"\d+ changes? beyond noise: ", summary) and "realizr decode speed at c=1 +" in summary
    # Every value on request: concurrency in numeric order, no verdict colour within noise.
    page.locator("input[name=beyond]").uncheck()
    page.wait_for_function("location.search.includes('all=1')")
    page.locator('#compare-table tbody tr[data-noise="within"]').first.wait_for()  # redrawn
    sections = page.locator("#compare-table tbody tr td:nth-child(1)").all_inner_texts()
    levels = [int(x.split("c=")[1]) for x in sections if x.startswith("composite c=")]
    assert levels == sorted(levels) and levels[0] == 1 and levels[-1] >= 16
    within = page.locator('#compare-table tbody tr[data-noise="within"] td:nth-child(8)')
    assert within.count() > 0
    assert all("verdict-" not in (c or "") for c in within.evaluate_all("cs => cs.map(c => c.className)"))
    # A change of selection lands in the URL, and that URL opens the same comparison.
    page.select_option("select[name=runtime]", "vllm")
    page.wait_for_function("location.search.includes('runtime=vllm')")
    linked = page.url
    page.goto(linked)
    page.locator("#compare-table tbody tr").first.wait_for()
    assert page.locator("select[name=runtime]").input_value() == "vllm"
    assert not page.locator("input[name=beyond]").is_checked()
    runtimes = set(page.locator("#compare-table tbody tr td:nth-child(2)").all_inner_texts())
    assert runtimes == {"vllm"}


@pytest.mark.browser
def test_run_page_links_to_the_comparison_with_the_previous_run(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    page.goto(base + "runs/synthetic/l4/2026-01-13/index.html")
    page.locator("#compare-previous").click()
    page.locator("#compare-table tbody tr").first.wait_for()
    assert page.locator("select[name=a]").input_value() == "synthetic/l4/2026-01-06"
    assert page.locator("select[name=b]").input_value() == "synthetic/l4/2026-01-13"


def test_hardware_page_lists_changes_beyond_noise(example_site: Path):
    html = (example_site / "hardware" / "h100-sxm" / "index.html").read_text()
    table = html[html.index('id="changes-table"') : html.index("</table>", html.index('id="changes-table"'))]
    # The generated history steps realizr's speed up by 25 % on 2026-02-02: it is listed, linked to the comparison.
    assert "2026-02-02</td>" in table and ">realizr</a>" in table and "Decode speed" in table
    assert (
        "compare/index.html?a=synthetic%2Fh100-sxm%2F2026-01-26&amp;b=synthetic%2Fh100-sxm%2F2026-02-02"
        in table
    )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_runs_and_hardware_targets_get_preview_cards(linked_site: Path):
    for page in ("runs/jetson-orin/2026-03-05/index.html", "hardware/jetson-orin/index.html"):
        head = head_of(linked_site / page)
        image = head.meta["og:image"]
        assert image.startswith(BASE + "cards/") and image.endswith(".png"), page
        assert head.meta["twitter:card"] == "summary_large_image" and head.meta["twitter:image"] == image
        assert png_size(linked_site / image.removeprefix(BASE)) == (1200, 630)
    # Different content, different card; pages without one keep text previews.
    run_images = {head_of(p).meta.get("og:image") for p in (linked_site / "runs").rglob("index.html")}
    assert len(run_images) > 5
    assert "og:image" not in head_of(linked_site / "methodology" / "index.html").meta


def test_cards_are_reused_from_the_previous_site(tmp_path: Path, monkeypatch):
    import shutil

    from conftest import FIXTURES

    from sitegen.config import load_config
    from sitegen.site import cards
    from sitegen.site.build import build_site

    shutil.copytree(FIXTURES / "sample-results" / "jetson-orin", tmp_path / "results" / "jetson-orin")
    site = build_site(load_config(cwd=tmp_path), base_url=BASE, workers=1).out
    drawn = sorted(p.name for p in (site / "cards").iterdir())
    assert drawn
    monkeypatch.setattr(cards, "draw_card", lambda spec: pytest.fail("an unchanged card was drawn again"))
    build_site(load_config(cwd=tmp_path), base_url=BASE, workers=1, force=True)
    assert sorted(p.name for p in (site / "cards").iterdir()) == drawn


def test_without_pillow_the_build_says_so_once_and_falls_back_to_text(tmp_path: Path, monkeypatch):
    import builtins
    import shutil

    from conftest import FIXTURES

    from sitegen.config import load_config
    from sitegen.site.build import build_site

    real_import = builtins.__import__

    def no_pillow(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    shutil.copytree(FIXTURES / "sample-results" / "jetson-orin", tmp_path / "results" / "jetson-orin")
    messages: list[str] = []
    site = build_site(load_config(cwd=tmp_path), base_url=BASE, workers=1, progress=messages.append).out
    said = [m for m in messages if "Pillow is not installed" in m]
    assert len(said) == 1
    assert not (site / "cards").exists()
    assert "og:image" not in head_of(site / "runs" / "jetson-orin" / "2026-03-05" / "index.html").meta


def test_without_a_base_url_there_are_no_cards(tmp_path: Path):
    import shutil

    from conftest import FIXTURES

    from sitegen.config import load_config
    from sitegen.site.build import build_site

    shutil.copytree(FIXTURES / "sample-results" / "jetson-orin", tmp_path / "results" / "jetson-orin")
    messages: list[str] = []
    site = build_site(load_config(cwd=tmp_path), workers=1, progress=messages.append).out
    assert sum("no base URL: no preview images" in m for m in messages) == 1
    assert not (site / "cards").exists()


@pytest.mark.browser
def test_preview_images_load(page, linked_site: Path, serve_dir):
    base = serve_dir(linked_site)
    image = head_of(linked_site / "runs" / "jetson-orin" / "2026-03-05" / "index.html").meta["og:image"]
    response = page.request.get(base + image.removeprefix(BASE))
    assert response.ok and response.headers["content-type"] == "image/png"
    assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_one_runtime_compared_across_two_targets(page, example_site: Path, serve_dir):
    base = serve_dir(example_site)
    page.goto(base + "runtimes/vllm/index.html")
    page.locator("#across-targets a", has_text="H100 SXM (synthetic) and L4 (synthetic)").click()
    page.locator("#compare-table tbody tr").first.wait_for()
    assert page.locator("select[name=a]").input_value().startswith("synthetic/h100-sxm/")
    assert page.locator("select[name=b]").input_value().startswith("synthetic/l4/")
    assert set(page.locator("#compare-table tbody tr td:nth-child(2)").all_inner_texts()) == {"vllm"}
    assert "across two machines" in page.locator("output[name=status]").inner_text()
    noise = set(page.locator("#compare-table tbody tr td:nth-child(9)").all_inner_texts())
    assert noise == {"no estimate"}  # run-to-run noise is a property of one machine
