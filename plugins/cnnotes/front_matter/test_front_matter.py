"""YAML front matter: splitting, line numbers, validation, the `{% %}` fallback."""
import datetime

import pytest
from markdown import Markdown

from cnnotes.front_matter.fields import FieldError, as_list, parse_date, to_metadata
from cnnotes.front_matter.liquid import LiquidFallbackExtension
from cnnotes.front_matter.yaml_meta import FrontMatterError, parse, split

SETTINGS = {"DEFAULT_LANG": "en", "LANGUAGES": ("en", "zh"), "DEFAULT_CATEGORY": "Misc"}


def meta(raw, is_page=False):
    return to_metadata(raw, dict(SETTINGS), is_page, render_markdown=lambda s: f"<p>{s}</p>")


def test_split_and_lines():
    text = "---\ntitle: 标题\ndate: 2016-08-24 10:00\ntags: [a, b]\n---\nBody\n"
    front, body, body_line = split(text)
    assert body == "Body\n" and body_line == 6
    data, lines = parse(front)
    assert data == {"title": "标题", "date": "2016-08-24 10:00", "tags": ["a", "b"]}
    assert lines == {"title": 2, "date": 3, "tags": 4}


def test_no_front_matter_and_unclosed():
    assert split("# Just markdown\n")[0] is None
    with pytest.raises(FrontMatterError) as e:
        split("---\ntitle: x\n")
    assert e.value.line == 1


def test_yaml_error_has_line():
    with pytest.raises(FrontMatterError) as e:
        parse("title: ok\ntags: [a, b\ndate: 2016-01-01\n")
    assert e.value.line >= 3 and "YAML" in e.value.message


def test_dates_stay_strings_in_yaml_and_parse_one_way():
    data, _ = parse("date: 2016-07-19\n")
    assert data["date"] == "2016-07-19"
    assert parse_date("2016-07-19") == datetime.datetime(2016, 7, 19)
    assert parse_date("2016-07-19 10:00") == datetime.datetime(2016, 7, 19, 10, 0)
    assert parse_date("2016-7-9 10:00:05") == datetime.datetime(2016, 7, 9, 10, 0, 5)
    aware = parse_date("2016-07-19T10:00:00+08:00")
    assert aware.utcoffset() == datetime.timedelta(hours=8)


@pytest.mark.parametrize("bad", ["2016-13-01", "yesterday", "19/07/2016", "2016-02-30 10:00"])
def test_bad_dates(bad):
    with pytest.raises(FieldError) as e:
        parse_date(bad)
    assert e.value.key == "date" and bad in e.value.message


def test_hexo_lists():
    assert as_list("docker, network") == ["docker", "network"]
    assert as_list(["a", ["b", "c"], "a", 2016]) == ["a", "b", "c", "2016"]
    assert as_list(None) == []


def test_metadata_from_hexo_front_matter():
    m = meta({"title": "如何快速启动一个Kubernetes集群", "date": "2016-08-24 10:00:00",
              "updated": "2016-09-01", "lang": "zh", "tags": ["kubernetes", "集群"],
              "categories": [["Kubernetes", "Setup"]], "translation": True, "comments": True,
              "lab": "minikube"})
    assert m["slug"] == "ru-he-kuai-su-qi-dong-yi-ge-kubernetes-ji-qun"
    assert m["modified"] == datetime.datetime(2016, 9, 1)
    assert [t.name for t in m["tags"]] == ["kubernetes", "集群"]
    assert [t.slug for t in m["tags"]] == ["kubernetes", "ji-qun"]
    assert m["category"].name == "Kubernetes"
    assert m["translation"] == "true"
    assert m["lab"] == "minikube" and m["comments"] is True


def test_jekyll_file_name_gives_the_date():
    m = to_metadata({"title": "Old post"}, dict(SETTINGS), False, str, "2015-03-02-old-post.md")
    assert m["date"] == datetime.datetime(2015, 3, 2) and m["slug"] == "old-post"
    with pytest.raises(FieldError):
        to_metadata({"title": "x"}, dict(SETTINGS), False, str, "old-post.md")


def test_defaults_and_explicit_slug():
    m = meta({"title": "Hello", "date": "2016-01-01", "slug": "my-slug"})
    assert m["lang"] == "en" and m["slug"] == "my-slug" and m["category"].name == "Misc"
    assert "date" not in meta({"title": "About"}, is_page=True)
    assert meta({"title": "x", "date": "2016-01-01", "published": False})["status"] == "draft"


@pytest.mark.parametrize("raw, key", [
    ({"title": "x", "date": "2016-01-01", "lang": "fr"}, "lang"),
    ({"title": "x", "date": "2016-01-01", "lang": "zh-CN"}, "lang"),
    ({"title": "x"}, "date"),
    ({"date": "2016-01-01"}, "title"),
    ({"title": "x", "date": "2016-01-01", "slug": "a b/c"}, "slug"),
    ({"title": "？！", "date": "2016-01-01"}, "title"),
])
def test_field_errors_name_their_key(raw, key):
    with pytest.raises(FieldError) as e:
        meta(raw)
    assert e.value.key == key


def test_liquid_fallback_shows_unhandled_tags_as_code_not_in_fences():
    md = Markdown(extensions=["fenced_code", LiquidFallbackExtension()])
    html = md.convert("Text\n\n{% pdf /files/x.pdf %}\n\n```\n{% pdf in code %}\n```\n")
    assert '<p class="liquid-tag"><code>{% pdf /files/x.pdf %}</code></p>' in html
    assert "{% pdf in code %}" in html and html.count("liquid-tag") == 1
    assert md.liquid_tags == [(3, "{% pdf /files/x.pdf %}")]


# --- every problem at once, with a hint for the unquoted colon ------------------------

from cnnotes.front_matter.problems import every_problem  # noqa: E402


def test_a_colon_in_an_unquoted_title_gets_a_hint_to_quote_it():
    with pytest.raises(FrontMatterError) as e:
        parse("title: Docker: the runtime\ndate: 2016-01-01\n")
    assert e.value.line == 2
    assert "mapping values are not allowed here" in e.value.message
    assert 'quote the value, title: "Docker: the runtime"' in e.value.message


def test_other_yaml_errors_get_no_colon_hint():
    with pytest.raises(FrontMatterError) as e:
        parse("title: ok\ntags: [a, b\n")
    assert "quote" not in e.value.message


def test_every_front_matter_problem_is_listed_at_its_line():
    text = ("---\ntitle: Docker: the runtime\ndate: 2016-13-45\nlang: fr\n"
            "summary: a: b\ntags: [go\nslug: ok\n---\nBody\n")
    problems = every_problem(text, dict(SETTINGS), False, "x.md")
    assert [line for line, _ in problems] == [2, 3, 4, 5, 6]
    assert 'title: "Docker: the runtime"' in problems[0][1]
    assert "bad date '2016-13-45'" in problems[1][1]
    assert "unknown lang 'fr'" in problems[2][1]
    assert 'summary: "a: b"' in problems[3][1]
    assert "flow sequence" in problems[4][1]
    # one cause, one message: the broken title line is not also "no title"
    assert not any("no title" in message for _, message in problems)


def test_field_errors_are_all_collected():
    with pytest.raises(FieldError) as e:
        meta({"title": "", "date": "yesterday", "lang": "fr", "slug": "a b"})
    assert [key for key, _ in e.value.problems] == ["title", "date", "lang", "slug"]
    assert every_problem("---\ntitle: fine\ndate: 2016-01-01\n---\n", dict(SETTINGS), False) == []
