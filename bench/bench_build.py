"""Print build figures, all measured in one run (shared machines drift: compare within a run).

    .venv/bin/python bench/bench_build.py [--sizes 10000 50000] [--asv PATH] [--rounds 3] [--baseline REV]

For the examples and for generated histories of about 10,000 and 50,000
results: the cold build (time, pages/s, peak memory of the build's processes),
`asv publish` on the same data volume when an asv executable is given (and the
ratio; the two alternate for `--rounds` rounds and each one's best counts), a rebuild with nothing changed, a rebuild after adding one run, a
rebuild after changing one result file, and the largest page (plotly.js, the
one shared bundle, aside). Each build runs in a fresh process, so every figure
includes imports. `--baseline REV` also times cold builds of another git
revision, alternated with this one.

Cold means no previous output for either tool: earlier outputs are moved aside
(deleted at the end, see `set_aside`), and each tool's inputs are read once
before it is timed, so neither pays for a cold disk cache. sitegen's modules are
compiled to bytecode first, as an installed package's are (`compile_bytecode`).

The bars: cold builds at least twice as fast as `asv publish` at both sizes on
two cores; adding a run rebuilds at least 5x faster than a cold build (aim
under 1 s) at 10,000 results; nothing changed, under 0.3 s; peak memory at
50,000 results at most 1.5 GB; no page over 300 KB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_catalog import ensure_tree  # noqa: E402


def run_build(cwd: Path, out: Path, *extra: str, code: Path | None = None) -> tuple[float, str, float]:
    """One build in a fresh process: seconds, its summary line, and the peak resident memory (MB)
    of its largest process (parent or worker). `code`: a checkout of another revision to run."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    command = [
        "/usr/bin/time",
        "-f",
        "peak-kb %M",
        sys.executable,
        "-m",
        "sitegen",
        "build",
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    done = subprocess.run([*command, *extra], cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed in {cwd}:\n{done.stderr}")
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kb"))
    return seconds, done.stdout.strip(), peak / 1024


def timed_build(cwd: Path, out: Path, *extra: str, code: Path | None = None) -> tuple[float, str]:
    seconds, line, _ = run_build(cwd, out, *extra, code=code)
    return seconds, line


TRASH = Path(tempfile.gettempdir()) / "sitegen-bench-trash"
# The builds' cache (site/cache_store.py), in a folder of the benchmark's own: set aside with the
# output for a cold build.
CACHE = Path(tempfile.gettempdir()) / "sitegen-bench-cache"
os.environ["SITEGEN_CACHE_DIR"] = str(CACHE)
# The generated histories run weekly for years from 2026: the builds' date is set after their end,
# as if the benchmark ran then (a run dated after the build's date is an error, not a result).
os.environ["SOURCE_DATE_EPOCH"] = "4070908800"  # 2099-01-01


def caches(out: Path) -> tuple[Path, Path]:
    """Where sitegen keeps its cache, and where revisions before the signed cache kept it."""
    return CACHE, out.parent / f".{out.name}.sitegen-cache"


def set_aside(*paths: Path) -> None:
    """Move earlier outputs out of the way without deleting them: deleting tens of thousands of
    files just before a build slows the file system's inode allocation for about a minute
    (ext4 passes over recently freed inodes; 10,000 results: 0.4 s more system time), which
    no real build meets. They are deleted at the end of the benchmark (`empty_trash`)."""
    for path in paths:
        if path.exists():
            TRASH.mkdir(parents=True, exist_ok=True)
            os.replace(path, Path(tempfile.mkdtemp(dir=TRASH)) / path.name)


def empty_trash() -> None:
    shutil.rmtree(TRASH, ignore_errors=True)


def compile_bytecode(checkout: Path) -> None:
    """Compile a checkout's sitegen to bytecode, as installing a package does (pip compiles
    what it installs; asv, timed beside sitegen, is installed so). Without it, an editable
    install on a machine that sets PYTHONDONTWRITEBYTECODE compiles every module again at
    each start: about 0.06 s of every build here, spent before the build begins."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(checkout / "sitegen")],
        check=True,
    )


def warm(tree: Path) -> None:
    """Read every file of a tree once, so that neither tool's first run pays for the disk."""
    for path in tree.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.read_bytes()


def peak_mb(cwd: Path, out: Path, *extra: str) -> tuple[float, float]:
    """A cold build (no previous site, no cache): its time and peak memory."""
    set_aside(out, *caches(out))
    seconds, _, peak = run_build(cwd, out, *extra)
    return seconds, peak


def page_figures(out: Path) -> tuple[int, Path, int]:
    """How many pages, and the largest (plotly.js, the one shared bundle, is not a page)."""
    pages = [p for p in out.rglob("*.html")]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return len(pages), largest, largest.stat().st_size


def history(results: Path, asv: str | None, asv_commits: int, label: str, rounds: int) -> None:
    """Every figure of one generated history, with asv on the same data volume when given.

    The cold builds of both tools alternate for `rounds` rounds and each tool's best counts:
    on a shared machine a neighbour's burst slows one build by 10 % or more, and the best of
    a few is what the tool can do here."""
    cwd = results.parent
    out = cwd / "_site"
    (cwd / "site.toml").write_text(f'results = ["{results.name}"]\n', encoding="utf-8")
    count = sum(1 for _ in results.rglob("*.json"))
    warm(results)
    tree = None
    if asv:
        from bench_vs_asv import asv_tree

        tree = asv_tree(cwd.parent / f"sitegen-vs-asv-{asv_commits}", asv_commits)
        warm(tree)
    colds: list[float] = []
    peaks: list[float] = []
    asv_times: list[float] = []
    for _ in range(rounds):
        cold, peak = peak_mb(cwd, out)
        colds.append(cold)
        peaks.append(peak)
        if asv and tree is not None:
            from bench_vs_asv import timed

            set_aside(tree / "html")
            asv_times.append(timed([asv, "publish", "--no-pull"], tree))
    cold = min(colds)
    pages, largest, size = page_figures(out)
    print(f"{label} ({count} results)")
    print(
        f"  cold build:                {cold:.2f} s  ({pages / cold:,.0f} pages/s), peak memory "
        f"{max(peaks):,.0f} MB{spread(colds)}"
    )
    if asv_times:
        best = min(asv_times)
        print(
            f"  asv publish, same volume:  {best:.2f} s  (sitegen {best / cold:.2f}x faster){spread(asv_times)}"
        )
    # The rebuilds change nothing for good, so each is timed `rounds` times too and the best counts.
    nothing = min(timed_build(cwd, out)[0] for _ in range(rounds))
    print(f"  rebuild, nothing changed:  {nothing:.2f} s")
    newest = max(
        (p for p in results.rglob("*") if p.is_dir() and any(p.glob("*.json"))), key=lambda p: p.name
    )
    added = newest.parent / (dt.date.fromisoformat(newest.name) + dt.timedelta(days=7)).isoformat()
    adds: list[float] = []
    changes: list[float] = []
    try:
        for _ in range(rounds):
            shutil.rmtree(added, ignore_errors=True)
            timed_build(cwd, out)  # back to the history as generated
            shutil.copytree(newest, added)
            adds.append(timed_build(cwd, out)[0])
            changed = sorted(added.glob("*.json"))[0]
            changed.write_bytes(
                changed.read_bytes().replace(b'"concurrency"', b'"note": 1, "concurrency"', 1)
            )
            changes.append(timed_build(cwd, out)[0])
        add = min(adds)
        print(f"  rebuild, one run added:    {add:.2f} s  ({cold / add:.1f}x faster than cold){spread(adds)}")
        print(f"  rebuild, one file changed: {min(changes):.2f} s{spread(changes)}")
    finally:
        shutil.rmtree(added, ignore_errors=True)
    timed_build(cwd, out)
    print(f"  largest page:              {size / 1024:.0f} KB ({largest.relative_to(out)})")


def spread(seconds: list[float]) -> str:
    """ ", best of 3 (3.62-3.90 s)" when there were several rounds."""
    if len(seconds) < 2:
        return ""
    return f", best of {len(seconds)} ({min(seconds):.2f}-{max(seconds):.2f} s)"


def report(label: str, cwd: Path, out: Path) -> None:
    set_aside(out, *caches(out))
    cold, line = timed_build(cwd, out)
    pages, largest, size = page_figures(out)
    again, _ = timed_build(cwd, out)
    forced, _ = timed_build(cwd, out, "--force")
    print(f"{label}")
    print(f"  cold build:              {cold:.2f} s  ({pages / cold:,.0f} pages/s, {pages} pages)")
    print(f"  forced rebuild:          {forced:.2f} s")
    print(f"  rebuild, nothing changed: {again:.2f} s")
    print(f"  largest page:            {size / 1024:.0f} KB ({largest.relative_to(out)})")
    print(f"  {line}")


def baseline_checkout(revision: str) -> Path:
    """A checkout of `revision` in a temporary folder (it reads its own theme from there)."""
    target = Path(tempfile.mkdtemp(prefix="sitegen-baseline-"))
    target.rmdir()
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), revision],
        check=True,
        capture_output=True,
    )
    return target


def compare_with(revision: str, cwd: Path, out: Path, rounds: int = 3) -> None:
    """Cold builds of this checkout and of `revision`, alternated, in one run: the ratio."""
    code = baseline_checkout(revision)
    compile_bytecode(code)
    try:
        ours, theirs = [], []
        for _ in range(rounds):
            for times, checkout in ((theirs, code), (ours, None)):
                set_aside(out, *caches(out))
                times.append(timed_build(cwd, out, code=checkout)[0])
        best_ours, best_theirs = min(ours), min(theirs)
        print(
            f"  cold build at {revision}: {best_theirs:.2f} s; now: {best_ours:.2f} s "
            f"(best of {rounds} each, alternated; ratio {best_ours / best_theirs:.2f})"
        )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)], capture_output=True
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=Path("/tmp"), help="where the generated histories go")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000], help="results per history")
    parser.add_argument("--asv", help="an asv executable: also time asv publish on the same volumes")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="cold builds of each tool per history, alternated; the best counts",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time cold builds of this git revision, alternated with this one",
    )
    args = parser.parse_args()
    try:
        figures(args)
    finally:
        empty_trash()


def figures(args: argparse.Namespace) -> None:
    compile_bytecode(ROOT)
    report("examples (site.toml of the repository)", ROOT, Path("/tmp/sitegen-bench-examples-site"))
    for size in args.sizes:
        dates = max(1, round(size / 96))  # the generator writes 96 results per date
        cwd = args.root / f"sitegen-bench-{size}"
        results = ensure_tree(cwd, dates)
        # asv's volume for 10,080 results is 357 commits of 6 machines x 51 benchmarks; scaled.
        history(results, args.asv, round(357 * dates / 105), "generated history", args.rounds)
        if args.baseline:
            compare_with(args.baseline, cwd, cwd / "_site")


if __name__ == "__main__":
    main()
