"""Bilingual site (中文 / English): listings in both UI languages, UI strings, dates.

- `ListingsGenerator` writes index/archives/tags/categories for every UI
  language (English at /, Chinese under /zh/), each post once, mixed
  languages, newest first, and the 404 page.
- Every article version gets `newer` / `older` (same language when possible).
- Templates get `t(key, lang)`, `format_date(d, lang)`, `lang_prefix(lang)`,
  `LANG_NAMES`, `LANG_SHORT`, `HTML_LANG`, and `term_name(category_or_tag, lang)`
  (terms.py: 网络 for Networking on Chinese pages; the URL keeps its slug); the
  context gets `menu_pages` and `term_names_taken`.
- `localized.write_localized(...)`: any plugin's page in every UI language, with its
  hreflang alternates, recorded for the sitemap (`context["sitemap_urls"]`).
Translations themselves are Pelican's: same `slug`, `translation: true`.
"""
from pelican import signals

from .listings import ListingsGenerator
from .strings import HTML_LANG, LANG_NAMES, LANG_SHORT, format_date, lang_prefix, t
from .terms import term_name


def get_generators(pelican):
    return ListingsGenerator


def add_template_helpers(generator):
    default = generator.settings["DEFAULT_LANG"]

    def named_term(term, lang):
        return term_name(term, lang, generator.settings.get("TERM_NAMES"),
                         generator.context.get("term_names_taken", ()))

    generator.env.globals.update(
        t=t,
        format_date=format_date,
        lang_prefix=lambda lang: lang_prefix(lang, default),
        LANG_NAMES=LANG_NAMES,
        LANG_SHORT=LANG_SHORT,
        HTML_LANG=HTML_LANG,
        term_name=named_term,
    )


def register():
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_template_helpers)
