"""Can this lab run here? Root, commands on PATH (and the Debian package for each),
kernel features tried for real in a scratch `lab-req-<pid>` network namespace, kvm/tcg,
and the lab's own probes (commands run in its folder: a non-zero exit is a skip whose
reason is what the probe wrote on stderr).

A missing requirement is a skip (exit 77) whose message names what is missing and the
package that provides it: never a failure, never a fake pass.
"""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess

from . import procs, session
from .session import which


# How each kernel feature is tried inside the scratch namespace (run with `ip -n NS`).
LINK_TRIALS = {
    "veth": ["link", "add", "t0", "type", "veth", "peer", "name", "t1"],
    "bridge": ["link", "add", "t0", "type", "bridge"],
    "vxlan": ["link", "add", "t0", "type", "vxlan", "id", "1", "dstport", "4789", "local", "127.0.0.1"],
    "tun": ["tuntap", "add", "t0", "mode", "tun"],
    "tap": ["tuntap", "add", "t0", "mode", "tap"],
    "dummy": ["link", "add", "t0", "type", "dummy"],
    "geneve": ["link", "add", "t0", "type", "geneve", "id", "1", "remote", "127.0.0.2"],
    "gre": ["link", "add", "t0", "type", "gre", "local", "127.0.0.1", "remote", "127.0.0.2"],
}
NEEDS_PARENT = {   # tried on a veth parent
    "macvlan": ["link", "add", "t2", "link", "t0", "type", "macvlan", "mode", "bridge"],
    "ipvlan": ["link", "add", "t2", "link", "t0", "type", "ipvlan", "mode", "l2"],
}


def _boot_id():
    try:
        return open("/proc/sys/kernel/random/boot_id").read().strip()
    except OSError:
        return ""


def kernel_features(wanted, cache_dir=None) -> dict:
    """{feature: None if it works, else the reason}. Results are cached per boot."""
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return {}
    cache = {}
    cache_file = None
    if cache_dir:
        cache_file = os.path.join(cache_dir, "kernel-features.json")
        try:
            data = json.load(open(cache_file))
            if data.get("boot_id") == _boot_id():
                cache = data.get("features", {})
        except (OSError, ValueError):
            pass
    todo = [f for f in wanted if f not in cache]
    if todo:
        cache.update(_try_features(todo))
        if cache_file:
            try:
                tmp = cache_file + f".{os.getpid()}"
                with open(tmp, "w") as f:
                    json.dump({"boot_id": _boot_id(), "features": cache}, f)
                os.replace(tmp, cache_file)
            except OSError:
                pass
    return {f: cache[f] for f in wanted}


def _remove_stale_scratch():
    """Scratch namespaces of checks whose process died (named lab-req-<pid>)."""
    try:
        names = os.listdir("/run/netns")
    except OSError:
        return
    for n in names:
        if n.startswith("lab-req-") and n[8:].isdigit() and not procs.alive(int(n[8:])):
            subprocess.run(["ip", "netns", "del", n], capture_output=True)


def _try_features(features) -> dict:
    out = {}
    if "overlay" in features:
        try:
            fs = open("/proc/filesystems").read().split()
        except OSError:
            fs = []
        out["overlay"] = None if "overlay" in fs else "overlayfs is not in /proc/filesystems"
    rest = [f for f in features if f != "overlay"]
    if not rest:
        return out
    ip = which("ip")
    if not ip:
        for f in rest:
            out[f] = "cannot try it: command ip missing (Debian package iproute2)"
        return out
    if os.geteuid() != 0:
        for f in rest:
            out[f] = "cannot try it without root"
        return out
    _remove_stale_scratch()
    ns = f"lab-req-{os.getpid()}"
    r = subprocess.run([ip, "netns", "add", ns], capture_output=True, text=True)
    if r.returncode != 0:
        msg = f"cannot create a network namespace: {r.stderr.strip()}"
        return {**out, **{f: msg for f in rest}}
    try:
        for f in rest:
            if f == "netns":
                out[f] = None
                continue
            steps = ([LINK_TRIALS["veth"], NEEDS_PARENT[f]] if f in NEEDS_PARENT else [LINK_TRIALS[f]])
            reason = None
            for args in steps:
                r = subprocess.run([ip, "-n", ns] + args, capture_output=True, text=True)
                if r.returncode != 0:
                    reason = f"this kernel cannot create a {f} link: {r.stderr.strip() or r.returncode}"
                    break
            out[f] = reason
            for dev in ("t2", "t0", "t1"):
                subprocess.run([ip, "-n", ns, "link", "del", dev], capture_output=True)
    finally:
        subprocess.run([ip, "netns", "del", ns], capture_output=True)
    return out


def accel_status(accel):
    """None if the accelerator asked for is usable, else the reason."""
    if not accel:
        return None
    kvm = os.access("/dev/kvm", os.R_OK | os.W_OK)
    qemu = which("qemu-system-x86_64")
    if accel == "kvm":
        return None if kvm else "/dev/kvm is missing or not accessible (accel: kvm)"
    if not qemu:
        return "qemu-system-x86_64 missing (Debian package qemu-system-x86), needed for TCG"
    return None      # tcg or any: qemu's TCG runs anywhere


PROBE_TIMEOUT = 30.0
PROBE_REASON_MAX = 600


def _summary(text: str) -> str:
    """A probe's message on one line: its lines joined (after a line ending in ':' by a
    space, otherwise by '; ')."""
    out = ""
    for line in (l.strip() for l in text.splitlines()):
        if not line:
            continue
        out += ("" if not out else " " if out.endswith(":") else "; ") + line
    return out if len(out) <= PROBE_REASON_MAX else out[:PROBE_REASON_MAX - 3] + "..."


def run_probe(lab, command: str):
    """None if the probe succeeds, else the reason. It runs with bash in the lab's folder
    (a bare name of a file there, `driver.sh`, runs that file), stdin /dev/null, and LAB,
    LAB_DIR, LAB_PREFIX set; after PROBE_TIMEOUT seconds its process group is killed."""
    shown, words = command, command.split()
    if "/" not in words[0] and (lab.dir / words[0]).is_file():
        command = "./" + command
    env = session.clean_env(LAB=lab.name, LAB_DIR=str(lab.dir), LAB_PREFIX=lab.prefix)
    try:
        p = subprocess.Popen(session.bash_argv(command, "probe"), cwd=lab.dir, env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    except OSError as e:
        return f"probe {shown}: cannot run it: {e}"
    try:
        out, err = p.communicate(timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        procs.signal_group(p.pid, 9)
        p.communicate()
        return f"probe {shown}: no answer after {PROBE_TIMEOUT:g} s"
    if p.returncode == 0:
        return None
    text = _summary(err.decode("utf-8", "replace")) or _summary(out.decode("utf-8", "replace"))
    return f"probe {shown}: " + (text or f"exited with status {p.returncode} (and said nothing)")


def missing(lab, cache_dir=None) -> list:
    """Every unmet requirement of a lab, as sentences naming what and where from."""
    req = lab.requires
    out = []
    if req.root and os.geteuid() != 0:
        out.append("needs root (run it as root, e.g. `sudo make lab-%s`)" % lab.name)
    for cmd, pkg in req.commands.items():
        if not which(cmd):
            if re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", pkg):
                out.append(f"command {cmd} not found: install the Debian package {pkg} "
                           f"(apt-get install {pkg})")
            else:
                out.append(f"command {cmd} not found ({pkg})")
    if req.kernel:
        if os.geteuid() != 0:
            if not req.root:
                out.append("kernel features " + ", ".join(req.kernel) + " can only be tried as root")
        else:
            for f, reason in kernel_features(req.kernel, cache_dir).items():
                if reason:
                    out.append(f"kernel feature {f} missing: {reason}")
    a = accel_status(req.accel)
    if a:
        out.append(a)
    if not (req.root and os.geteuid() != 0):     # a probe of a root lab says nothing as a user
        for command in req.probe:
            why = run_probe(lab, command)
            if why:
                out.append(why)
    return out


def package_versions(packages) -> dict:
    """{package: installed version} from dpkg, for the record."""
    packages = sorted(set(packages))
    if not packages or not shutil.which("dpkg-query"):
        return {}
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\n"] + packages,
                       capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        if "\t" in line:
            p, v = line.split("\t", 1)
            if v:
                out[p] = v
    return out
