"""Stable digests of settings and of the values a template is rendered with.

A digest must change whenever what it covers changes, and stay the same from one
build to the next when nothing did: so no memory addresses and no set order.
Values are walked: strings, numbers, dates, lists, dicts, and objects by their
class and attributes. A Pelican content object (post, page) is digested with
everything a template can read from it (its attributes, and its url, save_as,
content and summary, which Pelican computes), and the posts it points to
(translations, newer/older, series) are followed two levels deep: a page showing
a post's neighbour's title changes when that neighbour's title does. Settings and
Pelican's shared context inside an object are left out (settings are digested once
per build; the context is what the post's own values come from).

Anything it cannot read stably (an object with neither attributes nor a stable
repr) digests differently every build: the page is rendered again, never kept stale.
"""
from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import json
import os
import re
import types

from cnnotes.strict.links import may_link

# Pelican's settings and shared context; a flag Static sets when its URL is read
SKIP_ATTRS = frozenset({"settings", "_context", "_output_location_referenced"})
# computed by Pelican on access, read by templates
CONTENT_PROPERTIES = ("url", "save_as", "content", "summary")
FOLLOW_DEPTH = 2
BIG = 32  # lists and dicts this long are memoized (by id, for the build) like objects
LONG_TEXT = 512  # longer strings in a post are hashed on their own (and once)
_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")


def sha1(*parts: str | bytes) -> str:
    """The digest of parts, each followed by a NUL."""
    try:  # texts (nearly always): encoded in one go
        text = "\0".join(parts) + "\0" if parts else ""
    except TypeError:  # bytes among them
        h = hashlib.sha1()
        for part in parts:
            h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


_JSON_KINDS = {}  # type -> what Digester._json_shallow makes of its values (_json_kind)


def _json_kind(value) -> str:
    """How _json_shallow writes a value, by its type (found once per type: an isinstance
    of os.PathLike, an ABC, costs more than the rest of the call)."""
    if _is_content(value):
        return "content"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return "time"
    if isinstance(value, (set, frozenset)):
        return "set"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                          type, types.ModuleType)):
        return "code"
    if isinstance(value, (os.PathLike, enum.Enum, re.Pattern, bytes, complex)):
        return "repr"
    if _is_wrapper(value):
        return "wrapper"
    return "object"  # its attributes, its fields, or its repr: looked at for each value


def _is_content(value) -> bool:
    return isinstance(value, _content_class())


def _content_class():
    global _CONTENT
    if _CONTENT is None:
        from pelican.contents import Content
        _CONTENT = Content
    return _CONTENT


_CONTENT = None


class Digester:
    """Digests of values for one build. Objects are memoized by id (and kept alive so
    no id is reused): digests are taken once everything is in place, while pages are
    written, and nothing changes a post after that."""

    def __init__(self):
        self._memo = {}
        self._keep = []
        self._nonce = os.urandom(8).hex()  # for what has no stable digest
        self._refs = None  # the references _own's JSON walk is collecting
        self._content_keys = {}  # id of a post or page -> content_key

    def digest(self, value, depth=FOLLOW_DEPTH) -> str:
        h = hashlib.sha1()
        self._feed(h, value, depth, set())
        return h.hexdigest()

    def shared(self, value, depth=FOLLOW_DEPTH) -> str:
        """digest(value), memoized by identity: for the values of Pelican's shared context
        and the templates' globals, the same objects on every page of a build."""
        key = ("shared", id(value), depth)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.digest(value, depth)
            self._keep.append(value)
        return found

    # --- walking ------------------------------------------------------------------

    def _feed(self, h, value, depth, path):
        update = h.update
        if value is None or isinstance(value, (bool, int, float, complex)):
            update(f"{type(value).__name__}:{value!r};".encode())
        elif isinstance(value, str):
            update(f"s{len(value)}:".encode())
            update(value.encode("utf-8", "surrogatepass"))
        elif isinstance(value, bytes):
            update(f"b{len(value)}:".encode())
            update(value)
        elif isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            update(f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)!r};".encode())
        elif isinstance(value, (list, tuple, dict)):
            if len(value) >= BIG:  # the site's lists (all posts ...) come back on every page
                update(self._container(value, depth, path).encode())
            else:
                self._feed_items(h, value, depth, path)
        elif isinstance(value, (set, frozenset)):
            update(f"set{{{len(value)}".encode())
            for d in sorted(self.digest(item, depth) for item in value):
                update(d.encode())
            update(b"}")
        elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                                type, types.ModuleType)):
            # code is covered by the build's code digest
            update(f"code:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)!r};".encode())
        elif isinstance(value, (os.PathLike, enum.Enum, re.Pattern)):
            update(f"{type(value).__name__}:{value!r};".encode())
        elif _is_content(value):
            update(self._content(value, depth).encode())
        elif _is_wrapper(value):
            update(json.dumps(_wrapper_value(value), ensure_ascii=False).encode())
        elif id(value) in path:
            update(b"<cycle>")
        elif hasattr(value, "__dict__") or dataclasses.is_dataclass(value):
            update(self._object(value, depth, path).encode())
        else:
            text = repr(value)
            if _ADDRESS_RE.search(text):  # no stable form: differ every build
                text += self._nonce
            update(f"{type(value).__qualname__}:{text};".encode())

    def _feed_items(self, h, value, depth, path):
        if isinstance(value, dict):
            h.update(f"{type(value).__name__}{{{len(value)}".encode())
            for key, item in sorted(value.items(), key=lambda kv: repr(kv[0])):
                self._feed(h, key, depth, path)
                self._feed(h, item, depth, path)
            h.update(b"}")
        else:
            h.update(f"{type(value).__name__}[{len(value)}".encode())
            for item in value:
                self._feed(h, item, depth, path)
            h.update(b"]")

    def _container(self, value, depth, path):
        key = ("container", id(value), depth)
        found = self._memo.get(key)
        if found is None:
            h = hashlib.sha1()
            self._feed_items(h, value, depth, path)
            found = self._memo[key] = h.hexdigest()
            self._keep.append(value)
        return found

    def _object(self, value, depth, path):
        key = ("object", id(value), depth)
        found = self._memo.get(key)
        if found is None:
            h = hashlib.sha1(f"{type(value).__module__}.{type(value).__qualname__}".encode())
            attrs = vars(value) if hasattr(value, "__dict__") else {
                f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            path = path | {id(value)}
            for name in sorted(attrs):
                if name not in SKIP_ATTRS:
                    h.update(name.encode())
                    self._feed(h, attrs[name], depth, path)
            found = self._memo[key] = h.hexdigest()
            self._keep.append(value)
        return found

    def _content(self, obj, depth):
        """A post or page: its own values, then the posts it points to, depth-1."""
        key = ("content", id(obj), depth)
        found = self._memo.get(key)
        if found is not None:
            return found
        h = hashlib.sha1(self._own(obj).encode())
        if depth > 0:
            for ref in self._references(obj):
                h.update(self._content(ref, depth - 1).encode())
        found = self._memo[key] = h.hexdigest()
        return found

    def _own(self, obj):
        """The values of one post or page; a post it points to counts by its identity
        (and is noted as one of its references)."""
        key = ("own", id(obj))
        found = self._memo.get(key)
        if found is not None:
            return found
        values = {name: value for name, value in vars(obj).items() if name not in SKIP_ATTRS}
        for name in CONTENT_PROPERTIES:
            if name == "content" and _no_links(obj):  # then Pelican's content is _content
                values["@content"] = values.get("_content")
                continue
            try:
                values["@" + name] = getattr(obj, name)
            except Exception as e:  # a Static has no content: what it raises is its value
                values["@" + name] = f"<{type(e).__name__}>"
        for name, value in values.items():  # long texts (the post's HTML) hash faster alone
            if isinstance(value, str) and len(value) > LONG_TEXT:
                values[name] = self._long_text(value)
        kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
        refs = self._refs = []
        try:  # JSON's C encoder walks the values about ten times faster than _feed_shallow
            text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                              default=self._json_shallow)
            found = sha1(kind, text)
        except (TypeError, ValueError):  # keys that do not sort, a cycle ...
            h = hashlib.sha1(kind.encode())
            for name in sorted(values):
                h.update(name.encode())
                self._feed_shallow(h, values[name], {id(obj)})
            found = h.hexdigest()
            refs = None
        finally:
            self._refs = None
        self._memo[key] = found
        self._memo[("refs", id(obj))] = refs if refs is not None else self._walk_references(obj)
        self._keep.append(obj)
        return found

    def _long_text(self, text):
        return "sha1:" + self.text_digest(text)

    def text_digest(self, text: str) -> str:
        """sha1(text), memoized by identity: a post's HTML is digested for its own page's
        fingerprint, the listings' and the feeds'."""
        key = ("text", id(text))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = sha1(text)
            self._keep.append(text)
        return found

    def know_text(self, text: str, digest: str) -> None:
        """text_digest(text) is digest, made where text was made (build_cache.snapshots)."""
        self._memo[("text", id(text))] = digest
        self._keep.append(text)

    def _json_shallow(self, value):
        """json.dumps' `default`: what JSON has no type for, as _feed_shallow sees it."""
        key = self._content_keys.get(id(value))
        kind = _JSON_KINDS.get(type(value))
        if kind is None:
            kind = _JSON_KINDS[type(value)] = _json_kind(value)
        if key is not None or kind == "content":
            if self._refs is not None and all(value is not r for r in self._refs):
                self._refs.append(value)
            return key or self.content_key(value)
        if kind == "time":
            return f"{type(value).__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)!r}"
        if kind == "set":
            return ["set", *sorted(value, key=repr)]
        if kind == "code":
            return f"code:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)!r}"
        if kind == "repr":
            return f"{type(value).__name__}:{value!r}"
        if kind == "wrapper":
            return _wrapper_value(value)
        if hasattr(value, "__dict__"):
            return {"@type": f"{type(value).__module__}.{type(value).__qualname__}",
                    **{k: v for k, v in vars(value).items() if k not in SKIP_ATTRS}}
        if dataclasses.is_dataclass(value):
            return {"@type": type(value).__qualname__,
                    **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
        text = repr(value)
        if _ADDRESS_RE.search(text):
            text += self._nonce
        return f"{type(value).__qualname__}:{text}"

    def shallow(self, value) -> str:
        """Digest of value with every post or page in it counted by its identity only
        (content_key): for a page whose reads of posts are digested apart
        (build_cache.reads); shared_shallow memoizes it for the values every page shares."""
        try:  # JSON's C encoder walks it about ten times faster than _feed_shallow; not
            # checking for cycles saves a sixth, and a cycle still ends, in a RecursionError
            text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                              default=self._json_shallow, check_circular=False)
            return sha1("json", text)
        except (TypeError, ValueError, RecursionError):  # keys that do not sort, a cycle ...
            h = hashlib.sha1()
            self._feed_shallow(h, value, set())
            return h.hexdigest()

    def token(self, value) -> str:
        """shallow(value), or a text as telling and quicker to make, for the values a
        template reads of a post: a title, a date, a URL, its tags, its neighbour."""
        kind = type(value)
        if kind is str:
            return f"s{len(value)}:{value}" if len(value) < 256 else "h:" + self.text_digest(value)
        if value is None or kind in (int, bool, float):
            return f"{kind.__name__}:{value!r}"
        if kind is list or kind is tuple:
            return f"{kind.__name__}[" + ",".join(map(self.token, value)) + "]"
        if isinstance(value, (datetime.datetime, datetime.date)):
            return f"{kind.__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)!r}"
        if _is_content(value):
            return self.content_key(value)
        if _is_wrapper(value):
            return f"{kind.__name__}:{len(value.name)}:{value.name}:{value.slug}"
        return "d:" + self.shallow(value)

    def content_key(self, obj) -> str:
        """content_key(obj), memoized by identity: listings name the same posts again and again."""
        found = self._content_keys.get(id(obj))
        if found is None:
            found = self._content_keys[id(obj)] = content_key(obj)
            self._keep.append(obj)
        return found

    def shared_shallow(self, value) -> str:
        """shallow(value), memoized by identity (see `shared`)."""
        key = ("shared-shallow", id(value))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.shallow(value)
            self._keep.append(value)
        return found

    def _feed_shallow(self, h, value, path):
        """Like _feed, but a content object inside counts by its identity only."""
        if _is_content(value):
            h.update(f"{content_key(value)};".encode())
        elif _is_wrapper(value):
            h.update(json.dumps(_wrapper_value(value), ensure_ascii=False).encode())
        elif isinstance(value, (list, tuple)):
            h.update(f"{type(value).__name__}[{len(value)}".encode())
            for item in value:
                self._feed_shallow(h, item, path)
            h.update(b"]")
        elif isinstance(value, dict):
            h.update(f"{type(value).__name__}{{{len(value)}".encode())
            for key, item in sorted(value.items(), key=lambda kv: repr(kv[0])):
                self._feed_shallow(h, key, path)
                self._feed_shallow(h, item, path)
            h.update(b"}")
        elif (hasattr(value, "__dict__") and not isinstance(
                value, (types.FunctionType, types.MethodType, type, types.ModuleType))
              and not _is_plain(value)):
            if id(value) in path:
                h.update(b"<cycle>")
                return
            h.update(f"{type(value).__module__}.{type(value).__qualname__}(".encode())
            inner = path | {id(value)}
            for name in sorted(vars(value)):
                if name not in SKIP_ATTRS:
                    h.update(name.encode())
                    self._feed_shallow(h, vars(value)[name], inner)
            h.update(b")")
        else:
            self._feed(h, value, 0, path)

    def _references(self, obj):
        """The content objects reachable from obj's attributes, not through another."""
        self._own(obj)
        return self._memo[("refs", id(obj))]

    def _walk_references(self, obj):
        found, seen = [], {id(obj)}

        def walk(value, path):
            if _is_content(value):
                if id(value) not in seen:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, (list, tuple, set, frozenset)):
                for item in value:
                    walk(item, path)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item, path)
            elif (hasattr(value, "__dict__") and id(value) not in path
                  and not isinstance(value, (types.FunctionType, types.MethodType, type,
                                             types.ModuleType)) and not _is_plain(value)):
                for name, item in vars(value).items():
                    if name not in SKIP_ATTRS:
                        walk(item, path | {id(value)})

        for name, value in vars(obj).items():
            if name not in SKIP_ATTRS:
                walk(value, {id(obj)})
        return found


def _no_links(obj) -> bool:
    """True when Pelican's content property is _content unchanged."""
    text = vars(obj).get("_content")
    if not isinstance(text, str) or hasattr(obj, "_get_content"):
        return False
    return not may_link(text, obj.settings)


def content_key(value) -> str:
    """A post's or page's identity, the same from one build to the next."""
    return (f"ref:{type(value).__name__}:{getattr(value, 'source_path', '')}:"
            f"{getattr(value, 'lang', '')}:{getattr(value, 'slug', '')}")


def _is_wrapper(value) -> bool:
    global _WRAPPER
    if _WRAPPER is None:
        from pelican.urlwrappers import URLWrapper
        _WRAPPER = URLWrapper
    return isinstance(value, _WRAPPER)


_WRAPPER = None


def _wrapper_value(value):
    """A tag, category or author by what it is: its kind, name and slug (its __dict__
    gains keys when Pelican calls as_dict(), which must not count as a change)."""
    return {"@type": f"{type(value).__module__}.{type(value).__qualname__}",
            "name": value.name, "slug": value.slug}


def _is_plain(value) -> bool:
    return isinstance(value, (str, bytes, int, float, datetime.date, datetime.time))


def settings_digest(settings, skip=("OUTPUT_PATH", "DEBUG", "PLUGINS")) -> str:
    """Digest of the settings (every key but `skip`), stable across builds."""
    digester = Digester()
    return digester.digest({k: v for k, v in settings.items() if k not in skip}, depth=0)


def tree_files(top):
    """Every file under top (sorted; no __pycache__, no hidden files)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                out.append(os.path.join(dirpath, name))
    return out
