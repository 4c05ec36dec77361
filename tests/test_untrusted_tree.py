"""Nothing from outside a results root reaches the site; special files and odd names never stop it.

Every case builds a generated tree under tmp_path, then asserts on what
`check`, `build` and `score` report and on what the built site holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.catalog.build import build_catalog
from sitegen.catalog.model import Level
from sitegen.cli import app
from sitegen.config import load_config
from sitegen.site.build import build_site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())
RUN = "results/hw-a/2026-03-01"
SECRET = "sitegen-test-secret-7f3a"


def result(name: str, **changes) -> bytes:
    return json.dumps(GOOD | {"runtime_name": name} | changes, indent=1).encode()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A results repository with one good run and, beside the results root, files nobody may publish."""
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    run = tmp_path / RUN
    run.mkdir(parents=True)
    (run / "alpha-c1.json").write_bytes(result("alpha-c1"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_bytes(result(SECRET + "-c1"))
    (outside / "notes.md").write_text(f"# {SECRET}\n")
    (outside / "run.toml").write_text(f'title = "{SECRET}"\n')
    (outside / "tree").mkdir()
    (outside / "tree" / "x-c1.json").write_bytes(result(SECRET + "-tree-c1"))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    return tmp_path


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site with its bytes; fails if the site holds a symbolic link."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(site):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            assert not path.is_symlink(), f"the site holds a symbolic link: {path}"
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(site).as_posix()] = path.read_bytes()
    return out


def build_both_ways(project: Path) -> list[Path]:
    """The site built in one process and with two worker processes; both must hold the same."""
    config = load_config(cwd=project)
    return [build_site(config, project / f"site-{w}", workers=w, force=True).out for w in (1, 2)]


def assert_nothing_outside_published(project: Path) -> None:
    for site in build_both_ways(project):
        for name, data in site_files(site).items():
            assert SECRET.encode() not in data, f"{name} publishes a file from outside the results root"


def diagnostics_of(project: Path) -> dict[str, list[tuple[Level, str]]]:
    found: dict[str, list[tuple[Level, str]]] = {}
    for d in build_catalog(load_config(cwd=project)).diagnostics:
        found.setdefault(d.path, []).append((d.level, d.reason))
    return found


def test_a_file_link_leaving_the_root_is_refused_and_never_published(project: Path):
    run = project / RUN
    os.symlink("/etc/passwd", run / "passwd.json")
    os.symlink(project / "outside" / "secret.json", run / "secret.json")
    os.symlink("../../../.git/config", run / "config.json")
    found = diagnostics_of(project)
    assert found[f"{RUN}/passwd.json"] == [
        (Level.ERROR, "link to /etc/passwd, outside the results root; refused")
    ]
    assert found[f"{RUN}/config.json"] == [
        (Level.ERROR, "link to ../../../.git/config, outside the results root; refused")
    ]
    assert f"{RUN}/secret.json" in found
    assert_nothing_outside_published(project)
    site = project / "site-1"
    assert not (site / "raw" / "hw-a" / "2026-03-01" / "passwd.json").exists()
    report = (site / "report" / "index.html").read_text()
    assert "link to /etc/passwd, outside the results root; refused" in report


def test_a_directory_link_leaving_the_root_is_never_walked(project: Path):
    os.symlink(project / "outside" / "tree", project / "results" / "hw-a" / "tree")
    os.symlink("/etc", project / "results" / "etc")
    found = diagnostics_of(project)
    assert found["results/etc"] == [(Level.ERROR, "link to /etc, outside the results root; refused")]
    assert found["results/hw-a/tree"][0][0] is Level.ERROR
    catalog = build_catalog(load_config(cwd=project))
    assert [r.id for r in catalog.runs] == ["hw-a/2026-03-01"]
    assert_nothing_outside_published(project)


def test_notes_and_run_toml_linked_outside_are_never_rendered(project: Path):
    run = project / RUN
    os.symlink(project / "outside" / "notes.md", run / "README.md")
    os.symlink(project / "outside" / "run.toml", run / "run.toml")
    found = diagnostics_of(project)
    assert (Level.ERROR, f"link to {project}/outside/notes.md, outside the results root; refused") in found[
        f"{RUN}/README.md"
    ]
    assert found[f"{RUN}/run.toml"][0][0] is Level.ERROR
    assert_nothing_outside_published(project)


def test_links_inside_the_root_are_followed_and_published_as_regular_files(project: Path):
    run = project / RUN
    other = project / "results" / "hw-a" / "2026-03-02"
    other.mkdir()
    (other / "beta-c1.json").write_bytes(result("beta-c1"))
    os.symlink("../2026-03-02/beta-c1.json", run / "beta-c1.json")
    catalog = build_catalog(load_config(cwd=project))
    first = next(r for r in catalog.runs if r.id == "hw-a/2026-03-01")
    assert {e.source for e in first.results} == {"alpha-c1.json", "beta-c1.json"}
    for site in build_both_ways(project):
        raw = site / "raw" / "hw-a" / "2026-03-01" / "beta-c1.json"
        assert raw.is_file() and not raw.is_symlink()
        assert raw.read_bytes() == (other / "beta-c1.json").read_bytes()
        site_files(site)  # no symbolic link anywhere


def test_special_files_are_reported_and_never_opened(project: Path):
    run = project / RUN
    os.mkfifo(run / "fifo.json")
    os.mkfifo(run / "pipe.log")
    os.mkfifo(run / "README.md")
    os.symlink("/dev/zero", run / "zero.json")
    # In a fresh process with a deadline: a FIFO opened for reading would block forever.
    for command in (["check"], ["build", "--out", str(project / "site")]):
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", *command],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "score", str(run)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "alpha-c1" in done.stdout
    assert "skipped fifo.json: special file (a FIFO); not opened" in done.stderr
    found = diagnostics_of(project)
    assert found[f"{RUN}/fifo.json"] == [(Level.WARNING, "special file (a FIFO); not opened")]
    assert found[f"{RUN}/README.md"] == [(Level.WARNING, "special file (a FIFO); not opened")]
    assert found[f"{RUN}/zero.json"][0][0] is Level.ERROR
    report = (project / "site" / "report" / "index.html").read_text()
    assert "special file (a FIFO); not opened" in report


def test_undecodable_names_are_reported_escaped_and_the_build_goes_on(project: Path):
    base = os.fsencode(project / "results" / "hw-a")
    os.makedirs(base + b"/run\xff")
    with open(base + b"/run\xff/x-c1.json", "wb") as f:
        f.write(result("x-c1"))
    with open(os.fsencode(project / RUN) + b"/bad\xff.json", "wb") as f:
        f.write(result("bad-c1"))
    runner = CliRunner()
    os.chdir(project)
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 0 and checked.exception is None, checked.output
    assert "results/hw-a/run\\xff" in checked.stdout
    assert f"{RUN}/bad\\xff.json" in checked.stdout
    assert "name is not valid UTF-8" in checked.stdout
    built = runner.invoke(app, ["build", "--out", "site"])
    assert built.exit_code == 0 and built.exception is None, built.output
    assert "bad\\xff.json" in (project / "site" / "report" / "index.html").read_text()
    assert (project / "site" / "runs" / "hw-a" / "2026-03-01" / "index.html").is_file()


def test_names_with_line_breaks_and_escape_sequences_print_as_one_line(project: Path, monkeypatch):
    # In a CI log a line starting with "::" is a workflow command, and ESC restyles a terminal.
    hostile = "x\n::error::spoofed\r\x1b[2Jcleared-c1"
    (project / RUN / f"{hostile}.json").write_bytes(result(hostile, tokens_per_sec="fast"))
    (project / "results" / "hw-a" / f"run{hostile}").mkdir()
    monkeypatch.chdir(project)
    checked = CliRunner().invoke(app, ["check"])
    assert checked.exit_code == 0, checked.output
    lines = checked.output.splitlines()
    assert not any(line.startswith("::") for line in lines), lines
    assert "\x1b" not in checked.output and "\r" not in checked.output
    assert any("x\\n::error::spoofed\\r\\x1b[2Jcleared-c1.json" in line for line in lines)
    # A one-line error names the file the same way.
    output = json.dumps(f"{RUN}/out{hostile}")  # a TOML string too; the output may not lie in the results
    (project / "site.toml").write_text(f'results = ["results"]\noutput = {output}\n')
    failed = CliRunner().invoke(app, ["build"])
    assert failed.exit_code == 1 and failed.output.count("\n") == 1, failed.output
    assert "x\\n::error::spoofed\\r\\x1b[2Jcleared-c1" in failed.output
    assert "results root" in failed.output


def test_deeply_nested_directories_are_walked_without_recursion(project: Path):
    deep = project / "results" / "deep"
    path = os.fsencode(deep)
    os.makedirs(path)
    for _ in range(990):
        path += b"/d"
        os.mkdir(path)
    try:
        found = diagnostics_of(project)  # no RecursionError
        assert any("too deep" in r for rs in found.values() for _, r in rs)
    finally:  # bottom-up: pytest's own clean-up of tmp_path recurses and would fail on this tree
        while path != os.fsencode(deep):
            os.rmdir(path)
            path = os.path.dirname(path)


def test_skipped_directory_names_are_reported(project: Path):
    for name in ("node_modules", "__pycache__"):
        d = project / "results" / "hw-a" / name
        d.mkdir()
        (d / "y-c1.json").write_bytes(result("y-c1"))
    found = diagnostics_of(project)
    assert found["results/hw-a/node_modules"] == [
        (Level.INFO, "a node_modules directory; not searched for results")
    ]
    assert "results/hw-a/__pycache__" in found


def test_huge_files_are_hashed_without_reading_them_whole(project: Path, monkeypatch):
    """Deciding what changed must not read a file over max_file_mb (nor a special file)."""
    from sitegen.catalog import fingerprints

    (project / "site.toml").write_text('results = ["results"]\nmax_file_mb = 0.01\n')
    (project / RUN / "big.json").write_bytes(b" " * 50_000)
    (project / RUN / "README.md").write_bytes(b"# notes\n" * 10_000)
    opened = []
    original = fingerprints.open_regular

    def spy(path):
        opened.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(fingerprints, "open_regular", spy)
    build_site(load_config(cwd=project), project / "site", workers=1)
    build_site(load_config(cwd=project), project / "site", workers=1)
    assert "alpha-c1.json" in opened  # small files are hashed by content
    assert "big.json" not in opened and "README.md" not in opened


def test_a_folder_resolved_once_resolves_its_entries_as_realpath_does(tmp_path: Path):
    from sitegen.safefs import real_path_in

    real = tmp_path / "real"
    (real / "run").mkdir(parents=True)
    (tmp_path / "via").symlink_to(real)  # the folder as found is a link
    (real / "run" / "plain.json").write_text("{}")
    (real / "other.json").write_text("{}")
    (real / "run" / "link.json").symlink_to(real / "other.json")
    (real / "run" / "chain.json").symlink_to(real / "run" / "link.json")
    folder = tmp_path / "via" / "run"
    for name in ("plain.json", "link.json", "chain.json", "missing.json"):
        assert real_path_in(os.path.realpath(folder), folder / name) == os.path.realpath(folder / name), name


def strict_check(project: Path) -> int:
    done = CliRunner().invoke(app, ["check", "--strict", "--config", str(project / "site.toml")])
    return done.exit_code


def published_secret(project: Path, out: Path) -> list[str]:
    site = build_site(load_config(cwd=project), out, workers=1, force=True).out
    return [name for name, data in site_files(site).items() if SECRET.encode() in data]


@pytest.mark.parametrize("layout", ["root is the repository", "root is a link to the repository"])
def test_nothing_under_git_is_read_whatever_the_root(project: Path, tmp_path_factory, layout: str):
    """results = ["."] (the repository), or a committed `results -> .`: links to .git/config stay
    inside the root, and are refused all the same, as is a link to any hidden file or folder."""
    shutil.rmtree(project / "outside")  # inside the root now: only .git and .env hold the secret
    if layout == "root is the repository":
        (project / "site.toml").write_text('results = ["."]\n')
        run, shown = project / "x", "x"
    else:
        os.rename(project / "results", project / "old-results")
        os.symlink(".", project / "results")
        run, shown = project / "x", "results/x"
    run.mkdir()
    (run / "alpha-c1.json").write_bytes(result("alpha-c1"))
    os.symlink("../.git/config", run / "README.md")
    os.symlink("../.git/config", run / "cfg.json")
    os.symlink("../.git", run / "git")
    (project / ".env").write_text(f"TOKEN={SECRET}\n")
    os.symlink("../.env", run / "env.json")
    found = diagnostics_of(project)
    assert found[f"{shown}/cfg.json"] == [
        (Level.ERROR, "link to ../.git/config, into the hidden folder .git; refused")
    ]
    assert found[f"{shown}/README.md"][0][0] is Level.ERROR
    assert found[f"{shown}/git"] == [(Level.ERROR, "link to ../.git, into the hidden folder .git; refused")]
    assert found[f"{shown}/env.json"] == [(Level.ERROR, "link to ../.env, a hidden file; refused")]
    assert published_secret(project, tmp_path_factory.mktemp("out") / "site") == []
    assert strict_check(project) == 1


def test_a_root_whose_real_path_leaves_the_folder_of_site_toml_is_refused(project: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    os.rename(project / "outside", elsewhere / "outside")
    os.rename(project / "results", project / "old-results")
    os.symlink(elsewhere / "outside", project / "results")  # a committed link to elsewhere
    found = diagnostics_of(project)
    assert found["results"] == [
        (
            Level.ERROR,
            f"results root is a link to {elsewhere / 'outside'}, outside the folder of site.toml; "
            "refused (set allow_results_outside = true in site.toml to read it)",
        )
    ]
    assert build_catalog(load_config(cwd=project)).runs == ()
    assert published_secret(project, project / "site") == []
    assert strict_check(project) == 1
    # Said in site.toml: read.
    (project / "site.toml").write_text('results = ["results"]\nallow_results_outside = true\n')
    assert [r.id for r in build_catalog(load_config(cwd=project)).runs] == [".", "tree"]


def test_a_root_inside_a_git_folder_is_refused(project: Path):
    (project / ".git" / "r").mkdir()
    (project / ".git" / "r" / "x-c1.json").write_bytes(result(SECRET + "-c1"))
    (project / "site.toml").write_text('results = [".git/r"]\n')
    found = diagnostics_of(project)
    assert found[".git/r"] == [(Level.ERROR, "results root lies inside a .git folder; refused")]
    assert build_catalog(load_config(cwd=project)).runs == ()


FORGED = "x\n::add-mask::vLLM\n::error file=a::forged\x1b]0;T\x07\x85\u2028-c1"
OLD_STYLE = "##[add-mask]vLLM"


def assert_log_safe(output: str) -> None:
    """Nothing a GitHub Actions runner reads as a command, no raw control character."""
    lines = output.splitlines()
    assert not any(line.lstrip().startswith("::") for line in lines), lines
    assert "##[" not in output
    for char in "\x1b\x07\x85\u2028\r":
        assert char not in output, repr(char)


@pytest.mark.parametrize("form", ["table", "markdown", "json"])
def test_score_prints_no_workflow_command_and_no_raw_control(project: Path, form: str):
    """A documented difference from the reference, which prints names raw: the README suggests
    `score --fail-on-grade` as a CI gate, so its output lands in a CI log."""
    run = project / RUN
    (run / "forged.json").write_bytes(result(FORGED))
    (run / f"{OLD_STYLE}-c1.json").write_bytes(result(OLD_STYLE + "-c1"))
    (run / f"{OLD_STYLE}.json").write_text("{")  # skipped, and named in a line of its own
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "score", str(run), "--format", form],
        capture_output=True, text=True, cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_log_safe(done.stdout)
    assert_log_safe(done.stderr)
    assert "vLLM" in done.stdout and "forged" in done.stdout  # shown, escaped
    if form == "json":  # the same strings, once the JSON is read
        assert FORGED in set(strings_in(json.loads(done.stdout)))


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def test_check_and_compare_print_no_old_style_workflow_command(project: Path, monkeypatch):
    run = project / RUN
    (run / f"{OLD_STYLE}.json").write_text("{")
    other = project / "results" / "hw-a" / OLD_STYLE
    other.mkdir()
    (other / "alpha-c1.json").write_bytes(result("alpha-c1"))
    monkeypatch.chdir(project)
    for args in (
        ["check"],
        ["check", "--format", "json"],
        ["compare", "hw-a/2026-03-01", f"hw-a/{OLD_STYLE}"],
    ):
        done = CliRunner().invoke(app, args)
        assert done.exit_code == 0, done.output
        assert_log_safe(done.output)
    github = CliRunner().invoke(app, ["check", "--format", "github"])
    assert "##[" not in github.output
    for char in "\x1b\x07\x85\u2028":
        assert char not in github.output


def test_github_annotations_keep_a_file_name_with_a_hash_whole(project: Path, monkeypatch):
    (project / RUN / "a#b.json").write_text("{")
    (project / RUN / "ctl\x1b\x07\x85\u2028.json").write_text("{")
    monkeypatch.chdir(project)
    lines = CliRunner().invoke(app, ["check", "--format", "github"]).output.splitlines()
    assert any(f"file={RUN}/a#b.json," in line for line in lines), lines
    for char in "\x1b\x07\x85\u2028":
        assert not any(char in line for line in lines)
