"""The benchmark corpus: deterministic, bilingual, with the features the site builds,
and the same post text in the site's, stock Pelican's and Hugo's form."""
import hashlib
import os
import re

import pytest

from tools import corpus

LABS = {"flannel": ["hosts", "start-etcd"], "netns": ["rootfs"]}


def tree_digest(top):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(top)):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            h.update(os.path.relpath(path, top).encode())
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def prose(body):
    """The body without fenced code, tables and markers."""
    text = re.sub(r"```.*?```", "", body, flags=re.S)
    return "\n".join(l for l in text.splitlines() if not l.startswith(("|", "#", "{%", "<!--", "[TOC]")))


def test_same_seed_same_files_and_a_prefix_for_smaller_n(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    corpus.write(40, str(a), seed=3, labs=LABS)
    corpus.write(40, str(b), seed=3, labs=LABS)
    assert tree_digest(a) == tree_digest(b)
    assert corpus.posts(10, 3, LABS) == corpus.posts(40, 3, LABS)[:10]
    assert corpus.posts(10, 4, LABS)[5].body != corpus.posts(10, 3, LABS)[5].body


def test_half_chinese_and_ten_percent_in_translation_pairs():
    posts = corpus.posts(40, labs=LABS)
    assert sum(p.lang == "en" for p in posts) == sum(p.lang == "zh" for p in posts) == 20
    by_slug = {}
    for p in posts:
        by_slug.setdefault(p.slug, []).append(p)
    pairs = [ps for ps in by_slug.values() if len(ps) == 2]
    assert len(pairs) == 2  # 4 of 40 posts
    for en, zh in pairs:
        assert (en.lang, zh.lang) == ("en", "zh") and zh.translation and not en.translation
        assert zh.filename == en.filename.replace(".md", ".zh.md")
    assert len({p.filename for p in posts}) == 40
    assert len({(p.slug, p.lang) for p in posts}) == 40


def test_every_post_has_the_features_and_about_a_thousand_words():
    posts = corpus.posts(40, labs=LABS)
    for p in posts:
        assert "<!-- more -->" in p.body and "\n[TOC]\n" in p.body
        assert p.body.count("```") >= 4 and p.body.count("\n## ") >= 4
        size = len(prose(p.body).split()) if p.lang == "en" else corpus._cjk_count(prose(p.body))
        assert 900 <= size <= 1500, (p.filename, size)
    bodies = "\n".join(p.body for p in posts)
    assert bodies.count("{% pdf /files/bench.pdf %}") == 4  # posts 0 and 20, and their translations
    assert "{% lab flannel hosts %}" in bodies
    assert {p.lab for p in posts if p.lab} <= set(LABS)
    assert "({filename}bench-" in bodies


def test_lab_names_are_real_labs():
    labs = corpus.real_labs()
    assert labs, "no lab under labs/ parses"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name, steps in labs.items():
        assert os.path.isfile(os.path.join(root, "labs", name, "lab.md"))
        assert steps


def test_three_forms_carry_the_same_text(tmp_path):
    posts = corpus.write(30, str(tmp_path), labs=LABS)
    p = next(p for p in posts if p.lab and p.translation)
    ours = (tmp_path / "ours" / "posts" / p.filename).read_text()
    stock = (tmp_path / "stock" / "posts" / p.filename).read_text()
    hugo = (tmp_path / "hugo" / "content" / "posts" / p.filename).read_text()
    assert ours.startswith("---\n") and ours.endswith(p.body)
    assert "\nlang: zh\n" in ours and "\ntranslation: true\n" in ours and f"\nlab: {p.lab}\n" in ours
    assert stock.startswith(f"Title: {p.title}\n") and stock.endswith("\n\n" + p.body)
    assert "\nLang: zh\n" in stock and "\nTranslation: true\n" in stock
    assert f"\ntranslationKey: {p.slug}\n" in hugo
    linked = next(p for p in posts if "({filename}" in p.body)
    hugo_linked = (tmp_path / "hugo" / "content" / "posts" / linked.filename).read_text()
    assert "{filename}" not in hugo_linked and "/posts/bench-" in hugo_linked
    for form in ("ours/files", "stock/files", "hugo/static/files"):
        assert (tmp_path / form / "bench.pdf").read_bytes().startswith(b"%PDF-1.4")
    assert (tmp_path / "hugo" / "config.toml").is_file()
    assert (tmp_path / "hugo" / "layouts" / "_default" / "single.html").is_file()


def test_pdf_cross_reference_points_at_its_objects():
    pdf = corpus.tiny_pdf()
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n")
    lines = pdf[xref:].split(b"\n")
    assert lines[1] == b"0 4"   # the free entry and objects 1 to 3
    offsets = [int(line[:10]) for line in lines[3:6]]
    assert len(offsets) == 3    # the loop checks every object, not a short slice
    for n, off in enumerate(offsets, 1):
        assert pdf[off:].startswith(b"%d 0 obj" % n)


def test_cli_rejects_zero_posts(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        corpus.main(["0", str(tmp_path / "c")])
    assert e.value.code == 2
    assert "posts must be at least 1" in capsys.readouterr().err
