"""build_cache.reads: what a render notes of the posts it reads, and when it gives up."""
import copy
import datetime

import jinja2
import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from cnnotes.build_cache import reads
from cnnotes.build_cache.digest import content_key


def post(slug, title, day=1):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    return Article("<p>body</p>", metadata={"title": title, "slug": slug,
                                             "date": datetime.datetime(2024, 1, day)},
                   settings=settings, source_path=f"/content/{slug}.md")


class Holder:
    """A Python object with a getter, holding a post or not."""

    def __init__(self, value):
        self.value = value

    @property
    def shown(self):
        return self.value if isinstance(self.value, str) else self.value.title


def render(source, filters=None, **values):
    env = jinja2.Environment()
    env.filters.update(filters or {})
    reads.track(env, reads.Walk())
    with reads.recording() as seen:
        text = env.from_string(source).render(**values)
    return text, seen


def names(seen):
    return dict(seen.frozen(content_key))


def test_attribute_reads_are_noted_per_post():
    a, b = post("a", "Alpha", 2), post("b", "Beta", 1)
    text, seen = render("{% for p in posts|sort(attribute='date') %}{{ p.title }};{% endfor %}",
                        posts=[a, b])
    assert text == "Beta;Alpha;"
    assert seen.untracked is None
    assert names(seen) == {content_key(a): ("date", "title"), content_key(b): ("date", "title")}


def test_jinja_filters_taking_attributes_are_followed():
    a, b = post("a", "Alpha"), post("b", "Beta")
    text, seen = render("{{ posts|map(attribute='title')|join(', ') }} {{ posts|length }}",
                        posts=[a, b])
    assert text == "Alpha, Beta 2" and seen.untracked is None
    assert names(seen)[content_key(a)] == ("title",)


def test_select_with_jinja_tests_is_followed_and_with_the_sites_own_is_not():
    a, b = post("a", "Alpha"), post("b", "Beta")
    text, seen = render("{{ posts|selectattr('title', 'equalto', 'Beta')|map(attribute='slug')|join }}"
                        "{{ posts|select('defined')|list|length }}", posts=[a, b])
    assert text == "b2" and seen.untracked is None
    assert names(seen)[content_key(b)] == ("slug", "title")
    env = jinja2.Environment()
    env.tests["long"] = lambda p: len(p.title) > 4
    reads.track(env, reads.Walk())
    with reads.recording() as seen:
        assert env.from_string("{{ posts|select('long')|list|length }}").render(posts=[a, b]) == "1"
    assert seen.untracked is not None


@pytest.mark.parametrize("source, why", [
    ("{{ f(p) }}", "call"),                     # a Python function gets a post
    ("{{ f(x=[p]) }}", "call"),                 # ... or a value holding one
    ("{{ p|shout }}", "filter"),                # a filter of the site's own
    ("{{ posts|join(', ') }}", "filter"),       # Jinja's join without attribute=
    ("{{ holder.shown }}", "Holder.shown"),     # a getter of an object holding a post
])
def test_python_code_reading_a_post_gives_up(source, why):
    p = post("a", "Alpha")
    _, seen = render(source, filters={"shout": lambda v: str(v.title).upper()},
                     f=lambda *a, **k: "", p=p, posts=[p], holder=Holder(p))
    assert seen.untracked is not None and why in seen.untracked


def test_python_code_given_no_post_is_fine():
    p = post("a", "Alpha")
    text, seen = render("{{ f(p.title) }} {{ holder.shown }} {{ names.get('a') }} {{ p.date.year }}",
                        f=str.upper, p=p, holder=Holder("plain"), names={"a": p.title})
    assert text == "ALPHA plain Alpha 2024"
    assert seen.untracked is None
    assert names(seen) == {content_key(p): ("date", "title")}


def test_a_method_of_a_post_counts_the_whole_post():
    p = post("a", "Alpha")
    _, seen = render("{{ p.get_relative_source_path() }}", p=p)
    assert seen.untracked is None
    assert reads.DEEP in names(seen)[content_key(p)]


def test_nothing_is_noted_outside_a_recording():
    env = jinja2.Environment()
    reads.track(env, reads.Walk())
    assert env.from_string("{{ p.title }}").render(p=post("a", "Alpha")) == "Alpha"
    with reads.recording() as seen:
        pass
    assert names(seen) == {}
