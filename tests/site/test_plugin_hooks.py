"""The hooks other plugins use: extra_css / extra_js, and reporting errors through strict."""
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools.build import BuildFailed, build

ROOT = Path(__file__).resolve().parents[2]
POST = """---
title: Hooked
date: 2016-07-19 10:00
lang: en
slug: hooked
lab: {lab}
---
Body.
"""

PROBE = '''
from pelican import signals
from cnnotes import strict


def add_global(generators):
    generators[0].context["extra_css"] = ["/probe/global.css"]


def add_to_article(content):
    if getattr(content, "lab", None) is not None and hasattr(content, "date"):
        content.extra_js = ["/probe/article.js"]
        if content.lab == "nope":
            strict.error_at(content, "lab", "unknown lab 'nope'")


def register():
    signals.all_generators_finalized.connect(add_global)
    signals.content_object_init.connect(add_to_article)
'''


def make_site(tmp_path, lab):
    name = f"probe_hooks_{lab}"
    write = lambda p, t: (p.parent.mkdir(parents=True, exist_ok=True), p.write_text(t))  # noqa: E731
    write(tmp_path / "plugins" / name / "__init__.py", textwrap.dedent(PROBE))
    write(tmp_path / "content" / "posts" / "hooked.md", POST.format(lab=lab))
    import pelicanconf
    # the probe only: other engineers' plugins are not what this test is about
    plugins = [p for p in pelicanconf.PLUGINS if p in (
        "cnnotes.strict", "cnnotes.front_matter", "cnnotes.cjk", "cnnotes.bilingual", "cnnotes.feeds",
        "cnnotes.sitemap", "cnnotes.code_style")]
    return {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "output"),
            "PLUGIN_PATHS": [str(tmp_path / "plugins")],
            "PLUGINS": [*plugins, name]}


def test_extra_css_everywhere_and_extra_js_on_the_article(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = Path(build(str(ROOT / "pelicanconf.py"), make_site(tmp_path, "demo")))
    article = BeautifulSoup((out / "en/2016/07/19/hooked/index.html").read_text(), "lxml")
    index = BeautifulSoup((out / "index.html").read_text(), "lxml")
    for page in (article, index):
        assert page.select_one('link[rel="stylesheet"][href="/probe/global.css"]') is not None
    assert article.select_one('script[type="module"][src="/probe/article.js"]') is not None
    assert index.select_one('script[src="/probe/article.js"]') is None


def test_another_plugin_reports_a_content_error_at_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildFailed) as failed:
        build(str(ROOT / "pelicanconf.py"), make_site(tmp_path, "nope"))
    assert failed.value.errors == ["content/posts/hooked.md:6: unknown lab 'nope'"]
    assert not (tmp_path / "output").exists()
