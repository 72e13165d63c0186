"""Whose is a new thing on the host? The leak check's attribution, on made-up snapshots."""
from labs.leaks import compare

EMPTY = {k: set() for k in ("netns", "link", "mount", "cgroup", "iptables", "nft", "tmp")}


def after(**kinds):
    return {**EMPTY, **{k: set(v) for k, v in kinds.items()}}


def test_attribution():
    a = after(
        netns={"lab-fl-h1", "lab-nn-x", "scratch"},
        link={"lab-fl-veth", "docker0", "lab-sw-br"},
        mount={"/run/netns/lab-fl-h1", "/run/netns", "/tmp/lab-fl-abc/rootfs/proc",
               "/tmp/somebody/docker/overlay2/x/merged", "/tmp/lab-nn-zz/rootfs"},
        cgroup={"/sys/fs/cgroup/cpu/lab-fl", "/sys/fs/cgroup/cpu/docker"},
        iptables={"iptables -t nat -N DOCKER", "iptables -t filter -A FORWARD -i lab-fl-veth -j ACCEPT",
                  "iptables -t filter -A FORWARD -i lab-nn-v -j ACCEPT"},
        tmp={"/tmp/lab-fl-abc", "/tmp/lab-fl-stray", "/tmp/lab-nn-zz"},
    )
    leaks, noticed = compare(EMPTY, a, "lab-fl", "/tmp/lab-fl-abc")
    got = {(x.kind, x.name, x.owner) for x in leaks}
    assert got == {
        ("netns", "lab-fl-h1", "ours"),
        ("link", "lab-fl-veth", "ours"),
        ("link", "docker0", "unattributed"),          # root namespace: a rule breach, judged
        ("mount", "/tmp/lab-fl-abc/rootfs/proc", "ours"),
        ("cgroup", "/sys/fs/cgroup/cpu/lab-fl", "ours"),
        ("iptables", "iptables -t nat -N DOCKER", "unattributed"),
        ("iptables", "iptables -t filter -A FORWARD -i lab-fl-veth -j ACCEPT", "ours"),
        ("tmp", "/tmp/lab-fl-stray", "ours"),
    }
    # another lab's things are not ours; unnamed mounts/cgroups/netns are only reported
    assert {(x.kind, x.name) for x in noticed} == {
        ("netns", "scratch"), ("mount", "/tmp/somebody/docker/overlay2/x/merged"),
        ("cgroup", "/sys/fs/cgroup/cpu/docker")}


def test_nothing_new_is_no_leak():
    same = after(netns={"lab-fl-h1"}, link={"eth0"})
    assert compare(same, same, "lab-fl") == ([], [])
