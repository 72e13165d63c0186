"""runv's cgroup placement: which hierarchies it uses, and what it says when it places nothing."""
import runv_cgroups  # pytest puts this folder (the lab's own tools) first on the path

V1 = "35 25 0:30 / /sys/fs/cgroup/cpu rw,relatime shared:11 - cgroup cgroup rw,cpu\n"
V1_CPUSET = "36 25 0:31 / /sys/fs/cgroup/cpuset rw,relatime shared:12 - cgroup cgroup rw,cpuset\n"
UNIFIED = "30 25 0:26 / /sys/fs/cgroup/unified rw,relatime shared:6 - cgroup2 cgroup2 rw\n"
PURE_V2 = "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:6 - cgroup2 cgroup2 rw\n"
OTHER = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
NOT_ROOT = "37 25 0:30 /docker /sys/fs/cgroup/cpu-docker rw - cgroup cgroup rw,cpu\n"


def mounts_of(tmp_path, text):
    info = tmp_path / "mountinfo"
    info.write_text(text)
    return runv_cgroups.mounts(str(info))


def test_v1_hierarchies_win_on_a_hybrid_host(tmp_path):
    assert mounts_of(tmp_path, OTHER + V1 + UNIFIED + V1_CPUSET + NOT_ROOT) == [
        "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuset"]


def test_the_unified_hierarchy_on_a_pure_v2_host(tmp_path):
    assert mounts_of(tmp_path, OTHER + PURE_V2) == ["/sys/fs/cgroup"]


def test_a_systemd_style_path_is_refused_with_a_reason():
    said = []
    assert runv_cgroups.join("system.slice:docker:abc", 1, warn=said.append) == []
    assert len(said) == 1 and "systemd-style" in said[0]


def test_no_path_places_nothing_silently():
    said = []
    assert runv_cgroups.join("", 1, warn=said.append) == [] and said == []


def test_a_path_no_hierarchy_took_is_said(monkeypatch):
    monkeypatch.setattr(runv_cgroups, "mounts", lambda: [])
    said = []
    assert runv_cgroups.join("/lab-x/abc", 1, warn=said.append) == []
    assert len(said) == 1 and "no cgroup hierarchy took the VM" in said[0]
