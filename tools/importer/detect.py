"""Which tool a site was made with, from its config file. A new source tool: a module
with NAME, detect(root) and collect(root), listed here (the more specific first)."""
from pathlib import Path

from . import hexo, hugo, jekyll, pelican

TOOLS = (pelican, hugo, hexo, jekyll)


class UnknownSite(ValueError):
    pass


def detect(root: Path):
    """The module of the tool that made the site at root. Raises UnknownSite."""
    for tool in TOOLS:
        if tool.detect(root):
            return tool
    looked = ", ".join(f"{t.NAME}" for t in TOOLS)
    raise UnknownSite(f"{root}: no Hexo (_config.yml + source/_posts), Hugo (hugo.toml or "
                      f"config.toml + content/), Jekyll (_config.yml + _posts) or Pelican "
                      f"(pelicanconf.py) site here (looked for: {looked}), and no book: GitBook "
                      f"(book.json or SUMMARY.md), MkDocs (mkdocs.yml) or a Hugo docs section (_index.md)")
