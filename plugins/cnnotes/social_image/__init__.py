"""A link-preview image for every post and page, and one per UI language for the rest.

Each post's card (card.py: its title in its own language, the site's name, the date)
is written beside its page as `social.png` (`{url}social.png`); listing pages get
`social/<lang>.png` (site name and subtitle). Templates call
`social_image_url(obj.url, obj.save_as, ui_lang)` for the absolute URL (og:image, twitter:image).

Drawing a card takes a fair part of a second, so each is kept under
SOCIAL_IMAGE_CACHE (.cache/social-images/) by the hash of what it shows and of the
layout's version: a build draws only the cards whose inputs changed.

Without the font (Debian's fonts-noto-cjk) a publish build (SOCIAL_IMAGES_REQUIRED)
fails saying so; the author's build warns and goes on without the cards.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile

from pelican import signals
from pelican.generators import Generator

from cnnotes.bilingual.strings import format_date, t

from . import card as card_module

log = logging.getLogger(__name__)
FILE_NAME = "social.png"


def image_path(url: str) -> str:
    """Where the card of the post or page at `url` goes, relative to the output: beside its page."""
    return (url if url.endswith("/") or not url else os.path.dirname(url) + "/") + FILE_NAME


def site_image_path(lang: str) -> str:
    return f"social/{lang}.png"


def social_image_url(settings, url=None, save_as=None, lang=None) -> str:
    """The card of the post or page at `url` (written when its save_as is), else the site's."""
    siteurl = settings.get("SITEURL", "")
    if url and save_as:
        return f"{siteurl}/{image_path(url)}"
    return f"{siteurl}/{site_image_path(lang or settings.get('DEFAULT_LANG', 'en'))}"


def cache_key(card: card_module.Card) -> str:
    data = json.dumps([card_module.LAYOUT, card.title, card.site_name, card.date, card.lang],
                      ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def cached_png(card: card_module.Card, cache_dir: str) -> str:
    """Path of the card's PNG in the cache, drawn first when missing (written atomically)."""
    path = os.path.join(cache_dir, cache_key(card) + ".png")
    if not os.path.exists(path):
        os.makedirs(cache_dir, exist_ok=True)
        data = card_module.render(card)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    return path


def _contents(context):
    seen = set()
    for key in ("articles", "drafts", "pages", "draft_pages"):
        for c in context.get(key, []) or []:
            for item in (c, *getattr(c, "translations", [])):
                if id(item) not in seen:
                    seen.add(id(item))
                    yield item


class SocialImageGenerator(Generator):
    def generate_output(self, writer):
        settings = self.settings
        cache_dir = settings.get("SOCIAL_IMAGE_CACHE") or os.path.join(".cache", "social-images")
        jobs = []
        for c in _contents(self.context):
            if not c.save_as:  # not written in this build (a draft when publishing)
                continue
            date = getattr(c, "date", None)
            shown_date = format_date(date, c.lang) if date and date.year < 9999 else ""
            jobs.append((image_path(c.url), card_module.Card(
                title=c.title, site_name=t("site_name", c.lang), date=shown_date, lang=c.lang)))
        for lang in settings.get("LANGUAGES") or (settings["DEFAULT_LANG"],):
            jobs.append((site_image_path(lang), card_module.Card(
                title=t("subtitle", lang), site_name=t("site_name", lang), date="", lang=lang)))
        try:
            for rel, card in jobs:
                target = os.path.join(self.output_path, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(cached_png(card, cache_dir), target)
        except card_module.FontMissing as missing:
            # publishing without the cards fails; the author's preview goes on without them
            report = log.error if settings.get("SOCIAL_IMAGES_REQUIRED") else log.warning
            report("social images: %s", missing)


def add_template_global(pelican):
    settings = pelican.settings
    globals_ = dict(settings.get("JINJA_GLOBALS") or {})
    globals_["social_image_url"] = lambda url=None, save_as=None, lang=None: social_image_url(
        settings, url, save_as, lang)
    settings["JINJA_GLOBALS"] = globals_


def get_generators(pelican):
    return SocialImageGenerator


def register():
    signals.initialized.connect(add_template_global)
    signals.get_generators.connect(get_generators)
