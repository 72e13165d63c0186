"""CJK slugs, heading ids, summaries and reading time."""
import pytest

from cnnotes.cjk.headings import HeadingIds, heading_slug
from cnnotes.cjk.reading_time import count_content, reading_minutes
from cnnotes.cjk.slugs import title_slug
from cnnotes.cjk.summary import clean, cut, summarize
from cnnotes.cjk.text import count_units, space_boundaries


@pytest.mark.parametrize("title, slug", [
    ("如何快速启动一个Kubernetes集群", "ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun"),
    ("Setup hyperd with flannel network", "setup-hyperd-with-flannel-network"),
    ("Docker 1.11 容器之间如何共享网络", "docker-1-11-rong-qi-zhi-jian-ru-he-gong-xiang-wang-luo"),
    ("Go性能优化技巧", "go-xing-neng-you-hua-ji-qiao"),
    ("Don't panic: k8s v1.2", "dont-panic-k8s-v1-2"),
    ("网络", "wang-luo"),
    ("<em>Emphasis</em> in titles", "emphasis-in-titles"),
    ("！？", ""),
])
def test_title_slug(title, slug):
    assert title_slug(title) == slug


def test_boundaries_only_between_cjk_and_latin():
    assert space_boundaries("一个Kubernetes集群") == "一个 Kubernetes 集群"
    assert space_boundaries("runc和docker 1.11") == "runc 和 docker 1.11"
    assert space_boundaries("plain words") == "plain words"


@pytest.mark.parametrize("text, slug", [
    ("为什么Kubernetes难部署？", "为什么-kubernetes-难部署"),
    ("Why is Kubernetes hard to deploy?", "why-is-kubernetes-hard-to-deploy"),
    ("准备工作（一）", "准备工作-一"),
    ("etcd 3.0 的 API", "etcd-3-0-的-api"),
])
def test_heading_slug_keeps_chinese(text, slug):
    assert heading_slug(text) == slug


def test_heading_ids_unique_per_document():
    ids = HeadingIds()
    assert [ids("准备工作", "-"), ids("准备工作", "-"), ids("准备工作", "-")] == \
        ["准备工作", "准备工作-2", "准备工作-3"]
    assert ids("？", "-") == "section"
    ids.reset()
    assert ids("准备工作", "-") == "准备工作"


def test_count_units_separates_cjk_and_words():
    assert count_units("用 Kubernetes 部署 etcd 集群。") == (5, 2)
    assert count_units("") == (0, 0)


def test_reading_time_counts_both_and_ignores_code():
    html = "<p>" + "字" * 800 + "</p><p>" + "word " * 440 + "</p><pre>" + "x " * 5000 + "</pre>"
    assert count_content(html) == (800, 440)
    assert reading_minutes(800, 440) == 4  # 2 min of Chinese + 2 min of English
    assert reading_minutes(0, 0) == 1


def test_summary_is_text_before_more_marker():
    html = '<p>Intro with a <a href="/x">link</a>.</p>\n<!-- more -->\n<p>Body.</p>'
    assert summarize(html) == '<p>Intro with a <a href="/x">link</a>.</p>'


def test_summary_never_has_toc_or_tags():
    html = ('<p>[TOC]</p><div class="toc"><ul><li><a href="#a">A</a></li></ul></div>'
            '<p>Intro {% pdf /files/x.pdf %} here.</p>'
            '<p class="liquid-tag"><code>{% lab flannel step %}</code></p>'
            '<figure data-summary="skip">viewer</figure><!-- more --><h2 id="a">A</h2>')
    out = summarize(html)
    assert "toc" not in out and "[TOC]" not in out and "{%" not in out and "viewer" not in out
    assert "Intro" in out and "here." in out


def test_summary_without_marker_cuts_chinese_by_characters():
    html = "<h2>标题</h2><p>" + "这是一段很长的中文。" * 40 + "</p><pre>code</pre>"
    out = summarize(html, max_words=55, max_cjk=140)
    text = out[3:-4]
    assert text.endswith("…")
    han = count_units(text)[0]
    assert 130 < han <= 140  # punctuation is not counted
    assert "标题" not in out and "code" not in out


def test_summary_without_marker_cuts_english_by_words():
    html = "<p>" + " ".join(f"word{i}" for i in range(200)) + "</p>"
    out = summarize(html, max_words=55)
    words = out[3:-4].rstrip("…").split()
    assert len(words) == 55 and words[-1] == "word54"


def test_cut_counts_mixed_text_by_weight():
    # 70 CJK characters use half of a 140 budget, 27 words just under the other half
    text = "字" * 70 + " " + " ".join(["w"] * 30)
    out = cut(text, max_words=55, max_cjk=140)
    assert out.endswith("…") and out.count("w") == 27


def test_clean_for_feeds_keeps_code_examples():
    html = ('<div class="toc"><ul><li>x</li></ul></div>'
            '<pre><code>{% pdf /files/x.pdf %}\n[TOC]</code></pre>')
    assert clean(html, scrub_text=False) == '<pre><code>{&#37; pdf /files/x.pdf %}\n&#91;TOC]</code></pre>'
    assert "{%" not in clean(html)


def test_short_text_is_not_cut():
    assert summarize("<p>Short.</p>") == "<p>Short.</p>"
    assert summarize("") == ""
    assert clean("<p>[TOC]</p>") == ""


def test_one_definition_of_cjk_for_text_search_and_search_js():
    """Summaries, reading time and the search index agree on what is CJK, and so does
    the query splitter in search.js (a copy, checked here)."""
    import re
    from pathlib import Path

    from cnnotes.cjk.text import CJK_RANGES, CJK_RE
    from cnnotes.search import tokens

    # search.tokens' runs are built from these ranges: the letters and digits nearest each
    # edge, on either side, are a CJK run when in a range and a Latin one when not
    def nearest_alnum(cps):
        return next((chr(cp) for cp in cps if chr(cp).isalnum()), None)

    for first, last in CJK_RANGES:
        for ch in (nearest_alnum(range(first, last + 1)), nearest_alnum(range(last, first - 1, -1)),
                   nearest_alnum(range(first - 1, 0, -1)), nearest_alnum(range(last + 1, 0x10FFFF))):
            if ch is None:  # none up to the last code point (this Python's Unicode)
                continue
            inside = any(a <= ord(ch) <= b for a, b in CJK_RANGES)
            assert bool(tokens.CJK_RUN_RE.fullmatch(ch)) == inside, hex(ord(ch))
            assert bool(tokens.LATIN_RUN_RE.fullmatch(ch)) != inside, hex(ord(ch))
    rare = "\U00030000"  # CJK Extension G: counted by both
    assert count_units(rare + "集群") == (3, 0)
    assert tokens.CJK_RUN_RE.fullmatch(rare + "集群") and CJK_RE.fullmatch(rare)
    js = (Path(__file__).resolve().parents[3] / "theme" / "static" / "js" / "search.js").read_text()
    body = re.search(r"var CJK_RANGES = \[(.*?)\];", js, re.S).group(1)
    pairs = tuple((int(a, 16), int(b, 16)) for a, b in re.findall(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\]", body))
    assert pairs == CJK_RANGES


def test_a_tag_split_across_inline_code_words_is_not_in_the_summary():
    html = ('<p>A tag looks like <code><span class="code-word">{%</span> <span class="code-word">include'
            '</span> <span class="code-word">note.html</span> <span class="code-word">%}</span></code>.</p>')
    assert summarize(html) == "<p>A tag looks like .</p>"
