"""Incremental builds give the same bytes as a cold build, for any sequence of changes."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
from pathlib import Path

import pydantic_core
import pytest

from sitegen.config import load_config
from sitegen.site.build import build_site
from sitegen.site.cache import RECORDS_FILE, STATE_FILE
from sitegen.site.cache_store import cache_home

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "results" / "synthetic"


def digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path, forked_workers: None) -> Path:
    """Two synthetic targets, four weekly runs each, a theme folder and a site.toml."""
    for target in ("l4", "jetson-agx-orin"):
        for run in sorted((SYNTHETIC / target).iterdir())[:4]:
            shutil.copytree(run, tmp_path / "results" / target / run.name)
    (tmp_path / "theme" / "static").mkdir(parents=True)
    (tmp_path / "theme" / "static" / "extra.css").write_text("body { margin: 0; }\n")
    (tmp_path / "site.toml").write_text(
        'title = "Incremental"\nresults = ["results"]\ntheme = "theme"\n'
        '[[hardware]]\nid = "l4"\nname = "L4"\nmatch = ["l4/*"]\ngpus = 1\nprice_per_hour = 0.7\n'
    )
    return tmp_path


def rebuild_and_compare(project: Path) -> tuple[int, str]:
    """An incremental build into _site and a cold one into _cold: the same files, byte for byte."""
    lines: list[str] = []
    incremental = build_site(load_config(cwd=project), project / "_site", workers=1, progress=lines.append)
    cold = build_site(load_config(cwd=project), project / "_cold", workers=2, force=True)
    assert digest(incremental.out) == digest(cold.out)
    reused = next((line for line in lines if "are reused" in line), "")
    return incremental.pages, reused


def test_every_kind_of_change_rebuilds_to_the_cold_build_bytes(project: Path):
    build_site(load_config(cwd=project), project / "_site", workers=1)
    results = project / "results"
    l4_runs = sorted((results / "l4").iterdir())

    # Add a run: only its page is drawn; the others are linked from the previous site.
    shutil.copytree(l4_runs[-1], results / "l4" / "2026-03-30")
    _, reused = rebuild_and_compare(project)
    assert "drawing the pages of 1 runs; 8 are reused" in reused

    # Change one result file.
    changed = sorted((results / "l4" / "2026-03-30").glob("*-c1.json"))[0]
    data = json.loads(changed.read_text())
    changed.write_text(json.dumps(data | {"tokens_per_sec": data["tokens_per_sec"] * 1.5}))
    rebuild_and_compare(project)

    # Notes and run.toml: a new file, then an edit of each (same names: only their content says
    # the run page must be drawn again).
    notes, meta = results / "l4" / "2026-03-30" / "README.md", results / "l4" / "2026-03-30" / "run.toml"
    notes.write_text("Driver 550.\n")
    meta.write_text('title = "Nightly"\n')
    rebuild_and_compare(project)
    notes.write_text("Driver 555, after the kernel update.\n")
    meta.write_text('title = "Nightly, kernel 6.8"\n')
    rebuild_and_compare(project)
    assert "kernel 6.8" in (project / "_site" / "runs" / "l4" / "2026-03-30" / "index.html").read_text()

    # A run with a new runtime, whose id sorts first: every runtime's colour shifts by one.
    newcomer = results / "l4" / "2026-04-06"
    shutil.copytree(l4_runs[-1], newcomer)
    for path in newcomer.glob("*.json"):
        data = json.loads(path.read_text())
        data["runtime_name"] = "aardvark-" + data["runtime_name"].rsplit("-", 1)[-1]
        path.write_text(json.dumps(data))
    rebuild_and_compare(project)

    # Remove a level's result files: its scorecard's link page and their raw copies go.
    assert (project / "_site" / "runs" / "l4" / "2026-04-06" / "composite-c32").is_dir()
    for path in newcomer.glob("*-c32.json"):
        path.unlink()
    rebuild_and_compare(project)
    assert not (project / "_site" / "runs" / "l4" / "2026-04-06" / "composite-c32").exists()
    assert not list((project / "_site" / "raw" / "l4" / "2026-04-06").glob("*-c32.json"))

    # Delete a run, and rename another.
    shutil.rmtree(l4_runs[1])
    (results / "jetson-agx-orin" / sorted(p.name for p in (results / "jetson-agx-orin").iterdir())[0]).rename(
        results / "jetson-agx-orin" / "2025-12-29"
    )
    rebuild_and_compare(project)

    # Edit site.toml: every run is read again.
    with (project / "site.toml").open("a") as f:
        f.write('[[runtime]]\nid = "vllm"\nname = "vLLM (renamed)"\nmatch = ["vllm*"]\n')
    rebuild_and_compare(project)

    # Edit a theme file.
    (project / "theme" / "static" / "extra.css").write_text("body { margin: 1px; }\n")
    rebuild_and_compare(project)

    # Nothing changed: up to date, nothing written.
    assert build_site(load_config(cwd=project), project / "_site", workers=1).up_to_date


def test_a_corrupted_or_foreign_cache_is_ignored_with_a_note(project: Path):
    build_site(load_config(cwd=project), project / "_site", workers=1)
    home = cache_home((project / "_site").resolve(), [])
    number = pickle.dumps(5)  # a valid pickle, but not a cache
    damage = [
        lambda: (home.folder / STATE_FILE).write_bytes(b"not a pickle"),  # not signed
        lambda: (home.folder / STATE_FILE).write_bytes(number),  # not signed
        lambda: (home.folder / RECORDS_FILE).write_bytes(number),  # not signed
        lambda: home.write(STATE_FILE, number),  # signed, but another kind of value
        lambda: home.write(RECORDS_FILE, number),
        lambda: (home.folder / STATE_FILE).write_bytes((home.folder / STATE_FILE).read_bytes()[:-9]),
    ]
    for i, spoil in enumerate(damage):
        spoil()
        shutil.copytree(
            sorted((project / "results" / "l4").iterdir())[0],
            project / "results" / "l4" / f"2027-0{i + 1}-01",
        )
        lines: list[str] = []
        build_site(load_config(cwd=project), project / "_site", workers=1, progress=lines.append)
        assert any("build cache" in line and "ignored" in line for line in lines), (i, lines)
        cold = build_site(load_config(cwd=project), project / "_cold", workers=1, force=True)
        assert digest(project / "_site") == digest(cold.out)


def test_another_pydantic_core_rebuilds_every_run(project: Path, monkeypatch: pytest.MonkeyPatch):
    """pydantic-core writes the published JSON (safetext.compact_json): another version may
    write a number differently, so pages kept from the last build could disagree with new ones."""
    build_site(load_config(cwd=project), project / "_site", workers=1)
    lines: list[str] = []
    build_site(load_config(cwd=project), project / "_site", workers=1, progress=lines.append)
    assert not any("every run is read again" in line for line in lines)
    monkeypatch.setattr(pydantic_core, "__version__", "0.0.0-other")
    build = build_site(load_config(cwd=project), project / "_site", workers=1, progress=lines.append)
    assert not build.up_to_date
    assert any("every run is read again" in line for line in lines)


def test_the_pages_workflow_keeps_the_site_and_the_cache_sitegen_reads():
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "SITEGEN_CACHE_DIR: ${{ runner.temp }}/sitegen/cache" in workflow
    assert "            ${{ runner.temp }}/sitegen/cache\n" in workflow
    assert "            ${{ runner.temp }}/sitegen/_site\n" in workflow
    assert "uses: actions/cache@v4" in workflow and "hashFiles('site.toml')" in workflow


def test_when_most_runs_changed_the_parallel_cold_build_takes_over_with_the_same_bytes(project: Path):
    build_site(load_config(cwd=project), project / "_site", workers=2)
    for path in (project / "results").rglob("*.json"):
        data = json.loads(path.read_text())
        path.write_text(json.dumps(data | {"tokens_per_sec": data["tokens_per_sec"] * 1.01}))
    lines: list[str] = []
    build_site(load_config(cwd=project), project / "_site", workers=2, progress=lines.append)
    assert any("runs changed: building from scratch, in parallel" in line for line in lines), lines
    cold = build_site(load_config(cwd=project), project / "_cold", workers=1, force=True)
    assert digest(project / "_site") == digest(cold.out)


def test_unchanged_runs_stay_in_place_and_a_stopped_merge_is_repaired_by_a_cold_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    from sitegen.errors import BuildError
    from sitegen.site import merge

    out = project / "_site"
    build_site(load_config(cwd=project), out, workers=1)
    l4_runs = sorted((project / "results" / "l4").iterdir())
    unchanged = out / "runs" / "l4" / l4_runs[0].name
    folder = unchanged.stat().st_ino
    shutil.copytree(l4_runs[-1], project / "results" / "l4" / "2026-03-30")
    rebuild_and_compare(project)
    # The unchanged run's folder is the same folder: its files were not moved or linked anew.
    assert unchanged.stat().st_ino == folder

    # A build stopped while moving its files in (a disk error on the tenth rename).
    shutil.copytree(l4_runs[-1], project / "results" / "l4" / "2026-04-06")
    moved, replace = [], os.replace

    def failing_replace(source, target):
        moved.append(target)
        if len(moved) == 10:
            raise OSError(28, "No space left on device")
        return replace(source, target)

    monkeypatch.setattr(merge.os, "replace", failing_replace)
    with pytest.raises(BuildError, match="No space left on device"):
        build_site(load_config(cwd=project), out, workers=1)
    monkeypatch.undo()
    # Still sitegen's site, but neither up to date nor a base for an incremental build.
    assert (out / ".sitegen-build.updating.json").is_file() and not (out / ".sitegen-build.json").exists()
    lines: list[str] = []
    repaired = build_site(load_config(cwd=project), out, workers=1, progress=lines.append)
    assert not repaired.up_to_date and any(line.endswith("; 0 are reused") for line in lines), lines
    cold = build_site(load_config(cwd=project), project / "_cold", workers=2, force=True)
    assert digest(out) == digest(cold.out)


def test_a_change_on_one_target_keeps_the_other_targets_hardware_pages(project: Path):
    """A hardware page is drawn again only when what it is made from changed: adding a run on
    one target keeps the other's page (the same file); a new runtime anywhere shifts every
    runtime's colour, so every hardware page is drawn again. Either way: the cold build's bytes."""
    build_site(load_config(cwd=project), project / "_site", workers=1)
    pages = project / "_site" / "hardware"
    inode = lambda target: os.stat(pages / target / "index.html").st_ino  # noqa: E731
    l4, jetson = inode("l4"), inode("jetson-agx-orin")
    results = project / "results"
    last = sorted((results / "l4").iterdir())[-1]

    shutil.copytree(last, results / "l4" / "2026-03-30")
    rebuild_and_compare(project)
    assert inode("jetson-agx-orin") == jetson  # kept where it was
    assert inode("l4") != l4  # drawn again

    newcomer = results / "l4" / "2026-04-06"
    shutil.copytree(last, newcomer)
    for path in newcomer.glob("*.json"):
        data = json.loads(path.read_text())
        data["runtime_name"] = "aardvark-" + data["runtime_name"].rsplit("-", 1)[-1]
        path.write_text(json.dumps(data))
    rebuild_and_compare(project)
    assert inode("jetson-agx-orin") != jetson


@pytest.mark.parametrize("workers", [1, 2])
def test_an_edit_in_place_that_keeps_size_and_modification_time_is_seen(project: Path, workers: int):
    """Same size, same inode, modification time put back: only the change time tells."""
    build_site(load_config(cwd=project), project / "_site", workers=workers)
    changed = sorted((project / "results" / "l4").iterdir())[0] / "vllm-l4-c1.json"
    before = changed.stat()
    text = changed.read_text()
    edited = text.replace('"concurrency": 1', '"concurrency": 9')
    assert edited != text and len(edited) == len(text)
    with open(changed, "r+") as handle:  # in place: the inode stays
        handle.write(edited)
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changed.stat().st_ino == before.st_ino
    rebuild_and_compare(project)


def test_a_build_does_not_read_unchanged_files_again_after_linking_them(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """Hard-linking a source file into the site changes its change time: the next build must
    not take that for an edit (it would read every file of the site again)."""
    from sitegen.catalog import fingerprints

    build_site(load_config(cwd=project), project / "_site", workers=2)
    read: list[str] = []
    real_open = fingerprints.open_regular
    monkeypatch.setattr(fingerprints, "open_regular", lambda path: read.append(str(path)) or real_open(path))
    assert build_site(load_config(cwd=project), project / "_site", workers=1).up_to_date
    assert read == []


def test_a_run_dated_ahead_is_judged_again_on_a_later_day(project: Path, monkeypatch: pytest.MonkeyPatch):
    """A run dated after the build is not ranked; once its day has come, it is, incremental or
    cold alike (the cache's records were judged on another day)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1771000000")  # 2026-02-13
    ahead = project / "results" / "l4" / "2026-03-30"
    shutil.copytree(sorted((project / "results" / "l4").iterdir())[-1], ahead)
    build_site(load_config(cwd=project), project / "_site", workers=1)
    page = (project / "_site" / "runs" / "l4" / "2026-03-30" / "index.html").read_text()
    assert "after this build (2026-02-13)" in page
    assert build_site(load_config(cwd=project), project / "_site", workers=1).up_to_date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")  # 2026-03-31
    lines: list[str] = []
    build = build_site(load_config(cwd=project), project / "_site", workers=1, progress=lines.append)
    assert not build.up_to_date and any("the date changed" in line for line in lines)
    assert (
        "after this build"
        not in (project / "_site" / "runs" / "l4" / "2026-03-30" / "index.html").read_text()
    )
    rebuild_and_compare(project)


HREF = re.compile(rb'(?:href|src)="([^"#?:]+)[^"]*"')


def broken_links(site: Path) -> list[str]:
    """Relative links of the site's pages that lead to no file."""
    broken = []
    for page in site.rglob("*.html"):
        for target in HREF.findall(page.read_bytes()):
            path = (page.parent / target.decode()).resolve()
            if target.endswith(b"/"):
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{page.relative_to(site)} -> {target.decode()}")
    return broken


def test_a_merge_stopped_at_any_step_leaves_no_broken_link(project: Path, monkeypatch: pytest.MonkeyPatch):
    """An incremental build moves its files in leaves first and pages about many runs last, and
    deletes what no longer belongs only after: stopped anywhere, every link still leads to a file."""
    from sitegen.errors import BuildError
    from sitegen.site import merge
    from sitegen.site.cache_store import cache_home

    out = project / "_site"
    build_site(load_config(cwd=project), out, workers=1)
    assert broken_links(out) == []
    home = cache_home(out.resolve(), [])
    l4_runs = sorted((project / "results" / "l4").iterdir())
    shutil.copytree(l4_runs[-1], project / "results" / "l4" / "2026-03-30")  # a run added
    shutil.rmtree(l4_runs[1])  # and one removed
    saved = project / "saved"
    shutil.copytree(out, saved / "site", symlinks=True)
    shutil.copytree(home.folder, saved / "cache", symlinks=True)
    moved, replace = [], os.replace
    site = str(out.resolve())

    def counting(source, target):
        if str(target).startswith(site + os.sep):  # the merge's renames, not the cache's
            moved.append(target)
        return replace(source, target)

    monkeypatch.setattr(merge.os, "replace", counting)
    build_site(load_config(cwd=project), out, workers=1)
    steps = len(moved)
    assert steps > 10
    for stop in range(2, steps, 3):
        shutil.rmtree(out)
        shutil.rmtree(home.folder)
        shutil.copytree(saved / "site", out, symlinks=True)
        shutil.copytree(saved / "cache", home.folder, symlinks=True)
        moved.clear()

        def stopping(source, target, stop=stop):
            if str(target).startswith(site + os.sep):
                moved.append(target)
                if len(moved) == stop:
                    raise OSError(28, "No space left on device")
            return replace(source, target)

        monkeypatch.setattr(merge.os, "replace", stopping)
        with pytest.raises(BuildError):
            build_site(load_config(cwd=project), out, workers=1)
        assert broken_links(out) == [], (stop, [str(m).rsplit("_site/", 1)[-1] for m in moved[-4:]])


def test_files_read_again_only_for_their_change_time_are_not_read_a_third_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """Another checkout hard-linking the same sources (or a chmod) moves every change time: the
    next check reads every file once, finds nothing changed, and keeps the new stats."""
    from sitegen.catalog import fingerprints

    build_site(load_config(cwd=project), project / "_site", workers=1)
    for path in (project / "results").rglob("*.json"):
        os.chmod(path, path.stat().st_mode)  # the same mode: only the change time moves
    read: list[str] = []
    real_open = fingerprints.open_regular
    monkeypatch.setattr(fingerprints, "open_regular", lambda path: read.append(str(path)) or real_open(path))
    assert build_site(load_config(cwd=project), project / "_site", workers=1).up_to_date
    assert read  # read once, to see that nothing changed
    read.clear()
    assert build_site(load_config(cwd=project), project / "_site", workers=1).up_to_date
    assert read == []


def test_a_deleted_run_nested_in_an_unchanged_one_leaves_nothing_behind(project: Path):
    """A run's folder may hold another run's folder (ids l4/x and l4/x/sub). The unchanged outer
    run's files stay in place; the deleted inner run's page and source files must go."""
    outer = sorted((project / "results" / "l4").iterdir())[0]
    nested = outer / "sub"
    shutil.copytree(sorted((project / "results" / "l4").iterdir())[1], nested)
    build_site(load_config(cwd=project), project / "_site", workers=1)
    site = project / "_site"
    assert (site / "runs" / "l4" / outer.name / "sub" / "index.html").is_file()
    shutil.rmtree(nested)
    rebuild_and_compare(project)
    assert not (site / "runs" / "l4" / outer.name / "sub").exists()
    assert not (site / "raw" / "l4" / outer.name / "sub").exists()


@pytest.mark.parametrize(
    "toml",
    [ROOT / "site.toml", ROOT / "tests" / "fixtures" / "sample-site.toml"],
    ids=["examples", "sample-results"],
)
def test_a_hardware_page_reads_nothing_its_key_does_not_cover(tmp_path: Path, toml: Path):
    """A hardware page's key covers its target's runs and the site's names (hardware_page_keys),
    because the page is drawn by a builder that sees nothing else (for_target). Drawn from the
    whole catalog instead, every hardware page must come out the same, byte for byte: else the
    page shows something of other targets that its key would miss."""
    from functools import partial

    from sitegen.catalog.build import build_catalog
    from sitegen.site.pages import PageJob
    from sitegen.site.render import render_jobs, shared_environment
    from sitegen.site.views import ViewBuilder
    from sitegen.urls import Urls

    if toml.parent != ROOT:
        (tmp_path / "results").symlink_to(toml.parent / "sample-results")
        text = toml.read_text().replace(
            'results = ["results"]', 'results = ["results"]\nallow_results_outside = true', 1
        )
        (tmp_path / "site.toml").write_text(text)
        config = load_config(cwd=tmp_path)
    else:
        config = load_config(cwd=ROOT)
    catalog = build_catalog(config).catalog
    whole = ViewBuilder(catalog, config.site, config.contract, "")
    targets = [t.id for t in whole.active_hardware]
    assert len(targets) >= 3
    env = shared_environment(None, None, "")
    for name, builder_of in (("whole", lambda t: whole), ("restricted", whole.for_target)):
        jobs = [
            PageJob(Urls.hardware(t), "hardware.html", partial(builder_of(t).hardware, t)) for t in targets
        ]
        render_jobs(env, tmp_path / name, jobs)
    assert digest(tmp_path / "whole") == digest(tmp_path / "restricted")
