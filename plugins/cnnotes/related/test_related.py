"""Related posts: shared tags, one version of a translated post, the reader's language first."""
import datetime as dt
from types import SimpleNamespace as NS

from cnnotes.related.rank import related_posts


def post(title, lang, day, *tags):
    return NS(title=title, lang=lang, date=dt.datetime(2016, 7, day), translations=[],
              tags=[NS(slug=t) for t in tags])


def pair(a, b):
    a.translations, b.translations = [b], [a]


def test_most_shared_tags_first_then_the_readers_language_then_newest():
    flannel = post("flannel", "en", 19, "network", "hyper", "etcd", "overlay")
    flannel_zh = post("flannel zh", "zh", 19, "network", "hyper", "etcd", "overlay")
    pair(flannel, flannel_zh)
    netns = post("netns", "en", 3, "network", "docker")
    netns_zh = post("netns zh", "zh", 3, "network", "docker")
    pair(netns, netns_zh)
    runv_zh_only = post("runv zh", "zh", 17, "hyper", "docker")
    hyper_etcd = post("hypernetes", "en", 6, "hyper", "etcd")
    go = post("go", "en", 5, "go")
    posts = [flannel, flannel_zh, netns, netns_zh, runv_zh_only, hyper_etcd, go]
    titles = [p.title for p in related_posts(flannel, posts, 4)]
    assert titles == ["hypernetes", "netns", "runv zh"]            # 2 tags, then 1 (en before zh)
    assert [p.title for p in related_posts(flannel_zh, posts, 4)] == ["hypernetes", "runv zh", "netns zh"]
    assert related_posts(go, posts, 4) == []
    assert len(related_posts(flannel, posts, 1)) == 1
