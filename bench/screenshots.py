"""Screenshots of a built site as a reader sees it: desktop (1440 px), phone (390 px), dark.

    .venv/bin/python bench/screenshots.py SITE_DIR OUT_DIR [PAGE ...]

Serves SITE_DIR locally and writes OUT_DIR/<page>-<view>.png for each page
(site-relative paths; by default the home page, a hardware page and a run
page), after every chart on screen has been drawn. The README's screenshots
are made with it (docs/screenshot-{light,dark,phone}.png, from the hardware page).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = os.environ.get("SITEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWS = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "dark": {"viewport": {"width": 1440, "height": 900}, "color_scheme": "dark"},
}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def default_pages(site: Path) -> list[str]:
    hardware = sorted(site.glob("hardware/*/index.html"))[0]
    run = sorted(site.glob("runs/**/index.html"))[-1]
    return ["index.html", *(p.relative_to(site).as_posix() for p in (hardware, run))]


def shoot(site: Path, out: Path, pages: list[str], full_page: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for view, options in VIEWS.items():
                context = browser.new_context(**options)
                page = context.new_page()
                for path in pages:
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    charts = page.locator("[data-figure]")
                    for i in range(charts.count() if full_page else min(2, charts.count())):
                        charts.nth(i).scroll_into_view_if_needed()  # charts are drawn when seen
                        charts.nth(i).and_(page.locator("[data-drawn]")).wait_for()
                    page.evaluate("window.scrollTo(0, 0)")
                    name = path.removesuffix("index.html").strip("/").replace("/", "_") or "home"
                    target = out / f"{name}-{view}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    written.append(target)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    for path in shoot(args.site, args.out, args.pages or default_pages(args.site), args.full_page):
        print(path)


if __name__ == "__main__":
    main()
