"""Crawl a served site: every page reachable from the home page, every internal link and anchor."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.duplicate_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.duplicate_ids.add(a["id"])
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img") and a.get("src"):
            self.assets.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon"):
            self.assets.append(a["href"])


@dataclass
class CrawlResult:
    pages: set[str] = field(default_factory=set)  # URLs without fragment
    broken: list[tuple[str, str, str]] = field(default_factory=list)  # (page, link, why)
    external: set[str] = field(default_factory=set)
    duplicate_ids: dict[str, set[str]] = field(default_factory=dict)


def crawl(start: str) -> CrawlResult:
    base = urlsplit(start)
    root = base.path.rsplit("/", 1)[0] + "/"  # the site's root: the start page's directory
    result = CrawlResult()
    parsed: dict[str, _Links] = {}
    queue = [start]
    checks: list[tuple[str, str]] = []

    def fetch(url: str) -> _Links | None:
        if url in parsed:
            return parsed[url]
        try:
            with urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get("Content-Type", "")
        except HTTPError as exc:
            raise LookupError(f"HTTP {exc.code}") from None
        links = _Links()
        if "html" in kind:
            links.feed(body.decode("utf-8"))
        parsed[url] = links
        return links

    while queue:
        url = queue.pop()
        if url in result.pages:
            continue
        result.pages.add(url)
        links = fetch(url)
        if links.duplicate_ids:
            result.duplicate_ids[url] = links.duplicate_ids
        for href in links.links + links.assets:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https"):
                continue
            if parts.netloc != base.netloc or not parts.path.startswith(root):
                result.external.add(target)
                continue
            page, fragment = urldefrag(target)
            checks.append((url, target))
            if page.endswith(".html") and page not in result.pages:
                queue.append(page)
    for source, target in checks:
        page, fragment = urldefrag(target)
        try:
            links = fetch(page)
        except LookupError as exc:
            result.broken.append((source, target, str(exc)))
            continue
        if fragment and fragment not in links.ids:
            result.broken.append((source, target, "no such anchor"))
    return result
