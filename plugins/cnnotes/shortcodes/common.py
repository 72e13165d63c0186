"""What the tools' renderers share: the conversion's context and the output kinds."""
import html
import os
from dataclasses import dataclass

from . import targets


class TagError(ValueError):
    """A tag that cannot be rendered: the message says what to write instead."""


@dataclass
class Html:
    """Markup to place as it is (stashed from Markdown)."""
    markup: str


@dataclass
class Context:
    md: object
    settings: dict
    source_path: object  # None when converting text that is no file

    @property
    def content_root(self) -> str:
        return self.settings.get("PATH") or (os.path.dirname(self.source_path or "") or ".")

    def post(self, ref: str, text: str = "") -> str:
        """A Markdown link to the post ref names, or just its URL (text None)."""
        try:
            rel = targets.find_post(self.content_root, ref, self.source_path)
        except targets.TargetError as e:
            raise TagError(str(e)) from None
        anchor = ref.split("#", 1)[1] if "#" in ref else ""
        url = targets.post_link(rel, anchor)
        if text is None:
            return url
        label = text or targets.post_title(self.content_root, rel)
        return f"[{escape_md(label)}]({url})"

    def asset(self, name: str) -> str:
        try:
            return targets.asset_link(self.source_path, name)
        except targets.TargetError as e:
            raise TagError(str(e)) from None

    def image_src(self, src: str) -> str:
        """An image's address for the page: a file of the post's own or of content/ as
        an intrasite link; another site's is refused (the page loads nothing from another host)."""
        if src.startswith(("http://", "https://", "//")):
            raise TagError(f"image '{src}' is on another host: nothing on this site loads from "
                           "one; save it beside the post and link it by its file name")
        if src.startswith("/"):
            return targets.static_link(self.content_root, src) or src
        return self.asset(src)


def escape_md(text: str) -> str:
    """Text to put inside a Markdown link's brackets."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def fence(lang: str, body: list[str]) -> list[str]:
    """A fenced code block around body lines, with a fence longer than any inside."""
    longest = max([len(line) - len(line.lstrip("`")) for line in body] + [2])
    marks = "`" * (longest + 1)
    return [f"{marks}{lang or ''}"] + body + [marks]


def attr(value: str) -> str:
    return html.escape(value, quote=True)
