"""Hard-wrapped Chinese: no space at a line break between CJK characters, in the post
and in everything made from it (summary, feed, search text, social card)."""
import json
import re
import textwrap

import markdown
import pytest

from cnnotes.cjk.line_join import CjkLineJoinExtension, join_cjk_breaks
from tests.helpers import run_build


def render(text):
    md = markdown.Markdown(extensions=["markdown.extensions.extra", CjkLineJoinExtension()])
    return md.convert(textwrap.dedent(text))


@pytest.mark.parametrize("source, html", [
    ("这是一个程序，\n在不同的机器上\n运行。", "<p>这是一个程序，在不同的机器上运行。</p>"),
    ("用\nKubernetes\n部署", "<p>用\nKubernetes\n部署</p>"),        # CJK/Latin: a space stays
    ("English words\nwrapped", "<p>English words\nwrapped</p>"),
    ("**粗体**\n中文[链接](/x)\n继续", '<p><strong>粗体</strong>中文<a href="/x">链接</a>继续</p>'),
    ("「引号」\n（括号）", "<p>「引号」（括号）</p>"),
    ("`代码`\n中文", "<p><code>代码</code>\n中文</p>"),                 # code is a barrier
    ("한국어\n문장", "<p>한국어\n문장</p>"),                                # Korean spaces words
])
def test_breaks_between_cjk_characters_go(source, html):
    assert render(source) == html


def test_code_blocks_and_separate_paragraphs_are_untouched():
    html = render("""\
        中文

        中文

            代码
            不变

        - 列表
          第二行
        """)
    assert "<pre><code>代码\n不变\n</code></pre>" in html
    assert "<p>中文</p>\n<p>中文</p>" in html
    assert "<li>列表第二行</li>" in html


def test_join_cjk_breaks_on_plain_text():
    assert join_cjk_breaks("程序，\n  在不") == "程序，在不"
    assert join_cjk_breaks("etcd\n集群") == "etcd\n集群"


WRAPPED = """\
---
title: 折行的段落
date: 2016-07-19 10:00
lang: zh
slug: wrapped
tags: [k8s]
---
这是一个写在多行上的
段落：每行在编辑器里
折断，网页上却是一行。

<!-- more -->

正文的第二段也在
这里折行。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    (content / "posts").mkdir()
    (content / "posts" / "wrapped.md").write_text(WRAPPED, encoding="utf-8")
    return run_build(content, tmp_path_factory.mktemp("site") / "output")


def squeeze(html):
    return re.sub(r"\s+", " ", html)


ONE_LINE = "这是一个写在多行上的段落：每行在编辑器里折断，网页上却是一行。"


def test_the_post_shows_the_paragraph_as_one_line(site):
    page = next(site.glob("zh/2016/07/19/wrapped/index.html")).read_text(encoding="utf-8")
    assert ONE_LINE in page and "正文的第二段也在这里折行。" in page
    # the social card's description is the summary: one line too
    assert re.search(r'<meta property="og:description" content="[^"]*' + ONE_LINE, page)


def test_the_feed_and_listing_show_it_as_one_line(site):
    feed = (site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert feed.count(ONE_LINE) >= 2  # the summary and the content
    assert "正文的第二段也在这里折行。" in feed
    listing = (site / "zh/index.html").read_text(encoding="utf-8")
    assert ONE_LINE in listing


def test_the_search_text_has_it_as_one_line(site):
    texts = [p.read_text(encoding="utf-8") for p in (site / "search-index/text").glob("*.txt")]
    assert any(ONE_LINE in t and "正文的第二段也在这里折行。" in t for t in texts)
