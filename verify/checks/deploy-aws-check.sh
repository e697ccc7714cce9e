#!/usr/bin/env bash
# `make deploy-aws-check`: runs `make deploy-aws` and `make destroy-aws` (terraform/scripts/aws.sh)
# against moto and a local registry on free loopback ports. The check is
# verify/src/deploy-aws-check.ts; this gets it the pinned moto[server] and awscli
# (scripts/ensure-pytool.sh, which needs python3) and the registry (scripts/install-tools.sh).
#   KEEP_WORKDIR=1 keeps the logs, the state and the user data in the printed work directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"

for tool in terraform docker shellcheck curl git; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "deploy-aws-check: FAIL: $tool is not installed" >&2
    exit 1
  }
done
moto_bin=$("$root/scripts/ensure-pytool.sh" "moto[server]==$MOTO_VERSION")
awscli_bin=$("$root/scripts/ensure-pytool.sh" "awscli==$AWSCLI_VERSION")
"$root/scripts/install-tools.sh" registry

cd "$root/verify"
MOTO_BIN="$moto_bin" AWSCLI_BIN="$awscli_bin" REGISTRY_BIN="$root/bin/registry" \
  exec node src/deploy-aws-check.ts
