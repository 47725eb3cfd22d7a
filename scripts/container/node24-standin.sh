#!/usr/bin/env bash
# Builds localhost/node24-standin, a local stand-in for the node:24 base image: no registry of base images is
# reachable on the CI machines, Debian's packages and the npm registry are. Used only by the container tests
# (`--build-arg NODE_IMAGE=localhost/node24-standin`); the shipped Dockerfile builds from node:24-alpine.
#
#   STANDIN_IMAGE  image name (default localhost/node24-standin)
#   NODE24_BIN     a Node 24 binary to use (default: bin/node of the npm package node-linux-<arch>@24)
#
# Skips the work when the image exists and was made by this version of the script. Every failure is one line.
set -euo pipefail

fail() { echo "node24 stand-in: $*" >&2; exit 1; }
command -v podman >/dev/null || fail "no container engine: podman not found on PATH (scripts/container/engine.sh installs it)"
# a step without its own message still ends in one line naming it
trap 'echo "node24 stand-in: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

image="${STANDIN_IMAGE:-localhost/node24-standin}"
# the recipe's fingerprint: an edited script rebuilds the image
recipe="$(sha256sum "$0" | cut -c1-16)"
if podman image exists "$image" &&
  [ "$(podman image inspect --format '{{ index .Labels "standin.recipe" }}' "$image")" = "$recipe" ]; then
  echo "node24 stand-in: $image is up to date (recipe $recipe)"
  exit 0
fi
command -v debootstrap >/dev/null || fail "debootstrap not found: run scripts/container/engine.sh"
[ "$(id -u)" = 0 ] || fail "debootstrap needs root"

# the Debian mirror apt already uses on this machine
mirror="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"

work="$(mktemp -d /var/tmp/node24-standin.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
started=$SECONDS

echo "node24 stand-in: debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  fail "debootstrap from $mirror failed: $(grep -E 'E:|W:' "$work/debootstrap.log" | tail -1 || tail -1 "$work/debootstrap.log")"
echo "node24 stand-in: debootstrap took $((SECONDS - started)) s"

node_bin="${NODE24_BIN:-}"
if [ -z "$node_bin" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no node-linux package for $(uname -m)" ;;
  esac
  npm install --no-save --no-package-lock --no-audit --no-fund --silent --prefix "$work/node" "node-linux-$arch@24" >/dev/null ||
    fail "npm install node-linux-$arch@24 failed"
  node_bin="$work/node/node_modules/node-linux-$arch/bin/node"
fi
version="$("$node_bin" --version)" || fail "$node_bin does not run"
case "$version" in v24.*) ;; *) fail "$node_bin is $version, not Node 24" ;; esac
install -m 0755 "$node_bin" "$root/usr/local/bin/node"

# npm@11 as the official image has it: the registry tarball bundles its dependencies
(cd "$work" && npm pack --silent npm@11 >/dev/null) || fail "npm pack npm@11 failed"
mkdir -p "$root/usr/local/lib/node_modules"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules"
mv "$root/usr/local/lib/node_modules/package" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# the official image's entrypoint: prepends node to `-flag` arguments, then execs (node stays PID 1)
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"

chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/sh --create-home node

# npm inside the build reaches the registry through this machine's CA bundle
env=()
cafile="$(npm config get cafile 2>/dev/null || true)"
[ -f "$cafile" ] || cafile="${NODE_EXTRA_CA_CERTS:-}"
if [ -n "$cafile" ] && [ -f "$cafile" ]; then
  mkdir -p "$root/etc/ssl/certs"
  install -m 0644 "$cafile" "$root/etc/ssl/certs/standin-ca.pem"
  env+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/standin-ca.pem')
fi

# what no image needs: package caches, docs, man pages, locales
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/locale/* "$root"/usr/share/info/*

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "${env[@]}" \
  --change "LABEL standin.recipe=$recipe" \
  --change "LABEL standin.node=$version" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  --quiet - "$image" >/dev/null || fail "podman import failed"
echo "node24 stand-in: $image built in $((SECONDS - started)) s: Node $version, npm $("$root/usr/local/bin/node" "$root/usr/local/lib/node_modules/npm/bin/npm-cli.js" --version)"
