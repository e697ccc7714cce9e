#!/usr/bin/env bash
# `make tf-moto-test`: proves terraform/ end to end against moto server on a free loopback port:
# apply everything (EC2, EKS, registry), no drift, the created tables against the service's schema
# file and the settings of the bucket, tables and app policy, the service's integration tests,
# destroy leaves nothing. The check is verify/src/terraform-moto-check.ts; this gets it terraform
# and the pinned moto[server] (scripts/ensure-pytool.sh, which needs python3).
#   KEEP_WORKDIR=1 keeps the state, logs and outputs in the printed work directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"

command -v terraform >/dev/null 2>&1 || {
  echo "tf-moto: FAIL: terraform is not installed (versions.env pins $TERRAFORM_VERSION; >= 1.5 works)" >&2
  exit 1
}
moto_bin=$("$root/scripts/ensure-pytool.sh" "moto[server]==$MOTO_VERSION")

cd "$root/verify"
# The host runs <repository>:<image_tag>; make deploy-aws derives the tag, this check names one.
TF_VAR_image_tag=tf-moto-check MOTO_BIN="$moto_bin" MOTO_VERSION="$MOTO_VERSION" KUBERNETES_VERSION="$KUBERNETES_VERSION" \
  exec node src/terraform-moto-check.ts
