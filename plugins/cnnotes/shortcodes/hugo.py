"""Hugo's shortcodes: figure, highlight, ref, relref, youtube, gist."""
from .cards import link_card
from .common import Html, TagError, attr, fence


def _arg(tag, name, position=None, default=""):
    if name in tag.named:
        return tag.named[name]
    if position is not None and len(tag.args) > position:
        return tag.args[position]
    return default


def figure(tag, ctx):
    """`{{< figure src="x.png" alt title caption link >}}` -> <figure> with the image."""
    src = _arg(tag, "src", 0)
    if not src:
        raise TagError('figure needs src: {{< figure src="image.png" caption="..." >}}')
    caption = _arg(tag, "caption") or _arg(tag, "title")
    alt = _arg(tag, "alt") or caption
    img = f'<img src="{attr(ctx.image_src(src))}" alt="{attr(alt)}">'
    link = _arg(tag, "link")
    if link:
        img = f'<a href="{attr(link)}">{img}</a>'
    cap = f"<figcaption>{attr(caption)}</figcaption>" if caption else ""
    return Html(f"<figure>{img}{cap}</figure>")


def highlight(tag, body, ctx):
    """`{{< highlight go "linenos=table" >}}` ... `{{< /highlight >}}` -> fenced code."""
    return fence(tag.args[0] if tag.args else "", body)


def ref(tag, ctx):
    """`{{< ref "post.md" >}}` / relref -> that post's URL (in a Markdown link)."""
    target = _arg(tag, "path", 0)
    if not target:
        raise TagError('ref needs a path: [text]({{< ref "post.md" >}})')
    return ctx.post(target, None)


def youtube(tag, ctx):
    video = _arg(tag, "id", 0)
    if not video:
        raise TagError('youtube needs a video id: {{< youtube id >}}')
    title = _arg(tag, "title") or f"Video {video}"
    return Html(link_card(f"https://www.youtube.com/watch?v={video}", title, "YouTube"))


def gist(tag, ctx):
    user, gist_id = _arg(tag, "user", 0), _arg(tag, "id", 1)
    if not (user and gist_id):
        raise TagError("gist needs a user and an id: {{< gist user id >}}")
    url = f"https://gist.github.com/{user}/{gist_id}"
    name = _arg(tag, "file", 2)
    return Html(link_card(url + (f"#file-{name.replace('.', '-')}" if name else ""),
                          f"{user}/{gist_id}" + (f" {name}" if name else ""), "Gist"))


BLOCKS = {"highlight": highlight}
INLINE = {"figure": figure, "ref": ref, "relref": ref, "youtube": youtube, "gist": gist}
