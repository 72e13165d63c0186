"""Link-preview cards: real CJK glyphs, the post's words, drawn once per content."""
import io
import os

import pytest
from PIL import Image, ImageDraw

from cnnotes.social_image import cache_key, cached_png, image_path, social_image_url
from cnnotes.social_image import card as card_module
from cnnotes.social_image.card import Card

pytestmark = pytest.mark.skipif(not os.path.exists(card_module.FONTS["bold"]),
                                reason=f"{card_module.FONTS['bold']} is missing: install Debian's fonts-noto-cjk")


def glyph(face, char):
    image = Image.new("L", (120, 120))
    ImageDraw.Draw(image).text((0, 0), char, font=face, fill=255)
    return image.tobytes()


def test_chinese_titles_are_drawn_with_real_glyphs_not_boxes():
    face = card_module.font("bold", 72, "zh")
    notdef = glyph(face, "\U000F0000")  # a private-use character: the missing-glyph box
    drawn = {glyph(face, char) for char in "集群网络启动"}
    assert notdef not in drawn and len(drawn) == 6


def test_a_card_is_1200_by_630_and_shows_the_title():
    blank = Image.open(io.BytesIO(card_module.render(Card("", "云原生笔记", "", "zh"))))
    drawn = Image.open(io.BytesIO(card_module.render(Card("如何快速启动一个Kubernetes集群", "云原生笔记",
                                                          "2016年8月24日", "zh"))))
    assert drawn.size == (1200, 630) and drawn.format == "PNG"
    middle = (80, 200, 1120, 430)  # where the title goes
    assert blank.crop(middle).getextrema() != drawn.crop(middle).getextrema()


def test_long_titles_wrap_between_words_and_between_chinese_characters():
    face = card_module.font("bold", 72, "en")
    lines = card_module.wrap("How docker 1.11 share network accross containers", face, 1040)
    assert len(lines) == 2 and all(not line.startswith(" ") for line in lines)
    assert " ".join(lines) == "How docker 1.11 share network accross containers"
    zh = card_module.wrap("如何快速启动一个Kubernetes集群如何快速启动一个Kubernetes集群", face, 1040)
    assert len(zh) >= 2 and "".join(zh) == "如何快速启动一个Kubernetes集群" * 2
    face, lines = card_module.fitted_title("word " * 200, "en", 1040)
    assert len(lines) == 4 and lines[-1].endswith("…")


def test_drawn_once_per_content(tmp_path):
    card = Card("Setup hyperd with flannel network", "Cloud Native Notes", "Jul 19, 2016", "en")
    first = cached_png(card, str(tmp_path))
    os.utime(first, (1, 1))
    assert cached_png(card, str(tmp_path)) == first and os.stat(first).st_mtime == 1  # not drawn again
    other = Card("Setup hyperd with flannel network", "Cloud Native Notes", "Jul 20, 2016", "en")
    assert cache_key(other) != cache_key(card)


def test_missing_fonts_say_which_package(monkeypatch):
    monkeypatch.setitem(card_module.FONTS, "bold", "/nonexistent/missing-cjk-font.ttc")
    with pytest.raises(card_module.FontMissing, match="fonts-noto-cjk"):
        card_module.font("bold", 72, "zh")


def test_urls_beside_the_page_and_absolute_with_siteurl():
    settings = {"SITEURL": "https://user.github.io/repo", "DEFAULT_LANG": "en"}
    assert image_path("zh/2016/08/24/slug/") == "zh/2016/08/24/slug/social.png"
    assert social_image_url(settings, "en/about/", "en/about/index.html") == \
        "https://user.github.io/repo/en/about/social.png"
    assert social_image_url(settings, None, None, "zh") == "https://user.github.io/repo/social/zh.png"


@pytest.mark.parametrize("required, fails", [(True, True), (False, False)])
def test_without_the_font_publishing_fails_and_the_preview_goes_on(tmp_path, monkeypatch, required, fails):
    from tests.helpers import ROOT, run_build
    from tools.build import BuildFailed

    monkeypatch.setitem(card_module.FONTS, "bold", "/nonexistent/missing-cjk-font.ttc")
    monkeypatch.setitem(card_module.FONTS, "regular", "/nonexistent/missing-cjk-font.ttc")
    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    (content / "a.md").write_text("---\ntitle: A\ndate: 2016-01-01\n---\nx\n")
    overrides = dict(SOCIAL_IMAGES_REQUIRED=required, SOCIAL_IMAGE_CACHE=str(tmp_path / "cache"))
    if fails:
        with pytest.raises(BuildFailed) as failed:
            run_build(tmp_path / "content", tmp_path / "out", **overrides)
        assert any("fonts-noto-cjk" in e for e in failed.value.errors), failed.value.errors
    else:
        out = run_build(tmp_path / "content", tmp_path / "out", **overrides)
        assert (out / "index.html").is_file() and not list(out.rglob("social.png"))
