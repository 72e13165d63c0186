"""Which names each Jinja template reads: what a page's fingerprint must digest.

From Jinja's parser alone (compiling every template costs more than it saves): every
name a template loads, with those of the templates it extends, includes and imports.
That is a superset of what it takes from the context (loop and `set` variables are in
it too), which only makes fingerprints digest a little more.
"""
from __future__ import annotations


def template_names(env, sources) -> dict:
    """{template: the names it and the templates it extends, includes and imports
    read}; None: every template's (for a template named by a variable, or not found)."""
    from jinja2 import nodes
    import jinja2.meta

    own, refs, parsed = {}, {}, {}
    for name, text in sources.items():
        if text not in parsed:  # a theme's templates are listed twice (as x and !theme/x)
            try:
                ast = env.parse(text)
            except Exception:  # a template that does not parse fails when rendered
                parsed[text] = frozenset(), []
            else:
                parsed[text] = (frozenset(n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"),
                                list(jinja2.meta.find_referenced_templates(ast)))
        own[name], refs[name] = parsed[text]
    everything = frozenset().union(*own.values()) if own else frozenset()
    out = {None: everything}
    for name in sources:
        seen, todo, names = set(), [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current is None or current not in own:
                names = set(everything)  # cannot tell which: all of them
                break
            names |= own[current]
            todo += refs[current]
        out[name] = frozenset(names)
    return out
