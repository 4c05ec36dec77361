"""Source files linked where they already live (site.toml's source_url) instead of copied."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitegen.config import load_config, with_source
from sitegen.errors import ConfigError
from sitegen.site.build import build_site
from sitegen.synthetic import HARDWARE, RUNTIMES, write_history

TEMPLATE = "https://github.com/{repository}/blob/{commit}/{path}"
ODD_RUN = "2026-03-01 run #2?x=1"  # a contributor's folder name: a space, a fragment, a query


def tree(tmp: Path, source_url: str = TEMPLATE) -> Path:
    results = tmp / "bench" / "results"
    write_history(results, 1, hardware=HARDWARE[:1], runtimes=RUNTIMES[:2], levels=(1, 4), details=2)
    first = next((results / "h100-sxm").iterdir())
    os.rename(first, results / "h100-sxm" / ODD_RUN)
    outside = tmp / "secret.json"
    outside.write_text('{"token": "not for the site"}')
    (results / "h100-sxm" / ODD_RUN / "linked.json").symlink_to(outside)
    toml = ['title = "Sources"', 'results = ["results"]']
    toml += [f'source_url = "{source_url}"'] if source_url else []
    toml += ["[[hardware]]", 'id = "h100-sxm"', 'match = ["h100-sxm/*"]']
    (tmp / "bench" / "site.toml").write_text("\n".join(toml) + "\n")
    return tmp / "bench"


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', page.read_text())


def test_run_pages_link_each_source_file_where_it_lives_and_copy_nothing(tmp_path: Path):
    base = tree(tmp_path)
    config = with_source(load_config(cwd=base), "acme/bench-results", "4f2c9e1")
    site = build_site(config, workers=1).out
    page = site / "runs" / "h100-sxm" / ODD_RUN / "index.html"
    folder = "results/h100-sxm/2026-03-01%20run%20%232%3Fx%3D1"
    prefix = f"https://github.com/acme/bench-results/blob/4f2c9e1/{folder}/"
    linked = [h for h in hrefs(page) if h.startswith("https://github.com/")]
    names = sorted(
        p.name for p in (base / "results" / "h100-sxm" / ODD_RUN).glob("*.json") if not p.is_symlink()
    )
    assert sorted(h.removeprefix(prefix) for h in linked) == names  # each file once, by its path
    assert not (site / "raw").exists()
    # A link to a file outside the results root is never linked, and its bytes never published.
    assert not any("linked.json" in h for h in linked)
    assert not any(
        "not for the site" in p.read_text(errors="replace") for p in site.rglob("*") if p.is_file()
    )


def test_without_the_repository_and_commit_the_files_are_copied_and_the_build_says_why(tmp_path: Path):
    said: list[str] = []
    site = build_site(load_config(cwd=tree(tmp_path)), workers=1, progress=said.append).out
    assert (site / "raw" / "h100-sxm" / ODD_RUN).is_dir()
    assert any("source_url needs --source-repository and --source-commit" in line for line in said)
    assert any(re.search(r"source files: \d+ copied into the site, [\d.]+ MB", line) for line in said)


def test_a_new_commit_alone_redraws_nothing(tmp_path: Path):
    base = tree(tmp_path)
    build_site(with_source(load_config(cwd=base), "acme/bench-results", "4f2c9e1"), workers=1)
    again = build_site(with_source(load_config(cwd=base), "acme/bench-results", "77aa001"), workers=1)
    assert again.up_to_date
    # Another repository is another address: every page is drawn again.
    moved = build_site(with_source(load_config(cwd=base), "acme/other-results", "77aa001"), workers=1)
    assert not moved.up_to_date
    page = (moved.out / "runs" / "h100-sxm" / ODD_RUN / "index.html").read_text()
    assert "https://github.com/acme/other-results/blob/77aa001/results/" in page


@pytest.mark.parametrize(
    ("template", "repository", "commit", "where"),
    [
        ("javascript:alert(1)//{path}", "", "", "source_url"),
        ("https://example.org/files/", "", "", "source_url"),  # no {path}
        (TEMPLATE, "acme/x?y=1", "4f2c9e1", "--source-repository"),
        (TEMPLATE, "acme/x", "../../evil", "--source-commit"),
    ],
)
def test_addresses_come_from_settings_that_cannot_leave_their_place(
    tmp_path, template, repository, commit, where
):
    base = tree(tmp_path, template)
    with pytest.raises(ConfigError) as raised:
        with_source(load_config(cwd=base), repository or None, commit or None)
    assert where in str(raised.value)
