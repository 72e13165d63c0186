"""Labs on the site: the lab box on posts, a transcript page per lab, the Labs index, and
the `{% lab NAME STEP [output] %}` tag. Read only: the site never runs a lab.

- A post with `lab: NAME` gets a `lab_box` (metadata its reader sets; rendered by
  theme/templates/partials/lab_box.html, which article.html includes): how to reproduce
  it (`make lab-NAME`), the last result with its date and duration, "changed since last
  verified" when the lab's source hash differs from its record, "not verified on this
  machine" when the last run was skipped, and a link to the transcript page.
- `/labs/NAME/` (and `/zh/labs/NAME/`): the lab's transcript.ipynb rendered with nbconvert
  (transcript.py) inside the site theme (templates/lab.html).
- `/labs/` (and `/zh/labs/`): every lab with its post and last result (templates/labs.html),
  linked from the header menu.
- `{% labrecord NAME %} … {% endlabrecord %}` (record_tag.py): Markdown, usually a
  table, with `{{ KEY }}` filled from the lab's record.json and a caption saying which
  lab measured it and when.
- Captions of both tags are rendered again in the post's language (caption.py).
- Content errors go through the strict plugin at path:line: an unknown `lab:` (at its
  front-matter line), a tag naming an unknown lab or step, a malformed tag, a post
  naming a lab whose lab.md is malformed, a labrecord block without its end, for a lab
  without measurements, or with a placeholder naming nothing recorded.

The labs are read once per build, by a LabsData object that the Markdown extension and
the generator share (labs_of(settings)). A post's rendered lab tags are kept by the
render cache with a digest of the labs' files (SiteLabExtension.cache_key); its checks,
captions in its language and lab box are made at every build (finish_document).

Settings: LABS_DIR (default: the repository's labs/).
"""
from __future__ import annotations

import logging
import os
from types import SimpleNamespace

from pelican import signals
from pelican.generators import Generator

from cnnotes import strict
from cnnotes.bilingual.localized import add_menu_entry, localized_url, ui_langs, write_localized

from cnnotes.labs_site import caption, data, labels, page_toc, readers, record_tag, tag, translation
from cnnotes.labs_site.data import LabsData, labs_of
from cnnotes.labs_site.caption import PAGE
from cnnotes.labs_site.markdown_ext import LabTagExtension
from cnnotes.labs_site.strings import duration, lab_t

log = logging.getLogger(__name__)
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# What every `{% lab %}` / `{% labrecord %}` tag renders to (markdown_ext): a step or a
# measured block (these need labs.css), or the note for a bad tag. Markup with none of
# them has no tag to check.
RENDERED_MARKERS = ('class="lab-step"', 'class="lab-record"')
TAG_MARKERS = (*RENDERED_MARKERS, 'class="lab-step-error"')

class SiteLabExtension(LabTagExtension):
    """The lab tags' Markdown extension, with what the render cache and the readers ask
    of the site's extensions (see cnnotes.front_matter)."""

    def cache_key(self, text):
        return self.labs.digest() if "{%" in text and "lab" in text else None

    def finish_document(self, html, metadata, source_path):
        return finish_document(self.settings, self.labs(), html, metadata, source_path)


def page_path(name=None):
    """The Labs index, or the transcript page of lab `name`, without the language prefix."""
    return PAGE + (f"{name}/" if name else "")


def page_url(lang, settings, name=None):
    return localized_url(lang, page_path(name), settings)


# --- set-up -----------------------------------------------------------------------------

def initialized(pelican):
    md = pelican.settings.setdefault("MARKDOWN", {})
    exts = [e for e in md.setdefault("extensions", []) if not isinstance(e, LabTagExtension)]
    exts.append(SiteLabExtension(settings=pelican.settings, labs=LabsData(pelican.settings)))
    md["extensions"] = exts
    paths = pelican.settings.setdefault("THEME_TEMPLATES_OVERRIDES", [])
    if TEMPLATES not in paths:
        paths.append(TEMPLATES)


def add_helpers(generator):
    generator.env.globals.update(lab_t=lab_t, measurement_label=labels.measurement_label,
                                 transcript_headings=page_toc.headings)


# --- content checks -----------------------------------------------------------------------

def check_document(source, metadata, html, all_labs):
    """Report a bad `lab:` or `{% lab %}` tag at path:line (the strict plugin fails the build)."""
    if not source:
        return
    lines_of_keys = metadata.get("front_matter_lines")
    name = metadata.get("lab")
    if name:
        info = all_labs.get(str(name))
        if info is None:
            known = ", ".join(sorted(all_labs)) or "none"
            strict.error_at_key(source, lines_of_keys, "lab",
                            f"unknown lab {name!r}: no labs/{name}/lab.md (labs: {known})")
        elif info.lab is None:
            strict.error_at_key(source, lines_of_keys, "lab", f"lab {name!r} cannot be read: {info.error}")
    if not source.endswith(MARKDOWN_SUFFIXES) or not has_lab_tags(html, metadata):
        return
    try:
        with open(source, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return
    for i, args in tag.find_tags(lines):
        try:
            tag.parse(args, all_labs)
        except tag.TagError as e:
            strict.error(source, i + 1, str(e))
    blocks, problems = record_tag.find_blocks(lines)
    for block in blocks:
        problems += record_tag.check(block, lines, all_labs)
    for i, message in problems:
        strict.error(source, i + 1, message)


def has_lab_tags(html, metadata) -> bool:
    """Whether the rendered body or `summary:` (both through the Markdown with the lab
    tags) shows a lab tag: the check reads the file only then."""
    rendered = (html or "") + str(metadata.get("summary") or "")
    return any(marker in rendered for marker in TAG_MARKERS)


def finish_document(settings, all_labs, html, metadata, source):
    """Checks, captions in the document's language, its lab box and labs.css."""
    check_document(source, metadata, html, all_labs)
    lang = metadata.get("lang") or settings.get("DEFAULT_LANG", "en")
    if html and "data-lab-caption" in html:
        html = caption.localize(html, lang, caption.labs_url(settings, lang))
    name = metadata.get("lab")
    info = all_labs.get(str(name)) if name else None
    if info is not None:
        metadata["lab_box"] = box(info, lang, settings)
    # the lab box, or a lab tag's step or table, is styled by labs.css
    if info is not None or any(k in (html or "") for k in RENDERED_MARKERS):
        static = f"{settings.get('SITEURL', '')}/{settings.get('THEME_STATIC_DIR', 'theme')}"
        metadata["extra_css"] = [*metadata.get("extra_css", []), f"{static}/css/labs.css"]
    return html


# --- the box ------------------------------------------------------------------------------

def box(info, lang, settings) -> dict:
    status = info.status
    for_readers = not settings.get("LABS_SHOW_THIS_MACHINE", True)
    return {
        "name": info.name,
        "command": f"make lab-{info.name}",
        "status": status,
        "status_text": lab_t(status, lang),
        "date": info.date,
        "duration": duration(info.duration, lang) if info.duration is not None else "",
        "changed": bool(info.record) and info.changed,
        # the author's build says what this machine lacked; readers get what a run needs
        "not_verified": status == "skipped" or (for_readers and status == "never run"),
        "for_readers": for_readers,
        "needs": readers.joined(readers.needs(info)),
        "reason": info.reason,
        "url": f"{settings.get('SITEURL', '')}/{page_url(lang, settings, info.name)}",
        "ci": info.ci,
    }


def _all_contents(context):
    seen, out = set(), []
    for key in ("articles", "translations", "hidden_articles", "hidden_translations",
                "drafts", "drafts_translations", "pages", "hidden_pages",
                "book_pages"):  # plugins/cnnotes/books: a book page may have `lab:` too
        for c in context.get(key, []) or []:
            if id(c) not in seen:
                seen.add(id(c))
                out.append(c)
                out += [t for t in getattr(c, "translations", []) if id(t) not in seen]
                seen.update(id(t) for t in getattr(c, "translations", []))
    return out


class LabsGenerator(Generator):
    """The Labs index and one transcript page per lab, linked to the posts."""

    def generate_context(self):
        self.labs = labs_of(self.settings)()
        static = f"{self.settings.get('SITEURL', '')}/{self.settings.get('THEME_STATIC_DIR', 'theme')}"
        self.css = f"{static}/css/labs.css"
        self.posts = {}            # (lab, lang) -> the post that reproduces it
        for c in _all_contents(self.context):
            name = c.metadata.get("lab")
            info = self.labs.get(str(name)) if name else None
            if info is not None and getattr(c, "status", "published") == "published":
                lang = getattr(c, "lang", None) or self.settings.get("DEFAULT_LANG", "en")
                self.posts.setdefault((info.name, lang), c)
        add_menu_entry(self.context, self.settings, "labs", page_path(),
                       lambda lang: lab_t("labs", lang))

    def _title_in(self, lang, name, info):
        tr = None if lang == self.settings.get("DEFAULT_LANG", "en") else translation.load(name, lang)
        return tr.title if tr is not None and tr.title else info.title

    def search_records(self):
        """The transcript pages, in every UI language, for the site's search index
        (cnnotes.search): {path, url, title, date, lang}."""
        out = []
        for name, info in sorted(self.labs.items()):
            if info.lab is None:
                continue
            for lang in ui_langs(self.settings):
                url = page_url(lang, self.settings, name)
                out.append({"path": url + "index.html", "url": url,
                            "title": f"{lab_t('lab', lang)} {name}: {self._title_in(lang, name, info)}",
                            "date": info.date.strftime("%Y-%m-%d") if info.date else "", "lang": lang})
        return out

    def _post(self, name, lang):
        return self.posts.get((name, lang)) or next(
            (p for (n, _), p in self.posts.items() if n == name), None)

    def generate_output(self, writer):
        from cnnotes.labs_site.transcript import Transcripts, notebook_of

        transcripts = Transcripts(self.settings)

        langs = ui_langs(self.settings)
        rows = {lang: [] for lang in langs}
        for name, info in sorted(self.labs.items()):
            for lang in langs:
                title = self._title_in(lang, name, info)
                rows[lang].append(SimpleNamespace(info=info, box=box(info, lang, self.settings),
                                                  post=self._post(name, lang),
                                                  url=page_url(lang, self.settings, name),
                                                  title=title, title_lang=lang if title != info.title else "en"))
        write_localized(self, writer, "labs", page_path(), each=lambda lang: {"labs": rows[lang]},
                        page_name="labs", extra_css=[self.css])
        for name, info in sorted(self.labs.items()):
            if info.lab is None:
                log.warning("labs_site: %s is malformed, no transcript page: %s", name, info.error)
                continue
            nb = notebook_of(info)
            write_localized(self, writer, "lab", page_path(name),
                            each=lambda lang, name=name, info=info, nb=nb: {
                                "lab_box": box(info, lang, self.settings),
                                "post": self._post(name, lang),
                                **self._transcript_in(lang, name, nb, transcripts)},
                            page_name="lab", lab=info, extra_css=[self.css])

    def _transcript_in(self, lang, name, nb, transcripts):
        """The transcript page's text in the UI language `lang` (transcript.notebook_in)."""
        from cnnotes.labs_site.transcript import notebook_in

        page_nb, tr = notebook_in(lang, name, nb, self.settings)
        return {"transcript_html": transcripts.html(page_nb),
                "lab_title": tr.title if tr is not None and tr.title else None,
                "transcript_lang": lang if tr is not None else "en"}


def get_generators(pelican):
    return LabsGenerator


def register():
    from cnnotes.labs_site.transcript import prerender_tasks as transcripts_ahead
    from cnnotes.render_cache.pool import prerender_tasks

    prerender_tasks.connect(transcripts_ahead)
    signals.initialized.connect(initialized)
    signals.generator_init.connect(add_helpers)
    signals.get_generators.connect(get_generators)
