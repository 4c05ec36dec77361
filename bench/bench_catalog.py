"""Print how fast the catalog loads, validates and scores a large results history.

    .venv/bin/python bench/bench_catalog.py [--dir /tmp/sitegen-bench-history] [--dates 105]

Generates (once, then reuses) a tree of about 10,000 realistic results,
4 hardware targets x 105 dates x 4 runtimes x 6 concurrency levels, about
70 MB of JSON, then times in one process: reading and json-parsing every file
(the floor), and building the catalog (discover, classify and validate,
resolve, score every run, standings, time series). Figures are ratios within
one run: shared machines drift.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from sitegen.catalog.build import build_catalog
from sitegen.config import LoadedConfig, SiteConfig
from sitegen.gcpause import collector_paused
from sitegen.synthetic import write_history


def ensure_tree(directory: Path, dates: int) -> Path:
    results = directory / "results"
    marker = directory / f".complete-{dates}"
    if not marker.exists():
        write_history(results, dates, details=28)
        marker.write_text("")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sitegen-bench-history"))
    parser.add_argument("--dates", type=int, default=105)
    args = parser.parse_args()
    results = ensure_tree(args.dir, args.dates)
    files = sorted(results.rglob("*.json"))
    size = sum(f.stat().st_size for f in files)

    t0 = time.perf_counter()
    with collector_paused():
        parsed = [json.loads(f.read_bytes()) for f in files]
    t1 = time.perf_counter()
    del parsed
    config = LoadedConfig(site=SiteConfig(results=[str(results)]), base_dir=args.dir, source=None)
    t2 = time.perf_counter()
    catalog = build_catalog(config)
    t3 = time.perf_counter()

    n = len(files)
    print(f"files:                        {n} ({size / 1e6:.1f} MB)")
    print(f"read + json.loads (floor):    {t1 - t0:.3f} s  ({n / (t1 - t0):,.0f} files/s)")
    print(f"catalog (load+validate+score): {t3 - t2:.3f} s  ({n / (t3 - t2):,.0f} files/s)")
    print(f"ratio catalog / floor:        {(t3 - t2) / (t1 - t0):.2f}")
    print(
        f"runs: {len(catalog.runs)}, series: {len(catalog.series)}, diagnostics: {len(catalog.diagnostics)}"
    )


if __name__ == "__main__":
    main()
