"""No script from a contributor ever runs, and every XML file stays well-formed.

run.toml, README.md, result fields and directory names are written by
whoever opens a pull request. A real browser loads the pages they end up on:
a dialog handler must never fire, no link may lead to a script URL, and
inline JSON must not break its page.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.safetext import compact_json, safe_url, script_json, xml_text
from sitegen.site.build import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
SCRIPT_LINKS = [
    "java\tscript:alert(document.domain)",
    "\u0001javascript:alert(document.domain)",
    "javascript\n:alert(document.domain)",
    " JaVaScRiPt:alert(document.domain)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]
ESC = "\x1b"


@pytest.mark.parametrize("url", SCRIPT_LINKS)
def test_script_urls_are_refused_after_browser_normalisation(url: str):
    assert safe_url(url) == ""


@pytest.mark.parametrize(
    "url", ["https://example.org/run?a=1&b=2", "http://example.org", "../other/", "notes.html#x", "/abs/path"]
)
def test_http_https_and_relative_links_are_kept(url: str):
    assert safe_url(url) == url


def test_inline_json_cannot_end_its_script_element():
    text = script_json({"title": "<!--<script></script>&\u2028\u2029"})
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text
    assert json.loads(text) == {"title": "<!--<script></script>&\u2028\u2029"}


def test_compact_json_is_the_json_modules_text_with_null_for_what_cannot_be_computed():
    document = {
        "runtime": 'vLLM «nightly» \u00e9\u2028\x1f"\\/',
        "levels": {1: [0.1, 2.5, -0.0, 100.0, 1e16], 4: (True, False, None)},
        "counts": [0, 18446744073709551615, -(2**70)],
        "result": GOOD,
    }
    assert compact_json(document) == json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    assert compact_json({"rate": [float("nan"), float("inf"), -float("inf")]}) == '{"rate":[null,null,null]}'
    assert json.loads(compact_json([1e-7, 2.5e-5, 5e-324])) == [1e-7, 2.5e-5, 5e-324]
    lone = {"name": "\ud800"}  # which the serializer refuses: the json module writes it, as before
    assert compact_json(lone) == json.dumps(lone, ensure_ascii=False, separators=(",", ":"))


def test_xml_text_drops_what_xml_forbids():
    assert xml_text(f"a{ESC}b\x00c\ufffed\ttab") == "abcd\ttab"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile-strings")
    (base / "site.toml").write_text('results = ["results"]\nbase_url = "https://bench.example.org/"\n')
    for i, link in enumerate(SCRIPT_LINKS):
        run = base / "results" / f"hw{ESC}a" / f"2026-03-0{i + 1}"
        run.mkdir(parents=True)
        title = "<!--<script>" if i == 0 else f"run {i}{ESC} <img src=x onerror=alert(1)>"
        (run / "run.toml").write_text(f"title = {json.dumps(title)}\nlink = {json.dumps(link)}\n")
        (run / "README.md").write_text(
            f"[notes]({link.replace(chr(10), ' ')}) and [ok](https://example.org/) "
            "![pixel](https://tracker.example.org/p.png) <script>alert(1)</script>\n"
        )
        for c in (1, 4):
            result = GOOD | {
                "runtime_name": f"rt{ESC}<svg onload=alert(1)>-c{c}",
                "concurrency": c,
                "timestamp": f"2026-03-0{i + 1}T10:00:0{c}Z",
            }
            (run / f"rt-c{c}.json").write_text(json.dumps(result))
    return build_site(load_config(cwd=base), base / "_site", workers=1).out


def test_every_xml_file_parses(hostile_site: Path):
    files = [p for p in hostile_site.rglob("*") if p.suffix in (".xml", ".svg")]
    assert any(p.name == "feed.xml" for p in files) and any(p.suffix == ".svg" for p in files)
    assert any(p.name == "sitemap.xml" for p in files)
    for path in files:
        ET.parse(path)  # raises on a character XML 1.0 forbids


@pytest.mark.browser
def test_no_contributor_script_runs_and_no_link_leads_to_a_script(page, hostile_site: Path, serve_dir):
    base = serve_dir(hostile_site)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = ["index.html", "runs/index.html", "compare/index.html", "report/index.html"]
    pages += [
        p.relative_to(hostile_site).as_posix()
        for p in sorted((hostile_site / "runs").rglob("index.html"))
        if not p.parent.name.startswith("composite-c")  # link-preview pages redirect to their run page
    ]
    for path in pages:
        page.goto(base + path)
        page.wait_for_load_state("load")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert all(h.startswith(("http://127.0.0.1", "https://")) for h in hrefs), (path, hrefs)
        images = page.eval_on_selector_all("img[src]", "imgs => imgs.map(i => i.src)")
        assert not any("tracker.example.org" in src for src in images), path
        for link in page.locator("a[href]").all():
            if "script" in (link.get_attribute("href") or "").lower():
                raise AssertionError(f"{path}: a link to a script URL")
    assert dialogs == []
    # The compare view lists a run titled "<!--<script>" as text, and its page is whole.
    page.goto(base + "compare/index.html")
    index = json.loads((hostile_site / "compare" / "index.json").read_text())
    assert "<!--<script>" in [run["title"] for run in index["runs"]]
    page.locator("#compare-form select[name=a] option").first.wait_for(state="attached")
    labels = page.eval_on_selector_all(
        "#compare-form select[name=a] option", "os => os.map(o => o.textContent)"
    )
    assert any("<!--<script>" in label for label in labels)
    assert page.locator("footer").count() == 1 and dialogs == []


def test_scorecard_link_pages_show_contributor_titles_as_text(hostile_site: Path):
    """A composite scorecard's link-preview page names its run (a contributor's title) in its
    head and body: as text, never as markup."""
    pages = sorted((hostile_site / "runs").rglob("composite-c*/index.html"))
    assert pages
    texts = [p.read_text(encoding="utf-8") for p in pages]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in texts)
    for page, html in zip(pages, texts, strict=True):
        assert "<img src=x" not in html and "<!--<script>" not in html, page


def test_number_cells_skip_escaping_only_when_nothing_needs_it():
    from sitegen.site.rows import rows_html
    from sitegen.site.tables import Cell, Column, Table, num

    plain = num(1234.5, "{:,.1f} tok/s", best=True, note="score 7 <x>")
    odd = num(3.0, "{:.1f} <b>&")  # a format with HTML characters is escaped as any text
    general = Cell("1,234.5 tok/s", "1234.5", best=True, note="score 7 <x>")  # the constructor's cell
    table = Table("t", (Column("a", "A"),), ((plain,), (odd,), (general,)))
    first, second, third = rows_html(table).splitlines()
    assert (
        first
        == third
        == ('<tr><td data-sort="1234.5" class="best">1,234.5 tok/s<small>score 7 &lt;x&gt;</small></td></tr>')
    )
    assert second == '<tr><td data-sort="3">3.0 &lt;b&gt;&amp;</td></tr>'


def test_the_renderer_s_shortcut_writes_plain_numbers_as_its_general_path_does():
    """rows.cell_html writes most plain numbers without its general path: each kind of number
    cell must come out the same either way."""
    from sitegen.site.rows import _cell_html, cell_html
    from sitegen.site.tables import num

    cells = [
        num(1234.5, "{:,.1f} tok/s"),
        num(0.25, "{:.1%}", best=True),
        num(7, "{:.0f}"),
        num(12.0, "{:.1f} ms", note="score 7 <x> & 'q'"),
        num(12.0, "{:.1f} ms", best=True, note='"'),
        num(-3e-9, "{:.3g}"),
    ]
    for cell in cells:
        assert cell.plain
        assert cell_html(cell) == _cell_html(cell), cell


@pytest.mark.parametrize("label", ["vLLM & friends on <H100>", 'it\'s "quoted"', "tab\there"])
def test_badges_name_their_runtime_exactly_once_escaped(label: str):
    """A badge's accessible name and title read as the label: escaped once, not twice."""
    from sitegen.site.exports import badge_svg

    svg = ET.fromstring(badge_svg(label, "A", 91.0))
    title = svg.find("{http://www.w3.org/2000/svg}title")
    assert svg.get("aria-label") == f"{label}: A 91"
    assert title is not None and title.text == f"{label}: A 91"


def test_chart_names_and_hover_labels_reach_plotly_as_text():
    """plotly reads trace names and hover texts as a subset of HTML: a contributor's runtime
    name or run title in a chart is escaped (the page's script element escapes it again, for
    the HTML parser), a label's line breaks become <br>, and plain text stays as it is."""
    from sitegen.site.charts import Line, Point, line_chart

    # Each special character on its own too: a name with only "<" is escaped as well.
    lines = [
        Line(
            "<b>rt</b> & co", (Point(1, 2.0, "run <img src=x onerror=alert(1)>\nc=1"), Point(2, 3.0, "plain"))
        ),
        Line("rt <b", (Point(1, 1.0, "run <img src=x\nc=1"), Point(2, 1.5, "a & b"))),
    ]
    chart = line_chart("c", "t", lines, x_title="x", y_title="y", hover_text=True)
    first, second = json.loads(chart.figure_json)["data"]
    assert first["name"] == "&lt;b&gt;rt&lt;/b&gt; &amp; co"
    assert first["text"] == ["run &lt;img src=x onerror=alert(1)&gt;<br>c=1", "plain"]
    assert second["name"] == "rt &lt;b"
    assert second["text"] == ["run &lt;img src=x<br>c=1", "a &amp; b"]
    assert "<" not in chart.figure_json  # the script element's own escaping


LOOKALIKES = {
    # spelling: what a reader sees
    "sglang": "sglang",
    "s\u034fglang": "sglang",  # COMBINING GRAPHEME JOINER, invisible
    "sg\u17b4lang": "sglang",  # KHMER VOWEL INHERENT AQ, invisible
    "s\u3164glang": "sglang",  # HANGUL FILLER, invisible
    "\u0455glang": "sglang",  # CYRILLIC SMALL LETTER DZE among Latin letters
}


def test_look_alike_names_are_one_runtime_and_one_machine_with_a_warning(tmp_path: Path):
    """Names that render exactly like another made runtimes and machines of their own: three
    "sglang" rows on one leaderboard, two "h100-sxm" in the navigation."""
    from sitegen.catalog.build import build_catalog

    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    for folder in ("h100-sxm", "\u04bb100-sxm"):  # the second with a Cyrillic shha
        run = tmp_path / "results" / folder / "2026-03-01"
        run.mkdir(parents=True)
        for i, name in enumerate(LOOKALIKES):
            (run / f"r{i}-c1.json").write_text(json.dumps(GOOD | {"runtime_name": f"{name}-c1"}))
    catalog = build_catalog(load_config(cwd=tmp_path))
    assert {r.hardware for r in catalog.runs} == {"h100-sxm"}
    assert [r.id for r in catalog.runtimes if r.spellings] == ["sglang"]
    warnings = {d.reason for d in catalog.diagnostics if d.level == "warning"}
    assert (
        "folder name '\u04bb100-sxm' looks like 'h100-sxm' (letters of several scripts): "
        "counted as hardware h100-sxm" in warnings
    )
    assert (
        "runtime_name '\u0455glang-c1' looks like 'sglang-c1' (letters of several scripts): "
        "counted as runtime sglang" in warnings
    )
    assert (
        "runtime_name 's\\u034fglang-c1' looks like 'sglang-c1' (invisible characters): "
        "counted as runtime sglang" in warnings
    )
    # Whole names in one script stay theirs: Москва is not "mockba".
    assert __import__("sitegen.catalog.resolve", fromlist=["slug"]).slug("Москва") == "москва"


def test_copy_as_markdown_carries_no_raw_html(hostile_site: Path):
    """The copy text is the reference's markdown, which writes names raw: pasted into a comment,
    `<svg onload=...>` would be HTML there. The site's copy text writes it as entities."""
    import html
    import re

    page = next(
        p for p in (hostile_site / "runs").rglob("index.html") if (p.parent / "scorecards.md").is_file()
    )
    copies = [
        html.unescape(t) for t in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page.read_text(), re.S)
    ]
    assert copies
    assert all("<svg" not in text for text in copies)
    assert any("&lt;svg onload=alert(1)&gt;" in text for text in copies)
    # scorecards.md stays the reference's text, character for character.
    assert "<svg onload=alert(1)>" in (page.parent / "scorecards.md").read_text()
