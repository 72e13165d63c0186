"""cgroup placement (v1 hierarchies and the v2 unified one): the monitor, and so qemu,
go where config.json's linux.cgroupsPath says (docker: <cgroup parent>/<id>), so the VM
is accounted there; delete removes what create made. Resource limits are not applied,
and systemd-style paths (slice:prefix:name, docker's systemd cgroup driver) are not
supported: join() says why it placed nothing."""

import errno
import os
import time


def mounts(mountinfo="/proc/self/mountinfo"):
    """Mount points of the cgroup v1 hierarchies, from /proc/self/mountinfo; on a host
    with none (pure cgroup v2), that of the unified hierarchy. (A hybrid host's unified
    mount is systemd's, as docker leaves it.)"""
    found = {"cgroup": [], "cgroup2": []}
    with open(mountinfo) as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, fstype = left.split(), right.split()[0]
            if fstype in found and fields[3] == "/":
                found[fstype].append(fields[4])
    return found["cgroup"] or found["cgroup2"]


def join(cgroups_path, pid, warn=lambda msg: None):
    """Create cgroups_path in every hierarchy and move pid there; return the dirs.
    warn(msg) is told when a path was given but pid was placed nowhere."""
    made = []
    rel = (cgroups_path or "").strip("/")
    if not rel:
        return made
    if ":" in rel:
        warn(f"cgroupsPath {cgroups_path!r} is systemd-style (slice:prefix:name), "
             "which runv does not support: the VM stays in runv's own cgroups")
        return made
    for mount in mounts():
        path = os.path.join(mount, rel)
        try:
            if "cpuset" in os.path.basename(mount).split(","):
                _cpuset_mkdirs(mount, rel)
            else:
                os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, "cgroup.procs"), "w") as f:
                f.write(str(pid))
            made.append(path)
        except OSError:
            continue
    if not made:
        warn(f"cgroupsPath {cgroups_path!r}: no cgroup hierarchy took the VM "
             "(none mounted, or none writable)")
    return made


def _cpuset_mkdirs(mount, rel):
    """A new cpuset cgroup starts with no cpus and mems: copy the parent's."""
    path = mount
    for part in rel.split("/"):
        parent, path = path, os.path.join(path, part)
        os.makedirs(path, exist_ok=True)
        for key in ("cpuset.cpus", "cpuset.mems"):
            with open(os.path.join(path, key)) as f:
                if f.read().strip():
                    continue
            with open(os.path.join(parent, key)) as f:
                value = f.read().strip()
            with open(os.path.join(path, key), "w") as f:
                f.write(value)


def leave(pid):
    """Move pid back to the root of every hierarchy (so its cgroups can go)."""
    for mount in mounts():
        try:
            with open(os.path.join(mount, "cgroup.procs"), "w") as f:
                f.write(str(pid))
        except OSError:
            pass


def remove(dirs):
    """rmdir each, waiting briefly while the last processes leave."""
    for path in dirs:
        for _ in range(50):
            try:
                os.rmdir(path)
                break
            except FileNotFoundError:
                break
            except OSError as e:
                if e.errno != errno.EBUSY:
                    break
                time.sleep(0.05)
