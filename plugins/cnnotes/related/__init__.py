"""Related posts: at the end of a post, the posts sharing the most tags with it.

Each post gets `related_posts` (the theme's article.html lists them): at most
RELATED_POSTS_MAX (default 4) other posts with at least one tag in common, most
shared tags first, the reader's language first, newest first. A post written in
both languages counts once, in the post's language when it has that version; the
post's own translations are never listed.
"""
from pelican import signals

from cnnotes.related.rank import RelatedIndex

DEFAULT_MAX = 4


def add_related(generator):
    posts = [*generator.articles, *generator.translations]
    limit = generator.settings.get("RELATED_POSTS_MAX", DEFAULT_MAX)
    index = RelatedIndex(posts)
    for post in posts:
        post.related_posts = index.related(post, limit)


def register():
    signals.article_generator_finalized.connect(add_related)
