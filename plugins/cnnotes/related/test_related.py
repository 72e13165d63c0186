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


def test_the_index_ranks_as_comparing_every_pair_would():
    import random
    rng = random.Random(7)
    posts = []
    for n in range(120):
        p = post(f"p{n}", rng.choice(["en", "zh"]), rng.randint(1, 28),
                 *rng.sample(["a", "b", "c", "d", "e", "f", "g"], rng.randint(0, 3)))
        if posts and rng.random() < 0.3 and not posts[-1].translations:
            pair(posts[-1], p)
        posts.append(p)

    def every_pair(me):
        mine = {t.slug for t in me.tags}
        mine_group = {id(me), *map(id, me.translations)}
        shown = {}
        for other in posts:
            shared = len(mine & {t.slug for t in other.tags})
            if id(other) in mine_group or not shared:
                continue
            group = frozenset({id(other), *map(id, other.translations)})
            if group not in shown or (shown[group].lang != me.lang and other.lang == me.lang):
                shown[group] = other
        ranked = sorted(shown.values(), key=lambda o: (-len(mine & {t.slug for t in o.tags}),
                                                       o.lang != me.lang, -o.date.timestamp()))
        return [o.title for o in ranked[:4]]

    from cnnotes.related.rank import RelatedIndex
    index = RelatedIndex(posts)
    assert all([o.title for o in index.related(me, 4)] == every_pair(me) for me in posts)
    assert sum(bool(index.related(me, 4)) for me in posts) > 60
