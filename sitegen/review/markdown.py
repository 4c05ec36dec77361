"""Markdown for GitHub comments, with contributor strings kept as text.

Run titles, folder and file names and reasons come from other people's pull
requests. In a comment none of them may become markup, a link, an image or a
mention: `plain` escapes every ASCII punctuation character (CommonMark's
backslash escapes) and breaks what GitHub would turn into a link or a
mention after parsing (`@name`, `http://`, `www.`) with an invisible word
joiner; `code` puts a string in a code span, where nothing is markup, with
pipes escaped in tables. Both fold line breaks, show other control characters
as escapes (a comment is printed to CI logs too) and cut long strings.
"""

from __future__ import annotations

import re

from ..safetext import printable

WORD_JOINER = "\u2060"
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_LINK_STARTS = re.compile(r"(?i)(@|:(?=//)|www(?=\.))")
_BLANKS = re.compile(r"[\s\u0085\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")


def _one_line(text: str, limit: int) -> str:
    text = printable(_BLANKS.sub(" ", text).strip())  # other control characters as escapes
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int = 120) -> str:
    """`text` as literal markdown text on one line."""
    text = _one_line(text, limit)
    text = _LINK_STARTS.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)


def code(text: str, limit: int = 160, *, cell: bool = False) -> str:
    """`text` as a code span on one line; `cell`: inside a table, where a pipe ends the cell
    even in a code span unless escaped (GFM)."""
    text = _one_line(text, limit)
    if not text:
        return "(empty)"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    # One space inside each fence is dropped by the parser: text starting with a backtick stays whole.
    return f"{fence} {text.replace('|', chr(92) + '|') if cell else text} {fence}"


_URL_ESCAPES = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "%0A", "\r": "%0D"}


def link(text: str, url: str) -> str:
    """A link to one of the site's own pages: `text` is already markdown, `url` is built by
    sitegen from the base URL and percent-encoded paths; what would end a link destination
    (a space, a parenthesis, an angle bracket, a line break) is percent-encoded too."""
    return f"[{text}]({''.join(_URL_ESCAPES.get(c, c) for c in url)})"


def table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    """A GFM table of cells already written as markdown; `align`: one letter per column,
    "l" or "r" (default left)."""
    marks = [("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
