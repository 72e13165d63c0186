"""Snapshot what a lab could leave on the host, and say what a run left behind.

Compared before and after a run: network namespaces, links of the root namespace, mounts,
cgroup directories in every hierarchy, root-namespace iptables/ip6tables/nft rules and
/tmp/lab-* entries; plus live processes carrying the run's LAB_RUN_ID or living in a
cgroup named with the lab's prefix (containers).

Other engineers' labs run on this host at the same time, so a new thing named with
*another* lab's prefix is theirs, not a leak of ours. A new thing with our prefix is ours.
A new thing with no `lab-` name at all is judged by where it is: a link or a firewall rule
in the root namespace (docker0, DOCKER chains) breaks the rules whoever made it, and fails
the run; a mount, cgroup or namespace elsewhere may just as well come from another program
on this host (a docker someone runs by hand), so it is reported, not judged.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from . import procs
from .session import which

# Host bookkeeping that the first `ip netns add` creates once and that stays: not a leak.
BENIGN_MOUNTS = {"/run/netns"}


@dataclass(frozen=True)
class Leak:
    kind: str        # netns, link, mount, cgroup, iptables, nft, tmp, process
    name: str
    owner: str       # "ours" or "unattributed"

    def __str__(self):
        why = "" if self.owner == "ours" else "  (no lab- name: appeared during this run)"
        return f"{self.kind:8} {self.name}{why}"


# Kinds where a new unnamed thing can only be a rule breach (the root namespace's network).
STRICT_KINDS = ("link", "iptables", "nft")


def _netns():
    try:
        return set(os.listdir("/run/netns"))
    except OSError:
        return set()


def _links():
    try:
        return set(os.listdir("/sys/class/net"))
    except OSError:
        return set()


def unescape_mount(s: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


def mounts():
    """Mount points of this mount namespace, in mount order."""
    out = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                out.append(unescape_mount(line.split()[4]))
    except OSError:
        pass
    return out


TOOL_TIMEOUT = 20.0    # seconds for iptables-save, ip6tables-save, nft list ruleset


def _root_tool(args):
    """stdout of a firewall tool run as root, or None (not root, not installed, failed to
    answer within TOOL_TIMEOUT)."""
    exe = which(args[0])
    if not exe or os.geteuid() != 0:
        return None
    try:
        return subprocess.run([exe] + args[1:], capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None


def saved_rules(tool: str):
    """[(table, line)] of `<tool>-save` (tool: iptables or ip6tables): each chain line
    (`:NAME POLICY ...`) and rule line (`-A ...`) with its table; [] when it cannot run."""
    out, table = [], ""
    for line in (_root_tool([tool + "-save"]) or "").splitlines():
        if line.startswith("*"):
            table = line[1:]
        elif line.startswith((":", "-A ")):
            out.append((table, line))
    return out


def _rules(tool):
    rules = set()
    for table, line in saved_rules(tool):
        if line.startswith("-A "):
            rules.add(f"{tool} -t {table} {line}")
        else:
            name, policy = line[1:].split()[:2]
            if policy == "-":                        # a user-defined chain
                rules.add(f"{tool} -t {table} -N {name}")
    return rules


def _nft():
    text = _root_tool(["nft", "list", "ruleset"])
    if text is None:
        return set()
    out, ctx = set(), []
    for line in text.splitlines():
        s = line.strip()
        if s.endswith("{"):
            ctx.append(s[:-1].strip())
        elif s == "}":
            ctx = ctx[:-1]
        elif s:
            out.add(" / ".join(ctx + [re.sub(r"\s*# handle \d+", "", s)]))
    return out


def _tmp():
    try:
        return {os.path.join("/tmp", n) for n in os.listdir("/tmp") if n.startswith("lab-")}
    except OSError:
        return set()


def snapshot() -> dict:
    return {
        "netns": _netns(),
        "link": _links(),
        "mount": set(mounts()),
        "cgroup": set(procs.cgroup_dirs()),
        "iptables": _rules("iptables") | _rules("ip6tables"),
        "nft": _nft(),
        "tmp": _tmp(),
    }


def owner(kind: str, name: str, prefix: str, lab_tmp=None) -> str:
    """'ours', 'other' (another lab's prefix) or 'unattributed'."""
    if lab_tmp and (name == lab_tmp or name.startswith(lab_tmp.rstrip("/") + "/")):
        return "ours"
    if kind in ("iptables", "nft"):
        words = re.split(r"[\s\"'/=,:;{}()\[\]]+", name)
    else:
        words = [w for w in name.split("/") if w]
    if any(w.startswith(prefix) for w in words):
        return "ours"
    if any(w.startswith("lab-") for w in words):
        return "other"
    return "unattributed"


def compare(before: dict, after: dict, prefix: str, lab_tmp=None) -> tuple:
    """(leaks, noticed): new things left after a run. Leaks fail the run: ours, or unnamed
    in the root namespace's network. Noticed: unnamed mounts, cgroups, namespaces."""
    leaks, noticed = [], []
    new_ns = after.get("netns", set()) - before.get("netns", set())
    for kind in ("netns", "link", "mount", "cgroup", "iptables", "nft", "tmp"):
        for name in sorted(after.get(kind, set()) - before.get(kind, set())):
            if kind == "tmp" and lab_tmp and name == lab_tmp:
                continue                       # removed by the harness after this check
            if kind == "mount" and (name in BENIGN_MOUNTS or
                                    (name.startswith("/run/netns/") and name[11:] in new_ns)):
                continue
            o = owner(kind, name, prefix, lab_tmp)
            if o == "ours" or (o == "unattributed" and kind in STRICT_KINDS):
                leaks.append(Leak(kind, name, o))
            elif o == "unattributed":
                noticed.append(Leak(kind, name, o))
    return leaks, noticed


def stray_processes(run_id: str, prefix=None) -> list:
    """Processes still carrying this run's id, and (given the prefix) processes in the
    lab's prefixed cgroups, such as containers, which carry no id; as Leaks
    (name: 'pid command' or 'pid command (in cgroup DIR)')."""
    found = {pid: None for pid in procs.with_run_ids([run_id])}
    if prefix:
        for pid, d in procs.cgroup_processes(prefix).items():
            found.setdefault(pid, d)
    return [Leak("process", f"{pid} {procs.comm(pid)}" + (f" (in cgroup {d})" if d else ""), "ours")
            for pid, d in sorted(found.items())]
