"""The output is never a results root, two builds never mix, a killed build never loses the site."""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen.catalog.build import build_catalog
from sitegen.config import load_config
from sitegen.errors import BuildError
from sitegen.site.build import MARKER, build_site
from sitegen.site.output import lock_path, recover_output

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD = json.loads((FIXTURES / "scorecards" / "full-sweep" / "realizr-4090-c1.json").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "site.toml").write_text('results = ["results"]\n')
    for day in ("2026-03-01", "2026-03-02"):
        run = tmp_path / "results" / "hw-a" / day
        run.mkdir(parents=True)
        (run / "alpha-c1.json").write_text(json.dumps(GOOD | {"runtime_name": "alpha-c1"}))
        (run / "notes.txt").write_text("kept\n")
    return tmp_path


@pytest.mark.parametrize("out", ["results", "results/hw-a", "results/pub", "."])
def test_the_output_is_never_a_results_root_nor_inside_or_above_one(project: Path, out: str):
    (project / "results" / MARKER).write_text('{"generator": "sitegen"}')  # planted by a contributor
    (project / "results" / "hw-a" / MARKER).write_text('{"generator": "sitegen"}')
    with pytest.raises(BuildError, match="results root"):
        build_site(load_config(cwd=project), project / out, workers=1)
    assert (project / "results" / "hw-a" / "2026-03-01" / "notes.txt").read_text() == "kept\n"
    (project / "site.toml").write_text(f'results = ["results"]\noutput = "{out}"\n')
    with pytest.raises(BuildError, match="results root"):
        build_site(load_config(cwd=project), workers=1)


def test_a_site_left_inside_a_root_and_any_out_path_are_never_read_as_results(project: Path):
    old = project / "results" / "pub"
    (old / "runs" / "hw-a" / "2026-03-01").mkdir(parents=True)
    (old / "runs" / "hw-a" / "2026-03-01" / "alpha-c1.json").write_text(json.dumps(GOOD))
    (old / MARKER).write_text("{}")
    catalog = build_catalog(load_config(cwd=project))
    assert [r.id for r in catalog.runs] == ["hw-a/2026-03-01", "hw-a/2026-03-02"]
    # Never read, but never passed over in silence either: a contributor could plant the marker.
    found = [d for d in catalog.diagnostics if d.path == f"results/pub/{MARKER}"]
    assert [d.level for d in found] == ["error"] and found[0].reason.startswith(
        "holds sitegen's build marker"
    )


def test_a_second_build_into_the_same_output_refuses_while_the_first_runs(project: Path):
    out = project / "_site"
    lock = lock_path(out)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a build in progress
        with pytest.raises(BuildError, match="another sitegen build is writing this site"):
            build_site(load_config(cwd=project), out, workers=1)
    assert build_site(load_config(cwd=project), out, workers=1).pages > 0


def test_inputs_are_hashed_before_they_are_read(project: Path):
    """A change made while a build runs (after its file was read) must make the next build
    rebuild, never 'up to date': each file is hashed from the bytes that were parsed."""
    out = project / "_site"
    changed = project / "results" / "hw-a" / "2026-03-02" / "alpha-c1.json"

    def progress(message: str) -> None:
        if " s  read " in message:
            changed.write_text(json.dumps(GOOD | {"runtime_name": "changed-c1"}))

    for force in (True, False):
        changed.write_text(json.dumps(GOOD | {"runtime_name": "alpha-c1"}))
        build_site(load_config(cwd=project), out, workers=1, force=force, progress=progress)
        assert not build_site(load_config(cwd=project), out, workers=1).up_to_date
        shutil.rmtree(out)  # the next round starts with no previous build


def test_a_build_killed_between_renames_leaves_a_site_that_the_next_build_restores(project: Path):
    out = project / "_site"
    build_site(load_config(cwd=project), out, workers=1)
    page = (out / "index.html").read_bytes()
    os.replace(out, out.parent / f".{out.name}.sitegen-old")  # the moment between the two renames
    recover_output(out)
    assert (out / "index.html").read_bytes() == page
    os.replace(out, out.parent / f".{out.name}.sitegen-old")
    assert build_site(load_config(cwd=project), out, workers=1).up_to_date
    assert (out / "index.html").read_bytes() == page


def test_build_workers_exit_when_their_parent_is_killed(project: Path, tmp_path: Path):
    """The parent dies while its workers wait for the catalog; they must not wait forever."""
    pids = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import os, signal, multiprocessing
        from pathlib import Path
        from sitegen.config import load_config
        from sitegen.site import plan
        from sitegen.site.build import build_site

        plan.MIN_RUNS_PER_WORKER = 1  # a worker for a handful of runs

        def progress(message):
            if " s  read " in message:
                kids = [p.pid for p in multiprocessing.active_children()]
                Path({str(pids)!r}).write_text(" ".join(map(str, kids)))
                os.kill(os.getpid(), signal.SIGKILL)

        build_site(load_config(cwd=Path({str(project)!r})), Path({str(project / "_site")!r}),
                   workers=2, progress=progress, force=True)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert done.returncode == -signal.SIGKILL
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2

    for pid in workers:  # a pidfd turns readable when its process has ended
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            readable, _, _ = select.select([fd], [], [], 30)
        finally:
            os.close(fd)
        assert readable, f"build worker {pid} outlived its parent"


def test_serve_answers_a_nul_byte_with_400_and_lists_no_directory(project: Path):
    import threading

    from sitegen.site.serve import make_server

    out = build_site(load_config(cwd=project), project / "_site", workers=1).out
    (out / "empty-dir").mkdir()
    server = make_server(out)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(urllib.error.HTTPError) as nul:
            urllib.request.urlopen(base + "/%00")
        assert nul.value.code == 400
        for listing in ("/empty-dir/", "/raw/hw-a/"):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(base + listing)
            assert missing.value.code == 404
            assert b"Directory listing" not in missing.value.read()
    finally:
        server.shutdown()
        server.server_close()


def test_a_worker_failing_while_the_catalog_is_assembled_says_why(project: Path, monkeypatch, forked_workers):
    """A worker that fails while writing its runs' files (while the parent puts the catalog
    together and then sends it more work) is reported with its own reason, never as a broken
    pipe, and the old site is kept."""
    import errno

    from sitegen.site import shards

    out = project / "_site"
    build_site(load_config(cwd=project), out, workers=1)
    page = (out / "index.html").read_bytes()

    def full_disk(runs, target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shards, "link_source_files", full_disk)  # the forked workers have it too
    with pytest.raises(BuildError, match="a build worker failed: .*No space left on device") as failed:
        build_site(load_config(cwd=project), out, workers=2, force=True)
    assert "pipe" not in str(failed.value).lower()
    assert (out / "index.html").read_bytes() == page


def test_an_output_reached_through_a_link_is_built_where_it_leads(project: Path):
    target = project / "real-site"
    os.symlink("real-site", project / "_site")
    for _ in range(2):  # a second build used to find a folder where its link had been
        summary = build_site(load_config(cwd=project), project / "_site", workers=1, force=True)
        assert summary.out == target.resolve()
    assert (project / "_site").is_symlink() and (target / "index.html").is_file()
    # One folder, one lock, whichever name a build gives it.
    with open(lock_path(target.resolve()), "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildError, match="another sitegen build is writing this site"):
            build_site(load_config(cwd=project), project / "_site", workers=1)


@pytest.mark.parametrize("name", ["._site.sitegen-tmp", "._site.sitegen-old", "._site.sitegen-lock"])
def test_a_committed_link_beside_the_output_breaks_no_build_and_leads_nowhere(project: Path, name: str):
    """A contributor commits a link where sitegen keeps its temporary folder, the previous site
    during a swap, or its lock: the build goes on and nothing behind the link changes."""
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MARKER).write_text("{}")  # looks like a site, to tempt recover_output
    (elsewhere / "keep.txt").write_text("mine\n")
    os.symlink("elsewhere", project / name)
    for _ in range(2):
        build_site(load_config(cwd=project), project / "_site", workers=1, force=True)
    assert sorted(p.name for p in elsewhere.iterdir()) == [MARKER, "keep.txt"]
    assert (elsewhere / "keep.txt").read_text() == "mine\n"
    assert not (project / "_site").is_symlink() and (project / "_site" / "index.html").is_file()


def test_serve_never_follows_a_link_and_answers_any_path(project: Path, tmp_path: Path):
    import threading

    from sitegen.site.serve import make_server

    out = build_site(load_config(cwd=project), project / "_site", workers=1).out
    secret = tmp_path / "secret.txt"
    secret.write_text("sitegen-serve-secret\n")
    os.symlink(secret, out / "leak.txt")
    os.symlink(tmp_path, out / "leakdir")
    os.symlink("index.html", out / "inside.html")  # a link even to a page of the site
    server = make_server(out)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/leak.txt", "/leakdir/secret.txt", "/inside.html", "/%ed%a0%80", "/x%ed%a0%80/y"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path)
            assert refused.value.code in (400, 404), path
            assert b"sitegen-serve-secret" not in refused.value.read()
        assert urllib.request.urlopen(base + "/").status == 200  # still answering
    finally:
        server.shutdown()
        server.server_close()


def test_serve_keeps_answering_after_a_burst_of_idle_connections(project: Path):
    """Idle connections that overflowed a backlog of five made clients wait for the system's
    retries (seconds, then minutes); each connect here must go through at once."""
    import socket
    import threading

    from sitegen.site.serve import make_server

    out = build_site(load_config(cwd=project), project / "_site", workers=1).out
    server = make_server(out)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    idle = []
    try:
        for _ in range(100):
            connection = socket.create_connection(("127.0.0.1", port), timeout=0.5)
            idle.append(connection)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200
    finally:
        for connection in idle:
            connection.close()
        server.shutdown()
        server.server_close()
