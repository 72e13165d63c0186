"""What a lab that has not passed needs, said to a reader of the public site.

The record's `reason` says what was missing on the machine that last tried the lab
("command minikube not found (...); probe driver.sh: no working minikube driver: docker:
..."): useful to the author, noise to a reader. Readers get the short list of what a
reproduction needs beyond the usual ("minikube", "a working minikube driver"), taken from
that reason, or from the lab's `requires:` when it never ran.
"""
from __future__ import annotations

import re

COMMAND = re.compile(r"^command (\S+) not found")
KERNEL = re.compile(r"^kernel feature (\S+) missing")
PROBE = re.compile(r"^probe [^:]+: (?:no |cannot find )?(?:a )?(working [^:;]+)")


def needs(info) -> list[str]:
    """Short English phrases, in the lab's order, without repeats."""
    found = []
    reason = info.reason or ""
    for part in (p.strip() for p in reason.split(";")):
        for pattern, shown in ((COMMAND, "{}"), (KERNEL, "the {} kernel feature"), (PROBE, "a {}")):
            m = pattern.match(part)
            if m:
                found.append(shown.format(m.group(1).strip()))
                break
    if not found and info.lab is not None:  # never tried: everything it asks for
        req = info.lab.requires
        found = (["root"] if getattr(req, "root", False) else []) + list(getattr(req, "commands", {}) or {})
    return list(dict.fromkeys(found))


def joined(items, lang="en") -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
