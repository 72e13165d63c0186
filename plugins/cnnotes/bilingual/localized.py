"""One page written in every UI language, for any plugin's generator.

`write_localized(generator, writer, template, path, ...)` writes `<prefix>path/index.html`
for each language (English at `path`, Chinese at `zh/path`), each version with
`ui_lang` and `alternates` ({lang: url}, which base.html turns into hreflang links and
the language switch uses), and records `(url, alternates)` of each version in
`context["sitemap_urls"]` for the sitemap (`sitemap=False` for a page that is not to be
indexed).
"""
from __future__ import annotations

from types import SimpleNamespace

from .strings import lang_prefix


def ui_langs(settings) -> tuple:
    """The site's UI languages, the default one when LANGUAGES is not set."""
    return tuple(settings.get("LANGUAGES") or (settings.get("DEFAULT_LANG", "en"),))


def localized_url(lang: str, path: str, settings) -> str:
    """`path` (relative to the root, '' or ending in '/') in the UI language `lang`."""
    return lang_prefix(lang, settings.get("DEFAULT_LANG", "en")) + path


def add_menu_entry(context, settings, slug: str, path: str, title_of) -> None:
    """A menu entry for `path` in every UI language (title_of(lang) its title) in
    context["menu_pages"] ({lang: [pages]}, made by the bilingual plugin's listings),
    unless the menu has one with this slug; no menu, no entry."""
    menu = context.get("menu_pages")
    if not isinstance(menu, dict):
        return
    for lang in ui_langs(settings):
        items = menu.setdefault(lang, [])
        if not any(getattr(p, "slug", None) == slug for p in items):
            items.append(SimpleNamespace(url=localized_url(lang, path, settings), title=title_of(lang), slug=slug))


def alternates_of(path: str, settings) -> dict:
    """{lang: url} of `path` in every UI language."""
    return {lang: localized_url(lang, path, settings) for lang in ui_langs(settings)}


def write_localized(generator, writer, template: str, path: str, *, sitemap: bool = True,
                    each=None, **kwargs) -> None:
    """Write `path` in every UI language.

    template: its name; each(lang) -> dict: template values of one language version;
    kwargs: the values every version gets.
    """
    settings = generator.settings
    template = generator.get_template(template)
    alternates = alternates_of(path, settings)
    for lang, url in alternates.items():
        writer.write_file(
            url + "index.html", template, generator.context,
            relative_urls=settings.get("RELATIVE_URLS", False),
            ui_lang=lang, alternates=alternates, **kwargs, **(each(lang) if each else {}),
        )
        if sitemap:
            generator.context.setdefault("sitemap_urls", []).append((url, alternates))
