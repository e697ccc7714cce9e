#!/usr/bin/env bash
# The kind journey as a user types it, on a real cluster:
#   make up (EMULATOR, default localstack) -> make kind-up -> make deploy-kind (helm test --logs)
#   -> the smoke test through the NodePort -> make kind-rollout-check (a rolling restart under
#   light load loses no request) -> make browser-check (headless Chromium posts a user through
#   /swagger and opens its avatar) -> make kind-down -> make clean.
# KIND_NODE_IMAGE picks the node image (default: the pinned one of versions.env). The cluster and
# the stack are removed at the end, also when a step failed (after printing diagnostics).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
emulator=${EMULATOR:-localstack}
api_port=${API_PORT:-18080}
emulator_port=${EMULATOR_PORT:-14566}
args=(EMULATOR="$emulator" API_PORT="$api_port" EMULATOR_PORT="$emulator_port")
[[ -n ${KIND_NODE_IMAGE:-} ]] && args+=(KIND_NODE_IMAGE="$KIND_NODE_IMAGE")
node_port=$(sed -n 's/^  nodePort: *\([0-9][0-9]*\).*/\1/p' deploy/helm/sre-kit/values-kind.yaml)
base=http://127.0.0.1:$node_port
kubectl=(kubectl --context kind-sre-kit -n sre-kit)

[[ -f .env ]] || created_env=1
cleanup() {
  local rc=$?
  if ((rc != 0)); then
    echo "kind-journey: FAILED; diagnostics follow" >&2
    "${kubectl[@]}" get pods,events -o wide >&2 || true
    "${kubectl[@]}" logs -l app.kubernetes.io/instance=sre-kit --all-containers --tail=40 >&2 || true
  fi
  make --no-print-directory kind-down "${args[@]}" >/dev/null 2>&1 || true
  make --no-print-directory clean "${args[@]}" >/dev/null 2>&1 || true
  [[ ${created_env:-0} == 1 ]] && rm -f .env
  exit "$rc"
}
trap cleanup EXIT

timed() {
  local name=$1 started=$SECONDS
  shift
  echo "--- kind-journey: $name"
  "$@"
  echo "--- kind-journey: $name: ok in $((SECONDS - started))s"
}

timed "make up ($emulator)" make --no-print-directory up "${args[@]}"
timed "make kind-up" make --no-print-directory kind-up "${args[@]}"
timed "make deploy-kind" make --no-print-directory deploy-kind "${args[@]}"
timed "smoke test through the NodePort ($base)" \
  env API_KEY="$(sed -n 's/^API_KEY=//p' .env | tail -n 1)" verify/checks/smoke-test.sh "$base"
timed "make kind-rollout-check" make --no-print-directory kind-rollout-check "${args[@]}"
timed "make browser-check ($base)" make --no-print-directory browser-check BROWSER_BASE_URL="$base"
timed "make kind-down" make --no-print-directory kind-down "${args[@]}"
timed "make clean" make --no-print-directory clean "${args[@]}"
echo "kind-journey: PASS"
