"""The pull-request tools: `sitegen compare`, `sitegen report`, `sitegen check --format github`."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import review_repo as repo_kit
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.review.changed import named_runs
from sitegen.review.compare import number, percent
from sitegen.review.github import escape_data, escape_property
from sitegen.review.markdown import WORD_JOINER, code, link, plain
from sitegen.review.report import COMMENT_LIMIT, ReportWriter
from sitegen.site.build import build_site

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_A, EXAMPLE_B = "synthetic/h100-sxm/2026-01-26", "synthetic/h100-sxm/2026-02-02"


def sitegen(*args: str, cwd: Path | None = None):
    if cwd is None:
        return CliRunner().invoke(app, list(args))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return CliRunner().invoke(app, list(args))


def markdown_html(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def tables(text: str) -> list[list[list[str]]]:
    """Each table of the rendered markdown as rows of cell texts (header first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            out.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            inline = tokens[i + 1]
            assert row is not None
            row.append("".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")))
        elif token.type == "tr_close":
            out[-1].append(row or [])
    return out


def links(text: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'href="([^"]+)"', markdown_html(text))]


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The fixture repository on main: eight weekly runs."""
    return repo_kit.make_repo(tmp_path / "repo")


@pytest.fixture(scope="module")
def regression(tmp_path_factory) -> Path:
    repo = repo_kit.make_repo(tmp_path_factory.mktemp("regression") / "repo")
    repo_kit.pull_request(repo, "slower", repo_kit.add_regression)
    return repo


# --- sitegen compare ----------------------------------------------------------------------------


def test_compare_prints_the_summary_line_first_then_the_changes_beyond_noise():
    done = sitegen("compare", EXAMPLE_A, EXAMPLE_B, cwd=ROOT)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    # realizr steps up by 25 % on this machine at 2026-02-02 (examples/generate.py).
    assert re.match(r"\d+ changes? beyond noise: ", lines[0]) and "realizr decode speed at c=1 +" in lines[0]
    assert lines[1] == f"A: {EXAMPLE_A}" and lines[2] == f"B: {EXAMPLE_B}"
    end = lines.index("", 5)  # the table ends; the history's changes follow
    rows = [re.split(r"  +", line) for line in lines[5:end]]
    decode = next(r for r in rows if r[:3] == ["composite c=1", "realizr", "Decode speed (tok/s)"])
    assert decode[7] == "better" and decode[8].startswith("beyond noise (±")
    # Only those by default, and the flagged values, shown with their flag and never judged.
    assert all(
        r[8].startswith("beyond noise") or re.match(r"[AB] (invalid|unreliable|few samples): ", r[8])
        for r in rows
    )


def test_compare_json_matches_the_published_scorecards(example_site: Path):
    done = sitegen("compare", EXAMPLE_A, EXAMPLE_B, "--format", "json", "--all", cwd=ROOT)
    doc = json.loads(done.output)
    value = next(
        v
        for v in doc["values"]
        if (v["section"], v["runtime"], v["key"]) == ("composite c=1", "realizr", "decode_tok_s")
    )
    published = json.loads((example_site / "runs" / EXAMPLE_A / "scorecards.json").read_text())
    expected = next(rt for rt in published["composite"]["1"]["runtimes"] if rt["name"] == "realizr-h100-c1")
    assert value["a"] == expected["metrics"]["decode_tok_s"]["value"]
    assert value["verdict"] == "better" and value["noise"] == "beyond"
    assert {v["noise"] for v in doc["values"]} >= {"beyond", "within"}  # --all: every value
    assert doc["summary"].startswith(f"{doc['changes_beyond_noise']} change")


def test_compare_markdown_is_a_table():
    done = sitegen("compare", EXAMPLE_A, EXAMPLE_B, "--format", "markdown", cwd=ROOT)
    table, history = tables(done.output)
    assert table[0][:3] == ["Scorecard", "Runtime", "Value"]
    assert ["composite c=1", "realizr", "Decode speed (tok/s)"] in [row[:3] for row in table]
    # Then the changes the history's detector finds at B: realizr's step, confirmed by the runs after.
    assert history[0][:2] == ["Runtime", "Metric"]
    decode = next(row for row in history if row[:2] == ["realizr", "Decode speed at c=1 (tok/s)"])
    assert decode[5] == "better" and decode[6].startswith("holds for ")


def test_report_and_compare_agree_on_the_same_runs():
    """The pull-request comment on the examples' last H100 run shows what `sitegen compare` of it
    and the run before shows: the same summary, the same rows, the same history changes (among
    them ollama's c=4 error rate, 0 % to 4.17 %, unconfirmed); its headline counts what they count."""
    before, after = "synthetic/h100-sxm/2026-02-16", "synthetic/h100-sxm/2026-02-23"
    compared = json.loads(sitegen("compare", before, after, "-f", "json", cwd=ROOT).output)
    markdown = sitegen("compare", before, after, "-f", "markdown", cwd=ROOT).output
    report = sitegen("report", after, cwd=ROOT).output
    assert plain(compared["summary"], 2000) + "." in report
    compare_rows, compare_history = tables(markdown)
    _, report_rows, report_history = tables(report)
    assert report_rows[1:] == compare_rows[1:] and len(report_rows) - 1 == len(compared["values"])
    worse = f"{compared['regressions']} change{'s' if compared['regressions'] != 1 else ''} beyond noise for the worse"
    assert worse in report
    names = {"vllm": "vLLM", "llama.cpp": "llama.cpp", "ollama": "ollama", "realizr": "realizr"}
    assert [[names[r[0]], *r[1:]] for r in compare_history[1:]] == report_history[1:]
    error = next(
        h for h in compared["history_changes"] if (h["runtime"], h["metric"]) == ("ollama", "error_rate")
    )
    assert error["concurrency"] == 4 and error["direction"] == "worse" and not error["confirmed"]
    assert ["ollama", "Error rate at c=4 (%)"] in [row[:2] for row in report_history]


def test_a_report_without_a_noise_estimate_shows_the_values_its_summary_promises():
    """Two real Jetson runs have too short a history for a noise estimate: the summary says every
    value is shown, and the comment shows them, as `sitegen compare` does, and counts the worse
    ones it cannot judge in its headline (here none)."""
    before, after = "qwen-coder-deploy/jetson-orin/2026-03-05", "qwen-coder-deploy/jetson-orin/2026-03-07"
    compared = json.loads(sitegen("compare", before, after, "-f", "json", cwd=ROOT).output)
    assert "no noise estimate for these runs, so every value is shown" in compared["summary"]
    report = sitegen("report", after, cwd=ROOT).output
    [compare_rows] = tables(sitegen("compare", before, after, "-f", "markdown", cwd=ROOT).output)
    _, report_rows = tables(report)
    assert report_rows[1:] == compare_rows[1:] and len(compare_rows) - 1 == len(compared["values"]) == 12
    # realizr improved on every value; llama.cpp's are flagged: nothing worse goes unjudged.
    unjudged = sum(1 for v in compared["values"] if v["verdict"] == "worse" and v["noise"] == "unknown")
    assert unjudged == 0 and "no noise estimate to judge" not in report


def test_compare_fails_on_a_regression_only_when_asked(regression: Path):
    before, after = repo_kit.LAST_RUN, repo_kit.NEW_RUN
    assert sitegen("compare", before, after, cwd=regression).exit_code == 0
    done = sitegen("compare", before, after, "--fail-on-regression", cwd=regression)
    assert done.exit_code == 1
    assert "change(s) beyond noise for the worse" in done.output
    # The other way round, the same change is an improvement.
    reverse = json.loads(sitegen("compare", after, before, "-f", "json", cwd=regression).output)
    decode = next(v for v in reverse["values"] if (v["runtime"], v["key"]) == ("realizr", "decode_tok_s"))
    assert decode["verdict"] == "better" and decode["noise"] == "beyond"


def test_compare_takes_run_folders_and_names_a_missing_run(regression: Path):
    folders = [str(regression / "results" / repo_kit.LAST_RUN), "results/" + repo_kit.NEW_RUN]
    done = sitegen("compare", *folders, "--format", "json", cwd=regression)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["b"] == repo_kit.NEW_RUN
    missing = sitegen("compare", repo_kit.LAST_RUN, "l4/2099-01-01", cwd=regression)
    assert missing.exit_code == 1
    assert "l4/2099-01-01: no run has this id or folder" in missing.output
    assert "Traceback" not in missing.output


def test_across_two_machines_every_value_is_shown_without_a_verdict_on_noise():
    done = sitegen("compare", EXAMPLE_A, "synthetic/l4/2026-02-24", "--format", "json", cwd=ROOT)
    doc = json.loads(done.output)
    assert "across two machines: no noise estimate for these runs, so every value is shown" in doc["summary"]
    assert doc["values"] and {v["noise"] for v in doc["values"]} == {"unknown", "flagged"}


def test_numbers_are_written_as_the_compare_view_writes_them():
    # JavaScript: x >= 100 ? x.toFixed(1) : x.toPrecision(4) without trailing zeros.
    assert [number(x) for x in (1234.56, 100.0, 99.996, 12.5, 0.03385, 7.0, 0.0, 1.5e-7, -2.5)] == [
        "1234.6", "100.0", "100", "12.5", "0.03385", "7", "0", "1.500e-7", "-2.5",
    ]  # fmt: skip
    assert [percent(x) for x in (None, 0.0001, -0.137, 0.2)] == ["–", "±0.0%", "−13.7%", "+20.0%"]


# --- sitegen report -----------------------------------------------------------------------------


def test_report_of_a_pull_request_with_a_regression(regression: Path, tmp_path: Path):
    done = sitegen("report", "--base", "origin/main", cwd=regression)
    assert done.exit_code == 0, done.output
    text = done.output
    assert text.startswith("<!-- sitegen-report -->\n## Benchmark results in this pull request")
    assert "**1 run added, 0 changed**" in text
    assert "### Nightly sweep \\#9 on l4" in text
    headline, changes = tables(text)
    # Headline numbers: composite per level, decode speed at c=1, best throughput per latency target.
    assert headline[0] == [
        "Runtime", "Composite c=1", "Composite c=4", "Decode c=1 (tok/s)",
        "Best tok/s per GPU, interactive", "Best tok/s per GPU, server",
    ]  # fmt: skip
    realizr = next(row for row in headline if row[0] == "realizr")
    new_doc = json.loads(
        sitegen("compare", repo_kit.LAST_RUN, repo_kit.NEW_RUN, "-f", "json", "--all", cwd=regression).output
    )
    decode = next(
        v
        for v in new_doc["values"]
        if (v["section"], v["runtime"], v["key"]) == ("composite c=1", "realizr", "decode_tok_s")
    )
    assert realizr[3] == number(decode["b"])
    assert re.fullmatch(r"\d+\.\d [A-F][+-]?", realizr[1])
    # The comparison with the previous run names the regression, beyond noise.
    assert "Against the previous run of llama.cpp, realizr on this machine" in markdown_html(text)
    row = next(r for r in changes if r[:3] == ["composite c=1", "realizr", "Decode speed (tok/s)"])
    assert row[6] == "−30.0%" and row[7] == "worse" and row[8].startswith("beyond noise")
    assert "<td><strong>worse</strong></td>" in markdown_html(text)  # what a reviewer looks for first
    # Composite, decode, ITL and memory efficiency (decode per GB) at c=1, each beyond its own
    # level's noise.
    assert "**4 changes beyond noise for the worse**" in text
    assert "changes beyond noise: realizr composite score at c=1 −" in markdown_html(text)
    # Every link is absolute, under the base URL, and leads to a page the site will have.
    site = build_site(load_config(cwd=regression), tmp_path / "site", workers=1).out
    found = links(text)
    assert len(found) >= 5
    for url in found:
        assert url.startswith(repo_kit.BASE_URL), url
        path = urlsplit(url).path[len(urlsplit(repo_kit.BASE_URL).path) :]
        target = site / unquote(path)
        assert (target / "index.html" if path.endswith("/") or not path else target).is_file(), url
        query = parse_qs(urlsplit(url).query)
        if query:
            assert query == {"a": [repo_kit.LAST_RUN], "b": [repo_kit.NEW_RUN]}
    # Asked to, the report fails the check.
    failing = sitegen("report", "--base", "origin/main", "--fail-on-regression", cwd=regression)
    assert failing.exit_code == 1 and "change(s) beyond noise for the worse" in failing.output


def test_report_of_a_pull_request_with_an_invalid_result(tmp_path: Path):
    repo = repo_kit.make_repo(tmp_path / "repo")
    repo_kit.pull_request(repo, "invalid", repo_kit.add_invalid)
    done = sitegen("report", "--base", "origin/main", "--output", str(tmp_path / "report.md"), cwd=repo)
    assert done.exit_code == 0, done.output
    text = (tmp_path / "report.md").read_text()
    html = markdown_html(text)
    assert "1 invalid measurement or rejected file" not in text  # two: one of each
    assert "2 invalid measurements or rejected files" in text
    assert "<strong>Flagged measurements</strong> (1)" in html
    assert re.search(r"<code>realizr-l4-c4\.json</code>: invalid, [^<]*fail", html)
    assert "<strong>Files skipped</strong> (1)" in html
    assert re.search(r"<code>llamacpp-l4-c8\.json</code>: [^<]*tokens_per_sec", html)
    # The invalid measurement is in no headline number: realizr's c=4 composite is left out.
    headline = tables(text)[0]
    assert next(row for row in headline if row[0] == "realizr")[2] == "–"
    assert sitegen("report", "--base", "origin/main", "--fail-on-invalid", cwd=repo).exit_code == 1


def test_report_of_a_pull_request_that_only_edits_notes(history: Path):
    repo_kit.pull_request(history, "notes", repo_kit.edit_notes)
    done = sitegen(
        "report", "--base", "origin/main", "--fail-on-regression", "--fail-on-invalid", cwd=history
    )
    assert done.exit_code == 0, done.output
    assert "**0 runs added, 1 changed**." in done.output
    assert "Only its notes or metadata changed (` README.md `); no result changed." in done.output
    assert not tables(done.output)


def test_report_of_a_change_outside_every_run(history: Path):
    def touch_config(results: Path) -> None:
        (results.parent / "site.toml").write_text('description = "Edited"\n' + repo_kit.SITE_TOML)

    repo_kit.pull_request(history, "config", touch_config)
    done = sitegen("report", "--base", "origin/main", cwd=history)
    assert done.exit_code == 0, done.output
    assert "No run is added or changed." in done.output
    assert "**Changed outside every run:** ` site.toml `." in done.output


def test_report_without_runs_or_a_base_says_what_it_needs(history: Path):
    done = sitegen("report", cwd=history)
    assert done.exit_code == 1 and "--base" in done.output
    bad = sitegen("report", "--base", "no-such-branch", cwd=history)
    assert (
        bad.exit_code == 1
        and bad.output.startswith("error: git merge-base")
        and "Traceback" not in bad.output
    )
    assert "fetch-depth: 0" in bad.output  # the usual cause in CI: a shallow checkout
    unwritable = sitegen("report", "--base", "origin/main", "-o", str(history / "no" / "r.md"), cwd=history)
    assert (
        unwritable.exit_code == 1
        and "cannot write the report: No such file or directory" in unwritable.output
    )
    option = sitegen("report", "--base=--output=/tmp/x", cwd=history)
    assert option.exit_code == 1 and "--output=/tmp/x: not a revision" in option.output


def test_report_stays_under_the_comment_limit_however_many_runs(tmp_path: Path):
    (tmp_path / "site.toml").write_text(repo_kit.SITE_TOML, encoding="utf-8")
    repo_kit.synthetic.write_history(
        tmp_path / "results", 160, hardware=(repo_kit.HARDWARE,), runtimes=repo_kit.RUNTIMES,
        levels=(1, 4), details=2, describe=True, step_days=1,
    )  # fmt: skip
    # A run with every list far over its cap: 60 flagged and 60 skipped files, a huge title.
    crowded = sorted((tmp_path / "results" / "l4").iterdir())[-1]
    (crowded / "run.toml").write_text(f'title = "{"long title " * 400}"\n')
    rejected = json.loads(next(crowded.glob("*-c1.json")).read_text()) | {"tokens_per_sec": "?"}
    for i in range(60):
        (crowded / f"broken-{i:02}-{'x' * 150}.json").write_text(json.dumps(rejected))
    # And runs whose folder names are as long as a file system allows, each a line of its own.
    for i in range(60):
        shutil.copytree(crowded.parent / "2026-01-05", crowded.parent / f"2027-01-01-{i:02}-{'n' * 230}")
    config = load_config(cwd=tmp_path)
    catalog = build_catalog(config)
    short = [r.id for r in catalog.runs if "n" * 100 not in r.id]
    long = [r.id for r in catalog.runs if "n" * 100 in r.id]
    every = named_runs(catalog, short[:20] + long + short[20:])  # the long ones among those listed
    writer = ReportWriter(catalog, config.contract.thresholds, config.site.slo, repo_kit.BASE_URL)
    text = writer.report(every).markdown
    assert len(text) <= COMMENT_LIMIT
    assert re.search(r"### \d+ more runs, too many for one comment", text)
    assert "… and " in text
    crowded_only = writer.report(named_runs(catalog, [crowded.relative_to(tmp_path / "results").as_posix()]))
    assert len(crowded_only.markdown) < 20_000
    assert "- … and 45 more" in crowded_only.markdown
    assert crowded_only.invalid == 60


HOSTILE_TITLE = (
    "Evil <img src=x onerror=alert(1)> [click](http://evil.example) **bold** @octocat | pipe www.evil.example"
)


def test_contributor_strings_stay_text_in_the_comment(tmp_path: Path):
    def hostile(results: Path) -> None:
        new = repo_kit.copy_last_run(results)
        (new / "run.toml").write_text(f"title = {json.dumps(HOSTILE_TITLE)}\n")
        (new / "we`ird | name <b>.json").write_text(
            '{"runtime_name": "x", "tokens_per_sec": "[a](http://evil.example)"}'
        )

    repo = repo_kit.make_repo(tmp_path / "repo")
    repo_kit.pull_request(repo, "hostile", hostile)
    text = sitegen("report", "--base", "origin/main", cwd=repo).output
    html = markdown_html(text)
    assert "<img" not in html and "<b>" not in html and "<strong>bold" not in html
    assert all(not url.startswith("http://evil") for url in links(text))
    # GitHub links bare addresses and mentions after parsing: they are broken up in the source.
    assert "@octocat" not in text and f"@{WORD_JOINER}octocat" in text
    assert "www.evil" not in text.replace("\\", "")
    assert "http://evil" not in text.replace("\\", "")
    assert "<code>we`ird | name &lt;b&gt;.json</code>" in html
    heading = re.search(r"<h3>(.*)</h3>", html).group(1)
    assert "&lt;img src=x onerror=alert(1)&gt;" in heading and "[click]" in heading


def test_markdown_helpers_keep_text_literal():
    assert markdown_html(plain("*a* _b_ `c` [d](e) <f> &amp; # g")).strip() == (
        "<p>*a* _b_ `c` [d](e) &lt;f&gt; &amp;amp; # g</p>"
    )
    assert markdown_html(code("``a`` | b")).strip() == "<p><code>``a`` | b</code></p>"
    assert markdown_html(code("`lead")).strip() == "<p><code>`lead</code></p>"
    assert plain("line\nbreak\r\nand\u2028more") == "line break and\u2028more".replace("\u2028", " ")
    assert plain("x" * 500, limit=20) == "x" * 19 + "…"
    # A base URL with parentheses still makes one whole link.
    html = markdown_html(link("run page", "https://example.org/a (b)/runs/x/"))
    assert html.strip() == '<p><a href="https://example.org/a%20%28b%29/runs/x/">run page</a></p>'


# --- sitegen check --format github --------------------------------------------------------------


def test_workflow_command_escaping():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_check_annotates_each_problem_on_its_file(tmp_path: Path):
    results = tmp_path / "results" / "l4"
    shutil.copytree(ROOT / "examples" / "results" / "synthetic" / "l4" / "2026-02-24", results / "2026-02-24")
    odd = "odd:name,100%\r\nline.json"
    result = json.loads((results / "2026-02-24" / "vllm-l4-c1.json").read_text())
    (results / "2026-02-24" / odd).write_text(json.dumps(result | {"tokens_per_sec": "fast"}))
    (tmp_path / "site.toml").write_text(repo_kit.SITE_TOML)
    done = sitegen("check", "--format", "github", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)  # no line injected
    error = next(line for line in lines if line.startswith("::error "))
    properties, message = error[len("::error ") :].split("::", 1)
    fields = dict(p.split("=", 1) for p in properties.split(","))
    assert fields["file"] == "results/l4/2026-02-24/odd%3Aname%2C100%25%0D%0Aline.json"
    assert fields["title"] == "sitegen%3A invalid result"
    assert "tokens_per_sec" in message and "\n" not in message
    assert lines[-1].startswith("::notice title=sitegen check::1 runs")
    strict = sitegen("check", "--format", "github", "--strict", cwd=tmp_path)
    assert strict.exit_code == 1 and "--strict" in strict.output


@pytest.mark.browser
@pytest.mark.parametrize(
    "a, b, runtime",
    [
        (EXAMPLE_A, EXAMPLE_B, None),
        (EXAMPLE_A, EXAMPLE_B, "vllm"),
        ("synthetic/l4/2026-02-17", "synthetic/l4/2026-02-24", None),
        (EXAMPLE_A, "synthetic/l4/2026-02-24", None),  # two machines
        # Nothing in common: c=4 only against c=1 only.
        ("qwen-coder-deploy/4090/2026-03-04-bench-v2", "qwen-coder-deploy/4090/2026-03-07-serial", None),
    ],
)
def test_the_command_line_and_the_compare_view_say_the_same(page, example_site, serve_dir, a, b, runtime):
    base = serve_dir(example_site)
    page.goto(base + f"compare/index.html?a={a}&b={b}" + (f"&runtime={runtime}" if runtime else ""))
    page.wait_for_function("document.querySelector('output[name=status]').value.includes('values compared')")
    shown = page.locator("output[name=status]").inner_text()
    rows = page.locator("#compare-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.key)")
    done = sitegen(
        "compare", a, b, "--format", "json", *(["--runtime", runtime] if runtime else []), cwd=ROOT
    )
    doc = json.loads(done.output)
    assert shown == doc["summary"]
    if not doc["values"]:  # never "every value is shown" when none is
        assert "0 values compared: the two runs measured no runtime at a level both have" in shown
    keys = [f"{v['section']}|{v['runtime']}|{v['cohort']}|{v['key']}" for v in doc["values"]]
    assert rows == keys or not doc["values"]


def test_report_of_a_pull_request_that_removes_a_run(history: Path):
    repo_kit.pull_request(history, "remove", lambda results: shutil.rmtree(results / repo_kit.LAST_RUN))
    done = sitegen("report", "--base", "origin/main", cwd=history)
    assert done.exit_code == 0, done.output
    assert "No run is added or changed." in done.output
    assert f"**Removed from the results:** ` results/{repo_kit.LAST_RUN} `." in done.output


def test_check_base_goes_with_the_github_format(history: Path):
    done = sitegen("check", "--base", "origin/main", cwd=history)
    assert done.exit_code == 1 and "--base goes with --format github" in done.output


def test_report_names_files_whose_names_are_not_utf8(history: Path, tmp_path: Path):
    def undecodable(results: Path) -> None:
        folder = os.fsencode(results / repo_kit.LAST_RUN)
        with open(folder + b"/notes-\xff.txt", "wb") as f:
            f.write(b"re-flashed\n")

    repo_kit.pull_request(history, "undecodable", undecodable)
    done = sitegen("report", "--base", "origin/main", "--output", str(tmp_path / "report.md"), cwd=history)
    assert done.exit_code == 0, done.output
    assert "Only its notes or metadata changed (` notes-\\xff.txt `)" in (tmp_path / "report.md").read_text()
    check = sitegen("check", "--format", "github", "--base", "origin/main", cwd=history)
    assert "notes-\\xff.txt,title=sitegen::name is not valid UTF-8" in check.output


def test_escape_sequences_in_run_folders_stay_out_of_terminals(history: Path):
    def coloured(results: Path) -> None:
        shutil.copytree(results / repo_kit.LAST_RUN, results / "l4" / "2026-03-02\x1b[31m")

    repo_kit.pull_request(history, "coloured", coloured)
    new = "l4/2026-03-02\x1b[31m"
    for args in (
        ("compare", repo_kit.LAST_RUN, new),
        ("compare", repo_kit.LAST_RUN, new, "-f", "markdown"),
        ("report", "--base", "origin/main"),
    ):
        done = sitegen(*args, cwd=history)
        assert done.exit_code == 0, done.output
        assert "\x1b" not in done.output and "2026-03-02\\x1b[31m" in done.output.replace("\\\\", "\\"), args


def test_links_and_pathspec_like_folders_belong_where_they_lie(history: Path):
    def odd(results: Path) -> None:
        new = results / "l4" / ":(glob)2026-03-02"
        shutil.copytree(results / repo_kit.LAST_RUN, new)
        (new / "elsewhere.json").symlink_to(results / "l4" / "2026-01-05" / "realizr-l4-c1.json")

    repo_kit.pull_request(history, "odd", odd)
    done = sitegen("report", "--base", "origin/main", cwd=history)
    assert done.exit_code == 0, done.output
    assert "**1 run added, 0 changed**" in done.output  # the link does not make 2026-01-05 changed
    assert "l4/:(glob)2026-03-02" in done.output


def test_a_json_file_that_is_not_a_result_is_listed_not_counted_invalid(history: Path):
    def environment(results: Path) -> None:
        new = repo_kit.copy_last_run(results)
        (new / "environment.json").write_text('{"gpu": "L4", "driver": "550.54"}\n')

    repo_kit.pull_request(history, "environment", environment)
    done = sitegen("report", "--base", "origin/main", "--fail-on-invalid", cwd=history)
    assert done.exit_code == 0, done.output
    assert "0 invalid measurements or rejected files" in done.output
    assert "**Files skipped** (1):" in done.output and "` environment.json `" in done.output


def test_the_first_run_on_a_machine_has_nothing_to_compare_with(history: Path):
    done = sitegen("report", "l4/2026-01-05", cwd=history)
    assert done.exit_code == 0, done.output
    assert "First run of llama\\.cpp, realizr on this machine: nothing to compare with." in done.output
    assert "Against the previous run" not in done.output
