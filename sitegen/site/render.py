"""Render page views with jinja2 and write the site's files into a directory.

Templates come from the site's theme directory first, then the default theme;
an override can extend the template it replaces with `{% extends "default:base.html" %}`.
Jinja runs with autoescape on and StrictUndefined: a template that names a
missing value fails the build instead of printing nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from .. import memo
from ..theme import default_dir
from ..urls import disk_path
from .cache_store import CacheHome
from .pages import PageJob
from .rows import data_table_html, table_html


def template_dirs(theme: Path | None) -> list[Path]:
    dirs = []
    if theme is not None and (theme / "templates").is_dir():
        dirs.append(theme / "templates")
    dirs.append(default_dir("templates"))
    return dirs


def environment(theme: Path | None, bytecode: CacheHome | None = None) -> Environment:
    """`bytecode`: the cache folder where compiled templates are kept between builds, signed
    (jinja checks each template's source, so an edited theme recompiles)."""
    default = FileSystemLoader(str(default_dir("templates")))
    loaders = [FileSystemLoader(str(d)) for d in template_dirs(theme)]
    env = Environment(
        loader=ChoiceLoader([PrefixLoader({"default": default}, delimiter=":"), *loaders]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=SignedBytecodeCache(bytecode) if bytecode is not None else None,
    )
    env.filters["trusted_html"] = Markup  # only for HTML that sitegen itself made safe (rendered notes)
    env.filters["table_html"] = table_html  # a sortable table, escaped once per value
    env.filters["data_table_html"] = data_table_html  # a chart's data table
    return env


def shared_environment(theme: Path | None, bytecode: CacheHome | None, templates: str) -> Environment:
    """This process's environment for a theme: made once, then shared by every page drawn here
    (templates compile once per process; a forked worker inherits the parent's). `templates`:
    the key of the templates' contents (keys.SiteKeys.templates): templates are not checked
    again once compiled, so an edited one (theme or default) gets an environment of its own."""
    key = (theme, bytecode, templates)
    env = _environments.get(key)
    if env is None:
        env = _environments[key] = environment(theme, bytecode)
    return env


_environments: dict[tuple[Path | None, CacheHome | None, str], Environment] = memo.registered({})


def render_jobs(env: Environment, out: Path, jobs: Sequence[PageJob]) -> int:
    """Render jobs one after the other in this process; the number of pages written."""
    folders: set[str] = set()  # made already: a run's seven pages share two folders
    root = str(out)
    return sum(_render(env, root, job, folders) for job in jobs)


def _render(env: Environment, out: str, job: PageJob, folders: set[str]) -> int:
    view = job.view()
    target = os.path.join(out, disk_path(job.url))
    folder = os.path.dirname(target)
    if folder not in folders:
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    if isinstance(view, bytes):
        _write(target, view)  # an image
        return 0
    if job.template is None:
        html = view  # a file written as it is (scorecards, badges, feeds)
    else:
        html = env.get_template(job.template).render(view=view, page=view.page)
    _write(target, html.encode("utf-8"))
    return 1 if job.template is not None else 0  # pages are counted, files beside them are not


def _write(path: str, data: bytes) -> None:
    """A new file with these bytes: three system calls, where a text file object takes six and
    an encoder (a site has thousands of pages)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def copy_assets(out: Path, theme: Path | None) -> None:
    """The default static files (plotly.js's basic bundle among them), then the theme's over them."""
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for source in [default_dir("static")] + (
        [theme / "static"] if theme and (theme / "static").is_dir() else []
    ):
        for path in sorted(source.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copyfile(path, assets / path.name)


class SignedBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, kept in the cache folder under the folder's signature: a
    file whose tag does not match is compiled again from the template, never loaded."""

    def __init__(self, home: CacheHome) -> None:
        self.home = home

    def _name(self, bucket: Bucket) -> str:
        return f"templates/{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = self.home.read(self._name(bucket))
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.home.write(self._name(bucket), bucket.bytecode_to_string())
        except OSError:
            pass  # a template compiles again next time
