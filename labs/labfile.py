"""Parse a lab.md into front matter, prose and runnable blocks, keeping line numbers.

Every error is a LabError carrying `path:line`, because a malformed lab must be fixable
from the message alone (exit status 2 of `python -m labs run`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

ROLES = ("setup", "step", "check", "daemon", "teardown")
KERNEL_FEATURES = ("veth", "bridge", "vxlan", "tun", "tap", "macvlan", "ipvlan", "dummy",
                   "geneve", "gre", "overlay", "netns")
ACCELS = ("kvm", "tcg", "any")
DEFAULT_BLOCK_TIMEOUT = 60.0
DEFAULT_RUN_TIMEOUT = 600.0
MAX_PREFIX = 13          # link names are at most 15 characters: leave room for "-x"

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PREFIX_RE = re.compile(r"^lab-[a-z0-9][a-z0-9-]*$")
FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
EXIT_RE = re.compile(r"^\[(\d{1,3})\]$")


class LabError(Exception):
    """A malformed lab.md: the message starts with path:line."""

    def __init__(self, path, line: int, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class Command:
    """One `$ ` command of a transcript block, with the output it must print."""
    text: str                 # the command, continuation lines joined with newlines
    line: int                 # line of the `$ ` in lab.md
    expected: list            # expected output lines (placeholders, (re), (glob), ...)
    expected_rc: int = 0      # from a final `[N]` line


@dataclass
class Block:
    role: str
    name: str
    line: int                 # line of the opening fence
    body_line: int            # line of the first body line
    source: str               # the body, as written
    timeout: float = DEFAULT_BLOCK_TIMEOUT
    commands: list = field(default_factory=list)   # transcript blocks only

    @property
    def is_transcript(self) -> bool:
        return bool(self.commands)


@dataclass
class Prose:
    """Markdown between blocks (including fenced blocks that are not run)."""
    text: str
    line: int


@dataclass
class Requires:
    root: bool = False
    commands: dict = field(default_factory=dict)   # command -> Debian package
    kernel: list = field(default_factory=list)
    accel: Optional[str] = None
    probe: list = field(default_factory=list)      # commands run in the lab dir; non-zero: skip


@dataclass
class Lab:
    name: str
    dir: Path
    path: Path
    title: str
    post: Optional[str]
    prefix: str
    timeout: float
    requires: Requires
    locks: list
    secrets: list
    parts: list               # Prose and Block in document order
    meta_lines: dict = field(default_factory=dict)  # front-matter key -> line

    @property
    def blocks(self) -> list:
        return [p for p in self.parts if isinstance(p, Block)]

    @property
    def run_blocks(self) -> list:
        return [b for b in self.blocks if b.role != "teardown"]

    @property
    def teardown_blocks(self) -> list:
        return [b for b in self.blocks if b.role == "teardown"]

    def block(self, name: str) -> Optional[Block]:
        return next((b for b in self.blocks if b.name == name), None)


def parse_lab(lab_dir, name: Optional[str] = None) -> Lab:
    """Read lab_dir/lab.md; raise LabError (path:line) on anything malformed."""
    lab_dir = Path(lab_dir).resolve()
    path = shown(lab_dir / "lab.md")
    name = name or lab_dir.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabError(path, 1, "no such file (a lab is a folder with a lab.md)") from None
    except UnicodeDecodeError as e:
        raise LabError(path, 1, f"not UTF-8: {e}") from None
    return parse_text(text, path, name)


def parse_text(text: str, path, name: str) -> Lab:
    path = Path(path)
    lines = text.splitlines()
    meta, meta_lines, body_start = _front_matter(lines, path)
    parts = _body(lines, body_start, path)
    lab = _build(meta, meta_lines, parts, path, name)
    return lab


# --- front matter -----------------------------------------------------------------------

def _front_matter(lines, path):
    if not lines or lines[0].strip() != "---":
        raise LabError(path, 1, "lab.md must start with YAML front matter between '---' lines")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise LabError(path, 1, "front matter is not closed by a '---' line")
    src = "\n".join(lines[1:end])
    try:
        node = yaml.compose(src, Loader=yaml.SafeLoader)
        data = yaml.safe_load(src) if node is not None else {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark else 2
        raise LabError(path, line, f"front matter is not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise LabError(path, 2, "front matter must be a mapping of keys to values")
    meta_lines = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            meta_lines[k.value] = k.start_mark.line + 2
            if isinstance(v, yaml.MappingNode):
                for k2, _ in v.value:
                    meta_lines[f"{k.value}.{k2.value}"] = k2.start_mark.line + 2
    return data, meta_lines, end + 1


def _build(meta, ml, parts, path, name) -> Lab:
    def err(key, msg):
        raise LabError(path, ml.get(key, ml.get(key.split(".")[0], 2)), msg)

    known = {"title", "post", "prefix", "timeout", "requires", "locks", "secrets"}
    for key in meta:
        if key not in known:
            err(str(key), f"unknown front-matter key {key!r} (known: {', '.join(sorted(known))})")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        err("title", "front matter needs a 'title' (a string)")
    post = meta.get("post")
    if post is not None and (not isinstance(post, str) or not re.match(r"^[a-z0-9][a-z0-9-]*$", post)):
        err("post", f"'post' must be a post slug (lowercase letters, digits, '-'), not {post!r}")
    prefix = meta.get("prefix", f"lab-{name}")
    if not isinstance(prefix, str) or not PREFIX_RE.match(prefix):
        err("prefix", f"'prefix' must start with 'lab-' and use only a-z, 0-9 and '-', not {prefix!r}")
    if len(prefix) > MAX_PREFIX:
        err("prefix", f"prefix {prefix!r} is {len(prefix)} characters; at most {MAX_PREFIX} "
                      "(link names are limited to 15): set a shorter 'prefix:'")
    timeout = meta.get("timeout", DEFAULT_RUN_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        err("timeout", f"'timeout' must be a positive number of seconds, not {timeout!r}")

    req = Requires()
    r = meta.get("requires") or {}
    if not isinstance(r, dict):
        err("requires", "'requires' must be a mapping (root, commands, kernel, accel, probe)")
    for key in r:
        if key not in ("root", "commands", "kernel", "accel", "probe"):
            err(f"requires.{key}", f"unknown requirement {key!r} (known: root, commands, kernel, accel, probe)")
    if "root" in r:
        if not isinstance(r["root"], bool):
            err("requires.root", "'requires.root' must be true or false")
        req.root = r["root"]
    cmds = r.get("commands") or {}
    if not isinstance(cmds, dict):
        err("requires.commands", "'requires.commands' maps each command to the Debian package "
                                 "that provides it, e.g. 'etcd: etcd-server'")
    for c, pkg in cmds.items():
        if not isinstance(c, str) or not isinstance(pkg, str) or not pkg.strip():
            err("requires.commands", f"command {c!r} needs the Debian package that provides it "
                                     f"(e.g. '{c}: package-name')")
        req.commands[c] = pkg.strip()
    kernel = r.get("kernel") or []
    if isinstance(kernel, str):
        kernel = [kernel]
    if not isinstance(kernel, list):
        err("requires.kernel", "'requires.kernel' must be a list, e.g. [veth, vxlan]")
    for k in kernel:
        if k not in KERNEL_FEATURES:
            err("requires.kernel", f"unknown kernel feature {k!r} (known: {', '.join(KERNEL_FEATURES)})")
    req.kernel = list(kernel)
    accel = r.get("accel")
    if accel is not None and accel not in ACCELS:
        err("requires.accel", f"'requires.accel' must be one of {', '.join(ACCELS)}, not {accel!r}")
    req.accel = accel
    probe = r.get("probe") or []
    if isinstance(probe, str):
        probe = [probe]
    if not isinstance(probe, list) or not all(isinstance(x, str) and x.strip() for x in probe):
        err("requires.probe", "'requires.probe' must be a list of commands run in the lab's folder, "
                              "e.g. [./driver.sh]; one that exits non-zero skips the lab")
    req.probe = [x.strip() for x in probe]

    locks = meta.get("locks") or []
    if not isinstance(locks, list) or not all(isinstance(x, str) and NAME_RE.match(x) for x in locks):
        err("locks", "'locks' must be a list of names, e.g. [docker]")
    secrets = meta.get("secrets") or []
    if not isinstance(secrets, list) or not all(isinstance(x, str) and VAR_RE.match(x) for x in secrets):
        err("secrets", "'secrets' must be a list of variable names, e.g. [API_TOKEN]")

    blocks = [p for p in parts if isinstance(p, Block)]
    if not blocks:
        raise LabError(path, 1, "no runnable block: a lab needs at least one ```sh step``` block")
    seen = {}
    for b in blocks:
        if b.name in seen:
            raise LabError(path, b.line, f"block name {b.name!r} is already used at line {seen[b.name]}")
        seen[b.name] = b.line
    return Lab(name=name, dir=path.parent.resolve(), path=path, title=title.strip(), post=post,
               prefix=prefix, timeout=float(timeout), requires=req, locks=list(locks),
               secrets=list(secrets), parts=parts, meta_lines=ml)


# --- body -------------------------------------------------------------------------------

def _body(lines, start, path):
    parts, prose, prose_line = [], [], start + 1
    counts = {r: 0 for r in ROLES}
    i = start
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            if not prose:
                prose_line = i + 1
            prose.append(lines[i])
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).strip()
        if fence[0] == "`" and "`" in info:        # not a fence (inline code), CommonMark rule
            prose.append(lines[i]); i += 1
            continue
        close = next((j for j in range(i + 1, len(lines))
                      if re.match(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$",
                                  lines[j])), None)
        if close is None:
            raise LabError(path, i + 1, f"code block opened with {fence} is never closed")
        body = [_dedent(l, len(indent)) for l in lines[i + 1:close]]
        role_info = _role(info, path, i + 1)
        if role_info is None:                    # a fenced block for the reader only
            if not prose:
                prose_line = i + 1
            prose.extend(lines[i:close + 1])
        else:
            if prose:
                parts.append(Prose("\n".join(prose).strip("\n"), prose_line))
                prose = []
            role, name, opts = role_info
            counts[role] += 1
            block = Block(role=role, name=name or f"{role}-{counts[role]}", line=i + 1,
                          body_line=i + 2, source="\n".join(body), **opts)
            if role == "daemon" and not "".join(body).strip():
                raise LabError(path, i + 1, "daemon block is empty")
            block.commands = _transcript(body, i + 2, path)
            if block.commands and role == "daemon":
                raise LabError(path, i + 2, "a daemon block cannot be a transcript (no '$ ' lines)")
            parts.append(block)
        i = close + 1
    if prose and "\n".join(prose).strip():
        parts.append(Prose("\n".join(prose).strip("\n"), prose_line))
    return [p for p in parts if not isinstance(p, Prose) or p.text.strip()]


def _dedent(line, n):
    k = 0
    while k < n and k < len(line) and line[k] == " ":
        k += 1
    return line[k:]


def _role(info, path, line):
    """Return (role, name, options) for `sh <role> [name] [key=value ...]`, None for prose."""
    words = info.split()
    if len(words) < 2 or words[0] != "sh" or "=" in words[1]:
        return None
    role = words[1]
    if role not in ROLES:
        raise LabError(path, line, f"unknown block role {role!r} in '```{info}' "
                                   f"(roles: {', '.join(ROLES)}; a block for the reader only is '```sh')")
    name, opts = None, {}
    for w in words[2:]:
        if "=" in w:
            key, _, value = w.partition("=")
            if key != "timeout":
                raise LabError(path, line, f"unknown block option {key!r} (known: timeout=SECONDS)")
            if role == "daemon":
                raise LabError(path, line, "timeout= has no meaning for a daemon (it runs until teardown)")
            try:
                t = float(value)
                if t <= 0:
                    raise ValueError
            except ValueError:
                raise LabError(path, line, f"timeout must be a positive number of seconds, not {value!r}") from None
            opts["timeout"] = t
        elif name is None:
            if not NAME_RE.match(w):
                raise LabError(path, line, f"block name {w!r}: use letters, digits, '.', '_', '-'")
            name = w
        else:
            raise LabError(path, line, f"unexpected {w!r} after the block name {name!r} "
                                       "(format: sh <role> [name] [timeout=SECONDS])")
    return role, name, opts


def _transcript(body, first_line, path):
    """Split a transcript block into Commands; [] when no line starts with '$ '."""
    if not any(l.startswith("$ ") for l in body):
        return []
    cmds = []
    cur = None
    in_cmd = False
    for k, l in enumerate(body):
        ln = first_line + k
        if l.startswith("$ ") or l == "$":
            if l == "$" or not l[2:].strip():
                raise LabError(path, ln, "empty command after '$'")
            cur = Command(text=l[2:], line=ln, expected=[])
            cmds.append(cur)
            in_cmd = True
        elif in_cmd and (l.startswith("> ") or l == ">"):
            cur.text += "\n" + l[2:]
        elif cur is None:
            if l.strip():
                raise LabError(path, ln, "text before the first '$ ' command of a transcript block "
                                         "(a block with '$ ' lines is a transcript: commands and their output)")
        else:
            in_cmd = False
            cur.expected.append(l)
    for c in cmds:
        while c.expected and not c.expected[-1].strip():
            c.expected.pop()
        if c.expected and EXIT_RE.match(c.expected[-1].strip()):
            c.expected_rc = int(EXIT_RE.match(c.expected[-1].strip()).group(1))
            c.expected.pop()
        for j, e in enumerate(c.expected):
            if e.endswith(" (re)"):
                try:
                    re.compile(e[:-5])
                except re.error as ex:
                    raise LabError(path, c.line + 1 + _offset(c, j),
                                   f"bad regular expression {e[:-5]!r}: {ex}") from None
    return cmds


def _offset(cmd, j):
    return cmd.text.count("\n") + j


def shown(path) -> Path:
    """A path as messages show it: relative to the current directory when inside it."""
    import os
    rel = os.path.relpath(path)
    return Path(rel if not rel.startswith("..") else path)


def find_labs(labs_root) -> list:
    """Every labs/<name>/lab.md, sorted by name."""
    return sorted(p.parent for p in Path(labs_root).glob("*/lab.md"))
