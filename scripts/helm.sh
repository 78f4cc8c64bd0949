#!/usr/bin/env bash
# Prints the path of a helm binary, building the pinned release from the Go
# module proxy into the cache the first time (no download outside the Go
# module proxy).
set -euo pipefail
version="v3.22.0"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/agentgateway-jcp/helm-$version"
if [[ ! -x "$dir/helm" ]]; then
  mkdir -p "$dir"
  echo "building helm $version from Go modules into $dir" >&2
  GOBIN="$dir" go install "helm.sh/helm/v3/cmd/helm@$version" >&2
fi
echo "$dir/helm"
