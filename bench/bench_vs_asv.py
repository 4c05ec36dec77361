"""Time `asv publish` and `sitegen build` on the same data volume, in one run, and print the ratio.

    .venv/bin/python bench/bench_vs_asv.py [--asv PATH_TO_ASV] [--dir /tmp/sitegen-vs-asv]

asv (airspeed velocity) is the tool people use to publish benchmark history.
This writes an asv results tree of the same volume as the generated sitegen
history (6 machines x 357 commits x 51 benchmarks, about 110,000 points, with
a git repository of 357 commits), then times `asv publish` against a cold
`sitegen build` of the 10,000-result history (bench_catalog.py's tree), each
in a fresh process. asv is not a dependency: install it yourself
(`pip install asv`) into any environment and pass its executable.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_catalog import ensure_tree  # noqa: E402

MACHINES, COMMITS, BENCHMARKS = 6, 357, 51


def asv_tree(directory: Path, commits_wanted: int = COMMITS) -> Path:
    """An asv results repository of MACHINES x `commits_wanted` x BENCHMARKS points."""
    marker = directory / f".complete-{commits_wanted}"
    if marker.exists():
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    repo = directory / "repo"
    repo.mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    stream = []
    for i in range(commits_wanted):
        stamp = 1_700_000_000 + i * 86_400
        message = f"commit {i}"
        stream.append(
            f"commit refs/heads/main\nmark :{i + 1}\ncommitter bench <b@e.org> {stamp} +0000\n"
            f"data {len(message)}\n{message}\n" + (f"from :{i}\n" if i else "") + "\n"
        )
    subprocess.run([*git, "fast-import", "--quiet"], input="".join(stream).encode(), check=True)
    log = subprocess.run([*git, "log", "--format=%H %ct", "main"], check=True, capture_output=True, text=True)
    commits = [(h, int(t) * 1000) for h, t in (line.split() for line in log.stdout.splitlines())]
    results = directory / "results"
    names = [f"benchmarks.TimeSuite.time_case_{i:02d}" for i in range(BENCHMARKS)]
    results.mkdir()
    (results / "benchmarks.json").write_text(
        json.dumps(
            {
                **{
                    name: {
                        "code": "pass",
                        "name": name,
                        "param_names": [],
                        "params": [],
                        "type": "time",
                        "unit": "seconds",
                        "version": "1",
                        "timeout": 60.0,
                        "number": 0,
                        "repeat": 0,
                        "min_run_count": 2,
                        "warmup_time": -1,
                        "sample_time": 0.01,
                        "rounds": 2,
                    }
                    for name in names
                },
                "version": 2,
            }
        )
    )
    rng = random.Random(3)
    for m in range(MACHINES):
        machine = f"machine-{m}"
        folder = results / machine
        folder.mkdir()
        (folder / "machine.json").write_text(
            json.dumps(
                {
                    "machine": machine,
                    "os": "Linux",
                    "arch": "x86_64",
                    "cpu": "cpu",
                    "num_cpu": "2",
                    "ram": "24GB",
                    "version": 1,
                }
            )
        )
        for commit, date in commits:
            data = {
                "commit_hash": commit,
                "env_name": "existing-py",
                "date": date,
                "params": {
                    "machine": machine,
                    "python": "3.11",
                    "arch": "x86_64",
                    "cpu": "cpu",
                    "os": "Linux",
                    "num_cpu": "2",
                    "ram": "24GB",
                },
                "python": "3.11",
                "requirements": {},
                "env_vars": {},
                "result_columns": ["result", "params", "version", "started_at", "duration"],
                "results": {name: [[rng.uniform(0.001, 0.01)], [], "1", date, 1.0] for name in names},
                "durations": {},
                "version": 2,
            }
            (folder / f"{commit[:8]}-existing-py.json").write_text(json.dumps(data))
    (directory / "asv.conf.json").write_text(
        json.dumps(
            {
                "version": 1,
                "project": "bench",
                "project_url": "https://example.org",
                "repo": "repo",
                "dvcs": "git",
                "branches": ["main"],
                "environment_type": "existing",
                "results_dir": "results",
                "html_dir": "html",
                "benchmark_dir": "benchmarks",
            }
        )
    )
    marker.write_text("")
    return directory


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--asv", required=True, help="the asv executable")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sitegen-vs-asv"))
    parser.add_argument("--history", type=Path, default=Path("/tmp/sitegen-bench-history"))
    args = parser.parse_args()
    asv_dir = asv_tree(args.dir)
    results = ensure_tree(args.history, 105)
    (args.history / "site.toml").write_text(f'results = ["{results.name}"]\n', encoding="utf-8")
    asv_times, sitegen_times = [], []
    for _ in range(3):
        asv_times.append(timed([args.asv, "publish", "--no-pull"], asv_dir))
        shutil.rmtree(args.history / "_site", ignore_errors=True)
        sitegen_times.append(timed([sys.executable, "-m", "sitegen", "build"], args.history))
    points = MACHINES * COMMITS * BENCHMARKS
    print(f"asv publish ({points:,} points):          " + ", ".join(f"{t:.2f} s" for t in asv_times))
    print("sitegen build, cold (10,080 results):  " + ", ".join(f"{t:.2f} s" for t in sitegen_times))
    print(f"ratio sitegen / asv (best of 3):       {min(sitegen_times) / min(asv_times):.2f}")


if __name__ == "__main__":
    main()
