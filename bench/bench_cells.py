"""Count the instructions it takes to write table cells, with and without the renderer's shortcut.

    .venv/bin/python bench/bench_cells.py

rows.cell_html writes a plain number directly and any other cell through its
general, memoised path. This benchmark says whether the shortcut pays: it takes
every table of every run page of the example results, then writes all their rows
three ways, each in a fresh process under valgrind's instruction counter
(`--tool=cachegrind --cache-sim=no`, PYTHONHASHSEED fixed: a count repeats to
0.1 %, where time on a shared machine drifts by a quarter):

- `load`: load the tables, write nothing (the baseline subtracted from the others);
- `shortcut`: write them as a build does;
- `general`: every cell through the general path.

It prints instructions per cell for both and their ratio. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collect_tables(path: Path) -> int:
    """Every scorecard table of every example run page, pickled to `path`; the number of cells."""
    from sitegen.catalog.build import build_catalog
    from sitegen.config import load_config
    from sitegen.site.views import ViewBuilder

    config = load_config(cwd=ROOT)
    catalog = build_catalog(config)
    pages = ViewBuilder(catalog, config.site, config.contract, "").run_pages()
    tables = [s.table for run in catalog.runs for s in pages[run.id].run(run).sections]
    path.write_bytes(pickle.dumps(tables))
    return sum(len(row) for table in tables for row in table.rows)


def write(path: Path, mode: str) -> None:
    """Load the tables and write their rows `mode`'s way (run under valgrind)."""
    from sitegen.site import rows

    tables = pickle.loads(path.read_bytes())
    if mode == "general":
        rows.cell_html = rows._cell_html
    if mode != "load":
        for table in tables:
            rows.rows_html(table)


def instructions(path: Path, mode: str) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--write",
            str(path),
            mode,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{done.stderr}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", nargs=2, metavar=("TABLES", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write(Path(args.write[0]), args.write[1])
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tables.pickle"
        cells = collect_tables(path)
        base = instructions(path, "load")
        shortcut = instructions(path, "shortcut") - base
        general = instructions(path, "general") - base
    print(f"{cells:,} cells of the example run pages' scorecard tables")
    print(f"  with the shortcut:      {shortcut / cells:,.0f} instructions per cell")
    print(f"  general path only:      {general / cells:,.0f} instructions per cell")
    print(f"  the shortcut saves:     {1 - shortcut / general:.0%}")


if __name__ == "__main__":
    main()
