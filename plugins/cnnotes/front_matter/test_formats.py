"""Other tools' metadata: Pelican lines, TOML, JSON, unfenced YAML; their keys as ours;
the language of a post that gives none."""
import pytest

from cnnotes.front_matter.foreign_keys import normalize
from cnnotes.front_matter.formats import read_metadata
from cnnotes.front_matter.language import decide_lang, guess_lang
from cnnotes.front_matter.yaml_meta import FrontMatterError

SETTINGS = {"DEFAULT_LANG": "en", "LANGUAGES": ("en", "zh")}


def test_pelican_metadata_lines():
    text = ("Title: How the scheduler works\nDate: 2021-02-14 20:00\nTags: scheduler, k8s\n"
            "Category: Kubernetes\nSlug: k8s-scheduler\nLang: en\nSummary: Filtering,\n"
            "    then scoring.\n\nBody line\n")
    found = read_metadata(text)
    assert found.format == "pelican"
    assert found.raw == {"title": "How the scheduler works", "date": "2021-02-14 20:00",
                         "tags": "scheduler, k8s", "category": "Kubernetes", "slug": "k8s-scheduler",
                         "lang": "en", "summary": "Filtering, then scoring."}
    assert found.lines == {"title": 1, "date": 2, "tags": 3, "category": 4, "slug": 5, "lang": 6,
                           "summary": 7}
    assert found.body == "Body line\n" and found.body_line == 10


def test_toml_front_matter_with_lines_and_tables():
    text = ('+++\ntitle = "etcd 与 Raft"\ndate = 2020-05-10T08:00:00+08:00\ndraft = true\n'
            'tags = ["etcd", "raft"]\n[params]\n  toc = true\n+++\nBody\n')
    found = read_metadata(text)
    assert found.format == "toml"
    assert found.raw["title"] == "etcd 与 Raft"
    assert found.raw["date"] == "2020-05-10 08:00:00+08:00"  # a string, as fields.py wants
    assert found.raw["tags"] == ["etcd", "raft"] and found.raw["params"] == {"toc": True}
    assert found.lines == {"title": 2, "date": 3, "draft": 4, "tags": 5}
    assert found.body == "Body\n" and found.body_line == 9


def test_toml_error_has_its_line():
    with pytest.raises(FrontMatterError) as e:
        read_metadata('+++\ntitle = "ok"\ntags = ["a", \ndate = 2020-01-01\n+++\n')
    assert e.value.line >= 3 and "TOML" in e.value.message
    with pytest.raises(FrontMatterError) as e:
        read_metadata('+++\ntitle = "never closed"\n')
    assert e.value.line == 1 and "never closed" in e.value.message


def test_json_front_matter():
    text = '{\n  "title": "cgroups v2",\n  "date": "2019-11-20",\n  "tags": ["linux"]\n}\n\nBody\n'
    found = read_metadata(text)
    assert found.format == "json" and found.raw["tags"] == ["linux"]
    assert found.lines == {"title": 2, "date": 3, "tags": 4}
    assert found.body == "\nBody\n" and found.body_line == 6


def test_json_error_has_its_line():
    with pytest.raises(FrontMatterError) as e:
        read_metadata('{\n  "title": "x",\n  "date" "2019-11-20"\n}\nBody\n')
    assert e.value.line == 3 and "JSON" in e.value.message


def test_unfenced_yaml_is_read_with_a_notice():
    text = 'title: "Kubernetes Ingress 详解"\ndate: 2017-08-20\ntags: ["k8s"]\n---\n\nBody\n'
    found = read_metadata(text)
    assert found.format == "yaml" and found.raw["title"] == "Kubernetes Ingress 详解"
    assert found.lines == {"title": 1, "date": 2, "tags": 3}
    assert found.body == "\nBody\n" and found.body_line == 5
    assert found.notices and "opening '---'" in found.notices[0][1]


def test_pelican_lines_followed_by_a_rule_are_not_unfenced_yaml():
    found = read_metadata("Title: x\nDate: 2020-01-01\n\nA paragraph.\n\n---\n\nMore.\n")
    assert found.format == "pelican" and found.body.startswith("A paragraph.")


def test_plain_markdown_has_no_metadata():
    assert read_metadata("# Just a heading\n\ntext\n") is None


def test_hugo_keys():
    raw, lines = normalize({"title": "x", "draft": True, "publishdate": "2020-01-02",
                            "lastmod": "2020-02-01", "aliases": ["/old/"], "url": "/older/",
                            "translationkey": "k"},
                           {"title": 2, "draft": 3, "publishdate": 4, "lastmod": 5, "aliases": 6,
                            "url": 7}, "toml")
    assert raw["status"] == "draft" and "draft" not in raw
    assert raw["date"] == "2020-01-02" and raw["modified"] == "2020-02-01"
    assert raw["aliases"] == ["/old/", "/older/"] and "url" not in raw and lines["aliases"] == 6
    assert raw["translationkey"] == "k"


def test_jekyll_keys():
    raw, lines = normalize({"title": "x", "layout": "post", "categories": "docker network",
                            "redirect_from": ["/a/", "/b/"], "permalink": "/c/"},
                           {"title": 2, "layout": 3, "categories": 4, "redirect_from": 5,
                            "permalink": 8}, "yaml")
    assert "layout" not in raw
    assert raw["categories"] == ["docker"] and raw["tags"] == ["network"]
    assert raw["aliases"] == ["/a/", "/b/", "/c/"] and lines["aliases"] == 5


def test_hexo_categories_keep_every_one():
    raw, _ = normalize({"title": "x", "categories": [["Kubernetes", "Release"]], "tags": ["k8s"]},
                       {"title": 2, "categories": 3, "tags": 4}, "yaml")
    assert raw["categories"] == ["Kubernetes"] and raw["tags"] == ["k8s", "Release"]


def test_pelican_url_stays_its_own():
    raw, _ = normalize({"title": "x", "url": "about.html"}, {}, "pelican")
    assert raw["url"] == "about.html" and "aliases" not in raw


@pytest.mark.parametrize("title, body, lang", [
    ("Kubernetes Ingress 详解", "Ingress 是 Kubernetes 里把集群外的 HTTP 流量引到 Service 的对象。", "zh"),
    ("Linkerd vs Istio", "这篇对比两个服务网格：Linkerd 轻量、上手快，Istio 功能全。", "zh"),
    ("How flannel works", "It is called 法兰绒 in Chinese, but the code says flannel.", None),
    ("用 Go 写", "```go\nfunc main() { fmt.Println(\"a long English line of code\") }\n```\n很短。", "zh"),
])
def test_guess_lang(title, body, lang):
    assert guess_lang(title, body) == lang


def test_decide_lang_setting_wins():
    assert decide_lang("中文标题", "中文正文", SETTINGS) == ("zh", "mostly Chinese text")
    assert decide_lang("English", "text", SETTINGS)[0] == "en"
    assert decide_lang("English", "text", dict(SETTINGS, IMPORTED_POSTS_LANG="zh")) == \
        ("zh", "IMPORTED_POSTS_LANG")
