"""Reading notes: the weekly "Reading notes of week N" posts as a series.

- `/reading-notes/` (and `/zh/reading-notes/`): every week, newest first, grouped by year,
  each in the UI language when it was written in it. Linked from the header menu once
  there is at least one week.
- On each notes post: links to the previous and next week (`article.reading_notes`,
  rendered by partials/reading_notes_nav.html, which theme/templates/article.html
  includes) and to the series page and feed.
- `feeds/reading-notes.atom.xml`: an Atom feed of the series (all languages).

A post belongs to the series by `series: reading-notes` in its front matter; its week
comes from its slug `reading-notes-YYYY-week-NN` (as `make notes` writes them).
"""
import os
from types import SimpleNamespace

from pelican import signals

from cnnotes.bilingual.localized import add_menu_entry, write_localized
from cnnotes.feeds import FeedsGenerator, all_versions

from .series import collect, link
from .strings import rn_t

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
PAGE = "reading-notes/"
FEED = "feeds/reading-notes.atom.xml"


class ReadingNotesGenerator(FeedsGenerator):
    """Links the weeks to each other; writes the series page in every UI language and
    the series feed (FeedsGenerator supplies the feed writer)."""

    def generate_context(self):
        self.weeks = collect(self.context.get("articles", []))
        link(self.weeks)
        if self.weeks:  # a site without notes gets no menu entry
            add_menu_entry(self.context, self.settings, "reading-notes", PAGE,
                           lambda lang: rn_t("title", lang))

    def generate_output(self, writer):
        def weeks(lang):
            return {"weeks": [SimpleNamespace(article=w.shown(lang), others=w.others(lang),
                                              year=w.year, week=w.week) for w in self.weeks]}

        write_localized(self, writer, "reading_notes", PAGE, each=weeks,
                        page_name="reading_notes", reading_notes_feed=FEED)
        originals = [w.original for w in self.weeks]
        self._feed(FEED, f"{self.settings.get('SITENAME', '')}: {rn_t('title', 'en')}",
                   all_versions(originals))


def add_templates(pelican):
    """Make this plugin's templates findable (after THEME_TEMPLATES_OVERRIDES' own)."""
    paths = pelican.settings.setdefault("THEME_TEMPLATES_OVERRIDES", [])
    if TEMPLATES not in paths:
        paths.append(TEMPLATES)


def add_helpers(generator):
    generator.env.globals.update(rn_t=rn_t, reading_notes_page=PAGE, reading_notes_feed=FEED)


def get_generators(pelican):
    return ReadingNotesGenerator


def register():
    signals.initialized.connect(add_templates)
    signals.generator_init.connect(add_helpers)
    signals.get_generators.connect(get_generators)
