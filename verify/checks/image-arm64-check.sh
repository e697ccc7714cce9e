#!/usr/bin/env bash
# make image-arm64-check: service/Dockerfile built for linux/arm64 the way the publish and
# release workflows build their second platform (buildx, BuildKit, QEMU user emulation), loaded as
# sre-kit-api:arm64-check, then run under emulation: `uname -m` says aarch64, node says arm64, and
# /status answers {"result":"success"} through a published port.
#
# buildx: `docker buildx` when the Docker CLI has the plugin, else bin/buildx (BUILDX_VERSION of
#   versions.env, built by scripts/install-tools.sh buildx), with the engine's own builder.
# Emulation (Linux hosts that are not arm64): an aarch64 binfmt_misc handler. Docker Desktop has
#   one; elsewhere `docker run --privileged --rm <BINFMT_IMAGE of versions.env> --install arm64`
#   registers it, and as root on Debian/Ubuntu this script installs qemu-user-static and does.
# The base image: NODE_IMAGE for linux/amd64 (the build stages) and linux/arm64 (the runtime
#   stage) from its registry; where that registry cannot be reached, from a local one that
#   scripts/offline-multiarch-base.sh fills (Debian arm64 + Node.js from the npm registry).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=../../versions.env
. ./versions.env
platform=linux/arm64
image=sre-kit-api:arm64-check
name=sre-kit-arm64-check-$$
registry_pid=$(mktemp "${TMPDIR:-/tmp}/sre-kit-arm64-registry.XXXXXX")
log() { printf 'image-arm64-check: %s\n' "$*"; }
fail() { log "FAIL: $*" >&2; exit 1; }
cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  if [[ -s $registry_pid ]]; then kill "$(cat "$registry_pid")" 2>/dev/null || true; fi
  rm -f "$registry_pid"
}
trap cleanup EXIT
start=$SECONDS

# --- buildx --------------------------------------------------------------------------------------
if docker buildx version >/dev/null 2>&1; then
  buildx=(docker buildx)
else
  scripts/install-tools.sh buildx
  buildx=("$root/bin/buildx")
fi
log "$("${buildx[@]}" version)"

# --- emulation -----------------------------------------------------------------------------------
if [[ $(uname -s) == Linux && $(uname -m) != aarch64 ]]; then
  binfmt=/proc/sys/fs/binfmt_misc
  if [[ ! -e $binfmt/qemu-aarch64 ]]; then
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
      fail "no aarch64 emulator registered; run: docker run --privileged --rm $BINFMT_IMAGE --install arm64"
    fi
    log "registering qemu-user-static's aarch64 handler (binfmt_misc)"
    [[ -e /usr/lib/binfmt.d/qemu-aarch64.conf ]] ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null; }
    [[ -e $binfmt/register ]] || mount -t binfmt_misc binfmt_misc "$binfmt"
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register"
  fi
  log "aarch64 emulator: $(sed -n 's/^interpreter //p' "$binfmt/qemu-aarch64" 2>/dev/null || echo '?')"
fi

# --- the base image for both platforms -----------------------------------------------------------
base_image=$NODE_IMAGE
reachable() { # the registry answers for IMAGE within 30 s (GNU timeout where there is one)
  if command -v timeout >/dev/null 2>&1; then
    # portability: allow timeout-command only where the command -v above found it
    timeout 30 "${buildx[@]}" imagetools inspect "$1" >/dev/null 2>&1
  else
    "${buildx[@]}" imagetools inspect "$1" >/dev/null 2>&1
  fi
}
if ! reachable "$base_image"; then
  log "the registry of $base_image cannot be reached: a local registry holds both platforms"
  base_image=$(scripts/offline-multiarch-base.sh "$registry_pid")
fi

# --- build linux/arm64 and load it ---------------------------------------------------------------
build_start=$SECONDS
"${buildx[@]}" build --platform "$platform" --load --progress plain \
  --build-arg NODE_IMAGE="$base_image" \
  --build-arg VERSION="$(make -s print-image | sed 's/.*://')" \
  --build-arg REVISION="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
  --build-arg CREATED="$(git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)" \
  -t "$image" service >"${TMPDIR:-/tmp}/$name-build.log" 2>&1 ||
  { tail -n 40 "${TMPDIR:-/tmp}/$name-build.log" >&2; fail "the $platform build failed"; }
# The FROM and RUN steps, and which of them BuildKit's cache answered.
awk '/^#[0-9]+ \[[^]]*(prod-deps|build|runtime)[^]]*\] (FROM|RUN)/ {
       id = $1; sub(/^#[0-9]+ /, ""); if (!(id in step)) { step[id] = substr($0, 1, 90); order[++n] = id } }
     /^#[0-9]+ CACHED$/ { cached[$1] = 1 }
     END { for (i = 1; i <= n; i++) printf "  %s%s\n", step[order[i]], (order[i] in cached) ? "  (cached)" : "" }' \
  "${TMPDIR:-/tmp}/$name-build.log"
rm -f "${TMPDIR:-/tmp}/$name-build.log"
[[ $(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$image") == "$platform" ]] ||
  fail "$image is $(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$image"), not $platform"
log "built $image ($platform) in $((SECONDS - build_start)) s"

# --- run it under emulation ----------------------------------------------------------------------
machine=$(docker run --rm --platform "$platform" --entrypoint uname "$image" -m)
[[ $machine == aarch64 ]] || fail "uname -m in $image says '$machine', not aarch64"
log "uname -m: $machine"
# The service as image-check runs it (read-only root, no capabilities, its own non-root user);
# /status needs no AWS service, so the endpoint is one that answers nothing.
docker run -d --name "$name" --platform "$platform" \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  -p 127.0.0.1::8080 \
  -e AWS_ENDPOINT_URL=http://127.0.0.1:9 -e AWS_ACCESS_KEY_ID=test -e AWS_SECRET_ACCESS_KEY=test \
  -e USERS_TABLE=sre-kit-users -e STATE_TABLE=sre-kit-state -e AVATARS_BUCKET=sre-kit-avatars \
  "$image" >/dev/null
port=$(docker port "$name" 8080/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
scripts/wait-ready.sh "http://127.0.0.1:$port/status" 90 || { docker logs --tail 20 "$name" >&2; fail "/status did not answer"; }
body=$(curl -fsS --max-time 5 "http://127.0.0.1:$port/status")
[[ $body == '{"result":"success"}' ]] || fail "/status answered '$body'"
arch=$(docker exec "$name" node -p 'process.arch')
[[ $arch == arm64 ]] || fail "node in $image says process.arch '$arch'"
log "/status: $body; node process.arch: $arch"
log "PASS in $((SECONDS - start)) s"
