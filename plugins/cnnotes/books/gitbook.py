"""GitBook's block tags in book pages, rendered as plain HTML (no script, nothing loaded):

- `{% hint style="info|success|warning|danger" %}` … `{% endhint %}`: a note box;
- `{% tabs %}` `{% tab title="…" %}` … `{% endtab %}` `{% endtabs %}`: every tab shown,
  one after the other, each under its title (readable without JavaScript, and printable);
- `{% embed url="…" [caption="…"] %}`: a link to what GitBook would have embedded (the
  site loads nothing from another host);
- `{% raw %}` … `{% endraw %}` (GitBook's "do not template this"): the tags go, what is
  between them stays as written;
- `{% code title="…" %}` … `{% endcode %}`: the title over the code block;
- `{% content-ref url="…" %}` … `{% endcontent-ref %}`: the link inside, as a link;
- `{% file src="…" %}`: a link to the file (copied beside the page, as images are).

The Markdown between the tags is rendered as Markdown (md_in_html, part of `extra`).
Hugo's shortcodes (`{{< hint >}}`, `{{< ref "x.md" >}}`) outside code are errors too:
an importer turns them into these blocks or into Markdown.

A tag left open, an end without its start, or a bad argument is noted in `md.gitbook_errors`
as (tag text, message); the books plugin reports them at their line. Any other tag line
left (the pdf and lab plugins' tags are rendered before this runs) is noted in
`md.gitbook_unknown`, reported as having no equivalent.

Runs after fenced code is stashed (examples of these tags inside code stay as they are) and
before raw HTML blocks are read (so the boxes' Markdown is rendered).
"""
from __future__ import annotations

import html
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

PRIORITY = 22  # after fenced_code_block (25), before html_block (20)
TAG_RE = re.compile(r"^ {0,3}\{%-?\s*(?P<name>[A-Za-z_][\w-]*)(?P<args>.*?)-?%\}\s*$")
SHORTCODE_RE = re.compile(r"\{\{[<%]\s*/?\s*[\w-]+[^}]*[>%]\}\}")  # Hugo's {{< name >}}, {{% name %}}
INLINE_CODE_RE = re.compile(r"`+[^`]*`+")
RAW_RE = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
ARG_RE = re.compile(r"""(?P<key>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
HINT_STYLES = {"info", "success", "warning", "danger", "tip", "note"}
OPENERS = {"hint": "endhint", "tabs": "endtabs", "tab": "endtab", "code": "endcode",
           "content-ref": "endcontent-ref", "file": "endfile"}
SUPPORTED = "hint, tabs, embed, code, content-ref, file, raw"
HINT_LABELS = {
    "info": {"en": "Note", "zh": "说明"}, "note": {"en": "Note", "zh": "说明"},
    "tip": {"en": "Tip", "zh": "提示"}, "success": {"en": "Tip", "zh": "提示"},
    "warning": {"en": "Warning", "zh": "注意"}, "danger": {"en": "Danger", "zh": "警告"},
}
EMBED_LABEL = {"en": "Open {what}", "zh": "打开 {what}"}


def _escape_md(text: str) -> str:
    return re.sub(r"([\\\[\]*_`])", r"\\\1", text)


def args_of(text: str) -> dict:
    return {m.group("key"): m.group("dq") if m.group("dq") is not None else m.group("sq")
            for m in ARG_RE.finditer(text)}


class GitBookBlocks(Preprocessor):
    def __init__(self, md, lang_of):
        super().__init__(md)
        self.lang_of = lang_of  # () -> the language of the page being converted

    def run(self, lines):
        errors = self.md.gitbook_errors = []
        self.md.gitbook_unknown = []
        lang = self.lang_of() or "en"
        out, open_tags = [], []  # open_tags: (name, tag text)
        for line in lines:
            if "{{" in line:
                found = SHORTCODE_RE.search(INLINE_CODE_RE.sub("", line))
                if found:
                    errors.append((found.group(), f"Hugo shortcode {found.group()} has no equivalent "
                                                  "here: write it as Markdown (a relative .md link for ref/relref)"))
            if "{%" in line and not TAG_RE.match(line):  # {% raw %}{{ x }}{% endraw %} in a line
                line = RAW_RE.sub("", line)
            m = TAG_RE.match(line)
            if not m:
                out.append(line)
                continue
            name, args, text = m.group("name"), args_of(m.group("args")), line.strip()
            if name == "hint":
                style = args.get("style", "info")
                if style not in HINT_STYLES:
                    errors.append((text, f"{{% hint %}} style {style!r} is not one of "
                                         f"{', '.join(sorted(HINT_STYLES))}"))
                    style = "info"
                label = HINT_LABELS[style].get(lang, HINT_LABELS[style]["en"])
                out += ["", f'<div class="hint hint--{style}" role="note" markdown="1">',
                        f'<p class="hint__label">{label}</p>', ""]
                open_tags.append(("hint", text))
            elif name == "tabs":
                out += ["", '<div class="tabs" markdown="1">', ""]
                open_tags.append(("tabs", text))
            elif name == "tab":
                if not open_tags or open_tags[-1][0] != "tabs":
                    errors.append((text, "{% tab %} outside {% tabs %} … {% endtabs %}"))
                title = html.escape(args.get("title", ""))
                out += ["", '<section class="tab" markdown="1">',
                        f'<p class="tab__title"><strong>{title}</strong></p>', ""]
                open_tags.append(("tab", text))
            elif name == "code":  # a titled code block: the title over it
                title = args.get("title")
                if title:
                    out += ["", f'<p class="code-title"><code>{html.escape(title)}</code></p>', ""]
                open_tags.append(("code", text))
            elif name == "content-ref":  # a card around a link: the link alone
                open_tags.append(("content-ref", text))
            elif name == "file":  # an attached file: a link to it (copied beside the page)
                src = args.get("src")
                if not src:
                    errors.append((text, '{% file %} needs src="…"'))
                    continue
                label = args.get("caption") or src.rstrip("/").rsplit("/", 1)[-1]
                out += ["", f"[{_escape_md(label)}](<{src}>)", ""]
                if "endfile" not in m.group("args"):  # {% file src="…" %}{% endfile %}: closed
                    open_tags.append(("file", text))
            elif name in ("endhint", "endtabs", "endtab", "endcode", "endcontent-ref", "endfile"):
                start = name[3:]
                if not open_tags or open_tags[-1][0] != start:
                    errors.append((text, f"{{% {name} %}} without its {{% {start} %}}"))
                    continue
                open_tags.pop()
                if start in ("hint", "tabs", "tab"):
                    out += ["", "</section>" if start == "tab" else "</div>", ""]
            elif name in ("raw", "endraw"):
                continue  # Nunjucks' "do not template this": nothing is templated here
            elif name == "embed":
                url = args.get("url")
                if not url:
                    errors.append((text, '{% embed %} needs url="…"'))
                    continue
                caption = args.get("caption") or url
                what = EMBED_LABEL.get(lang, EMBED_LABEL["en"]).format(what=caption)
                out += ["", f'<p class="embed"><a href="{html.escape(url)}">{html.escape(what)}</a></p>', ""]
            else:
                # the pdf and lab tags ran before (priority 27): nobody renders this one;
                # the liquid fallback shows it as code (outside these blocks, whose
                # Markdown it never sees), the plugin reports it
                self.md.gitbook_unknown.append(text)
                out.append(line)
        for name, text in open_tags:
            errors.append((text, f"{{% {name} %}} is never closed with {{% {OPENERS[name]} %}}"))
        return out


class GitBookExtension(Extension):
    def __init__(self, lang_of=lambda: "en", **kwargs):
        self.lang_of = lang_of
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.gitbook_errors = []
        md.gitbook_unknown = []
        md.preprocessors.register(GitBookBlocks(md, self.lang_of), "gitbook_blocks", PRIORITY)
