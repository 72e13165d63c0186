#!/usr/bin/env bash
# Install the Debian packages named in $1 that are missing. As root: apt-get, with
# services kept from starting (docker.io must not start a dockerd in the root namespace).
# Not root: print what is missing and exit 1, so tests that need them skip with the reason.
set -euo pipefail
list=${1:-tools/debian-packages.txt}
mapfile -t wanted < <(sed 's/#.*//' "$list" | tr -s ' \t' '\n' | grep -v '^$')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-debian: not root; missing Debian packages: ${missing[*]}" >&2
  exit 1
fi
echo "install-debian: installing ${missing[*]}"
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
fi
trap 'if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
