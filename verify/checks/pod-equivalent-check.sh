#!/usr/bin/env bash
# `make chart-pod-check`: runs the service image exactly as the chart's Deployment runs it on kind,
# but under plain Docker against moto, and probes it the way the kubelet does. The check itself,
# and what it proves, is verify/src/pod-check.ts; this checks what it needs first.
#   verify/checks/pod-equivalent-check.sh sre-kit-api:0.1.0
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"
image=${1:?usage: pod-equivalent-check.sh <image:tag>}
helm="$root/bin/helm"

fail() { printf 'pod-check: FAIL %s\n' "$*" >&2; exit 1; }
command -v docker >/dev/null 2>&1 || fail "docker is not installed"
docker info >/dev/null 2>&1 || fail "the Docker engine is not running"
[[ -x $helm ]] || fail "$helm is missing; run 'make tools'"
docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is not present; build it first: make image"
docker image inspect "$MOTO_IMAGE" >/dev/null 2>&1 || docker pull "$MOTO_IMAGE" >/dev/null || fail "cannot get $MOTO_IMAGE"

cd "$root/verify"
HELM="$helm" MOTO_IMAGE="$MOTO_IMAGE" KUBERNETES_VERSION="$KUBERNETES_VERSION" exec node src/pod-check.ts "$image"
