#!/usr/bin/env bash
# Makes sure the container engine the container tests use is installed: podman, runc (this machine's hybrid cgroups
# refuse crun) and debootstrap (for the node24 stand-in). Installs them from Debian's packages when missing, as root
# (all three in one go: a missing runc is installed with the others).
# Every failure is one line.
set -euo pipefail

fail() { echo "container engine: $*" >&2; exit 1; }
# debootstrap only for the stand-in: with NODE_IMAGE given (a runner that can pull node:24-alpine) it is not built
tools=(podman runc)
[ -n "${NODE_IMAGE:-}" ] || tools+=(debootstrap)
missing=()
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "container engine: $(podman --version), $(runc --version | head -1)"
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "${missing[*]} not installed and not root: install them (apt-get install -y podman runc debootstrap)"
command -v apt-get >/dev/null || fail "${missing[*]} not installed and no apt-get to install them with"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "container engine: installing ${missing[*]} (apt-get install -y podman runc debootstrap)"
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap; } >"$log" 2>&1 ||
  fail "apt-get install -y podman runc debootstrap failed: $(grep -E '^(E|Err):' "$log" | tail -1 || tail -1 "$log")"
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || fail "$tool still not found after apt-get install"
done
echo "container engine: $(podman --version), $(runc --version | head -1)"
