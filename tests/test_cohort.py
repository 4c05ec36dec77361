"""A page per model and workload: every machine and runtime on one frontier, ranked at the
reader's target and prices, on a synthetic history of three machines, four runtimes and two
models (and one machine measured at two precisions)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.synthetic import HARDWARE, write_history

MACHINES = HARDWARE[:3]  # h100-sxm, l4, jetson-agx-orin
NAMES = {"h100-sxm": "H100", "l4": "L4", "jetson-agx-orin": "Orin"}
RUNTIME_NAMES = {
    "realizr": "realizr",
    "llamacpp": "llamacpp",
    "ollama": "ollama",
    "vllm": "vllm",
}  # no display names set
PRICES = {"h100-sxm": 2.99, "l4": 0.71, "jetson-agx-orin": None}
SITE_TOML = "\n".join(
    [
        'title = "Cohorts"',
        'results = ["results"]',
        "[[slo]]",
        'name = "interactive"',
        "ttft_p99_ms = 450",
        "tpot_p99_ms = 40",
    ]
    + [
        line
        for hw in MACHINES
        for line in (
            "[[hardware]]",
            f'id = "{hw.id}"',
            f'name = "{NAMES[hw.id]}"',
            f'match = ["*/{hw.id}/*"]',
            *([f"price_per_hour = {PRICES[hw.id]}"] if PRICES[hw.id] else []),
        )
    ]
)


@pytest.fixture(scope="module")
def cohort_site(tmp_path_factory) -> Path:
    """Model A on three machines (the H100 also at fp8), model B on two: two runs each."""
    tmp = tmp_path_factory.mktemp("cohorts")
    results = tmp / "results"
    trees = (
        ("model-a", MACHINES, "bf16", 1),
        ("model-a-fp8", MACHINES[:1], "fp8", 2),
        ("model-b", MACHINES[1:], "", 3),
    )
    for folder, machines, precision, seed in trees:
        write_history(results / folder, 2, hardware=machines, levels=(1, 4, 16), seed=seed, details=4)
        model = "Model B 7B" if folder == "model-b" else "Model A 1.5B"
        for run in (results / folder).glob("*/*"):
            lines = [f'model = "{model}"', 'workload = "chat"'] + (
                [f'precision = "{precision}"'] if precision else []
            )
            (run / "run.toml").write_text("\n".join(lines) + "\n")
    (tmp / "site.toml").write_text(SITE_TOML)
    from sitegen.config import load_config
    from sitegen.site.build import build_site

    return build_site(load_config(cwd=tmp), workers=1).out


def expected_points(site: Path, folder: str) -> dict[tuple[str, str], set[tuple[float, float]]]:
    """(machine, runtime) -> the (tok/s per user, tok/s per GPU) of its latest run's results,
    read from the files themselves."""
    out: dict[tuple[str, str], set[tuple[float, float]]] = {}
    root = site.parent / "results" / folder
    for machine in sorted(p.name for p in root.iterdir()):
        latest = sorted((root / machine).iterdir())[-1]
        for path in latest.glob("*.json"):
            r = json.loads(path.read_text())
            runtime = RUNTIME_NAMES[path.name.split("-")[0]]
            out.setdefault((NAMES[machine], runtime), set()).add(
                (round(1000.0 / r["tpot_p50_ms"], 3), round(r["tokens_per_sec"], 3))
            )
    return out


class _Rows(HTMLParser):
    """The text of every cell of one table, by row (a cell's notes included)."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.inside = dict(attrs).get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data + " ")


def rows_of_table(html: str, table_id: str) -> list[list[str]]:
    parser = _Rows(table_id)
    parser.feed(html)
    return [row for row in parser.rows if row]


def cohort_url(model: str) -> str:
    return f"models/{model}/chat/index.html"


def test_the_models_page_links_a_page_per_model_and_workload(cohort_site: Path):
    index = (cohort_site / "models" / "index.html").read_text()
    assert '<a href="../models/model-a-1.5b/chat/index.html">Model A 1.5B, chat</a>' in index
    assert '<a href="../models/model-b-7b/chat/index.html">Model B 7B, chat</a>' in index
    home = (cohort_site / "index.html").read_text()
    assert 'href="models/index.html">Models</a>' in home  # in the navigation
    page = (cohort_site / cohort_url("model-b-7b")).read_text()
    assert "H100" not in page.split("<main")[1]  # model B ran on the L4 and the Orin only


@pytest.mark.browser
def test_every_latest_valid_point_is_on_the_frontier_and_no_line_joins_two_machines_or_precisions(
    page, cohort_site: Path, serve_dir
):
    base = serve_dir(cohort_site)
    page.goto(base + cohort_url("model-a-1.5b"))
    page.locator("#chart-cohort-frontier").scroll_into_view_if_needed()
    page.locator("#chart-cohort-frontier [data-drawn=true]").wait_for()
    traces = page.eval_on_selector(
        "#chart-cohort-frontier .plot",
        "div => div.data.map(t => ({name: t.name, x: t.x, y: t.y, dash: t.line.dash, colour: t.line.color}))",
    )
    lines = {t["name"]: t for t in traces if t["name"] != "Pareto frontier"}
    bf16, fp8 = expected_points(cohort_site, "model-a"), expected_points(cohort_site, "model-a-fp8")
    wanted = {f"{hw} + {rt} (precision bf16)": pts for (hw, rt), pts in bf16.items()}
    wanted |= {f"{hw} + {rt} (precision fp8)": pts for (hw, rt), pts in fp8.items()}
    assert set(lines) == set(wanted)  # a line per machine, runtime and precision: none joins two
    for name, t in lines.items():
        drawn = sorted((round(x, 3), round(y, 3)) for x, y in zip(t["x"], t["y"], strict=True))
        assert len(drawn) == len(wanted[name]), name
        for (x, y), (ex, ey) in zip(drawn, sorted(wanted[name]), strict=True):
            assert x == pytest.approx(ex, rel=1e-4) and y == pytest.approx(ey, rel=1e-4), name
    # Colour by runtime, dash by machine.
    assert lines["H100 + vllm (precision bf16)"]["colour"] == lines["L4 + vllm (precision bf16)"]["colour"]
    assert lines["H100 + vllm (precision bf16)"]["dash"] != lines["L4 + vllm (precision bf16)"]["dash"]
    frontier = next(t for t in traces if t["name"] == "Pareto frontier")
    assert len(frontier["x"]) >= 2
    assert " leads " in page.locator("#chart-cohort-frontier .meta").first.inner_text()


def table_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#target-table tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))"
    )


@pytest.mark.browser
def test_a_target_and_a_price_rerank_the_table_and_live_in_the_url(
    page, browser, cohort_site: Path, serve_dir
):
    base = serve_dir(cohort_site)
    url = base + cohort_url("model-a-1.5b")
    # Without JavaScript: the defaults, as the build ranked them; with it, the same ranking.
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(url)
    served = table_rows(plain)
    page.goto(url)
    page.locator("#target-table tbody tr").first.wait_for()
    assert table_rows(page) == served
    assert (
        page.locator("output[name=summary]").inner_text().endswith("machines and runtimes meet this target")
    )
    # A stricter speed drops the slow machines from the ranked rows; a price sets the cost.
    page.fill("input[name=speed]", "150")
    page.fill('input[data-hardware="l4"]', "1.42")
    page.wait_for_function("location.search.includes('price.l4=1.42')")
    ranked = table_rows(page)
    assert ranked != served
    met = [r for r in ranked if r[0] != "–"]
    assert met and all(r[1].startswith("H100") for r in met)  # only the H100 gives 150 tok/s per user
    query = parse_qs(urlsplit(page.url).query)
    assert query["speed"] == ["150"] and query["price.l4"] == ["1.42"]
    # That address reopens the same ranking.
    again = browser.new_context().new_page()
    again.goto(page.url)
    again.locator("#target-table tbody tr").first.wait_for()
    again.wait_for_function("document.querySelector('output[name=summary]').value !== ''")
    assert table_rows(again) == ranked
    assert again.locator("input[name=speed]").input_value() == "150"


def test_home_says_what_to_deploy_per_model_as_the_model_pages_rank_it(cohort_site: Path):
    home = (cohort_site / "index.html").read_text()
    deploy = rows_of_table(home, "deploy-table")
    assert [row[0] for row in deploy] == ["Model A 1.5B, chat", "Model B 7B, chat"]
    for row, model in zip(deploy, ("model-a-1.5b", "model-b-7b"), strict=True):
        ranked = rows_of_table((cohort_site / cohort_url(model)).read_text(), "target-table")
        met = [r for r in ranked if r[0] != "–"]
        # The fastest is the model page's first row, with its margin over the second.
        assert row[1] == met[0][1] and row[2].startswith(met[0][2].split(" ")[0])
        assert f"more than {met[1][1]}" in row[2]
        # The cheapest is the lowest cost among those within the target (the Orin has no price).
        priced = [r for r in met if not r[3].startswith("–")]
        cheapest = min(priced, key=lambda r: float(r[3].replace(",", "")))
        assert row[3] == cheapest[1] and row[4].startswith(cheapest[3])


def test_the_home_page_has_a_preview_card_of_each_machines_leader(tmp_path: Path):
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config
    from sitegen.site.views import ViewBuilder

    config = load_config(Path(__file__).resolve().parents[1] / "site.toml")
    catalog = build_catalog(config).catalog
    card = ViewBuilder(catalog, config.site, config.contract, "https://example.org/").home_card()
    assert card.subtitle == "The leader on each machine" and 1 <= len(card.rows) <= 4
    h100 = catalog.standings["h100-sxm"][0].at_lowest_level()
    best = max(h100.values(), key=lambda v: v[1])
    assert card.rows[0][0].endswith(" on H100 SXM (synthetic)") and card.rows[0][1:] == (best[2], best[1])
