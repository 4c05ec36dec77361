"""What a first visit downloads, and when it becomes usable, on a slow connection.

    .venv/bin/python bench/bench_first_visit.py [--baseline REV] [--mbit 1.6] [--latency-ms 150]

Builds the example site (and, with `--baseline`, the same site with another git
revision of sitegen), serves it locally gzip-compressed as GitHub Pages does,
and opens the home page, a hardware page and a run page in Debian's Chromium
with the connection throttled through the DevTools protocol and an empty cache.
For each page it prints the bytes transferred, when the HTML had arrived,
when a click on a table header first sorts the table, and
when the first chart on screen is drawn. Figures of both revisions come from
the same run (shared machines drift: compare within a run).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
COMPRESSED = {".html", ".js", ".css", ".json", ".svg", ".xml"}


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves files gzip-compressed when the browser accepts it (as GitHub Pages does)."""

    def send_head(self):  # noqa: ANN201 - http.server's own signature
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        if not path.is_file():
            self.send_error(404)
            return None
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


def build_examples(out: Path, code: Path | None) -> None:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitegen",
            "build",
            "--force",
            "--config",
            str(ROOT / "site.toml"),
            "--out",
            str(out),
        ],
        cwd=out.parent,  # not the checkout: `python -m` would import its sitegen first
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr}")


def pick_pages(site: Path) -> list[str]:
    """The home page, the largest hardware page and the largest run page."""
    hardware = max(site.glob("hardware/*/index.html"), key=lambda p: p.stat().st_size)
    run = max(site.glob("runs/**/index.html"), key=lambda p: p.stat().st_size)
    return ["", *(p.parent.relative_to(site).as_posix() + "/" for p in (hardware, run))]


# Clicks the first sortable header's button until the table reports a sort order, every 50 ms;
# resolves with the time (ms since navigation start) it first worked, or null.
SORT_PROBE = """() => new Promise(resolve => {
  const started = performance.now();
  function probe() {
    const th = document.querySelector('table.sortable th');
    if (th) { (th.querySelector('button') || th).click();
      if (th.getAttribute('aria-sort') && th.getAttribute('aria-sort') !== 'none') { resolve(performance.now()); return; } }
    if (performance.now() - started > 90000) { resolve(null); return; }
    setTimeout(probe, 50);
  }
  probe();
})"""

# Resolves with the time the first chart is drawn (plotly adds its SVG), or null when none is.
CHART_PROBE = """() => new Promise(resolve => {
  const started = performance.now();
  function probe() {
    if (!document.querySelector('[data-figure]')) { resolve(null); return; }
    if (document.querySelector('[data-figure] .main-svg')) { resolve(performance.now()); return; }
    if (performance.now() - started > 90000) { resolve(null); return; }
    setTimeout(probe, 100);
  }
  probe();
})"""


def visit(browser, url: str, mbit: float, latency_ms: float) -> dict[str, float | None]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency_ms,
            "downloadThroughput": mbit * 1e6 / 8,
            "uploadThroughput": mbit * 1e6 / 8,
        },
    )
    transferred = [0]
    cdp.on(
        "Network.loadingFinished",
        lambda event: transferred.__setitem__(0, transferred[0] + event["encodedDataLength"]),
    )
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_selector("footer.site-footer", state="attached", timeout=120_000)  # the HTML is parsed
    sort_at = page.evaluate(SORT_PROBE) if page.query_selector("table.sortable") else None
    chart_at = page.evaluate(CHART_PROBE)
    page.wait_for_load_state("load", timeout=120_000)
    html_at = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
    figures = {"bytes": transferred[0], "html": html_at, "sort": sort_at, "chart": chart_at}
    context.close()
    return figures


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser closing a connection early
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = QuietServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(label: str, site: Path, mbit: float, latency_ms: float, browser) -> None:
    server, base = serve(site)
    try:
        print(f"{label}")
        for path in pick_pages(site):
            f = visit(browser, base + path, mbit, latency_ms)

            def at(ms: float | None) -> str:
                return "never" if ms is None else f"{ms / 1000:6.2f} s"

            print(
                f"  /{path:<40} {f['bytes'] / 1e6:6.2f} MB  HTML in {at(f['html'])}"
                f"  sorts at {at(f['sort'])}  first chart {at(f['chart'])}"
            )
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="also measure the site built by this git revision")
    parser.add_argument("--mbit", type=float, default=1.6, help="download and upload speed (Mbit/s)")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_build import baseline_checkout

    work = Path(tempfile.mkdtemp(prefix="sitegen-first-visit-"))
    sites = []
    if args.baseline:
        code = baseline_checkout(args.baseline)
        build_examples(work / "baseline", code)
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)], capture_output=True
        )
        sites.append((f"sitegen {args.baseline} (baseline)", work / "baseline"))
    build_examples(work / "current", None)
    sites.append(("sitegen (this checkout)", work / "current"))
    print(f"first visit at {args.mbit} Mbit/s, {args.latency_ms:.0f} ms latency, gzip, empty cache")
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for label, site in sites:
            measure(label, site, args.mbit, args.latency_ms, browser)
        browser.close()
    shutil.rmtree(work, ignore_errors=True)
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
