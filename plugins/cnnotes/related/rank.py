"""Ranking posts by the tags they share (no Pelican here: plain objects with lang,
date, tags (each with a slug) and translations).

An index from tag to posts, built once per build, so each post looks only at the posts
sharing one of its tags, not at every post."""
import heapq
from collections import Counter, defaultdict


def _tags(post):
    return {getattr(t, "slug", str(t)) for t in (getattr(post, "tags", None) or [])}


def _group(post):
    """The post and its translations: one piece of writing."""
    return frozenset({id(post), *(id(t) for t in getattr(post, "translations", []) or [])})


class RelatedIndex:
    def __init__(self, posts):
        self.posts = list(posts)
        self.groups = [_group(p) for p in self.posts]
        self.by_tag = defaultdict(list)  # tag -> positions in self.posts, in order
        for position, post in enumerate(self.posts):
            for tag in _tags(post):
                self.by_tag[tag].append(position)

    def related(self, post, limit):
        """The posts most related to `post`, at most `limit`: most shared tags first, the
        post's language first, newest first; one version of each piece of writing (the
        post's language when it has it), never the post or its translations."""
        mine = _tags(post)
        if not mine or limit <= 0:
            return []
        shared = Counter(position for tag in mine for position in self.by_tag.get(tag, ()))
        skip = _group(post)
        best = {}  # piece of writing -> position of the version shown
        for position in sorted(shared):
            other = self.posts[position]
            if id(other) in skip:
                continue
            group = self.groups[position]
            shown = best.get(group)
            if shown is None or (self.posts[shown].lang != post.lang and other.lang == post.lang):
                best[group] = position

        def order(position):
            other = self.posts[position]
            return (-shared[position], other.lang != post.lang, -other.date.timestamp())
        return [self.posts[p] for p in heapq.nsmallest(limit, best.values(), key=order)]


def related_posts(post, posts, limit):
    """The posts of `posts` most related to `post`, at most `limit` (RelatedIndex.related)."""
    return RelatedIndex(posts).related(post, limit)
