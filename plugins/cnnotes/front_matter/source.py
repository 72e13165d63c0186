"""The source file being converted, for Markdown extensions that need it.

A Markdown extension sees only lines of text; the tags and shortcodes of other blog
tools (cnnotes.shortcodes) link files relative to the post (`{% asset_img %}`, a Hugo
page bundle's images) and need its path. render_document sets it around each
conversion; a context variable, so a conversion in another thread or process is
unaffected.
"""
import contextlib
import contextvars

_current = contextvars.ContextVar("cnnotes_source_path", default=None)


@contextlib.contextmanager
def converting(source_path):
    """Within the block, current_source_path() is source_path."""
    token = _current.set(source_path)
    try:
        yield
    finally:
        _current.reset(token)


def current_source_path():
    """The path of the file being converted (None outside render_document)."""
    return _current.get()
