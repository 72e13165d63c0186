"""The navigation tree of a book edition as HTML: made once per edition, then marked for
each page (the current page's link, its sections open) by replacing two strings, so
a 250-page book does not render 250 × 250 tree entries through Jinja.

Markup, collapsible without JavaScript:

    <ul class="book-tree">
      <li><a href="…">Page</a></li>
      <li class="book-tree__section"><details data-n="3"><summary>Section</summary>
        <ul><li><a href="…">Section's own page</a></li> …</ul></details></li>
    </ul>

A section's title is its `<summary>` (a toggle, not a link: a link inside a summary is a
control inside a control); its own page, when it has one, is its first entry.
Top-level sections start open; deeper ones are open when they hold the current page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass
class Node:
    title: str
    url: str | None                 # root-relative ("zh/books/x/a/"), None: a title only
    lang: str | None = None         # when it differs from the edition's (a page not translated)
    children: list = field(default_factory=list)


class Tree:
    def __init__(self, nodes: list, siteurl: str):
        self.siteurl = siteurl
        self.ancestors = {}   # url -> [section numbers holding it]
        self._count = 0
        self.html = self._list(nodes, [], top=True)

    def _link(self, node: Node) -> str:
        lang = f' lang="{escape(node.lang)}"' if node.lang else ""
        return f'<a href="{escape(self.siteurl)}/{escape(node.url)}"{lang}>{escape(node.title)}</a>'

    def _list(self, nodes, path, top=False) -> str:
        items = []
        for node in nodes:
            if not node.children:
                if node.url is None:
                    items.append(f'<li class="book-tree__title">{escape(node.title)}</li>')
                else:
                    self.ancestors.setdefault(node.url, list(path))
                    items.append(f"<li>{self._link(node)}</li>")
                continue
            self._count += 1
            number = self._count
            inner = []
            if node.url is not None:
                self.ancestors.setdefault(node.url, [*path, number])
                inner.append(f"<li>{self._link(node)}</li>")
            body = self._list(node.children, [*path, number])
            opened = " open" if top else ""
            items.append(f'<li class="book-tree__section"><details data-n="{number}"{opened}>'
                         f"<summary>{escape(node.title)}</summary>"
                         f'<ul>{"".join(inner)}{body[len("<ul>"):-len("</ul>")]}</ul></details></li>')
        cls = ' class="book-tree"' if top else ""
        return f"<ul{cls}>{''.join(items)}</ul>"

    def for_page(self, url: str) -> str:
        """The tree with `url`'s link marked current and its sections open."""
        out = self.html
        href = f'href="{escape(self.siteurl)}/{escape(url)}"'
        out = out.replace(href + ">", href + ' aria-current="page">', 1)
        out = out.replace(href + " lang=", href + ' aria-current="page" lang=', 1)
        for number in self.ancestors.get(url, ()):
            out = out.replace(f'data-n="{number}">', f'data-n="{number}" open>', 1)
        return out
