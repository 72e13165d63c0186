#!/usr/bin/env bash
# Print the first minikube driver that works on this machine (docker, podman or kvm2),
# or exit 1 naming, for each, what is missing. MINIKUBE_DRIVER=name skips the search
# (the named driver is still checked). Used by lab.md; tested by test_lab.py.
set -u

why=()
works() {  # works DRIVER: succeed if DRIVER can run a minikube node here
  case $1 in
    docker)
      command -v docker >/dev/null || { why+=("docker: no docker command (Debian package docker.io)"); return 1; }
      docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
        { why+=("docker: the docker daemon is not reachable (docker version fails)"); return 1; } ;;
    podman)
      command -v podman >/dev/null || { why+=("podman: no podman command (Debian package podman)"); return 1; }
      podman info >/dev/null 2>&1 || { why+=("podman: podman info fails"); return 1; } ;;
    kvm2)
      command -v virsh >/dev/null || { why+=("kvm2: no virsh command (Debian package libvirt-clients)"); return 1; }
      [ -w /dev/kvm ] || { why+=("kvm2: /dev/kvm is missing or not writable"); return 1; }
      virsh -c qemu:///system version >/dev/null 2>&1 ||
        { why+=("kvm2: libvirtd is not reachable (virsh -c qemu:///system version fails)"); return 1; } ;;
    *)
      why+=("$1: not a driver this lab knows (docker, podman, kvm2)"); return 1 ;;
  esac
}

for driver in ${MINIKUBE_DRIVER:-docker podman kvm2}; do
  if works "$driver"; then
    echo "$driver"
    exit 0
  fi
done
echo "no working minikube driver:" >&2
printf '  %s\n' "${why[@]}" >&2
exit 1
