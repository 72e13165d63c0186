"""What a page read of the posts while it rendered: the inputs of a page, as it says them.

A page's whole fingerprint (Build.page_fingerprint) digests every value its templates
could read: a post with everything in it, and the posts it points to, two deep. So one
sentence added to one post rendered again every listing the post is on and its
neighbours' pages, which show only its title and URL. Here the render says what it
read: Jinja reads an attribute through Environment.getattr or getitem (`a.title`,
`sort(attribute='date')`), which `track` wraps to note each (post, name) read. The
page's fingerprint is then the digest of the values in its context with posts counted
by identity only (which posts, in which order), and of the values of the pairs it read;
the pairs are kept with the page (OutputTree extras), and the next build digests their
values again. If those and the rest are unchanged, the templates (deterministic; their
code and the settings are in every fingerprint) take the same path, read the same
values and write the same page.

What Jinja does not see is Python code reading a post. So while a page renders, it gives
up (and the page gets the whole fingerprint, as before) when:
- a post, or a value holding one, is passed to a Python function, filter or test (Jinja's
  own filters that read items only through getattr/getitem, such as sort, groupby or
  map(attribute=...), are followed instead);
- a template reads a value through a property or method of a Python object that holds
  posts (the getter may read them);
- a template reads a method of a post (it is then called), or a Python object's
  `__getattr__` answers for a post-holding object.
A post printed whole shows its str(): its source path, which is part of its identity. A
template global that reads Pelican's context besides its arguments names what it reads
(`func.context_inputs`, see Build.page_fingerprint). Not followed: Python a template runs
without a call, a custom object's __iter__, __len__ or __str__ reading posts; the site
gives its templates lists, dicts, dataclasses and Pelican's objects.
"""
from __future__ import annotations

import contextlib
import datetime
import decimal
import fractions
import types

DEEP = "@whole"  # a read of this name: the post's whole digest counts (a method was read)

_current = None  # the Reads of the page rendering in this process, or None


class Reads:
    """The (post, name) pairs read while one page rendered, or why they do not suffice."""

    __slots__ = ("_pairs", "untracked")

    def __init__(self):
        self._pairs = {}       # id(post) -> (post, {names})
        self.untracked = None  # the first thing read that Jinja could not follow

    def note(self, post, name):
        found = self._pairs.get(id(post))
        if found is None:
            self._pairs[id(post)] = (post, {name})
        else:
            found[1].add(name)

    def give_up(self, why):
        if self.untracked is None:
            self.untracked = why

    def frozen(self, key_of) -> tuple:
        """((post key, (names ...)) ...), sorted: what the page keeps for the next build."""
        return tuple(sorted((key_of(post), tuple(sorted(names)))
                            for post, names in self._pairs.values()))


@contextlib.contextmanager
def recording():
    """Note what the templates read of posts while the block renders a page."""
    global _current
    saved, _current = _current, Reads()
    try:
        yield _current
    finally:
        _current = saved


# --- what holds posts --------------------------------------------------------------------

_PLAIN = (str, bytes, int, float, complex, bool, type(None), datetime.date, datetime.time,
          datetime.timedelta, decimal.Decimal, fractions.Fraction, range)
_PLAIN_TYPES = frozenset(_PLAIN)


class Walk:
    """holds_content(value): whether a post can be reached from value. Objects and big
    containers are memoized by identity (and kept alive, so no id is reused)."""

    def __init__(self):
        self._memo = {}
        self._keep = []

    def __call__(self, value) -> bool:
        try:
            return self._holds(value, set())
        except RecursionError:
            return True  # cannot tell: as if it did

    def _holds(self, value, path) -> bool:
        if isinstance(value, _PLAIN):
            return False
        content, wrapper, jinja_safe = _classes()
        if isinstance(value, content):
            return True
        if isinstance(value, wrapper) or isinstance(value, jinja_safe):
            return False
        key = id(value)
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in path:
            return False
        path.add(key)
        if isinstance(value, dict):
            items = [*value.keys(), *value.values()]
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = value
        elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                                types.ModuleType)):
            items = ()
        elif isinstance(value, types.MethodType):
            items = (value.__self__,)
        elif hasattr(value, "__dict__"):
            items = [v for k, v in vars(value).items() if k != "settings"]
        else:
            items = ()  # an object of C with no attributes (a compiled pattern ...)
        found = any(self._holds(item, path) for item in items)
        path.discard(key)
        if hasattr(value, "__dict__") or len(items) >= 32:
            self._memo[key] = found
            self._keep.append(value)
        return found


def _classes():
    global _CLASSES
    if _CLASSES is None:
        from jinja2 import runtime, utils
        from markupsafe import Markup
        from pelican.contents import Content
        from pelican.urlwrappers import URLWrapper

        jinja_safe = (runtime.Undefined, runtime.LoopContext, runtime.Macro,
                      runtime.BlockReference, runtime.TemplateReference, utils.Namespace,
                      utils.Cycler, utils.Joiner, Markup)
        _CLASSES = (Content, URLWrapper, jinja_safe)
    return _CLASSES


_CLASSES = None


# --- tracking an environment -----------------------------------------------------------------

# Jinja's filters that read items only through environment.getattr/getitem, or not at all
_FOLLOWED_FILTERS = frozenset({
    "sort", "groupby", "unique", "min", "max", "sum", "length", "count", "list", "first",
    "last", "reverse", "batch", "slice", "random", "default", "d", "dictsort", "items",
    "selectattr", "rejectattr", "select", "reject"})
_NEEDS_ATTRIBUTE = frozenset({"map", "join"})  # followed when given attribute=


def track(env, walk) -> None:
    """Make env note, while `recording`, what its templates read of posts (once per env).
    walk: a Walk, for this build."""
    if env.__dict__.get("_build_cache_reads"):
        return
    import jinja2.filters
    import jinja2.tests

    from jinja2.environment import Environment
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context

    from markupsafe import Markup

    content, wrapper, jinja_safe = _classes()
    jinja_state = (Environment, Context, EvalContext)
    plain = _PLAIN_TYPES | {Markup}  # exactly these types (a subclass may read more)
    base_getattr, base_getitem = env.getattr, env.getitem
    kinds = {}  # (type, name) -> "data" | "instance" | "getter" (_kind)
    # type -> "post", "plain" (its attributes are its values, or methods reading only
    # them) or "other": every template reads hundreds of attributes, of a few types
    sorts = {}

    def sort_of(cls):
        found = sorts.get(cls)
        if found is None:
            found = sorts[cls] = ("post" if issubclass(cls, content) else "plain" if issubclass(
                cls, (*_PLAIN, wrapper, *jinja_safe, dict, list, tuple)) else "other")
        return found

    def seen(obj, name, value):
        sort = sorts.get(type(obj)) or sort_of(type(obj))
        if sort == "plain":
            return
        reads = _current
        if sort == "post":
            reads.note(obj, name)
            if isinstance(value, types.MethodType):
                reads.note(obj, DEEP)
            return
        if not isinstance(name, str):
            return
        kind = kinds.get((type(obj), name))
        if kind is None:
            kind = kinds[(type(obj), name)] = _kind(type(obj), name)
        if kind == "data" or (kind != "getter" and name in getattr(obj, "__dict__", {})):
            return
        if walk(obj):
            reads.give_up(f"{type(obj).__qualname__}.{name}")

    def tracked_getattr(obj, attribute):
        value = base_getattr(obj, attribute)
        if _current is not None:
            seen(obj, attribute, value)
        return value

    def tracked_getitem(obj, argument):
        value = base_getitem(obj, argument)
        if _current is not None:
            seen(obj, argument, value)
        return value

    def check_call(what, func, args, kwargs):
        reads = _current
        if reads is None or reads.untracked is not None:
            return
        if not isinstance(func, types.MethodType) and all(type(a) in plain for a in args) and all(
                type(v) in plain for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")):
            return  # most calls: t('key', ui_lang, n=3)
        values = [a for a in args if not isinstance(a, jinja_state)]  # what pass_context & co. add
        values += [v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")]
        if isinstance(func, types.MethodType) and not isinstance(func.__self__, content):
            values.append(func.__self__)  # (a post's own method: its whole digest counts, see seen)
        if any(walk(v) for v in values):
            reads.give_up(f"{what} {getattr(func, '__qualname__', func)!s}")

    builtin_tests = {name: f for name, f in jinja2.tests.TESTS.items()}

    def guard(kind, name, func, followed):
        def guarded(*args, **kwargs):
            if not followed(name, func, args, kwargs):
                check_call(kind, func, args, kwargs)
            return func(*args, **kwargs)
        if hasattr(func, "jinja_pass_arg"):
            guarded.jinja_pass_arg = func.jinja_pass_arg
        guarded.__qualname__ = getattr(func, "__qualname__", name)
        return guarded

    def filter_followed(name, func, args, kwargs):
        if func is not jinja2.filters.FILTERS.get(name):
            return False
        if name in _FOLLOWED_FILTERS:
            if name in ("select", "reject", "selectattr", "rejectattr"):
                # (value, [attribute,] test name, ...) after the context: the items, or
                # their attribute, go to the test, which must be Jinja's own
                given = [a for a in args if not isinstance(a, jinja_state)]
                at = 2 if name.endswith("attr") else 1
                test = given[at] if len(given) > at else None
                return test is None or (isinstance(test, str)
                                        and env.tests.get(test) is builtin_tests.get(test))
            return True
        return name in _NEEDS_ATTRIBUTE and "attribute" in kwargs

    def test_followed(name, func, args, kwargs):
        return func is builtin_tests.get(name)

    env.getattr, env.getitem = tracked_getattr, tracked_getitem
    env.filters = _Guarded(env.filters, lambda n, f: guard("filter", n, f, filter_followed))
    env.tests = _Guarded(env.tests, lambda n, f: guard("test", n, f, test_followed))
    base_context = env.context_class

    class TrackedContext(base_context):
        def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
            if _current is not None and not _reads_nothing(__obj, jinja_safe):
                check_call("call", __obj, args, kwargs)
            return super().call(__obj, *args, **kwargs)

    env.context_class = TrackedContext
    env._build_cache_reads = True


def _reads_nothing(func, jinja_safe) -> bool:
    """Calls that read no post: Jinja's own (macros, loop.cycle, super() ...) and methods of
    plain values and built-in containers (dict.get, str.replace, date.isoformat: a post in
    them is only compared, by identity)."""
    if isinstance(func, jinja_safe):
        return True
    owner = getattr(func, "__self__", None)
    if isinstance(func, types.MethodType):
        return isinstance(owner, jinja_safe)
    return isinstance(func, types.BuiltinMethodType) and isinstance(
        owner, (*_PLAIN, dict, list, tuple, set, frozenset))




def _kind(cls, name) -> str:
    """How an attribute of a cls instance is found: "data" (a class constant or a slot),
    "getter" (a property or other data descriptor: it wins over the instance's __dict__),
    "instance" (the instance's __dict__ if it has the name; else a method of the class,
    or __getattr__: a getter)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            attr = vars(klass)[name]
            if isinstance(attr, types.MemberDescriptorType):  # a __slots__ field
                return "data"
            if hasattr(type(attr), "__set__") or hasattr(type(attr), "__delete__"):
                return "getter"  # a data descriptor (property) wins over the instance
            return "instance" if hasattr(type(attr), "__get__") else "data"
    return "instance"


class _Guarded(dict):
    """env.filters or env.tests whose functions, looked up by a template at render time,
    come wrapped by make(name, func) (made once per function)."""

    def __init__(self, functions, make):
        super().__init__(functions)
        self._make = make
        self._made = {}

    def __getitem__(self, name):
        func = super().__getitem__(name)
        made = self._made.get(name)
        if made is None or made[0] is not func:
            made = self._made[name] = (func, self._make(name, func))
        return made[1]
