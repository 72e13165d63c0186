"""What a lab that never passed needs, as readers of the public site read it."""
from types import SimpleNamespace

from cnnotes.labs_site import readers


def info(reason="", commands=None, root=False):
    return SimpleNamespace(reason=reason, lab=SimpleNamespace(
        requires=SimpleNamespace(root=root, commands=commands or {})))


def test_the_recorded_reason_becomes_what_a_run_needs():
    reason = ("command minikube not found (not packaged by Debian: install the minikube release "
              "binary); probe driver.sh: no working minikube driver: docker: the docker daemon is "
              "not reachable (docker version fails); kvm2: no virsh command (Debian package libvirt-clients)")
    needs = readers.needs(info(reason, {"minikube": "x", "kubectl": "kubernetes-client"}))
    assert needs == ["minikube", "a working minikube driver"]
    assert readers.joined(needs) == "minikube and a working minikube driver"


def test_a_lab_never_run_needs_what_it_requires():
    assert readers.needs(info("", {"etcd": "etcd-server", "runc": "runc"}, root=True)) == ["root", "etcd", "runc"]
    assert readers.joined(["root", "etcd", "runc"]) == "root, etcd and runc"
    assert readers.joined(["etcd", "runc"], "zh") == "etcd、runc"
