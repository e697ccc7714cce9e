#!/usr/bin/env bash
# The local-stack journey as a user types it: `make up` from a clean state (EMULATOR, default
# localstack as for a user), the smoke test through the published port (with the API key of .env),
# `make up` again changes nothing, then `make clean` leaves no container or volume. First, compose
# must accept its own file with the emulator's profile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
api_port=${API_PORT:-18080}
emulator_port=${EMULATOR_PORT:-14566}
emulator=${EMULATOR:-localstack}
args=(EMULATOR="$emulator" API_PORT="$api_port" EMULATOR_PORT="$emulator_port")
cleanup() { make --no-print-directory clean "${args[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT

[[ -f .env ]] || created_env=1
make --no-print-directory env-file >/dev/null
docker compose --profile "$emulator" config --quiet
make --no-print-directory clean "${args[@]}" >/dev/null 2>&1 || true
started=$SECONDS
make --no-print-directory up "${args[@]}"
echo "compose-check: make up ($emulator) took $((SECONDS - started))s from a clean state"
API_KEY=$(sed -n 's/^API_KEY=//p' .env | tail -n 1) verify/checks/smoke-test.sh "http://localhost:$api_port"

ids() { docker ps -q --filter label=com.docker.compose.project=sre-kit --no-trunc | sort; }
before=$(ids)
make --no-print-directory up "${args[@]}" >"${TMPDIR:-/tmp}/second-up.log" 2>&1 || { cat "${TMPDIR:-/tmp}/second-up.log"; exit 1; }
after=$(ids)
# The provisioning container keeps the logs of both runs: read what follows its last start.
provision_log=$(docker compose -p sre-kit logs --no-color provision 2>/dev/null |
  awk '/provision: terraform apply against/ { run = "" } { run = run $0 "\n" } END { printf "%s", run }')
if [[ $before != "$after" ]]; then
  echo "compose-check: FAIL: the second make up replaced containers"
  exit 1
fi
if ! grep -Eq 'No changes\.|0 added, 0 changed, 0 destroyed' <<<"$provision_log"; then
  echo "compose-check: FAIL: the second provisioning run changed infrastructure:"
  echo "$provision_log"
  exit 1
fi
echo "compose-check: second make up kept every container and Terraform applied no change"
make --no-print-directory clean "${args[@]}"
[[ -z $(docker volume ls -q --filter label=com.docker.compose.project=sre-kit) ]] || {
  echo "compose-check: FAIL: make clean left volumes behind"
  exit 1
}
[[ ${created_env:-0} == 1 ]] && rm -f .env
echo "compose-check: PASS ($emulator)"
