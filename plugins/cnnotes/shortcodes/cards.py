"""Link cards: what a third-party embed (a video, a gist, an iframe) becomes.

Nothing on the site loads from another host, so an embed is a plain link that
says what it leads to; the reader chooses to follow it. An inline element: alone
on its line, Markdown puts it in a paragraph of its own."""
import html


def link_card(url: str, label: str, kind: str) -> str:
    """`<a class="link-card">` to url; kind says what is there (YouTube ...)."""
    return (f'<a class="link-card" href="{html.escape(url, quote=True)}" rel="noopener">'
            f'<span class="link-card-kind">{html.escape(kind)}</span> '
            f'{html.escape(label)}</a>')
