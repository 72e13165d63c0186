"""Key parts for the render cache: digests of texts and of the settings, the same in
every process (the build's and its workers')."""
import datetime
import hashlib
import json
import os


def text_digest(text) -> str:
    """SHA-256 of a text or bytes, for key parts."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


# Settings that say where or how a build runs, not what a document renders to.
NOT_RENDERING = frozenset({"OUTPUT_PATH", "CACHE_PATH", "DEBUG", "JINJA_ENVIRONMENT", "LOG_FILTER",
                           "WRITE_SELECTED", "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION",
                           "CACHE_CONTENT", "LOAD_CONTENT_CACHE", "CONTENT_CACHING_LAYER",
                           "CHECK_MODIFIED_METHOD", "GZIP_CACHE", "PLUGINS", "PLUGIN_PATHS"})


class Described:
    """What stands for a value that cannot go to another process (a function defined
    inside another): its description, so the settings' key is the same there."""

    def __init__(self, text):
        self.text = text


def describe(value):
    """value as plain JSON data that is the same in every process: an object other than
    data (an extension, a slugify function) by its type's name."""
    if isinstance(value, Described):
        return value.text
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((describe(v) for v in value), key=repr)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.time, os.PathLike)):
        return str(value)
    kind = type(value)
    return f"<{kind.__module__}.{kind.__qualname__}>"


def settings_key(settings) -> str:
    """A digest of every setting a rendering may read, for key parts."""
    plain = {k: v for k, v in settings.items() if k not in NOT_RENDERING}
    return text_digest(json.dumps(describe(plain), sort_keys=True, ensure_ascii=False))
