"""A results repository in git whose pull requests come from anyone: nothing a contributor commits
is loaded as sitegen's own (its build cache, compiled templates, a previous site), and nothing
in the repository outside a results root is read or published through a link."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from review_repo import git

from sitegen.config import load_config
from sitegen.errors import BuildError
from sitegen.site.build import build_site
from sitegen.site.cache_store import CACHE_ENV, cache_home

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "results" / "synthetic"
SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2VuLWZyb20tdGhlLWNoZWNrb3V0"
SITE_TOML = """title = "Attacked"
base_url = "https://bench.example.org/"
results = ["results"]
output = "_site"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Six runs on two machines, committed; `.git/config` holds a credential, as a checkout's
    extra header does in CI."""
    repo = tmp_path / "repo"
    for machine in ("h100-sxm", "l4"):
        for run in sorted((EXAMPLES / machine).iterdir())[:3]:
            shutil.copytree(run, repo / "results" / machine / run.name)
    (repo / "site.toml").write_text(SITE_TOML)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "http.extraheader", SECRET)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "results")
    return repo


def build(repo: Path, **options):
    return build_site(load_config(cwd=repo), repo / "_site", workers=1, **options)


def published(site: Path, needle: str) -> list[str]:
    """Files of the site that hold `needle`."""
    return [
        str(p.relative_to(site)) for p in site.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()
    ]


class Payload:
    """A pickle that, once loaded, creates the file `marker`: proof that loading ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def jinja_cache_names(repo: Path) -> list[str]:
    """The file names jinja's filesystem cache gives the default templates, for this checkout."""
    from jinja2 import BytecodeCache

    from sitegen.theme import default_dir

    templates = default_dir("templates")
    return [
        f"__jinja2_{BytecodeCache().get_cache_key(p.relative_to(templates).as_posix(), str(p))}.cache"
        for p in templates.rglob("*.html")
    ]


@pytest.mark.parametrize("force", [False, True])
def test_a_committed_build_cache_never_runs(repo: Path, tmp_path: Path, force: bool):
    """A pull request commits the cache folder a build used to keep beside the output: pickled
    state and records, and compiled templates (a pickle after jinja's magic header)."""
    from jinja2.bccache import bc_magic

    marker = tmp_path / "payload-ran"
    payload = pickle.dumps(Payload(marker))
    planted = repo / "._site.sitegen-cache"
    (planted / "templates").mkdir(parents=True)
    (planted / "state.pickle").write_bytes(payload)
    (planted / "records.pickle").write_bytes(payload)
    for name in jinja_cache_names(repo):
        (planted / "templates" / name).write_bytes(bc_magic + payload)
    git(repo, "add", "-f", "-A")
    git(repo, "commit", "-q", "-m", "a hidden folder among many files")

    build(repo, force=force)
    assert not marker.exists()
    build(repo)  # and the next one, from the cache the first wrote
    assert not marker.exists()


def test_a_cache_file_not_signed_here_is_never_loaded(repo: Path, tmp_path: Path):
    """Even in the cache's own folder, a file written by anyone but sitegen (with its key) is
    ignored with a note, never unpickled."""
    from jinja2.bccache import bc_magic

    build(repo)
    home = cache_home((repo / "_site").resolve(), [])
    assert not isinstance(home, str)
    marker = tmp_path / "payload-ran"
    payload = pickle.dumps(Payload(marker))
    for path in home.folder.rglob("*"):
        if path.is_file():
            path.write_bytes(bc_magic + payload if path.parent.name == "templates" else payload)
    (repo / "results" / "l4" / "2026-01-06" / "README.md").write_text("Edited.\n")
    lines: list[str] = []
    summary = build(repo, progress=lines.append)
    assert not marker.exists()
    assert not summary.up_to_date
    assert any("not signed here; ignored" in line for line in lines), lines


@pytest.mark.parametrize("where", ["repo", "results"])
def test_a_cache_folder_inside_the_repository_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch, where: str
):
    folder = repo / ".cache" if where == "repo" else repo / "results" / ".cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    lines: list[str] = []
    build(repo, progress=lines.append)
    assert any("building without a cache" in line for line in lines), lines
    assert not any(p.is_file() for p in folder.rglob("*"))
    assert not (repo / "._site.sitegen-cache").exists()


def test_the_default_cache_lives_in_the_user_s_cache_folder(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    build(repo)
    signed = [p for p in (tmp_path / "xdg" / "sitegen").rglob("*") if p.is_file()]
    assert any(p.name == "state.pickle" for p in signed)
    assert oct((tmp_path / "xdg" / "sitegen" / "signing.key").stat().st_mode & 0o777) == "0o600"
    assert not (repo / "._site.sitegen-cache").exists()
    assert build(repo).up_to_date  # and the next build uses it


def test_a_committed_previous_site_is_not_sitegen_s(repo: Path):
    """`_site/` with a marker and "cards" that link to the checkout's git config: the build
    refuses to take that folder as its own, and nothing of the config is published."""
    build(repo)  # learn the card names a build of these runs draws
    cards = sorted(p.name for p in (repo / "_site" / "cards").iterdir())
    shutil.rmtree(repo / "_site")
    (repo / "_site" / "cards").mkdir(parents=True)
    (repo / "_site" / ".sitegen-build.json").write_text('{"generator": "sitegen", "inputs": "x"}\n')
    for name in cards:
        os.symlink("../../.git/config", repo / "_site" / "cards" / name)
    git(repo, "add", "-f", "-A")
    git(repo, "commit", "-q", "-m", "a previous site")
    with pytest.raises(BuildError, match="git tracks .* a committed one is not trusted"):
        build(repo)
    assert (repo / "_site" / "cards" / cards[0]).is_symlink()  # left as it was
    assert strict_check(repo) == 1  # and check says so, as an error that names the folder
    from typer.testing import CliRunner

    from sitegen.cli import app

    said = CliRunner().invoke(app, ["check", "--config", str(repo / "site.toml")])
    assert said.exception is None or isinstance(said.exception, SystemExit), said.exception
    assert "the output folder: git tracks files in it" in said.output


def test_cards_are_never_read_through_a_link_in_the_previous_site(repo: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    site = build(repo).out
    for card in (site / "cards").iterdir():
        card.unlink()
        os.symlink(secret, card)
    (repo / "results" / "h100-sxm" / "2026-01-05" / "README.md").write_text("Edited notes.\n")
    build(repo)
    assert published(site, SECRET) == []
    assert not any(p.is_symlink() for p in site.rglob("*"))


def on_branch(repo: Path, name: str, change) -> None:
    """A pull request: a branch from main with one commit made by `change()`."""
    git(repo, "checkout", "-q", "-b", name)
    change()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)


def report_of(repo: Path) -> str:
    from sitegen.catalog.build import build_catalog
    from sitegen.review.changed import changed_runs
    from sitegen.review.report import ReportWriter

    config = load_config(cwd=repo)
    catalog = build_catalog(config)
    changes = changed_runs(catalog, repo, "main")
    writer = ReportWriter(catalog, config.contract.thresholds, config.site.slo, "", config.base_dir)
    return writer.report(changes).markdown


def strict_check(repo: Path) -> int:
    from typer.testing import CliRunner

    from sitegen.cli import app

    return CliRunner().invoke(app, ["check", "--strict", "--config", str(repo / "site.toml")]).exit_code


def run_ids(repo: Path) -> list[str]:
    from sitegen.catalog.build import build_catalog

    return [r.id for r in build_catalog(load_config(cwd=repo)).runs]


SIX_RUNS = [f"h100-sxm/2026-01-{d}" for d in ("05", "12", "19")] + [
    f"l4/2026-01-{d}" for d in ("06", "13", "20")
]


def test_a_planted_marker_never_hides_runs_without_an_error(repo: Path):
    from sitegen.catalog.build import build_catalog

    assert sorted(run_ids(repo)) == SIX_RUNS
    on_branch(repo, "marker", lambda: (repo / "results" / "l4" / ".sitegen-build.json").write_text("{}"))
    catalog = build_catalog(load_config(cwd=repo))
    found = [d for d in catalog.diagnostics if d.path == "results/l4/.sitegen-build.json"]
    assert [d.level for d in found] == ["error"], catalog.diagnostics
    assert strict_check(repo) == 1
    report = report_of(repo)
    assert "No run is added or changed" in report  # it adds none...
    assert "` results/l4/.sitegen-build.json `: error" in report  # ...but says what it broke
    for run in ("l4/2026-01-06", "l4/2026-01-13", "l4/2026-01-20"):
        assert f"` results/{run} `: holds sitegen" in report.split("**Runs no longer published", 1)[1]


def test_a_link_never_gives_runs_a_second_home(repo: Path):
    on_branch(repo, "rehome", lambda: os.symlink("../l4", repo / "results" / "h100-sxm" / "zz"))
    assert sorted(run_ids(repo)) == SIX_RUNS
    from sitegen.catalog.build import build_catalog

    notes = {d.path: d for d in build_catalog(load_config(cwd=repo)).diagnostics}
    assert notes["results/h100-sxm/zz"].reason == (
        "link to ../l4, a folder walked at its own path (results/l4); skipped"
    )
    assert "` results/h100-sxm/zz `: warning, link to" in report_of(repo)


def test_the_report_lists_runs_a_change_hides(repo: Path):
    def shadow() -> None:
        (repo / "site.toml").write_text(
            SITE_TOML.replace('results = ["results"]', 'results = ["aaa", "results"]')
        )
        shutil.copytree(repo / "results" / "l4" / "2026-01-13", repo / "aaa" / "l4" / "2026-01-13")

    on_branch(repo, "shadow", shadow)
    report = report_of(repo)
    hidden = report.split("**Runs no longer published", 1)[1]
    assert "` results/l4/2026-01-13 `: run id" in hidden and "already comes from" in hidden


@pytest.mark.parametrize("how", ["run.toml", "folder"])
def test_the_report_names_a_run_dated_after_the_build(repo: Path, monkeypatch: pytest.MonkeyPatch, how: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1773900000")  # 2026-03-19

    def add() -> None:
        name = "2026-01-27" if how == "run.toml" else "2099-12-31"
        new = repo / "results" / "l4" / name
        shutil.copytree(repo / "results" / "l4" / "2026-01-20", new)
        if how == "run.toml":
            (new / "run.toml").write_text("date = 2099-12-31\n")

    on_branch(repo, "ahead", add)
    report = report_of(repo)
    errors = report.split("**Errors**", 1)[1].split("**", 1)[0]
    assert "2099\\-12\\-31\\, after this build \\(2026\\-03\\-19\\)" in errors, report
    assert ("` run.toml `" if how == "run.toml" else "` . `") in errors
