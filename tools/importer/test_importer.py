"""The importer on the fixture sites (tests/fixtures/movein/): which tool, what goes
where, old URLs from each tool's permalink settings, languages, translations, what
needs a hand (with path:line), and never overwriting."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.importer.detect import UnknownSite, detect
from tools.importer.run import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "movein"


@pytest.mark.parametrize("name, tool", [("hexo", "Hexo"), ("hugo", "Hugo"), ("hugo-blog", "Hugo"),
                                        ("jekyll", "Jekyll"), ("pelican", "Pelican")])
def test_detects_the_tool_from_its_config(name, tool):
    assert detect(FIXTURES / name).NAME == tool


def test_an_unknown_folder_says_what_it_looked_for(tmp_path):
    with pytest.raises(UnknownSite) as e:
        detect(tmp_path)
    assert "_config.yml" in str(e.value) and "pelicanconf.py" in str(e.value)


@pytest.mark.parametrize("name, aliases", [
    ("hexo", {("/2018/03/28/kubernetes-release/", "posts/kubernetes-release.md"),
              ("/2019/03/02/flannel-vxlan/", "posts/flannel-vxlan.md"),
              ("/2019/03/02/en/flannel-vxlan/", "posts/en/flannel-vxlan.md"),
              ("/about/", "pages/about.md")}),
    ("hugo", {("/2020/05/etcd-raft/", "posts/etcd-raft/index.md"),
              ("/zh/2020/05/etcd-raft/", "posts/etcd-raft/index.zh.md"),
              ("/2019/11/cgroups/", "posts/cgroups.md"), ("/2019/cgroups.html", "posts/cgroups.md"),
              ("/about/", "pages/about.md")}),
    ("jekyll", {("/docker/network/2017/06/01/docker-network/", "posts/2017-06-01-docker-network.md"),
                ("/docker-bridge/", "posts/2017-06-01-docker-network.md"),
                ("/zh/docker/network/2017/06/01/docker-network/", "posts/2017-06-01-docker-network-zh.md"),
                ("/about/", "pages/about.md")}),
    ("pelican", {("/posts/2021/k8s-scheduler.html", "posts/k8s-scheduler.md"),
                 ("/posts/2021/k8s-scheduler-zh.html", "posts/k8s-scheduler-zh.md"),
                 ("/pages/about.html", "pages/about.md")}),
])
def test_old_urls_from_the_permalink_settings(name, aliases, tmp_path):
    report = run(FIXTURES / name, tmp_path / "content")
    assert set(report.aliases) == aliases


def test_what_goes_where_with_languages_and_translations(tmp_path):
    content = tmp_path / "content"
    report = run(FIXTURES / "hugo", content)
    assert sorted(report.posts) == ["posts/cgroups.md", "posts/etcd-raft/index.md",
                                    "posts/etcd-raft/index.zh.md"]
    assert report.pages == ["pages/about.md"]
    assert sorted(report.assets) == ["images/cgroup-tree.png", "posts/etcd-raft/raft.png"]
    assert report.translations == [("etcd-raft", ["posts/etcd-raft/index.md", "posts/etcd-raft/index.zh.md"])]
    zh = (content / "posts/etcd-raft/index.zh.md").read_text(encoding="utf-8")
    assert zh.startswith('---\nlang: "zh"\nslug: "etcd-raft"\naliases: ["/zh/2020/05/etcd-raft/"]\n'
                         'title: "etcd 是怎样使用 Raft 的"\n')
    toml = (content / "posts/etcd-raft/index.md").read_text(encoding="utf-8")
    assert toml.startswith('+++\nlang = "en"\naliases = ["/2020/05/etcd-raft/"]\ntitle = ')


def test_translation_key_gives_one_slug(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hugo", site)
    moved = site / "content" / "posts" / "raft-zh.md"
    shutil.move(site / "content" / "posts" / "etcd-raft" / "index.zh.md", moved)
    text = moved.read_text(encoding="utf-8").replace('src="raft.png"', 'src="etcd-raft/raft.png"')
    moved.write_text(text.replace("date:", "lang: zh\ndate:"), encoding="utf-8")
    report = run(site, tmp_path / "content")
    assert ("etcd-raft", ["posts/etcd-raft/index.md", "posts/raft-zh.md"]) in report.translations
    assert 'slug: "etcd-raft"' in (tmp_path / "content" / "posts" / "raft-zh.md").read_text(encoding="utf-8")


def test_the_language_of_posts_that_give_none(tmp_path):
    report = run(FIXTURES / "hexo", tmp_path / "a")
    langs = {path: (lang, why) for path, lang, why in report.languages}
    assert langs["posts/flannel-vxlan.md"] == ("zh", "mostly Chinese text")
    assert langs["posts/en/flannel-vxlan.md"] == ("en", "given")
    report = run(FIXTURES / "hexo", tmp_path / "b", import_lang="en")
    langs = {path: (lang, why) for path, lang, why in report.languages}
    assert langs["posts/flannel-vxlan.md"] == ("en", "IMPORT_LANG")


def test_what_needs_a_hand_has_path_and_line(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hexo", site)
    post = site / "source" / "_posts" / "flannel-vxlan.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n{% include footer.html %}\n", encoding="utf-8")
    (site / "source" / "_posts" / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    content = tmp_path / "content"
    report = run(site, content)
    written = (content / "posts" / "flannel-vxlan.md").read_text(encoding="utf-8").splitlines()
    line = written.index("{% include footer.html %}") + 1
    assert (f"{content}/posts/flannel-vxlan.md:{line}: Hexo/Jekyll tag {{% include %}} is not supported: "
            "paste the included file's text here") in "\n".join(report.needs_hand)
    assert any(x.startswith(f"{content}/posts/broken.md:2: front matter is not valid YAML")
               for x in report.needs_hand)


def test_never_overwrites(tmp_path):
    content = tmp_path / "content"
    run(FIXTURES / "jekyll", content)
    mine = content / "posts" / "2017-06-01-docker-network.md"
    mine.write_text("my own edit\n", encoding="utf-8")
    report = run(FIXTURES / "jekyll", content)
    assert mine.read_text(encoding="utf-8") == "my own edit\n"
    assert report.needs_hand == [f"{mine}:1: already there and different: not overwritten "
                                 "(move it away and import again to take the old site's)"]


def test_command_line_prints_the_report(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tools.importer", str(FIXTURES / "pelican"),
                           "--content", str(tmp_path / "content")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "import from Pelican site" in done.stdout
    assert "/posts/2021/k8s-scheduler.html -> posts/k8s-scheduler.md" in done.stdout
    assert "needs a hand: 0" in done.stdout
    done = subprocess.run([sys.executable, "-m", "tools.importer", str(tmp_path / "nothing")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "error:" in done.stderr and not done.stdout


def test_two_posts_with_one_slug_are_kept_apart_and_said_so(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "jekyll", site)
    (site / "_posts" / "old").mkdir()
    twin = site / "_posts" / "old" / "2017-06-01-docker-network.md"
    twin.write_text("---\ntitle: An older draft\n---\nThe bridge, first try.\n", encoding="utf-8")
    content = tmp_path / "content"
    report = run(site, content)
    assert 'slug: "docker-network-2"' in (content / "posts" / "old" / "2017-06-01-docker-network.md") \
        .read_text(encoding="utf-8")
    assert any(x.startswith(f"{content}/posts/old/2017-06-01-docker-network.md:1: same slug as "
                            "posts/2017-06-01-docker-network.md in 'en'; given slug 'docker-network-2'")
               for x in report.repaired), report.repaired
