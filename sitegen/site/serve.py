"""`sitegen serve`: a local static server for the built site, with optional rebuild on change.

It binds to 127.0.0.1 unless told otherwise, serves only files inside the
output directory (the standard handler resolves and confines every path),
answers unknown paths with the site's 404 page, and with `--watch` rebuilds
into a temporary directory, keeping the last good site when a rebuild fails.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .. import memo
from ..config import LoadedConfig, load_config
from ..errors import BuildError, SitegenError
from ..theme import default_dir
from .build import build_site
from .output import real_output, recover_output


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the site directory; the site's own 404 page for anything else.

    No directory is ever listed (a directory without index.html is a 404); a path
    the file system cannot take (a NUL byte, a lone surrogate from `%ed%a0%80`) is a
    400, not a traceback; and nothing is served through a link (a site sitegen
    builds holds none: one found there was put there by someone else). An idle
    connection is closed after `timeout` seconds, so idle clients cannot hold the
    server's threads.
    """

    timeout = 30

    def send_head(self):
        path = self.translate_path(self.path)
        try:
            os.fsencode(path)
        except UnicodeEncodeError:  # a lone surrogate: no file can have it
            path = "\0"
        if "\0" in path:  # no file can have it; open() would raise
            self.send_error(400, "Bad request path")
            return None
        if not self._reached_without_a_link(path):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def _reached_without_a_link(self, path: str) -> bool:
        """Whether `path` (and the index.html a folder stands for) lies in the site's folder
        with no link on the way."""
        root = os.path.realpath(self.directory)  # the site's own folder may be reached by a link
        candidates = [path]
        if os.path.isdir(path):
            candidates.append(os.path.join(path, "index.html"))
        for candidate in candidates:
            rel = os.path.relpath(candidate, self.directory)
            if rel == ".." or rel.startswith(".." + os.sep):
                return False
            plain = os.path.normpath(os.path.join(root, rel))
            if os.path.lexists(plain) and os.path.realpath(plain) != plain:
                return False
        return True

    def list_directory(self, path):
        self.send_error(404, "File not found")
        return None

    def not_found_page(self) -> Path | None:
        """The page served, with status 404, for any missing path: the site's own."""
        return Path(self.directory) / "404.html"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.not_found_page()
        if code == 404 and page is not None and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the terminal shows build progress instead


class SiteServer(ThreadingHTTPServer):
    """A thread per connection, with a listen backlog a browser (or a burst of clients) cannot
    overflow: with the standard library's 5, the system drops new connections once five wait,
    and their clients retry after seconds, then minutes (3,000 idle connections kept the
    server from answering for about three minutes)."""

    request_queue_size = 128
    daemon_threads = True


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(directory))
    return SiteServer((host, port), handler)


def watched_state(config: LoadedConfig, out: Path) -> tuple:
    """A cheap snapshot (paths, sizes, mtimes) of everything a rebuild depends on."""
    roots = list(config.result_roots) + [default_dir("templates"), default_dir("static")]
    if config.site.theme:
        roots.append(config.base_dir / config.site.theme)
    skip = os.path.realpath(out)
    state = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not d.startswith(".") and os.path.realpath(os.path.join(dirpath, d)) != skip
            )
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                state.append((dirpath, name, st.st_size, st.st_mtime_ns))
    site_toml = config.source or config.base_dir / "site.toml"  # also when it is created later
    if site_toml.exists():
        st = site_toml.stat()
        state.append(("config", str(site_toml), st.st_size, st.st_mtime_ns))
    return tuple(state)


def serve_site(
    config: LoadedConfig,
    out: Path | None,
    host: str,
    port: int,
    watch: bool,
    progress: Callable[[str], None],
    echo: Callable[[str], None],
    stop: threading.Event | None = None,
    poll_seconds: float = 1.0,
) -> None:
    out = real_output(out or config.output_dir)
    recover_output(out)
    if not (out / "index.html").is_file():
        echo(build_site(config, out, progress=progress).line())
    try:
        server = make_server(out, host, port)
    except OSError as exc:
        raise BuildError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stop = stop or threading.Event()
    if watch:
        # The first snapshot is taken before the URL is shown: any change made after that is seen.
        state = watched_state(config, out)
        watcher = threading.Thread(
            target=_watch, args=(config, out, progress, echo, stop, poll_seconds, state), daemon=True
        )
        watcher.start()
    shown_host = f"[{host}]" if ":" in host else host
    echo(f"serving {out} at http://{shown_host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def _watch(
    config: LoadedConfig,
    out: Path,
    progress,
    echo,
    stop: threading.Event,
    poll_seconds: float,
    state: tuple,
) -> None:
    while not stop.wait(poll_seconds):
        current = watched_state(config, out)
        if current == state:
            continue
        state = current
        echo("change detected: rebuilding")
        try:
            # Read site.toml again; render in this process: forking beside the server's threads is unsafe.
            fresh = load_config(config.source, config.base_dir)
            memo.clear()  # each rebuild starts as a fresh process would: no memory of the last
            echo(build_site(fresh, out, progress=progress, workers=1).line())
        except SitegenError as exc:
            echo(f"rebuild failed, still serving the last good site: {exc}")
        except Exception as exc:  # a rebuild must never take the server down
            echo(f"rebuild failed, still serving the last good site: {type(exc).__name__}: {exc}")
