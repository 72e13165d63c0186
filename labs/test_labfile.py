"""lab.md parsing: what a lab author writes, and the path:line errors they get."""
import textwrap

import pytest

from labs.labfile import LabError, parse_text

HEAD = """---
title: "T"
prefix: lab-t
---
"""


def parse(body, head=HEAD):
    return parse_text(head + textwrap.dedent(body), "labs/t/lab.md", "t")


def error(body, head=HEAD):
    with pytest.raises(LabError) as e:
        parse(body, head)
    return str(e.value)


def test_blocks_roles_names_and_prose():
    lab = parse("""
        Intro text.

        ```sh setup
        X=1
        ```

        ```sh
        echo for the reader only
        ```

        ```sh step write timeout=5
        $ echo hi
        hi
        $ false
        [1]
        ```

        ```sh daemon etcd
        exec etcd
        ```

        ```sh teardown
        true
        ```
        """)
    assert [(b.role, b.name) for b in lab.blocks] == [
        ("setup", "setup-1"), ("step", "write"), ("daemon", "etcd"), ("teardown", "teardown-1")]
    write = lab.block("write")
    assert write.timeout == 5 and write.line == 16
    assert [(c.text, c.line, c.expected, c.expected_rc) for c in write.commands] == [
        ("echo hi", 17, ["hi"], 0), ("false", 19, [], 1)]
    prose = [p.text for p in lab.parts if not hasattr(p, "role")]
    assert prose[0] == "Intro text."
    assert "echo for the reader only" in prose[1]        # a plain ```sh block is prose
    assert lab.prefix == "lab-t" and lab.timeout == 600


def test_continuation_lines_and_ellipsis():
    lab = parse("""
        ```sh step s
        $ cat <<EOF
        > a
        >
        > EOF
        a

        ...
        ```
        """)
    c = lab.block("s").commands[0]
    assert c.text == "cat <<EOF\na\n\nEOF"
    assert c.expected == ["a", "", "..."]


def test_default_prefix_and_requirements():
    lab = parse_text("""---
title: T
requires:
  root: true
  commands: {etcd: etcd-server}
  kernel: [veth, vxlan]
  accel: tcg
  probe: [driver.sh, "test -w /dev/kvm"]
locks: [docker]
secrets: [TOKEN]
---
```sh step
true
```
""", "labs/demo/lab.md", "demo")
    assert lab.prefix == "lab-demo"
    assert lab.requires.root and lab.requires.commands == {"etcd": "etcd-server"}
    assert lab.requires.kernel == ["veth", "vxlan"] and lab.requires.accel == "tcg"
    assert lab.requires.probe == ["driver.sh", "test -w /dev/kvm"]
    assert lab.locks == ["docker"] and lab.secrets == ["TOKEN"]


@pytest.mark.parametrize("head, where", [
    ("---\ntitle: T\nprefix: fl\n---\n", ":3: 'prefix' must start with 'lab-'"),
    ("---\ntitle: T\nprefix: lab-much-too-long\n---\n", ":3: prefix 'lab-much-too-long' is 17 characters"),
    ("---\ntitle: T\nrequires:\n  kernel: [wormhole]\n---\n", ":4: unknown kernel feature 'wormhole'"),
    ("---\ntitle: T\nrequires:\n  commands:\n    etcd:\n---\n", ":4: command 'etcd' needs the Debian package"),
    ("---\ntitle: T\ntimeuot: 3\n---\n", ":3: unknown front-matter key 'timeuot'"),
    ("---\ntitle: T\nrequires:\n  probe: {a: b}\n---\n", ":4: 'requires.probe' must be a list of commands"),
    ("---\ntitle: T\nrequires:\n  probes: [x]\n---\n", ":4: unknown requirement 'probes'"),
    ("---\ntitle: [unclosed\n---\n", "front matter is not valid YAML"),
    ("---\nprefix: lab-x\n---\n", "needs a 'title'"),
    ("no front matter\n", ":1: lab.md must start with YAML front matter"),
])
def test_front_matter_errors_name_the_line(head, where):
    msg = error("```sh step\ntrue\n```\n", head)
    assert msg.startswith("labs/t/lab.md:") and where in msg, msg


@pytest.mark.parametrize("body, where", [
    ("```sh stpe\ntrue\n```\n", ":5: unknown block role 'stpe'"),
    ("```sh step a\ntrue\n```\n```sh step a\ntrue\n```\n", ":8: block name 'a' is already used at line 5"),
    ("```sh step a timeout=soon\ntrue\n```\n", ":5: timeout must be a positive number"),
    ("```sh step a colour=red\ntrue\n```\n", ":5: unknown block option 'colour'"),
    ("```sh step\ntrue\n", ":5: code block opened with ``` is never closed"),
    ("```sh step\nnot a command\n$ echo\n```\n", ":6: text before the first '$ ' command"),
    ("```sh step\n$ echo x\nx[ (re)\n```\n", ":7: bad regular expression 'x['"),
    ("Just prose.\n", ":1: no runnable block"),
    ("```sh daemon d\n$ echo x\n```\n", ":6: a daemon block cannot be a transcript"),
])
def test_body_errors_name_the_line(body, where):
    msg = error(body)
    assert where in msg, msg


def test_four_backtick_fence_holds_a_three_backtick_line():
    lab = parse("""
        ````sh step s
        cat <<'EOF'
        ```
        EOF
        ````
        """)
    assert "```" in lab.block("s").source
