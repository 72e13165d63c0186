"""Jekyll's tags: highlight, post_url, link, raw (in __init__)."""
from . import hexo
from .common import TagError, fence


def highlight(tag, body, ctx):
    """`{% highlight go [linenos] %}` ... `{% endhighlight %}` -> fenced code."""
    return fence(tag.args[0] if tag.args else "", body)


def post_url(tag, ctx):
    """`{% post_url 2010-07-21-name %}` -> that post's URL (in a Markdown link)."""
    if not tag.args:
        raise TagError("post_url needs the post's file name: {% post_url 2010-07-21-name %}")
    return ctx.post(tag.args[0], None)


def link(tag, ctx):
    """Jekyll's `{% link _posts/2016-07-26-name.md %}` -> that file's URL; with more
    arguments it is Hexo's `{% link text url %}`."""
    if len(tag.args) != 1:
        return hexo.link(tag, ctx)
    target = tag.args[0]
    if target.endswith((".md", ".markdown")):
        return ctx.post(target.rsplit("/", 1)[-1], None)
    return ctx.image_src("/" + target.lstrip("/"))


BLOCKS = {"highlight": highlight}
INLINE = {"post_url": post_url, "link": link}
