"""An incremental build writes exactly what a clean build writes, and writes little.

The fixture site (tests/fixtures/site, with a copy of the theme) is built with the
build cache, edited (a post, a template, a post's body alone, a translation, tags, the URL
of a post others link to, a new and a deleted post), built again each time, and every file of the output compared byte for byte
with a build of the same sources without any cache. A bad edit fails with its
path:line and leaves the output as it was.
"""
import os
import shutil
from pathlib import Path

import pytest

from tools.build import BuildFailed, build
from tools.check_incremental import differences, tree

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "site"
FLANNEL = "en/2016/07/19/setup-hyperd-with-flannel-network/index.html"


def assert_same_tree(clean: Path, incremental: Path):
    """Every file in both, byte for byte (the files only one has, then those that differ)."""
    assert differences(clean, incremental) == []


@pytest.fixture
def site(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    return tmp_path


def mtimes(top: Path) -> dict:
    """{file: its mtime}: a file kept or linked from the previous output keeps it."""
    return {rel: p.stat().st_mtime_ns for rel, p in tree(top).items()}


def build_both(site, step):
    """(stats of the incremental build, its output), after checking it against a clean one."""
    overrides = {"PATH": str(site / "content"), "THEME": str(site / "theme")}
    stats = {}
    out = Path(build(str(ROOT / "pelicanconf.py"), dict(overrides, OUTPUT_PATH=str(site / "out")),
                     cache=str(site / "cache"), jobs=2, stats=stats))
    clean = Path(build(str(ROOT / "pelicanconf.py"),
                       dict(overrides, OUTPUT_PATH=str(site / f"clean-{step}")), cache=None))
    assert_same_tree(clean, out)
    shutil.rmtree(clean)
    return stats, out


def edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_incremental_builds_equal_clean_builds(site):
    posts = site / "content" / "posts"
    stats, out = build_both(site, "first")
    total = stats["written"]
    assert stats["kept"] == stats["linked"] == 0 and stats["cache_misses"] > 0

    stats, out = build_both(site, "unchanged")
    assert stats["written"] == 0 and stats["cache_misses"] == 0

    # a post's body, and a template every listing uses
    edit(posts / "flannel.md", "The slides are", "The decks are")
    edit(site / "theme" / "templates" / "partials" / "post_entry.html",
         '<p class="entry__more">', '<p class="entry__more" data-edited>')
    stats, out = build_both(site, "post-and-template")
    assert "The decks are" in (out / FLANNEL).read_text(encoding="utf-8")
    assert 0 < stats["written"] < total and stats["cache_misses"] == 1

    # a sentence in a post's body, past its summary: its own page is written again, not the
    # listings it is on nor its neighbours' pages, which show only its title (build_cache.reads)
    before = mtimes(out)
    edit(posts / "flannel.md", "and the diagram:", "and the diagram of the packet path:")
    stats, out = build_both(site, "body-only")
    assert "the diagram of the packet path" in (out / FLANNEL).read_text(encoding="utf-8")
    assert [rel for rel, t in mtimes(out).items() if rel.endswith(".html") and before[rel] != t] == [FLANNEL]

    # a translation's title, and another post's tags
    edit(posts / "kubernetes-cluster.zh.md", "title: 如何快速启动一个Kubernetes集群",
         "title: 如何快速启动一个 Kubernetes 集群")
    edit(posts / "docker-network.zh.md", "tags: docker, network", "tags: docker, edited-tag")
    stats, out = build_both(site, "translation-and-tags")
    assert (out / "tags" / "edited-tag" / "index.html").is_file()
    assert 0 < stats["written"] < total

    # a bad date: the build fails at its line and the output stays as it was
    before = {rel: p.read_bytes() for rel, p in tree(out).items()}
    flannel = (posts / "flannel.md").read_text(encoding="utf-8")
    edit(posts / "flannel.md", "date: 2016-07-19 10:00", "date: 2016-19-07")
    with pytest.raises(BuildFailed) as failed:
        build(str(ROOT / "pelicanconf.py"), {"PATH": str(site / "content"), "THEME": str(site / "theme"),
                                              "OUTPUT_PATH": str(out)}, cache=str(site / "cache"))
    assert any(e.startswith(f"{site / 'content' / 'posts' / 'flannel.md'}:3: bad date '2016-19-07'")
               for e in failed.value.errors), failed.value.errors
    assert {rel: p.read_bytes() for rel, p in tree(out).items()} == before

    # fixed, with a new date: its URL changes in the posts linking to it
    (posts / "flannel.md").write_text(flannel.replace("date: 2016-07-19 10:00", "date: 2016-07-20 10:00"),
                                      encoding="utf-8")
    stats, out = build_both(site, "linked-post-moved")
    assert "/en/2016/07/20/setup-hyperd-with-flannel-network/" in (
        out / "en/2016/08/24/ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun/index.html").read_text(encoding="utf-8")

    # a post added and one deleted
    added = (posts / "kubernetes-cluster.md").read_text(encoding="utf-8")
    (posts / "added.md").write_text(
        added.replace("slug: ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun", "slug: an-added-post", 1)
        .replace("title: ", "title: Added - ", 1), encoding="utf-8")
    os.unlink(posts / "docker-network.zh.md")
    stats, out = build_both(site, "added-and-deleted")
    assert 0 < stats["written"] < total
