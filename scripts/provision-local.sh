#!/bin/sh
# Applies terraform/ to the local emulator: the tables and bucket of the env contract, nothing
# that needs EC2, EKS or ECR. The emulator speaks plain HTTP, so the bucket's TLS-only rule is
# left out here (allow_plain_http); on AWS it always applies. Used by the `provision` service of docker-compose.yml (inside the
# hashicorp/terraform image, so POSIX sh only) and by `make tf-local` on the host.
#
# Environment: TF_ENDPOINT (emulator URL), TF_STATE_DIR (state and working copy), AWS_REGION,
# USERS_TABLE, STATE_TABLE, AVATARS_BUCKET; PROJECT_DIR (default: this script's repository).
set -eu

: "${TF_ENDPOINT:?TF_ENDPOINT must be the emulator URL, e.g. http://localhost:4566}"
: "${TF_STATE_DIR:?TF_STATE_DIR must name a folder for the state}"
: "${USERS_TABLE:?}" "${STATE_TABLE:?}" "${AVATARS_BUCKET:?}"
project=${PROJECT_DIR:-$(cd "$(dirname "$0")/.." && pwd)}

# Terraform runs on a copy: the project may be mounted read-only, and init may rewrite the
# dependency lock file for this platform.
work="$TF_STATE_DIR/src"
rm -rf "$work"
mkdir -p "$work/service"
cp -R "$project/terraform" "$work/terraform"
cp -R "$project/service/schema" "$work/service/schema"
rm -rf "$work/terraform/.terraform" "$work/terraform"/*.tfstate*

cd "$work/terraform"
export TF_DATA_DIR="$TF_STATE_DIR/.terraform" TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_VAR_aws_endpoint="$TF_ENDPOINT" \
  TF_VAR_aws_region="${AWS_REGION:-us-east-1}" \
  TF_VAR_users_table_name="$USERS_TABLE" \
  TF_VAR_state_table_name="$STATE_TABLE" \
  TF_VAR_avatars_bucket_name="$AVATARS_BUCKET" \
  TF_VAR_enable_ec2=false \
  TF_VAR_enable_eks=false \
  TF_VAR_enable_registry=false \
  TF_VAR_allow_plain_http=true

echo "provision: terraform apply against $TF_ENDPOINT (state in $TF_STATE_DIR)"
terraform init -no-color -backend-config="path=$TF_STATE_DIR/terraform.tfstate" >"$TF_STATE_DIR/init.log" 2>&1 || {
  cat "$TF_STATE_DIR/init.log" >&2
  exit 1
}
terraform apply -no-color -auto-approve -compact-warnings
terraform output -no-color
