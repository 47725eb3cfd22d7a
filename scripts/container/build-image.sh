#!/usr/bin/env bash
# Builds the repository's Dockerfile with podman, as the container tests use it.
#
#   NODE_IMAGE  base image for the Dockerfile's FROM lines (default localhost/node24-standin, see node24-standin.sh)
#   IMAGE       tag to give the result (default localhost/fintoc-monato-mock:test)
#
# Every failure is one line; the whole build log is kept in $TMPDIR only when the build fails.
set -euo pipefail

fail() { echo "image build: $*" >&2; exit 1; }
command -v podman >/dev/null || fail "no container engine: podman not found on PATH (scripts/container/engine.sh installs it)"

cd "$(dirname "$0")/../.."
node_image="${NODE_IMAGE:-localhost/node24-standin}"
image="${IMAGE:-localhost/fintoc-monato-mock:test}"
version="$(node -p "require('./package.json').version")"
[ -n "$version" ] || fail "no version in package.json"
# a local name is never pulled: say so at once instead of after a registry time-out
case "$node_image" in
  localhost/*) podman image exists "$node_image" ||
    fail "NODE_IMAGE $node_image: no such local image (scripts/container/node24-standin.sh builds localhost/node24-standin)" ;;
esac

log="$(mktemp "${TMPDIR:-/tmp}/image-build.XXXXXX.log")"
started=$SECONDS
# --isolation=chroot, --network=host: what works on this machine; --format docker keeps HEALTHCHECK
if ! podman build --isolation=chroot --network=host --format docker --pull=missing \
  --build-arg "NODE_IMAGE=$node_image" --build-arg "VERSION=$version" -t "$image" . >"$log" 2>&1; then
  why="$(grep -E '^(Error|error|ERRO)' "$log" | tail -1)"
  fail "podman build with NODE_IMAGE=$node_image failed: ${why:-$(tail -1 "$log")} (log: $log)"
fi
rm -f "$log"
size="$(podman image inspect --format '{{.Size}}' "$image")"
echo "image build: $image from $node_image in $((SECONDS - started)) s, $((size / 1000000)) MB"
