#!/usr/bin/env bash
# `make deploy-aws` / `make destroy-aws`: terraform/ against a real AWS account.
#   aws.sh deploy    credentials check, init, plan -out, confirmation, apply of that saved plan, outputs
#   aws.sh destroy   credentials check, init, plan -destroy -out, confirmation, apply of that plan
# Only a saved, confirmed plan is ever applied: a refused prompt or a failed plan changes nothing.
# AUTO_APPROVE=1 skips the prompt (CI). Variables come from terraform/terraform.tfvars (see
# terraform.tfvars.example), TF_VAR_* or the defaults; aws_endpoint is forced empty (real AWS).
set -euo pipefail
tf_dir=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-}

log() { printf '%s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[[ $action == deploy || $action == destroy ]] || die "usage: $0 deploy|destroy"
command -v terraform >/dev/null 2>&1 || die "terraform is not installed: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)"

# Real AWS only: an emulator endpoint from a developer's shell (.env has one) must not leak in.
unset AWS_ENDPOINT_URL
while IFS='=' read -r name _; do unset "$name"; done < <(env | grep -E '^AWS_ENDPOINT_URL_[A-Z0-9_]+=' || true)

# Where credentials come from, in the provider's order. Nothing found: stop before init.
tfvars_has() { grep -Eqs "^[[:space:]]*$1[[:space:]]*=" "$tf_dir/terraform.tfvars" "$tf_dir"/*.auto.tfvars; }
credentials_source() {
  if [[ -n ${TF_VAR_aws_access_key:-} && -n ${TF_VAR_aws_secret_key:-} ]]; then
    echo "TF_VAR_aws_access_key / TF_VAR_aws_secret_key"
  elif tfvars_has aws_access_key && tfvars_has aws_secret_key; then
    echo "aws_access_key / aws_secret_key in terraform.tfvars"
  elif [[ -n ${AWS_ACCESS_KEY_ID:-} && -n ${AWS_SECRET_ACCESS_KEY:-} ]]; then
    echo "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
  elif [[ -n ${AWS_PROFILE:-} ]]; then
    echo "AWS_PROFILE=$AWS_PROFILE"
  elif [[ -n ${AWS_WEB_IDENTITY_TOKEN_FILE:-} && -n ${AWS_ROLE_ARN:-} ]]; then
    echo "web identity (AWS_ROLE_ARN)"
  elif [[ -n ${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-} ]]; then
    echo "container credentials"
  elif [[ -s ${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials} || -s ${AWS_CONFIG_FILE:-$HOME/.aws/config} ]]; then
    # shellcheck disable=SC2088 # a label, not a path
    echo "~/.aws (default profile)"
  fi
}
source=$(credentials_source)
[[ -n $source ]] || die "no AWS credentials: set TF_VAR_aws_access_key and TF_VAR_aws_secret_key (or aws_access_key/aws_secret_key in terraform/terraform.tfvars), AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or configure ~/.aws"
log "credentials: $source"

export TF_IN_AUTOMATION=1 TF_INPUT=0
tf() { terraform -chdir="$tf_dir" "$@"; }

# The saved plan can hold variable values (access keys included): private folder, deleted on exit.
plan_dir=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-aws-plan.XXXXXX")
chmod 0700 "$plan_dir"
trap 'rm -rf "$plan_dir"' EXIT
plan="$plan_dir/aws.tfplan"

log "terraform init"
tf init -input=false >"$plan_dir/init.log" 2>&1 || {
  cat "$plan_dir/init.log" >&2
  die "terraform init failed"
}

plan_args=(-input=false -var=aws_endpoint= -out="$plan" -detailed-exitcode)
[[ $action == destroy ]] && plan_args+=(-destroy)
log "terraform plan$([[ $action == destroy ]] && echo ' -destroy')"
set +e
tf plan "${plan_args[@]}"
rc=$?
set -e
case $rc in
  0)
    log "no changes: nothing to $action"
    [[ $action == deploy ]] && tf output
    exit 0
    ;;
  2) ;;
  *) die "terraform plan failed: nothing was changed" ;;
esac

if [[ ${AUTO_APPROVE:-0} != 1 ]]; then
  [[ -t 0 ]] || die "no terminal to confirm on: review the plan above and run again with AUTO_APPROVE=1; nothing was changed"
  region=$(tf console -var=aws_endpoint= <<<'var.aws_region' 2>/dev/null | tr -d '"' || true)
  read -r -p "$([[ $action == deploy ]] && echo Apply || echo DESTROY) this plan in AWS region ${region:-?}? Type 'yes' to continue: " answer
  [[ $answer == yes ]] || die "not confirmed: nothing was changed"
fi

tf apply -input=false "$plan"

if [[ $action == deploy ]]; then
  tf output
  log ""
  log "Next: push the image, the host pulls it within a minute:"
  log "  repo=\$(terraform -chdir=terraform output -raw image_repository_url)"
  log "  aws ecr get-login-password | docker login --username AWS --password-stdin \"\${repo%%/*}\""
  log "  docker tag sre-kit-api:<version> \"\$repo:<image_tag>\" && docker push \"\$repo:<image_tag>\""
else
  log "destroyed. State left in terraform/terraform.tfstate (empty); remote state buckets are not touched."
fi
