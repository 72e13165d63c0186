"""cgroup v1 placement: the monitor, and so qemu, go where config.json's
linux.cgroupsPath says (docker: <cgroup parent>/<id>), so the VM is accounted
there; delete removes what create made. Resource limits are not applied."""

import errno
import os
import time


def mounts():
    """Mount points of the cgroup v1 hierarchies, from /proc/self/mountinfo."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            if right.split()[0] == "cgroup" and fields[3] == "/":
                found.append(fields[4])
    return found


def join(cgroups_path, pid):
    """Create cgroups_path in every hierarchy and move pid there; return the dirs.
    Systemd-style paths (slice:prefix:name) are not supported and are ignored."""
    made = []
    rel = (cgroups_path or "").strip("/")
    if not rel or ":" in rel:
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
