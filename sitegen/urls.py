"""Where every page and file of the site lives, and relative links between them.

Every link is relative, so one output works at a domain root, under
`https://owner.github.io/repo/` and from the file system. Paths on disk keep
the run directory names as they are; links percent-encode them.
"""

from __future__ import annotations

from urllib.parse import quote as _quote
from urllib.parse import unquote

from . import memo

# Links are built for every cell that names a runtime or a file: a 10,000-result build asks for
# the same few hundred names hundreds of thousands of times.
quote = memo.memoised(maxsize=65536)(_quote)


def _run_path(run_id: str) -> str:
    # The root of a results tree can itself be a run; its id is ".".
    return "_root" if run_id == "." else run_id


@memo.memoised(maxsize=65536)
def quote_path(path: str) -> str:
    return "/".join(quote(part, safe="") for part in path.split("/"))


def share_folder(level: int) -> str:
    """The folder, inside its run's, of the link-preview page of the composite scorecard at
    `level` (named like its anchor: discover.py gives a run folder of that name a suffix)."""
    return f"composite-c{level}"


class Urls:
    """Site-relative paths (no leading slash). Directories end with '/', served as index.html."""

    home = ""
    runs = "runs/"
    runs_index = "runs/index.json"  # every run, compact, for the runs page's filters
    methodology = "methodology/"
    report = "report/"
    compare = "compare/"
    compare_index = "compare/index.json"  # what the compare view picks from, loaded by compare.js
    changes = "changes.json"  # every change beyond noise the history shows, for machines
    models = "models/"  # every model and workload measured, each with its page
    not_found = "404.html"
    assets = "assets/"

    @staticmethod
    def run(run_id: str) -> str:
        return f"runs/{quote_path(_run_path(run_id))}/"

    @staticmethod
    def month(month: str) -> str:
        """The page of every run of one month ("2026-03", or "undated")."""
        return f"archive/{quote(month, safe='')}/"

    @staticmethod
    def hardware(hardware_id: str) -> str:
        return f"hardware/{quote(hardware_id, safe='')}/"

    @staticmethod
    def cohort(model: str, workload: str) -> str:
        """The page of one model and workload, across every machine."""
        return f"models/{quote(model, safe='')}/{quote(workload, safe='')}/"

    @staticmethod
    def runtime(runtime_id: str) -> str:
        return f"runtimes/{quote(runtime_id, safe='')}/"

    @staticmethod
    def raw(run_id: str, file_name: str) -> str:
        return f"raw/{quote_path(_run_path(run_id))}/{quote(file_name, safe='')}"

    @staticmethod
    def feed(hardware_id: str | None) -> str:
        return "feed.xml" if hardware_id is None else f"hardware/{quote(hardware_id, safe='')}/feed.xml"


def disk_path(url: str) -> str:
    """The file an URL is written to, relative to the output directory (unquoted)."""

    path = unquote(url)
    return path + "index.html" if path.endswith("/") or path == "" else path


def root_prefix(from_url: str) -> str:
    """The relative path from a page to the site root, without a trailing slash: ".", "..", "../.."."""
    depth = from_url.count("/")
    return "/".join([".."] * depth) if depth else "."


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both site-relative.

    Directory URLs get an explicit `index.html`, so links also work when the
    site is opened from the file system.
    """
    target = to_url + "index.html" if to_url == "" or to_url.endswith("/") else to_url
    return "../" * from_url.count("/") + target
