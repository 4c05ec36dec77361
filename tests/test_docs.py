"""The README documents every site.toml key and every validity rule (as datasette's tests keep
its settings documented): a key or rule added without a word in the README fails here."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from sitegen.catalog.validity import MAX_MEASURED, Validity
from sitegen.config import QualityConfig, SiteConfig

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's `## title` section, up to the next one."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def keys(model: type[BaseModel], path: str = "") -> list[str]:
    """Every key a site.toml may hold, as a dotted path: nested tables and arrays of tables too."""
    out = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        out.append(path + key)
        inner = info.annotation
        while typing.get_args(inner) and typing.get_origin(inner) in (list, tuple, dict, typing.Union):
            inner = next((a for a in typing.get_args(inner) if a is not type(None)), None)
            if typing.get_origin(inner) is None:
                break
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += keys(inner, f"{path}{key}.")
    return out


def code_words(text: str) -> set[str]:
    """Every word inside a `code` span."""
    return {word for span in re.findall(r"`([^`]+)`", text) for word in re.findall(r"[A-Za-z_][\w]*", span)}


def test_every_site_toml_key_is_documented():
    documented = code_words(section("site.toml"))
    all_keys = keys(SiteConfig)
    assert len(all_keys) > 30  # nested tables are walked
    missing = [key for key in all_keys if key.rsplit(".", 1)[-1] not in documented]
    assert missing == []


def test_every_validity_rule_is_documented():
    text = section("Truthful numbers")
    for kind in Validity:
        assert f"*{kind.value}*" in text, kind
    assert "**Stale entries.**" in text
    assert f"{MAX_MEASURED:.0e}".replace("+", "") in text  # the bound beyond which a value is no measurement
    for key in QualityConfig.model_fields:
        assert f"`[quality] {key}`" in text, key
    for rule in ("no successful request", "no output token", "a date after the build's"):
        assert rule in text, rule
