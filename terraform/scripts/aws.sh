#!/usr/bin/env bash
# `make deploy-aws` / `make destroy-aws`: terraform/ against a real AWS account, with no manual step.
#   aws.sh deploy    plan, one confirmation, build the image for the host's platform (tag: the
#                    commit of service/), apply that saved plan, push the image to ECR, wait until
#                    the host's /status answers {"result":"success"}, print the URLs
#   aws.sh destroy   plan -destroy, one confirmation, delete the pushed images, apply that plan,
#                    report what was removed
# Only a saved, confirmed plan is ever applied: a refused prompt or a failed plan or build changes
# nothing. AUTO_APPROVE=1 skips the prompt (CI). DEPLOY_WAIT: seconds to wait for /status (600).
# Variables come from terraform/terraform.tfvars (see terraform.tfvars.example), TF_VAR_* or the
# defaults; aws_endpoint is forced empty (real AWS) and image_tag is always the derived tag.
# Needs terraform, the AWS CLI, curl, git and Docker (no Docker when `image` names a public image).
# Written for bash 3.2 (macOS) and later.
#
# For testing only (make deploy-aws-check, against moto and a local registry):
#   DEPLOY_AWS_TEST_ENDPOINT    emulator endpoint for Terraform's aws_endpoint and the AWS CLI
#   DEPLOY_AWS_TEST_REGISTRY    host:port that replaces the ECR registry host for login and push
#   DEPLOY_AWS_TEST_STATUS_URL  URL polled instead of the host's status_url
set -euo pipefail
tf_dir=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$tf_dir/.." && pwd)
action=${1:-}
wait_seconds=${DEPLOY_WAIT:-600}

log() { printf '%s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
step_no=0
step() {
  step_no=$((step_no + 1))
  log ""
  log "deploy-aws: [$step_no] $*"
}

[[ $action == deploy || $action == destroy ]] || die "usage: $0 deploy|destroy"
[[ $wait_seconds =~ ^[0-9]+$ ]] || die "DEPLOY_WAIT must be a number of seconds, not '$wait_seconds'"
for tool in terraform aws curl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed: see terraform/README.md (Prerequisites)"
done

# Real AWS only: an emulator endpoint from a developer's shell (.env has one) must not leak in.
unset AWS_ENDPOINT_URL
while IFS='=' read -r name _; do unset "$name"; done < <(env | grep -E '^AWS_ENDPOINT_URL_[A-Z0-9_]+=' || true)
endpoint=${DEPLOY_AWS_TEST_ENDPOINT:-}
if [[ -n $endpoint ]]; then
  log "TEST MODE: every AWS call goes to $endpoint"
  aws_args=(--endpoint-url "$endpoint")
else
  aws_args=()
fi

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
# The AWS CLI reads the same keys when they were given as Terraform variables only.
if [[ -n ${TF_VAR_aws_access_key:-} && -n ${TF_VAR_aws_secret_key:-} ]]; then
  export AWS_ACCESS_KEY_ID=$TF_VAR_aws_access_key AWS_SECRET_ACCESS_KEY=$TF_VAR_aws_secret_key
  unset AWS_PROFILE AWS_SESSION_TOKEN
elif tfvars_has aws_access_key && tfvars_has aws_secret_key; then
  tfvar() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\\(.*\\)\"[[:space:]]*$/\\1/p" "$tf_dir/terraform.tfvars" | tail -n 1; }
  AWS_ACCESS_KEY_ID=$(tfvar aws_access_key) AWS_SECRET_ACCESS_KEY=$(tfvar aws_secret_key)
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  unset AWS_PROFILE AWS_SESSION_TOKEN
fi

export TF_IN_AUTOMATION=1 TF_INPUT=0
tf() { terraform -chdir="$tf_dir" "$@"; }

# The saved plan can hold variable values (access keys included): private folder, deleted on exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-aws.XXXXXX")
chmod 0700 "$work"
plan="$work/aws.tfplan"
# What a failure leaves behind, said in one line by the EXIT trap; set as each phase starts.
phase_note="nothing was changed in AWS"
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    log ""
    log "$action-aws: stopped. $phase_note"
  fi
  rm -rf "$work"
}
trap on_exit EXIT

log "terraform init"
tf init -input=false >"$work/init.log" 2>&1 || {
  cat "$work/init.log" >&2
  die "terraform init failed"
}

# --- the image tag: the commit of the image's sources -------------------------------------------
# The last commit that changed service/ (the build context), so that a change elsewhere neither
# rebuilds nor replaces the host. Uncommitted changes under service/ add -dirty-<hash of their
# content>: the same tree gives the same tag, another tree another one. Never `latest`.
image_tag() {
  { command -v git >/dev/null 2>&1 && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; } || return 1
  local commit tree index
  commit=$(git -C "$root" log -1 --format=%H -- service)
  [[ -n $commit ]] || commit=$(git -C "$root" rev-parse HEAD)
  if [[ -z $(git -C "$root" status --porcelain --untracked-files=normal -- service) ]]; then
    printf '%s\n' "${commit:0:12}"
    return
  fi
  index="$work/tag.index"
  GIT_INDEX_FILE=$index git -C "$root" read-tree HEAD
  GIT_INDEX_FILE=$index git -C "$root" add -A -- service
  tree=$(GIT_INDEX_FILE=$index git -C "$root" write-tree)
  tree=$(git -C "$root" rev-parse "$tree:service")
  printf '%s-dirty-%s\n' "${commit:0:12}" "${tree:0:8}"
}

# What the configuration says, read with `terraform console` (tfvars and TF_VAR_* included).
var_args=("-var=aws_endpoint=$endpoint")
settings() {
  echo 'join(" ", [var.aws_region, var.name_prefix, local.image_platform, var.image == null ? "-" : var.image, tostring(var.enable_ec2), tostring(var.enable_registry), tostring(var.app_port)])' |
    tf console "${var_args[@]}" 2>"$work/console.log" | tr -d '"'
}

awscli() { aws ${aws_args[@]+"${aws_args[@]}"} --region "$region" "$@"; }

# --- destroy --------------------------------------------------------------------------------------
if [[ $action == destroy ]]; then
  # The tag the host runs, from the state: the configuration needs one to be valid.
  deployed=$(tf output -raw image 2>/dev/null || true)
  [[ $deployed == *:* && $deployed != *@* ]] && var_args+=("-var=image_tag=${deployed##*:}") || var_args+=("-var=image_tag=none")
  # shellcheck disable=SC2046 # one word per value
  set -- $(settings)
  (($# == 7)) || {
    cat "$work/console.log" >&2
    die "could not read the configuration (terraform console)"
  }
  region=$1 repo_name=$2
  # Resources, not the data sources the state also lists.
  resources() { tf state list 2>/dev/null | grep -Ev '(^|\.)data\.' || true; }
  before=$(resources)
  [[ -n $before ]] || {
    log "nothing to destroy: the state is empty"
    exit 0
  }
  log "terraform plan -destroy"
  set +e
  tf plan -input=false "${var_args[@]}" -destroy -out="$plan" -detailed-exitcode
  rc=$?
  set -e
  ((rc == 0 || rc == 2)) || die "terraform plan -destroy failed: nothing was changed"
  images=""
  if grep -q '^module\.registry\[0\]\.aws_ecr_repository\.this$' <<<"$before"; then
    images=$(awscli ecr list-images --repository-name "$repo_name" --query 'imageIds[].[imageDigest,imageTag]' --output text) ||
      die "could not list the images of ECR repository $repo_name: nothing was changed"
  fi
  n_images=$(grep -c . <<<"$images" || true)
  log "to remove: $(grep -c . <<<"$before") resources in the state and $n_images image(s) in ECR repository $repo_name"
  if [[ ${AUTO_APPROVE:-0} != 1 ]]; then
    [[ -t 0 ]] || die "no terminal to confirm on: review the plan above and run again with AUTO_APPROVE=1; nothing was changed"
    read -r -p "DESTROY this plan and delete the $n_images image(s) in AWS region $region? Type 'yes' to continue: " answer
    [[ $answer == yes ]] || die "not confirmed: nothing was changed"
  fi
  phase_note="destroy failed part-way: what is left is in 'terraform -chdir=terraform state list'; fix the cause above and run make destroy-aws again"
  removed_images=""
  while read -r digest tag; do
    [[ -n $digest ]] || continue
    awscli ecr batch-delete-image --repository-name "$repo_name" --image-ids "imageDigest=$digest" \
      --query 'failures[].failureReason' --output text >"$work/delete.out"
    [[ ! -s $work/delete.out || $(cat "$work/delete.out") == None ]] || die "ECR refused to delete $digest: $(cat "$work/delete.out")"
    removed_images="$removed_images $repo_name:${tag/#None/<untagged>}"
  done <<<"$images"
  tf apply -input=false "$plan"
  after=$(resources)
  log ""
  log "destroy-aws: removed $(grep -c . <<<"$before") resources:"
  while read -r address; do log "  $address"; done <<<"$before"
  log "destroy-aws: deleted $n_images image(s):${removed_images:- none}"
  [[ -z $after ]] || die "still in the state: $after"
  log "destroy-aws: no resource is left in the state; remote state buckets are not touched."
  exit 0
fi

# --- deploy ---------------------------------------------------------------------------------------
# No git checkout: no tag, which only a build needs (checked below).
tag=$(image_tag) || tag=""
[[ -z $tag ]] || var_args+=("-var=image_tag=$tag")
# shellcheck disable=SC2046 # one word per value
set -- $(settings)
(($# == 7)) || {
  cat "$work/console.log" >&2
  [[ -n $tag ]] || log "no image tag: $root is not a git checkout with git installed; set the variable image to a published image"
  die "could not read the configuration (terraform console)"
}
region=$1 repo_name=$2 platform=$3 public_image=$4 enable_ec2=$5 enable_registry=$6 app_port=$7
build=0
if [[ $public_image != - ]]; then
  log "image: $public_image (the variable image): nothing to build or push"
elif [[ $enable_ec2 == true && $enable_registry == true ]]; then
  build=1
  [[ -n $tag ]] || die "cannot derive the image tag: $root is not a git checkout with git installed (or set the variable image to a published image)"
  log "image: $repo_name:$tag for $platform (the host's platform)"
fi

# Already in ECR (a rerun): no build, no push.
pushed=0
if ((build == 1)) && awscli ecr describe-images --repository-name "$repo_name" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  pushed=1
  log "image $repo_name:$tag is already in ECR: no build, no push"
fi
if ((build == 1 && pushed == 0)); then
  { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; } ||
    die "Docker is needed to build the image (not installed or not running): start it, or set the variable image to a published image (terraform/README.md)"
fi

step "terraform plan"
set +e
tf plan -input=false "${var_args[@]}" -out="$plan" -detailed-exitcode
rc=$?
set -e
changes=1
case $rc in
  0) changes=0 ;;
  2) ;;
  *) die "terraform plan failed: nothing was changed" ;;
esac

if ((changes == 1)) && [[ ${AUTO_APPROVE:-0} != 1 ]]; then
  [[ -t 0 ]] || die "no terminal to confirm on: review the plan above and run again with AUTO_APPROVE=1; nothing was changed"
  read -r -p "Apply this plan in AWS region $region$( ((build == 1 && pushed == 0)) && echo " and push image $tag")? Type 'yes' to continue: " answer
  [[ $answer == yes ]] || die "not confirmed: nothing was changed"
fi

local_image="sre-kit-api:$tag"
docker_arch=${platform#linux/}
if ((build == 1 && pushed == 0)); then
  if [[ $(docker image inspect --format '{{.Architecture}}' "$local_image" 2>/dev/null || true) == "$docker_arch" ]]; then
    step "docker build: $local_image ($platform) is already built"
  else
    step "docker build $local_image --platform $platform"
    node_image=$(sed -n 's/^NODE_IMAGE=//p' "$root/versions.env")
    version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$root/service/package.json")
    docker build --platform "$platform" --build-arg "NODE_IMAGE=$node_image" --build-arg "VERSION=$version" \
      --build-arg "REVISION=$tag" --build-arg "CREATED=$(git -C "$root" log -1 --format=%cI)" \
      -t "$local_image" "$root/service"
  fi
fi

if ((changes == 1)); then
  step "terraform apply"
  phase_note="terraform apply failed part-way: what exists now is in 'terraform -chdir=terraform state list'; fix the cause above, then make deploy-aws again (it continues) or make destroy-aws (it removes all of it)"
  tf apply -input=false "$plan"
else
  step "terraform apply: no changes, nothing to apply"
fi
output() { tf output -raw "$1" 2>/dev/null || true; }

if ((build == 1 && pushed == 0)); then
  repo_url=$(output image_repository_url)
  registry=${repo_url%%/*}
  push_registry=${DEPLOY_AWS_TEST_REGISTRY:-$registry}
  remote="$push_registry/${repo_url#*/}:$tag"
  step "docker push $remote"
  phase_note="the infrastructure is applied but image $tag is not in ECR: the host retries every 30 s; make deploy-aws again pushes it, make destroy-aws removes everything"
  awscli ecr get-login-password | docker login --username AWS --password-stdin "$push_registry" >/dev/null
  docker tag "$local_image" "$remote"
  docker push "$remote"
else
  step "docker push: nothing to push"
fi

[[ $enable_ec2 == true ]] || {
  log "enable_ec2 is off: no host to wait for"
  tf output
  exit 0
}

status_url=$(output status_url)
instance_id=$(output host_instance_id)
poll_url=${DEPLOY_AWS_TEST_STATUS_URL:-$status_url}
base_url=${status_url%/status}

# --- the wait, and why it ran out -----------------------------------------------------------------
diagnose() {
  local out ping command_id
  log ""
  log "=== deploy-aws: $poll_url did not answer {\"result\":\"success\"} within ${wait_seconds}s"
  log "last answer: $last"
  out=$(awscli ec2 describe-instances --instance-ids "$instance_id" \
    --query 'Reservations[0].Instances[0].[State.Name,LaunchTime,PublicIpAddress]' --output text 2>&1 || true)
  log "instance $instance_id (state, launched, public IP): $out"
  out=$(awscli ec2 describe-instance-status --instance-ids "$instance_id" --include-all-instances \
    --query 'InstanceStatuses[0].[InstanceStatus.Status,SystemStatus.Status]' --output text 2>&1 || true)
  log "status checks (instance, system): $out"
  log "console output, last lines (aws ec2 get-console-output --latest):"
  out=$(awscli ec2 get-console-output --instance-id "$instance_id" --latest --query Output --output text 2>&1 ||
    awscli ec2 get-console-output --instance-id "$instance_id" --query Output --output text 2>&1 || true)
  [[ -n $out && $out != None ]] || out="(none yet: AWS keeps it a few minutes behind)"
  tail -n 12 <<<"$out" | sed 's/^/  | /' >&2
  ping=$(awscli ssm describe-instance-information --filters "Key=InstanceIds,Values=$instance_id" \
    --query 'InstanceInformationList[0].PingStatus' --output text 2>/dev/null || true)
  if [[ $ping == Online ]]; then
    command_id=$(awscli ssm send-command --instance-ids "$instance_id" --document-name AWS-RunShellScript \
      --parameters 'commands=["systemctl is-active sre-kit.service; journalctl -u sre-kit.service -n 10 --no-pager"]' \
      --query Command.CommandId --output text 2>/dev/null || true)
    sleep 5
    out=$(awscli ssm get-command-invocation --command-id "$command_id" --instance-id "$instance_id" \
      --query StandardOutputContent --output text 2>&1 || true)
    log "the unit sre-kit.service (through SSM):"
    tail -n 11 <<<"$out" | sed 's/^/  | /' >&2
  else
    log "the unit sre-kit.service: not readable, the SSM agent is not online (${ping:-unknown})"
  fi
  log "what to try:"
  log "  - state pending or status checks initializing: the host is still booting; make deploy-aws again waits again (DEPLOY_WAIT=$wait_seconds)"
  log "  - cloud-init or dnf errors in the console: the host needs HTTPS out (the security group allows 443) to install Docker"
  log "  - 'docker pull' errors in the unit: the image is missing from its registry or the instance role cannot pull it"
  log "  - the unit active but no answer: the security group opens port $app_port only to allowed_cidrs, which must include your address"
  log "  - a shell on the host: aws ssm start-session --region $region --target $instance_id"
}

step "waiting up to ${wait_seconds}s for {\"result\":\"success\"} from $poll_url"
phase_note="everything is applied and pushed, but the host does not answer yet (above); make deploy-aws again waits again, make destroy-aws removes everything"
deadline=$((SECONDS + wait_seconds))
last="(no attempt)"
while :; do
  body=$(curl -sS --max-time 5 "$poll_url" 2>&1) && [[ $body == *'"result":"success"'* ]] && break
  last=$(head -c 200 <<<"$body")
  ((SECONDS < deadline)) || {
    diagnose
    exit 1
  }
  sleep 5
done
phase_note=""

log ""
log "deploy-aws: the host answers. Image $tag, instance $instance_id, region $region."
log "  status   $base_url/status"
log "  swagger  $base_url/swagger"
log "  ip       $base_url/ip"
log "  shell    aws ssm start-session --region $region --target $instance_id"
log "  outputs  terraform -chdir=terraform output"
