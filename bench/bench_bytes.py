"""Print what each kind of file contributes to a built site, in all and per result.

    .venv/bin/python bench/bench_bytes.py SITE_DIR

The figures the site's size is cut by: run pages, per-scorecard link pages, scorecards.json,
scorecards.md, metrics.json, source copies (raw/), pages about many runs (hardware, runtime,
model, month and index pages), feeds, badges, preview cards and the rest, each with its file
count, its bytes and its bytes per result (the results counted from every run's metrics.json).
Build the site first, e.g. with bench/bench_build.py (it leaves /tmp/sitegen-bench-<size>/_site).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def kind_of(rel: str) -> str:
    """Which kind of published file a site-relative path is."""
    parts = rel.split("/")
    name = parts[-1]
    if parts[0] == "raw":
        return "source copies (raw/)"
    if parts[0] == "runs" and len(parts) > 2:
        if name == "scorecards.json":
            return "scorecards.json"
        if name == "scorecards.md":
            return "scorecards.md"
        if name == "metrics.json":
            return "metrics.json"
        if name == "index.html" and parts[-2].startswith("composite-c"):
            return "per-scorecard pages"
        if name == "index.html":
            return "run pages"
    if parts[0] == "cards":
        return "preview cards"
    if parts[0] == "badges":
        return "badges"
    if name == "feed.xml":
        return "feeds"
    if parts[0] in ("hardware", "runtimes", "models", "archive") or rel in ("index.html", "runs/index.html"):
        return "pages about many runs"
    if parts[0] == "assets":
        return "assets (plotly.js, style, script)"
    return "other (indexes, changes.json, sitemap, 404, ...)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    args = parser.parse_args()
    site: Path = args.site
    results = 0
    totals: dict[str, list[int]] = {}
    for folder, _, names in os.walk(site):
        for name in names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, site).replace(os.sep, "/")
            size = os.lstat(path).st_size
            entry = totals.setdefault(kind_of(rel), [0, 0])
            entry[0] += 1
            entry[1] += size
            if name == "metrics.json" and rel.startswith("runs/"):
                with open(path, encoding="utf-8") as f:
                    results += len(json.load(f)["results"])
    everything = sum(b for _, b in totals.values())
    print(f"{site}: {results:,} results, {everything / 1e6:,.1f} MB in all")
    print(f"  {'kind':<48} {'files':>8} {'MB':>9} {'bytes/result':>13}")
    for kind, (files, size) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        per = size / results if results else 0
        print(f"  {kind:<48} {files:>8,} {size / 1e6:>9.1f} {per:>13,.0f}")
    sources = totals.get("source copies (raw/)", [0, 0])[1]
    if results:
        print(f"  {'all but source copies':<48} {'':>8} {(everything - sources) / 1e6:>9.1f} "
              f"{(everything - sources) / results:>13,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
