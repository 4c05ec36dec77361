"""Per-run metadata: an optional run.toml and README.md, and the run's date.

README.md is rendered with markdown-it-py with raw HTML and images disabled,
and links are kept only when they are http, https or relative after the
normalisation browsers apply (`safetext.safe_url`): notes come from whoever
wrote the results.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import memo
from ..safefs import Refused, read_regular
from ..safetext import MAX_SHOWN, safe_url, shorten

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# The comparability settings run.toml may give (catalog/model.py SETTINGS, in that order).
SETTING_FIELDS = ("precision", "tensor_parallel", "dataset", "load_generator")
MAX_NOTES_BYTES = 1024 * 1024
MAX_RUN_TOML_BYTES = 256 * 1024
MAX_LINK = 2000


class RunToml(BaseModel):
    """run.toml: every key optional; keys not listed here are kept as free fields."""

    model_config = ConfigDict(extra="allow", frozen=True)
    title: str = ""
    date: dt.date | None = None
    hardware: str = ""
    tags: list[str] = Field(default_factory=list)
    commit: str = ""
    link: str = ""
    model: str = ""
    workload: str = ""
    precision: str = ""
    tensor_parallel: int | str = ""
    dataset: str = ""
    load_generator: str = ""
    engine_version: str = ""
    runtime: str = ""  # the runtime of imported results whose files name none


@dataclass(frozen=True, slots=True)
class RunMetadata:
    title: str = ""
    date: dt.date | None = None
    hardware: str = ""
    tags: tuple[str, ...] = ()
    commit: str = ""
    link: str = ""
    model: str = ""
    workload: str = ""
    settings: tuple[tuple[str, str], ...] = ()  # comparability settings of run.toml (model.SETTINGS)
    engine_version: str = ""
    runtime: str = ""  # the runtime of imported results whose files name none ("unnamed")
    fields: tuple[tuple[str, str], ...] = ()  # free fields of run.toml, as text
    notes_html: str = ""
    problems: tuple[str, ...] = field(default=())  # (file name: reason) lines


def _safe_link(url: str) -> bool:
    return bool(safe_url(url))


@memo.memoised(maxsize=None)
def _markdown() -> MarkdownIt:
    """The notes renderer, made when a run first has notes: markdown-it compiles some sixty
    patterns as it loads (about 6 % of sitegen's start-up), and most runs have no README.md."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _safe_link
    md.enable("table")
    # Images would load from wherever a contributor points them; notes show links only.
    md.disable("image")
    md.add_render_rule("link_open", _contributor_link)
    return md


def _contributor_link(self, tokens, idx, options, env) -> str:
    """Links in notes are the contributor's: no referrer credit, no window access."""
    tokens[idx].attrSet("rel", "nofollow ugc noopener")
    return self.renderToken(tokens, idx, options, env)


def render_notes(text: str) -> str:
    return _markdown().render(text)


def read_metadata(directory: Path, present: Collection[str] = ("run.toml", "README.md")) -> RunMetadata:
    """run.toml and README.md of a run directory, read only when the walk found them to be
    regular files inside the results root (`present`)."""
    problems: list[str] = []
    toml = RunToml()
    if "run.toml" in present:
        try:
            text = read_regular(os.path.realpath(directory / "run.toml"), MAX_RUN_TOML_BYTES).decode("utf-8")
            toml = RunToml.model_validate(tomllib.loads(text))
        except Refused as refused:
            problems.append(f"run.toml: {refused.reason}")
        except UnicodeDecodeError as exc:
            problems.append(f"run.toml: not UTF-8 text (invalid byte at offset {exc.start})")
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"run.toml: not valid TOML: {exc}")
        except RecursionError:
            problems.append("run.toml: not valid TOML: nested too deeply")
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in error["loc"])
            problems.append(f"run.toml: {where}: {error['msg']}")
            toml = RunToml()
    notes = ""
    if "README.md" in present:
        try:
            notes = render_notes(
                read_regular(os.path.realpath(directory / "README.md"), MAX_NOTES_BYTES).decode("utf-8")
            )
        except Refused as refused:
            problems.append(f"README.md: {refused.reason.replace('; not read', '; not shown')}")
        except UnicodeDecodeError as exc:
            problems.append(f"README.md: not UTF-8 text (invalid byte at offset {exc.start})")
        except RecursionError:
            problems.append("README.md: nested too deeply; not shown")

    def shown(what: str, value: str) -> str:
        if len(value) > MAX_SHOWN:
            problems.append(f"run.toml: {what} is {len(value):,} characters long; shown cut to {MAX_SHOWN}")
        return shorten(value)

    extra = tuple(
        sorted(
            (shown("a field name", str(k)), shown(str(k)[:40], _text(v)))
            for k, v in (toml.model_extra or {}).items()
        )
    )
    link = safe_url(toml.link)
    if toml.link and not link:
        problems.append("run.toml: link: only http, https and relative links are shown; this one is not")
    if len(link) > MAX_LINK:
        problems.append(f"run.toml: link is {len(link):,} characters long; not shown")
        link = ""
    return RunMetadata(
        title=shown("title", toml.title),
        date=toml.date,
        hardware=toml.hardware,
        tags=tuple(shown("a tag", t) for t in toml.tags),
        commit=shown("commit", toml.commit),
        link=link,
        model=shown("model", toml.model),
        workload=shown("workload", toml.workload),
        settings=tuple(
            (name, shown(name, str(getattr(toml, name)).strip()))
            for name in SETTING_FIELDS
            if str(getattr(toml, name)).strip()
        ),
        engine_version=shown("engine_version", toml.engine_version.strip()),
        runtime=shown("runtime", toml.runtime.strip()),
        fields=extra,
        notes_html=notes,
        problems=tuple(problems),
    )


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in sorted(value.items()))
    return str(value)


_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_path(run_id: str) -> dt.date | None:
    """The last YYYY-MM-DD or YYYYMMDD in the run path (its deepest directory first)."""
    for part in reversed(run_id.split("/")):
        matches = list(_DATE_IN_NAME.finditer(part))
        for m in reversed(matches):
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None
