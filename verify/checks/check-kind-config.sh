#!/usr/bin/env bash
# Proves that the kind cluster config and the chart agree (run by `make chart-check`): the
# NodePort of values-kind.yaml is the one port deploy/kind/cluster.yaml maps to 127.0.0.1, and
# its node image is KIND_NODE_IMAGE of versions.env. The check is verify/src/chart/kind-config-check.ts.
#   verify/checks/check-kind-config.sh             check, print one line per fact checked
#   verify/checks/check-kind-config.sh --node-port print the NodePort and exit
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"
helm="$root/bin/helm"
if [[ ${1:-} != --node-port && ! -x $helm ]]; then
  echo "check-kind-config: $helm is missing; run 'make tools'" >&2
  exit 1
fi
cd "$root/verify"
HELM="$helm" KIND_NODE_IMAGE="$KIND_NODE_IMAGE" KUBERNETES_VERSION="$KUBERNETES_VERSION" \
  exec node src/chart/kind-config-check.ts "$@"
