"""Captions under lab steps and measured tables, in the post's language.

Markdown extensions do not know which language the post is in, so the tags render their
captions in the default language with their parameters in data attributes, and the
content hook (`localize`, run when the post object exists) renders them again in the
post's language. One function per caption renders both times, so they cannot differ."""
from __future__ import annotations

import datetime as dt
import html
import re

from cnnotes.bilingual.localized import localized_url
from cnnotes.bilingual.strings import format_date
from cnnotes.labs_site.strings import lab_t

CAPTION_RE = re.compile(r'<figcaption data-lab-caption="(?P<kind>step|record)"(?P<attrs>[^>]*)>.*?</figcaption>',
                        re.S)
ATTR_RE = re.compile(r'\sdata-([a-z]+)="([^"]*)"')


PAGE = "labs/"  # the Labs index, without the language prefix (labs_site's pages)


def labs_url(settings, lang) -> str:
    """/labs/ for the default language, /zh/labs/ for the others (as the Labs pages)."""
    return f"{settings.get('SITEURL', '')}/{localized_url(lang, PAGE, settings)}"


def _attrs(**data) -> str:
    return "".join(f' data-{k}="{html.escape(str(v))}"' for k, v in data.items() if v)


def step(lab: str, step_name: str, note: str, lang: str, base: str) -> str:
    """`make lab-NAME · NAME › STEP` (linked to the block in the transcript) and a note:
    '' | 'no-output' (none recorded yet) | 'stale' (recorded before the step changed)."""
    href = f"{base}{lab}/#block-{step_name}"
    text = (f'<code>make lab-{html.escape(lab)}</code> · '
            f'<a href="{html.escape(href)}">{html.escape(lab)} › {html.escape(step_name)}</a>')
    key = {"no-output": "no_output", "stale": "stale_output"}.get(note)
    if key:
        text += f' · <span class="lab-step__note">{lab_t(key, lang)}</span>'
    return (f'<figcaption data-lab-caption="step"{_attrs(lab=lab, step=step_name, note=note)}>'
            f'{text}</figcaption>')


def record(lab: str, date_iso: str, notes: str, lang: str, base: str) -> str:
    """'Measured by the NAME lab on DATE' (linked to its transcript) and notes, space
    separated: 'changed' (the lab changed since), 'failed' (that run did not pass)."""
    try:
        date = dt.datetime.fromisoformat(date_iso)
        when = f'<time datetime="{html.escape(date_iso)}">{format_date(date, lang)}</time>'
    except ValueError:
        when = lab_t("unknown_date", lang)
    link = f'<a href="{html.escape(base + lab)}/">{html.escape(lab)}</a>'
    text = lab_t("measured_by", lang, lab=link, date=when)
    for note in notes.split():
        text += f' · <span class="lab-step__note">{lab_t({"changed": "changed", "failed": "run_failed"}[note], lang)}</span>'
    return (f'<figcaption data-lab-caption="record"{_attrs(lab=lab, date=date_iso, notes=notes)}>'
            f'{text}</figcaption>')


def localize(markup: str, lang: str, base: str) -> str:
    """Every lab caption in `markup` rendered again in `lang`."""
    def again(m):
        a = dict(ATTR_RE.findall(m.group("attrs")))
        a = {k: html.unescape(v) for k, v in a.items()}
        if m.group("kind") == "step":
            return step(a.get("lab", ""), a.get("step", ""), a.get("note", ""), lang, base)
        return record(a.get("lab", ""), a.get("date", ""), a.get("notes", ""), lang, base)
    return CAPTION_RE.sub(again, markup)
