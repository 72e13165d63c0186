"""Hexo's tags: codeblock, blockquote, post_link, post_path, asset_img, asset_link,
asset_path, raw (in __init__), youtube, iframe."""
import re

from .cards import link_card
from .common import Html, TagError, attr, escape_md, fence

_LANG_RE = re.compile(r"^lang:(\S+)$")


def codeblock(tag, body, ctx):
    """`{% codeblock [title] [lang:x] [url] [link text] %}` -> fenced code (its title above)."""
    lang, words = "", []
    for word in tag.args:
        m = _LANG_RE.match(word)
        if m:
            lang = m.group(1)
        elif not word.startswith(("http://", "https://")):
            words.append(word)
    title = " ".join(words)
    return ([f"*{escape_md(title)}*", ""] if title else []) + fence(lang, body)


def blockquote(tag, body, ctx):
    """`{% blockquote [author[, source]] [link] [link title] %}` -> a quote, signed
    `— author, [link title](link)`."""
    is_link = [a.startswith(("http://", "https://")) for a in tag.args]
    at = is_link.index(True) if True in is_link else len(tag.args)
    who = " ".join(tag.args[:at]).strip()
    lines = ["> " + line if line.strip() else ">" for line in body]
    sign = escape_md(who)
    if at < len(tag.args):
        link = tag.args[at]
        title = " ".join(tag.args[at + 1:]).strip() or link
        sign = (sign + ", " if sign else "") + f"[{escape_md(title)}]({link})"
    if sign:
        lines += [">", f"> — {sign}"]
    return [""] + lines + [""]


def post_link(tag, ctx):
    """`{% post_link slug [title] [escape] %}` -> a link to that post."""
    if not tag.args:
        raise TagError("post_link needs the post's file name: {% post_link name [title] %}")
    words = [a for a in tag.args[1:] if a not in ("true", "false")]
    return ctx.post(tag.args[0], " ".join(words))


def post_path(tag, ctx):
    if not tag.args:
        raise TagError("post_path needs the post's file name: {% post_path name %}")
    return ctx.post(tag.args[0], None)


def asset_img(tag, ctx):
    """`{% asset_img [class] name [width] [height] [title text ['alt text']] %}`."""
    args = list(tag.args)
    while args and not re.search(r"\.\w+$", args[0]) and len(args) > 1:
        args.pop(0)  # CSS classes before the file name
    if not args:
        raise TagError("asset_img needs a file name: {% asset_img name.png [title] %}")
    name, rest = args[0], [a for a in args[1:] if not re.fullmatch(r"\d+(px|%)?", a)]
    if '"' in tag.text or "'" in tag.text:  # "title text" "alt text"
        title, alt = (rest + ["", ""])[:2]
        alt = alt or title
    else:  # the title is every word left
        title = alt = " ".join(rest)
    src = ctx.asset(name)
    title_attr = f' title="{attr(title)}"' if title else ""
    return Html(f'<img src="{attr(src)}" alt="{attr(alt)}"{title_attr}>')


def asset_link(tag, ctx):
    if not tag.args:
        raise TagError("asset_link needs a file name: {% asset_link name [title] %}")
    text = " ".join(a for a in tag.args[1:] if a not in ("true", "false")) or tag.args[0]
    return f"[{escape_md(text)}]({ctx.asset(tag.args[0])})"


def asset_path(tag, ctx):
    if not tag.args:
        raise TagError("asset_path needs a file name: {% asset_path name %}")
    return ctx.asset(tag.args[0])


def youtube(tag, ctx):
    if not tag.args:
        raise TagError("youtube needs a video id: {% youtube id %}")
    video = tag.args[0]
    return Html(link_card(f"https://www.youtube.com/watch?v={video}", f"Video {video}", "YouTube"))


def iframe(tag, ctx):
    if not tag.args:
        raise TagError("iframe needs an address: {% iframe url %}")
    return Html(link_card(tag.args[0], tag.args[0], "Embedded page"))


def link(tag, ctx):
    """Hexo's `{% link text url [external] [title] %}` (Jekyll's `{% link path %}` has
    one argument: jekyll.py)."""
    urls = [a for a in tag.args if re.match(r"^(https?:)?//|^/", a)]
    if not urls:
        raise TagError("link needs an address: {% link text url %}")
    text = " ".join(a for a in tag.args[: tag.args.index(urls[0])]) or urls[0]
    return f"[{escape_md(text)}]({urls[0]})"


BLOCKS = {"codeblock": codeblock, "blockquote": blockquote}
INLINE = {"post_link": post_link, "post_path": post_path, "asset_img": asset_img,
          "asset_link": asset_link, "asset_path": asset_path, "youtube": youtube, "iframe": iframe}
