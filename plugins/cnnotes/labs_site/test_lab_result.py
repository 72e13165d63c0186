"""The lab result paragraph: one macro (theme/templates/partials/lab_result.html) for the
lab box on posts and the lab's transcript page, so both say the same thing."""
import datetime as dt
from pathlib import Path
from types import SimpleNamespace as NS

import jinja2
import pytest
from bs4 import BeautifulSoup

from cnnotes.bilingual.strings import HTML_LANG, format_date, lang_prefix, t
from cnnotes.labs_site.labels import measurement_label
from cnnotes.labs_site.page_toc import headings
from cnnotes.labs_site.strings import lab_t

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def env():
    loader = jinja2.ChoiceLoader([
        # base.html needs the whole site context; the lab page's blocks are what is tested
        jinja2.DictLoader({"base.html": "{% block content %}{% endblock %}"}),
        jinja2.FileSystemLoader([str(ROOT / "plugins" / "cnnotes" / "labs_site" / "templates"),
                                 str(ROOT / "theme" / "templates")]),
    ])
    e = jinja2.Environment(loader=loader)
    e.globals.update(lab_t=lab_t, t=t, format_date=format_date, HTML_LANG=HTML_LANG,
                     measurement_label=measurement_label, transcript_headings=headings,
                     lang_prefix=lambda lang: lang_prefix(lang, "en"), SITEURL="")
    return e


def box(status="skipped", lang="en", **kw):
    b = dict(name="demo", command="make lab-demo", status=status, status_text=lab_t(status, lang),
             date=dt.datetime(2026, 11, 27, 18, 8), duration="", changed=False,
             not_verified=status == "skipped", reason="no minikube", url="/labs/demo/")
    b.update(kw)
    return NS(**b)


def result_of(html):
    return BeautifulSoup(html, "lxml").select_one("p.lab-box__result")


def both(env, b, lang):
    """The result paragraph of the lab box on a post and of the lab page."""
    on_post = env.get_template("partials/lab_box.html").render(article=NS(lab_box=b), ui_lang=lang)
    lab = NS(name="demo", title="Demo", record={}, transcript=None,
             lab=NS(requires=NS(root=False, commands={}, kernel=[])))
    on_page = env.get_template("lab.html").render(lab=lab, lab_box=b, post=None, ui_lang=lang,
                                                  transcript_html="")
    return result_of(on_post), result_of(on_page)


@pytest.mark.parametrize("lang, text", [
    ("en", "Not verified on this machine (Nov 27, 2026): no minikube"),
    ("zh", "未在这台机器上验证（2026年11月27日）：no minikube"),
])
def test_a_skipped_run_shows_its_date_on_the_post_and_on_the_lab_page(env, lang, text):
    post, page = both(env, box(lang=lang), lang)
    assert str(post) == str(page)
    assert page.get_text().strip() == text
    assert page.time["datetime"] == "2026-11-27T18:08:00"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_run_shows_result_date_duration_and_change_on_both(env, lang):
    post, page = both(env, box("passed", lang, duration="2.6 s", changed=True), lang)
    assert str(post) == str(page)
    text = " ".join(page.get_text().split())
    assert lab_t("passed", lang) in text and lab_t("took", lang, d="2.6 s") in text
    assert page.select_one(".lab-box__changed") is not None
