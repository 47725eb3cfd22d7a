#!/usr/bin/env bash
# Everything the container tests need, on a fresh machine or a warm one: the engine, the node24 stand-in base
# (skipped when it is up to date), then the image built from the real Dockerfile. Each failure is one line.
set -euo pipefail

here="$(dirname "$0")"
started=$SECONDS
bash "$here/engine.sh"
# NODE_IMAGE given: build from it (e.g. node:24-alpine where a registry of base images is reachable)
if [ -z "${NODE_IMAGE:-}" ]; then bash "$here/node24-standin.sh"; fi
bash "$here/build-image.sh"
echo "container prepare: $((SECONDS - started)) s"
