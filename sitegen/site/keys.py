"""Keys of what outputs are made from: equal keys mean equal files.

The site's key covers everything (sitegen's code and theme, site.toml, the theme,
the base URL, every run's fingerprint and the walk's notes): unchanged, the site
is up to date. A page's key covers what that page reads (views/context.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pydantic_core

from .. import __version__
from ..catalog.discover import WalkNote, shown_path
from ..config import LoadedConfig
from ..theme import default_dir


def code_hash() -> str:
    """sitegen's own code and default theme, and the version of pydantic-core, which writes
    its JSON (safetext.compact_json): a change to any of them changes every output."""
    digest = hashlib.blake2b(f"{__version__} {pydantic_core.__version__}".encode(), digest_size=16)
    package = Path(__file__).resolve().parents[1]
    for root, suffixes in (
        (package, (".py",)),
        (default_dir("templates"), None),
        (default_dir("static"), None),
    ):
        for path in sorted(root.rglob("*")):
            if (
                path.is_file()
                and (suffixes is None or path.suffix in suffixes)
                and "__pycache__" not in path.parts
            ):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def config_hash(config: LoadedConfig) -> str:
    text = config.source.read_bytes() if config.source is not None else b""
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def theme_hash(config: LoadedConfig) -> str:
    digest = hashlib.blake2b(digest_size=16)
    if config.site.theme:
        theme = config.base_dir / config.site.theme
        for path in sorted(theme.rglob("*")) if theme.is_dir() else ():
            if path.is_file() and not path.is_symlink():
                digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def notes_key(notes: Iterable[WalkNote], base_dir: Path) -> list[tuple[str, str, str]]:
    """The walk's notes with paths relative to site.toml's folder, as the site shows them."""
    return [(shown_path(note, base_dir), note.reason, note.level) for note in notes]


def output_key(pages_key: str, context: str) -> str:
    """The key of an output: what every page depends on, and what else this one reads."""
    return hashlib.blake2b(f"{pages_key}\0{context}".encode(), digest_size=16).hexdigest()


def run_output_key(pages_key: str, fingerprint: str, context: str) -> str:
    """The key of a run's own page and files: its files, its context (views/context.py: all
    else they read) and what every page depends on. Equal keys mean equal files."""
    return output_key(pages_key, f"{fingerprint}\0{context}")


@dataclass(frozen=True, slots=True)
class SiteKeys:
    """What every output depends on besides the runs: sitegen's code and default theme,
    site.toml, the theme and the base URL."""

    code: str
    settings: str
    theme: str
    base_url: str
    cache_settings: str  # site.toml and where it lies: cached records hold absolute paths

    @classmethod
    def of(cls, config: LoadedConfig, base_url: str) -> SiteKeys:
        # The source repository run pages link files in (given on the command line) is a setting
        # too; the commit is not: a page drawn at an earlier commit links the same bytes (its run's
        # files are unchanged, or it is drawn again), so a new commit alone redraws nothing.
        settings = config_hash(config) + (
            f":{config.site.source_repository}" if config.site.source_url else ""
        )
        return cls(
            code_hash(), settings, theme_hash(config), base_url, f"{settings}:{config.base_dir.resolve()}"
        )

    def site(self, fingerprints: Mapping[str, str], notes: Iterable[tuple[str, str, str]]) -> str:
        """The key of the whole site: unchanged means up to date."""
        digest = hashlib.blake2b(self.pages.encode(), digest_size=16)
        for run_id, fp in sorted(fingerprints.items()):
            digest.update(f"{run_id}\0{fp}\0".encode())
        for path, reason, level in notes:
            digest.update(f"{path}\0{reason}\0{level}\0".encode())
        return digest.hexdigest()

    @property
    def templates(self) -> str:
        """The key of the templates in use: sitegen's default theme (in its code) and the theme."""
        return f"{self.code}:{self.theme}"

    @property
    def pages(self) -> str:
        """The key of everything but the runs: a page that reads none of them keeps with it."""
        return f"{self.code}\0{self.settings}\0{self.theme}\0{self.base_url}"
