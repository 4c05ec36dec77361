"""PNG preview cards (1200x630) for link previews of runs and hardware targets.

Drawn with Pillow and its bundled font, in a small palette: about 2.5 ms and
15 KB a card, no network. A card's file name is the hash of what it shows,
so a rebuild takes unchanged cards from the previous site (when the build
trusts it) instead of drawing them again. Cards are drawn only for a site with a base URL (link previews
need an image's absolute address); without one, or without Pillow, the build
says so once and pages keep text-only previews.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import memo
from ..safefs import Refused, read_regular

WIDTH, HEIGHT = 1200, 630
# Palette: background, white, muted, then one colour per grade family.
_PALETTE = {
    "bg": (11, 79, 108),
    "fg": (255, 255, 255),
    "muted": (200, 220, 230),
    "A": (26, 127, 55),
    "B": (63, 125, 32),
    "C": (154, 103, 0),
    "D": (188, 76, 0),
    "F": (207, 34, 46),
    "track": (23, 96, 128),
}
_INDEX = {name: i for i, name in enumerate(_PALETTE)}
MAX_ROWS = 5


@dataclass(frozen=True, slots=True)
class CardSpec:
    title: str
    subtitle: str
    rows: tuple[tuple[str, str, float], ...]  # (runtime, grade, composite score 0..100)
    footer: str = "Composite score at the lowest concurrency measured (c=1 in most runs)"

    def key(self) -> str:
        text = json.dumps([self.title, self.subtitle, self.rows, self.footer], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def url(self) -> str:
        return f"cards/{self.key()}.png"


def missing_reason() -> str | None:
    """Why cards cannot be drawn here, or None when they can."""
    try:
        from PIL import Image, ImageFont  # noqa: F401
    except ImportError:
        return "Pillow is not installed: no preview images, link previews use text only"
    return None


_FONTS: dict[int, object] = memo.registered({})


def _font(size: int):
    from PIL import ImageFont

    if size not in _FONTS:
        _FONTS[size] = ImageFont.load_default(size=size)
    return _FONTS[size]


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw_card(spec: CardSpec) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("P", (WIDTH, HEIGHT), _INDEX["bg"])
    image.putpalette([c for rgb in _PALETTE.values() for c in rgb])
    draw = ImageDraw.Draw(image)
    draw.text((60, 48), _fit(spec.title, 36), font=_font(54), fill=_INDEX["fg"])
    draw.text((60, 118), _fit(spec.subtitle, 56), font=_font(32), fill=_INDEX["muted"])
    for i, (name, grade, score) in enumerate(spec.rows[:MAX_ROWS]):
        top = 190 + i * 82
        draw.rectangle((60, top, 1140, top + 64), fill=_INDEX["track"])
        width = int(1080 * max(0.0, min(score, 100.0)) / 100.0)
        draw.rectangle((60, top, 60 + max(width, 4), top + 64), fill=_INDEX.get(grade[:1], _INDEX["muted"]))
        draw.text((80, top + 12), _fit(name, 30), font=_font(36), fill=_INDEX["fg"])
        draw.text((900, top + 12), f"{grade:<3} {score:.0f}", font=_font(36), fill=_INDEX["fg"])
    draw.text((60, 590 - 24), spec.footer, font=_font(24), fill=_INDEX["muted"])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CARD_BYTES = 1 << 20  # a card is about 15 KB


@dataclass(frozen=True, slots=True)
class Cards:
    """Preview cards are drawn for this build. `reuse_from`: the previous site, when the build
    trusts it (its signed cache vouches for it, site/build.py): a card of the same name is taken
    from there instead of drawn again, if it is a regular PNG file reached without a link."""

    reuse_from: Path | None = None

    def bytes_of(self, spec: CardSpec) -> bytes:
        previous = self._previous(spec)
        return previous if previous is not None else draw_card(spec)

    def _previous(self, spec: CardSpec) -> bytes | None:
        if self.reuse_from is None:
            return None
        folder = self.reuse_from / "cards"
        if os.path.realpath(folder) != os.path.join(os.path.realpath(self.reuse_from), "cards"):
            return None  # the folder is a link: nothing is read through it
        try:
            data = read_regular(folder / spec.url.rsplit("/", 1)[1], MAX_CARD_BYTES)
        except Refused:
            return None
        return data if data.startswith(PNG_SIGNATURE) else None
