"""Ranking posts by the tags they share (no Pelican here: plain objects with lang,
date, tags (each with a slug) and translations)."""


def _tags(post):
    return {getattr(t, "slug", str(t)) for t in (getattr(post, "tags", None) or [])}


def _group(post):
    """The post and its translations: one piece of writing."""
    return {id(post), *(id(t) for t in getattr(post, "translations", []) or [])}


def related_posts(post, posts, limit):
    """The posts of `posts` most related to `post`, at most `limit`."""
    mine = _tags(post)
    if not mine or limit <= 0:
        return []
    skip = _group(post)
    best = {}  # one entry per piece of writing: frozenset of its ids -> the version shown
    for other in posts:
        if id(other) in skip or not (mine & _tags(other)):
            continue
        group = frozenset(_group(other))
        shown = best.get(group)
        if shown is None or (shown.lang != post.lang and other.lang == post.lang):
            best[group] = other

    def order(other):
        return (-len(mine & _tags(other)), other.lang != post.lang, -other.date.timestamp())
    return sorted(best.values(), key=order)[:limit]
