"""The code extends Pelican and the libraries it uses through public extension points only,
and its modules depend on each other without cycles.

Read from the source (ast), not by running it:
- no assignment to an attribute of a third-party module or class (`Content.x = ...`,
  `setattr(utils, ...)`, a monkeypatch of one), and no attribute or import of a private
  name (`_x`) that the project does not define itself: a name with a leading underscore
  that we never define is a library's private one;
- no import cycle between the project's modules, and the site (cnnotes) imports the lab
  harness only through labs.format.
"""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("cnnotes", "labs", "tools", "tests", "pelicanconf", "publishconf")
SKIP_PARTS = {".venv", "node_modules", ".cache", "__pycache__", ".git"}


def project_files() -> list:
    files = [ROOT / "pelicanconf.py", ROOT / "publishconf.py"]
    for top in ("plugins", "labs", "tools", "tests"):
        files += [p for p in sorted((ROOT / top).rglob("*.py")) if not SKIP_PARTS & set(p.parts)]
    return files


LOCAL = set()


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def local_modules() -> set:
    """Modules a lab's tests import from the lab's own folder (runv_cgroups, flannel_agent ...)."""
    found = set()
    for lab in (ROOT / "labs").iterdir():
        if lab.is_dir() and not (lab / "__init__.py").exists():
            found |= {p.stem for p in lab.glob("*.py")} | {p.parent.name for p in lab.glob("*/__init__.py")}
    return found


def is_third_party(module: str) -> bool:
    top = module.split(".")[0]
    return (bool(top) and top not in OURS and top not in sys.stdlib_module_names
            and top not in LOCAL)


def defined_private_names(trees) -> set:
    """Every private name the project defines: functions, classes, variables, attributes
    it assigns, parameters and keyword arguments."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                names.add(node.attr)  # an attribute of our own class
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.keyword) and node.arg:
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
    return {n for n in names if is_private(n)}


def stdlib_bindings(tree) -> set:
    """Names bound by importing a standard-library module (os._exit is documented API)."""
    return {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
            if isinstance(node, ast.Import) for alias in node.names
            if alias.name.split(".")[0] in sys.stdlib_module_names}


def third_party_bindings(tree) -> set:
    """Names bound by importing a third-party module, or something from one."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_third_party(alias.name):
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and is_third_party(node.module or ""):
            bound.update(alias.asname or alias.name for alias in node.names)
    return bound


def _root_name(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def problems_in(tree, ours_private: set, where: str) -> list:
    found = []
    bound, stdlib = third_party_bindings(tree), stdlib_bindings(tree)
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and node.level == 0 and is_third_party(node.module or ""):
            found += [f"{line}: imports private {node.module}.{a.name}" for a in node.names if is_private(a.name)]
        elif isinstance(node, ast.Attribute):
            if is_private(node.attr) and node.attr not in ours_private and _root_name(node) not in stdlib:
                found.append(f"{line}: uses private attribute .{node.attr}")
            if isinstance(node.ctx, (ast.Store, ast.Del)) and _root_name(node.value) in bound:
                found.append(f"{line}: assigns {ast.unparse(node)} of a third-party module or class")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("setattr", "delattr") and node.args and _root_name(node.args[0]) in bound:
                found.append(f"{line}: {name} on {ast.unparse(node.args[0])}, a third-party module or class")
    return found


def scan(sources: dict) -> list:
    """{path: source text} -> the problems found, each `path:line: what`."""
    if not LOCAL:
        LOCAL.update(local_modules())
    trees = {path: ast.parse(text, filename=path) for path, text in sources.items()}
    ours_private = defined_private_names(trees.values())
    found = []
    for path, tree in trees.items():
        found += problems_in(tree, ours_private, path)
    return found


def test_no_patch_of_third_party_code_and_no_private_name_of_theirs():
    sources = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in project_files()}
    assert len(sources) > 100
    assert scan(sources) == []


@pytest.mark.parametrize("snippet, what", [
    ("from pelican.contents import Content\nContent.url = property(lambda self: '')\n", "assigns"),
    ("import pelican.utils as utils\nsetattr(utils, 'copy_file', print)\n", "setattr"),
    ("def f(monkeypatch):\n    import jinja2\n    monkeypatch.setattr(jinja2, 'x', 1)\n", "setattr"),
    ("def f(content):\n    content._content = ''\n", "private attribute ._content"),
    ("def f(writer):\n    return writer._written_files\n", "private attribute ._written_files"),
    ("from pelican.utils import _strip\n", "imports private"),
])
def test_the_scan_finds_each_kind_of_patch(snippet, what):
    found = scan({"probe.py": snippet})
    assert found and what in found[0], found


def test_the_scan_allows_our_own_private_names_and_public_extension():
    found = scan({"ours.py": "class Reader:\n    def read(self):\n        self._md = 1\n"
                             "        return other._md\n",
                  "hooks.py": "from pelican import signals\n\ndef register():\n"
                              "    signals.initialized.connect(print)\n"})
    assert found == []


# --- imports --------------------------------------------------------------------------------

def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT / "plugins" if path.is_relative_to(ROOT / "plugins") else ROOT)
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict:
    """{module: {modules of the project it imports}}, at any depth of the code."""
    files = [p for p in project_files() if p.name != "conftest.py"]
    modules = {module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from package import submodule` imports the submodule
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph) -> list:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    graph = import_graph()
    assert "cnnotes.front_matter" in graph and "labs.runner" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_site_uses_the_harness_only_through_labs_format():
    graph = import_graph()
    used = {(m, t) for m, targets in graph.items() if m.startswith("cnnotes")
            for t in targets if t.split(".")[0] == "labs"}
    assert {t for _, t in used} <= {"labs.format"}, sorted(used)
    assert used, "the site reads the labs through labs.format"
