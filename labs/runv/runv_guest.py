"""From an OCI bundle to what the guest runs: read config.json, and turn its
`process` into the shell script that guest-init executes inside the VM."""

import json
import os
import shlex


class RunvError(Exception):
    """An error to report as one line and exit 1 (as runc does)."""


def load_spec(bundle):
    """Read and check the parts of config.json that runv uses; add `_rootfs`."""
    path = os.path.join(bundle, "config.json")
    try:
        with open(path) as f:
            spec = json.load(f)
    except FileNotFoundError:
        raise RunvError(f"{path}: no such file (is --bundle right?)")
    except json.JSONDecodeError as e:
        raise RunvError(f"{path}:{e.lineno}: invalid JSON: {e.msg}")
    if not isinstance(spec, dict):
        raise RunvError(f"{path}:1: expected a JSON object")
    proc = spec.get("process")
    if not isinstance(proc, dict) or not proc.get("args"):
        raise RunvError(f"{path}: process.args is missing or empty")
    if not all(isinstance(a, str) for a in proc["args"]):
        raise RunvError(f"{path}: process.args must be a list of strings")
    root = (spec.get("root") or {}).get("path")
    if not root:
        raise RunvError(f"{path}: root.path is missing")
    rootfs = root if os.path.isabs(root) else os.path.join(bundle, root)
    if not os.path.isdir(rootfs):
        raise RunvError(f"{path}: root.path {rootfs} is not a directory")
    spec["_rootfs"] = os.path.realpath(rootfs)
    return spec


def home_of(rootfs, uid):
    """uid's home from the rootfs's /etc/passwd (not following links out of it), else /."""
    path = os.path.join(rootfs, "etc", "passwd")
    if os.path.realpath(path).startswith(rootfs.rstrip("/") + "/"):
        try:
            with open(path, errors="replace") as f:
                for line in f:
                    fields = line.rstrip("\n").split(":")
                    if len(fields) >= 6 and fields[2] == str(uid) and fields[5]:
                        return fields[5]
        except OSError:
            pass
    return "/"


def guest_script(spec):
    """The script guest-init runs with `sh`: the container's process with its env,
    cwd, user and hostname, chrooted into the shared rootfs (/newroot).

    busybox nsenter does the chroot (-r) and the chdir inside it (-w), which
    busybox chroot cannot; env -i gives the process exactly config.json's
    environment. With a terminal, the process gets the virtio console
    /dev/hvc0 as its controlling terminal instead of the three stdio ports."""
    proc = spec["process"]
    cwd = proc.get("cwd") or "/"
    env = [e for e in proc.get("env") or [] if "=" in e]
    user = proc.get("user") or {}
    uid, gid = int(user.get("uid", 0)), int(user.get("gid", 0))
    if not any(e.startswith("HOME=") for e in env):
        env.append("HOME=" + home_of(spec["_rootfs"], uid))  # as runc does
    nsenter = ["/bin/nsenter", "-r/newroot", "-w/newroot" + cwd]
    if uid or gid:
        nsenter += ["-G", str(gid), "-S", str(uid)]
    lines = []
    if spec.get("hostname"):
        lines.append("hostname " + shlex.quote(spec["hostname"]))
    lines.append("mkdir -p " + shlex.quote("/newroot" + cwd))
    setsid = []
    if proc.get("terminal"):
        lines.append("exec </dev/hvc0 >/dev/hvc0 2>&1")
        size = proc.get("consoleSize") or {}
        if size.get("height") and size.get("width"):
            lines.append(f"stty rows {int(size['height'])} cols {int(size['width'])}")
        setsid = ["/bin/setsid", "-c"]
    lines.append("echo $$ >/run/pid")  # exec keeps the pid: signals go to the process
    cmd = [*setsid, "/bin/env", "-i", *env, *nsenter, "--", *proc["args"]]
    lines.append("exec " + " ".join(shlex.quote(a) for a in cmd))
    return "\n".join(lines) + "\n"
