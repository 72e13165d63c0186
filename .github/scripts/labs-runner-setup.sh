#!/usr/bin/env bash
# Install on a GitHub Ubuntu runner what lab $1 needs and the runner lacks (as root).
# The runner already has docker (dockerd, containerd, runc), kubectl, jq, curl, iproute2
# and iptables. What no Ubuntu package provides comes from its project's release, pinned
# by version and SHA-256: minikube, so that the minikube lab runs with its docker driver
# instead of skipping, and flanneld, so that the flannel lab runs the real agent (its
# lab.md prefers a flanneld on the PATH to its own Python one).
set -euo pipefail
lab=${1:?usage: labs-runner-setup.sh LAB}

MINIKUBE_VERSION=v1.34.0
MINIKUBE_SHA256=c4a625f9b4a4523e74b745b6aac8b0bf45062472be72cd38a23c91ec04d534c9
FLANNEL_VERSION=v0.26.3
FLANNELD_SHA256=0b91a37b676ae93e9a2a36aa9dd81d1f2d01464287afbb4eece6fe2831dd9afa

# install_release URL SHA256 NAME: download a release binary, check it, put it on the PATH.
install_release() {
  local url=$1 sum=$2 name=$3 tmp
  tmp=$(mktemp)
  curl --fail --silent --show-error --location --retry 3 -o "$tmp" "$url"
  echo "$sum  $tmp" | sha256sum --check --strict --quiet
  install -m 0755 "$tmp" "/usr/local/bin/$name"
  rm -f "$tmp"
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
}

case $lab in
  flannel)
    apt_install etcd-server etcd-client tcpdump iperf3 iputils-ping
    install_release "https://github.com/flannel-io/flannel/releases/download/$FLANNEL_VERSION/flanneld-amd64" \
      "$FLANNELD_SHA256" flanneld
    flanneld --version ;;
  netns | swarm)
    apt_install busybox-static ;;
  goperf)
    command -v go >/dev/null || apt_install golang-go ;;
  minikube)
    install_release "https://github.com/kubernetes/minikube/releases/download/$MINIKUBE_VERSION/minikube-linux-amd64" \
      "$MINIKUBE_SHA256" minikube
    minikube version ;;
  *)
    echo "labs-runner-setup: nothing to install for lab $lab" ;;
esac
