"""Print build figures: time and pages/s for the examples and a 10,000-result history,
the largest page, and a rebuild with nothing changed.

    .venv/bin/python bench/bench_build.py [--dir /tmp/sitegen-bench-history] [--dates 105]

The bar (measured on these machines): `asv publish` turns the same data volume
into its site in about 4 s; sitegen must build the 10,000-result history from
cold faster than that, rebuild with nothing changed in under 1 s, and keep
every page but the shared plotly bundle under 300 KB. Each build runs in a
fresh process, so "cold" includes imports. Compare figures within one run.
"""

from __future__ import annotations

import argparse
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


def timed_build(cwd: Path, out: Path, *extra: str, code: Path | None = None) -> tuple[float, str]:
    """One build in a fresh process; `code`: a checkout of another revision to run instead."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--out", str(out), *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed in {cwd}:\n{done.stderr}")
    return seconds, done.stdout.strip()


def page_figures(out: Path) -> tuple[int, Path, int]:
    pages = [p for p in out.rglob("*.html")]
    largest = max(pages, key=lambda p: p.stat().st_size)
    return len(pages), largest, largest.stat().st_size


def report(label: str, cwd: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
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
    try:
        ours, theirs = [], []
        for _ in range(rounds):
            for times, checkout in ((theirs, code), (ours, None)):
                shutil.rmtree(out, ignore_errors=True)
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
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sitegen-bench-history"))
    parser.add_argument("--dates", type=int, default=105)
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time cold builds of this git revision, alternated with this one",
    )
    args = parser.parse_args()
    report("examples (site.toml of the repository)", ROOT, Path("/tmp/sitegen-bench-examples-site"))
    results = ensure_tree(args.dir, args.dates)
    count = sum(1 for _ in results.rglob("*.json"))
    site_toml = args.dir / "site.toml"
    site_toml.write_text(f'results = ["{results.name}"]\n', encoding="utf-8")
    report(f"generated history ({count} results), local build", args.dir, args.dir / "_site")
    if args.baseline:
        compare_with(args.baseline, args.dir, args.dir / "_site")
    site_toml.write_text(
        f'results = ["{results.name}"]\nbase_url = "https://example.org/bench/"\n', encoding="utf-8"
    )
    report(
        f"generated history ({count} results), published with a base URL: preview cards drawn",
        args.dir,
        args.dir / "_site",
    )


if __name__ == "__main__":
    main()
