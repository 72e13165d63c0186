"""A post in all its languages, and the listing entries built from posts.

Pelican keeps one "original" per translation group and hangs the others off
`.translations`. Listings here show each post once; in UI language X they show
the X version when there is one, and mark the other languages.
"""
from dataclasses import dataclass, field
from operator import attrgetter


@dataclass
class Post:
    original: object
    versions: dict = field(default_factory=dict)  # lang -> Article
    # others(lang), made once: a post is in a dozen listings in each UI language
    _others: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_article(cls, article):
        versions = {article.lang: article}
        for tr in getattr(article, "translations", []):
            versions.setdefault(tr.lang, tr)
        return cls(article, versions)

    @property
    def date(self):
        return self.original.date

    def shown(self, lang):
        """The version to show in a UI language."""
        return self.versions.get(lang, self.original)

    def others(self, lang):
        """Versions in languages other than the one shown in UI language `lang`."""
        found = self._others.get(lang)
        if found is None:
            shown = self.shown(lang)
            found = self._others[lang] = [a for lg, a in sorted(self.versions.items())
                                          if a is not shown]
        return found

    def tags(self):
        """Tags of every version, one per slug, in first-seen order."""
        seen = {}
        for a in [self.original, *self.versions.values()]:
            for tag in getattr(a, "tags", []) or []:
                seen.setdefault(tag.slug, tag)
        return list(seen.values())

    def categories(self):
        seen = {}
        for a in [self.original, *self.versions.values()]:
            cat = getattr(a, "category", None)
            if cat is not None:
                seen.setdefault(cat.slug, cat)
        return list(seen.values())


@dataclass
class Entry:
    """One line of a listing: the article shown and its other-language versions."""
    article: object
    others: list


def posts_from(articles) -> list[Post]:
    """Posts newest first (articles = Pelican's originals)."""
    posts = [Post.from_article(a) for a in articles]
    posts.sort(key=attrgetter("date"), reverse=True)
    return posts


def entries(posts, lang) -> list[Entry]:
    return [Entry(p.shown(lang), p.others(lang)) for p in posts]


def group_by(posts, key):
    """{slug: (wrapper, [posts])} for key in ('tags', 'categories'), sorted by name."""
    groups = {}
    for post in posts:
        for wrapper in getattr(post, key)():
            groups.setdefault(wrapper.slug, (wrapper, []))[1].append(post)
    return dict(sorted(groups.items(), key=lambda kv: kv[1][0].name.lower()))


def link_neighbours(posts) -> None:
    """Set `newer` / `older` on every version: the neighbouring post, in the same language
    when it has one."""
    for i, post in enumerate(posts):
        newer = posts[i - 1] if i > 0 else None
        older = posts[i + 1] if i + 1 < len(posts) else None
        for lang, article in post.versions.items():
            article.newer = newer.shown(lang) if newer else None
            article.older = older.shown(lang) if older else None
