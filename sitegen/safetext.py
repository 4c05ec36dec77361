"""Contributor strings made safe for the places the site writes them.

- `safe_url`: a URL is kept only when it is http, https or relative after the
  normalisation browsers apply (they drop tab, CR and LF anywhere and control
  characters and spaces at both ends, so `java\\tscript:` would run).
- `script_json`: JSON for a `<script type="application/json">` element, with
  `<`, `>`, `&`, U+2028 and U+2029 escaped (`</` alone is not enough:
  `<!--<script>` swallows the rest of the page) and no NaN or Infinity.
- `xml_text`: text without the characters XML 1.0 forbids (feeds, sitemap, SVG);
  `xml_escape` and `xml_attr` write it into an element or an attribute.
- `escape_html`: text for HTML, with markupsafe's entities, without a Markup object.
- `shorten`: a name or title cut to what a page shows, with a hash to keep
  distinct long names distinct.
- `printable`, `printable_lines`, `printable_json`: text for a terminal or a CI log.
- `markdown_without_html`: the copy-as-Markdown text, with no HTML in it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

import pydantic_core

_DROPPED_ANYWHERE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ALLOWED_SCHEMES = frozenset({"http", "https"})


def safe_url(url: str) -> str:
    """`url` when it is an http, https or relative link, else "" (shown as text, never as a link)."""
    normalised = _DROPPED_ANYWHERE.sub("", url).strip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(normalised)
    if match and match.group(1).lower() not in _ALLOWED_SCHEMES:
        return ""
    if normalised != url:  # what a browser would read differs from what a reader sees
        return ""
    return url


# What could end a <script> element or a JavaScript string early, as JSON escapes. Applied with
# str.replace, which is many times faster than str.translate on the large chart documents.
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def finite(value: Any) -> Any:
    """`value` with every NaN or infinite float replaced by None (absent), in lists and dicts."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def escape_html(text: str) -> str:
    """HTML-escape as markupsafe does (same entities), without building a Markup object; most
    cell values are numbers and units with nothing to escape."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return (
            text.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return text


def dumps_finite(value: Any, **options: Any) -> str:
    """json.dumps that never writes NaN or Infinity: a value that cannot be computed is null."""
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **options)


def compact_json(value: Any) -> str:
    """Compact JSON (no spaces, non-ASCII as itself) that never writes NaN or Infinity (null).

    Written by pydantic-core's serializer: every run publishes its scorecards as JSON, and it
    writes them about five times faster than the json module. The text is the same except
    for small numbers in exponent form (`1e-7`, as serde_json writes them, not `1e-07`).
    Anything it will not write (a lone surrogate; an older pydantic-core without
    `inf_nan_mode`) is written by the json module instead.
    """
    try:
        return pydantic_core.to_json(value, inf_nan_mode="null").decode()
    except (TypeError, ValueError):  # PydanticSerializationError is a ValueError
        return dumps_finite(value, ensure_ascii=False, separators=(",", ":"))


def script_json(value: Any) -> str:
    """JSON that can stand inside an HTML <script> element as it is: compact_json, so keys keep
    the order sitegen built them in (a fixed order: the same inputs, the same bytes)."""
    text = compact_json(value)
    for char, escaped in _SCRIPT_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 does not allow."""
    return _XML_FORBIDDEN.sub("", text)


def xml_escape(text: str) -> str:
    """Text for an XML element: `&`, `<` and `>` as entities (as xml.sax.saxutils.escape writes
    it, without importing it: it loads the whole HTTP and TLS stack)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def markdown_without_html(text: str) -> str:
    """Markdown whose `<`, `>` and `&` are entities: pasted into a comment, a name such as
    `<svg onload=...>` reads as text, not HTML (GitHub's markdown shows entities as the
    characters). The reference's markdown has none of these characters of its own."""
    if "<" in text or ">" in text or "&" in text:
        return xml_escape(text)
    return text


def xml_element_text(text: str) -> str:
    """Contributor text for an XML element: the characters XML 1.0 forbids dropped, escaped."""
    return xml_escape(xml_text(text))


def xml_attr(text: str) -> str:
    """An XML attribute value with its quotes, as xml.sax.saxutils.quoteattr writes it."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


MAX_SHOWN = 200


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """`text` when it fits; else its start, an ellipsis and a short hash of the whole."""
    if len(text) <= limit:
        return text
    tag = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return text[: limit - 10] + "…" + tag


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# GitHub Actions reads `##[command]` anywhere in a line of a log (the old form of `::command::`).
OLD_WORKFLOW_COMMAND = "##["


def printable(text: str) -> str:
    """One line for a terminal or a CI log: control characters (line breaks, escape sequences)
    written as escapes, so a contributor's file name cannot start a line of its own (a workflow
    command, say) or restyle the terminal, and `##[` as `#\\#[`, which the runner does not read
    as a command (in markdown it still reads `##[`)."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text.replace(OLD_WORKFLOW_COMMAND, "#\\#[") if OLD_WORKFLOW_COMMAND in text else text


def printable_lines(text: str) -> str:
    """A document for a terminal or a CI log: each of its lines `printable`."""
    return "\n".join(printable(line) for line in text.split("\n"))


_JSON_LOG_ESCAPES = (
    ("##[", "#\\u0023["),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
_C1 = re.compile("[\x7f-\x9f]")


def printable_json(text: str) -> str:
    """JSON text for a terminal or a CI log, the same value once parsed: what a runner or a
    terminal would act on (`##[`, C1 controls, U+2028 and U+2029; the JSON encoder escapes the
    other control characters already) as \\u escapes, which JSON allows only in strings."""
    for char, escaped in _JSON_LOG_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
