"""A results repository in git, for the pull-request tools: a history on main, then branches that
each make one kind of pull request."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from sitegen import synthetic

BASE_URL = "https://bench.example.org/site/"
SITE_TOML = f"""
title = "Pull-request fixture"
base_url = "{BASE_URL}"
results = ["results"]

[[hardware]]
id = "l4"
name = "L4 test box"
match = ["l4/*"]
gpus = 1

[[runtime]]
id = "realizr"
match = ["realizr*"]

[[runtime]]
id = "llama.cpp"
match = ["llamacpp*"]
"""
HARDWARE = next(h for h in synthetic.HARDWARE if h.id == "l4")
RUNTIMES = tuple(r for r in synthetic.RUNTIMES if r.id in ("realizr", "llamacpp"))
DATES = 8  # runs on main: enough for a noise estimate (four consecutive differences and more)
LAST_RUN = "l4/2026-02-23"  # the newest run on main (weekly from 2026-01-05)
NEW_RUN = "l4/2026-03-02"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def make_repo(path: Path) -> Path:
    """main: site.toml and eight weekly runs of two runtimes at c=1 and c=4 on one machine."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    synthetic.write_history(
        path / "results",
        DATES,
        hardware=(HARDWARE,),
        runtimes=RUNTIMES,
        levels=(1, 4),
        details=4,
        describe=True,
    )
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "History")
    git(path, "update-ref", "refs/remotes/origin/main", "main")  # as a pull request's checkout has it
    return path


def pull_request(repo: Path, branch: str, change: Callable[[Path], None]) -> None:
    """A branch from main with one commit made by `change(results_root)`; left checked out."""
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", branch)
    change(repo / "results")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", branch)


def copy_last_run(results: Path) -> Path:
    """The newest run again, a week later (its timestamps moved along)."""
    new = results / NEW_RUN
    shutil.copytree(results / LAST_RUN, new)
    for path in new.glob("*.json"):
        path.write_text(path.read_text().replace("2026-02-23T", "2026-03-02T"), encoding="utf-8")
    (new / "run.toml").write_text(
        'title = "Nightly sweep #9 on l4"\nmodel = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"\n', encoding="utf-8"
    )  # the same model as the runs before it: only results of one model are compared
    return new


def edit_result(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def add_regression(results: Path) -> None:
    """A new run where realizr decodes 30 % slower at c=1 (far beyond the history's noise)."""
    new = copy_last_run(results)
    path = new / "realizr-l4-c1.json"
    data = json.loads(path.read_text())
    slower = {k: round(data[k] * 0.7, 3) for k in ("decode_tok_per_sec", "tokens_per_sec")}
    longer = {k: round(data[k] / 0.7, 4) for k in ("itl_p50_ms", "tpot_p50_ms", "tpot_p99_ms")}
    edit_result(path, **slower, **longer)


def add_invalid(results: Path) -> None:
    """A new run with a measurement where every request failed, and a result that is rejected
    (a number given as text)."""
    new = copy_last_run(results)
    path = new / "realizr-l4-c4.json"
    total = json.loads(path.read_text())["total_requests"]
    edit_result(path, successful=0, failed=total, error_rate=1.0)
    broken = json.loads((new / "llamacpp-l4-c4.json").read_text()) | {"tokens_per_sec": "fast"}
    (new / "llamacpp-l4-c8.json").write_text(json.dumps(broken | {"runtime_name": "llamacpp-l4-c8"}))


def edit_notes(results: Path) -> None:
    """Only the notes of an existing run."""
    readme = results / LAST_RUN / "README.md"
    readme.write_text(readme.read_text() + "\nThe board was re-flashed before this run.\n", encoding="utf-8")
