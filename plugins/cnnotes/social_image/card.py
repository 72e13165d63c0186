"""One link-preview card (1200x630 PNG): a post's title in its own language, the site's
name and the date, drawn with Pillow in Noto Sans CJK (Debian's fonts-noto-cjk), whose
faces cover Latin and Chinese alike. Pure: the same inputs give the same bytes."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (13, 17, 23)
ACCENT = (88, 166, 255)
TITLE = (240, 246, 252)
MUTED = (139, 148, 158)
FONT_DIR = "/usr/share/fonts/opentype/noto"
FONTS = {"bold": f"{FONT_DIR}/NotoSansCJK-Bold.ttc", "regular": f"{FONT_DIR}/NotoSansCJK-Regular.ttc"}
# the face of the .ttc for each language: Simplified Chinese glyph shapes for zh
FACE_FOR_LANG = {"zh": "Noto Sans CJK SC", "en": "Noto Sans CJK SC"}
# version of the drawing: part of the cache key, so a changed layout is drawn again
LAYOUT = "1"
TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+")


class FontMissing(RuntimeError):
    """The CJK font is not installed; the message says which package has it."""


@dataclass(frozen=True)
class Card:
    title: str
    site_name: str
    date: str      # as readers see it ("Jul 19, 2016" / "2016年7月19日"), or ""
    lang: str


def font(weight: str, size: int, lang: str) -> ImageFont.FreeTypeFont:
    path, wanted = FONTS[weight], FACE_FOR_LANG.get(lang, FACE_FOR_LANG["en"])
    try:
        for index in range(10):
            face = ImageFont.truetype(path, size, index=index)
            if face.getname()[0] == wanted:
                return face
    except OSError:
        raise FontMissing(f"{path} not found: install Debian's fonts-noto-cjk "
                          "(tools/debian-packages.txt) for the social images") from None
    raise FontMissing(f"{path} has no face {wanted!r}")


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines no wider than `width`: Latin words kept whole, CJK broken between characters."""
    lines, line = [], ""
    for token in TOKEN.findall(" ".join(text.split())):
        candidate = line + token
        if line and face.getlength(candidate.rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fitted_title(title: str, lang: str, width: int, max_lines: int = 4):
    """The largest title size (72 down to 40 px) at which it fits in max_lines, and its lines;
    a longer title is cut with an ellipsis."""
    for size in (72, 64, 56, 48, 40):
        face = font("bold", size, lang)
        lines = wrap(title, face, width)
        if len(lines) <= max_lines:
            return face, lines
    lines = lines[:max_lines]
    while lines[-1] and face.getlength(lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return face, lines


def render(card: Card) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    site = font("regular", 34, card.lang)
    draw.text((MARGIN, MARGIN - 10), card.site_name, font=site, fill=ACCENT)
    face, lines = fitted_title(card.title, card.lang, text_width)
    line_height = int(face.size * 1.3)
    top = (HEIGHT - line_height * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text((MARGIN, top + i * line_height), line, font=face, fill=TITLE)
    if card.date:
        small = font("regular", 30, card.lang)
        draw.text((MARGIN, HEIGHT - MARGIN - 30), card.date, font=small, fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
