#!/usr/bin/env bash
# Installs the host programs the process node (vknode) and its tests use,
# from Debian packages, only when they are missing. Run as root.
#   ip       iproute2    network namespaces, veth pairs, bridge
#   unshare  util-linux  private mount namespace for host-network pods
#   mount    mount       bind mounts of volumes inside a pod
#   curl     curl        the in-pod API/DNS check of smoke/node_test.go
#   getent   libc-bin    the same check
set -euo pipefail
declare -A pkg=([ip]=iproute2 [unshare]=util-linux [mount]=mount [curl]=curl [getent]=libc-bin)
missing=()
for cmd in "${!pkg[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg[$cmd]}")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "node dependencies present"
fi
