#!/usr/bin/env bash
# `make tf-moto-test`: proves terraform/ end to end against moto server on a free loopback port.
#   1. apply the whole configuration (enable_ec2, enable_eks and the registry on);
#   2. `terraform plan -detailed-exitcode` must report no changes;
#   3. the created tables match service/schema/dynamodb-tables.json (DescribeTable), and the bucket,
#      tables and app policy carry the settings of the issue;
#   4. the service's integration tests run against these tables and bucket (`make test-integration`,
#      when the service provides that target);
#   5. destroy, then nothing is left: empty state and an empty moto account.
# Needs terraform and python3 (moto comes from scripts/ensure-pytool.sh). No network beyond loopback.
#   KEEP_WORKDIR=1 keeps the state, logs and outputs in the printed work directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"
tf_dir="$root/terraform"

log() { printf 'tf-moto: %s\n' "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}
step_start=$SECONDS
step() {
  log "--- $* (+$((SECONDS - step_start))s)"
}

command -v terraform >/dev/null 2>&1 || die "terraform is not installed (versions.env pins $TERRAFORM_VERSION; >= 1.5 works)"
moto_bin=$("$root/scripts/ensure-pytool.sh" "moto[server]==$MOTO_VERSION")
python="$moto_bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-tf-moto.XXXXXX")
moto_pid=
cleanup() {
  local rc=$?
  if [[ -n $moto_pid ]]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  if ((rc != 0)) || [[ ${KEEP_WORKDIR:-0} == 1 ]]; then
    log "work directory kept: $work (moto.log, *.log, outputs.json, terraform.tfstate)"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT

# --- moto server ----------------------------------------------------------------------------------
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:$port"
step "starting moto $MOTO_VERSION on $endpoint"
# AWS managed policies (AmazonEKSClusterPolicy, AmazonSSMManagedInstanceCore...) exist in every
# real account; moto loads them only when asked.
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$moto_bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 120); do
  if "$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" 2>/dev/null; then
    break
  fi
  kill -0 "$moto_pid" 2>/dev/null || die "moto server exited: $(tail -n 5 "$work/moto.log")"
  sleep 0.5
done
"$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=2)" "$endpoint" ||
  die "moto server did not answer on $endpoint within 60 s"

# Nothing may reach real AWS or pick up a developer's profile.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export TF_DATA_DIR="$work/tf-data" TF_IN_AUTOMATION=1 TF_INPUT=0
tf() { terraform -chdir="$tf_dir" "$@"; }
# Runs terraform with its output in $work/<name>.log, shown only on failure.
tf_logged() {
  local name=$1
  shift
  if ! tf "$@" >"$work/$name.log" 2>&1; then
    tail -n 30 "$work/$name.log" >&2
    die "terraform $1 failed (full log: $work/$name.log)"
  fi
}

# Table names from the env contract, like `make tf-local`; the bucket keeps its default name
# (<prefix>-avatars-<account id>) so that the account-id path is exercised too.
env_value() { sed -n "s/^$1=//p" "$root/.env-example" | tail -n 1; }
k8s_minor=$(cut -d. -f1,2 <<<"${KUBERNETES_VERSION#v}")
cat >"$work/moto.tfvars.json" <<EOF
{
  "aws_endpoint": "$endpoint",
  "aws_region": "us-east-1",
  "users_table_name": "$(env_value USERS_TABLE)",
  "state_table_name": "$(env_value STATE_TABLE)",
  "enable_registry": true,
  "enable_ec2": true,
  "enable_eks": true,
  "eks_kubernetes_version": "$k8s_minor",
  "api_key_parameter_name": "/sre-kit/api-key",
  "avatars_force_destroy": true,
  "registry_force_delete": true
}
EOF
vars=(-var-file="$work/moto.tfvars.json")

# --- apply, then no drift -------------------------------------------------------------------------
step "terraform init (state in $work)"
tf_logged init init -no-color -input=false -lockfile=readonly -backend-config="path=$work/terraform.tfstate"

step "terraform apply (enable_ec2, enable_eks, registry)"
tf_logged apply apply -no-color -auto-approve "${vars[@]}"
log "$(grep -E '^Apply complete' "$work/apply.log" || true)"

step "terraform plan -detailed-exitcode (must be 0: no changes)"
set +e
tf plan -no-color -detailed-exitcode "${vars[@]}" >"$work/plan.log" 2>&1
plan_rc=$?
set -e
case $plan_rc in
  0) log "no changes after apply" ;;
  2)
    grep -E '^\s+[#~+-]|must be replaced|will be (updated|created|destroyed)' "$work/plan.log" >&2 || true
    die "the plan after apply is not empty (drift; full plan: $work/plan.log)"
    ;;
  *)
    tail -n 40 "$work/plan.log" >&2
    die "terraform plan failed"
    ;;
esac

tf output -json >"$work/outputs.json"

# --- what was created matches the spec ------------------------------------------------------------
step "checking the created resources (key schema drift, bucket, tables, app policy)"
"$python" - "$endpoint" "$root/service/schema/dynamodb-tables.json" "$work/outputs.json" <<'PY'
import json
import sys

import boto3

endpoint, schema_file, outputs_file = sys.argv[1:4]
outputs = {k: v["value"] for k, v in json.load(open(outputs_file)).items()}
env = outputs["env"]
kw = dict(endpoint_url=endpoint, region_name=outputs["aws_region"])
ddb, s3, iam = boto3.client("dynamodb", **kw), boto3.client("s3", **kw), boto3.client("iam", **kw)
failures = []


def check(ok, message):
    print(("  ok    " if ok else "  FAIL  ") + message)
    if not ok:
        failures.append(message)


# Key schema: the tables Terraform created against the service's schema file.
schema = {k: v for k, v in json.load(open(schema_file)).items() if not k.startswith("$")}
for name, keys in schema.items():
    table_name = env[f"{name.upper()}_TABLE"]
    table = ddb.describe_table(TableName=table_name)["Table"]
    want_keys = [{"AttributeName": keys["hash_key"]["name"], "KeyType": "HASH"}]
    want_attrs = {keys["hash_key"]["name"]: keys["hash_key"]["type"]}
    if "range_key" in keys:
        want_keys.append({"AttributeName": keys["range_key"]["name"], "KeyType": "RANGE"})
        want_attrs[keys["range_key"]["name"]] = keys["range_key"]["type"]
    got_attrs = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    check(table["KeySchema"] == want_keys, f"{table_name}: key schema {table['KeySchema']} == schema file")
    check(got_attrs == want_attrs, f"{table_name}: attribute types {got_attrs} == schema file")
    check(table.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST", f"{table_name}: on-demand billing")
    check(table.get("SSEDescription", {}).get("Status") == "ENABLED", f"{table_name}: encryption at rest")
    pitr = ddb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"]
    check(pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", f"{table_name}: point-in-time recovery")

bucket = env["AVATARS_BUCKET"]
pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
check(all(pab.values()) and len(pab) == 4, f"{bucket}: all public access blocked {pab}")
sse = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
check(sse["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", f"{bucket}: server-side encryption")
check(s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled", f"{bucket}: versioning")
owner = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
check(owner == "BucketOwnerEnforced", f"{bucket}: object ownership enforced")
rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
check(any("NoncurrentVersionExpiration" in r for r in rules), f"{bucket}: noncurrent version expiry")
policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
tls = [s for s in policy["Statement"] if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
check(len(tls) == 1, f"{bucket}: TLS-only bucket policy")
check(not any(s["Effect"] == "Allow" for s in policy["Statement"]), f"{bucket}: no public statement (public_avatars off)")

# The app policy: only the service's actions, only on its tables and bucket.
arn = outputs["app_policy_arn"]
version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
doc = json.loads(doc) if isinstance(doc, str) else doc
table_arns = {ddb.describe_table(TableName=env[f"{n.upper()}_TABLE"])["Table"]["TableArn"] for n in schema}
for statement in doc["Statement"]:
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    check(statement["Effect"] == "Allow" and not any("*" in a for a in actions), f"app policy {statement.get('Sid')}: explicit actions {sorted(actions)}")
    check(all(r in table_arns or r in (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/avatars/*") for r in resources), f"app policy {statement.get('Sid')}: resources {resources}")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
PY

# --- the service's integration tests against what Terraform created -------------------------------
# moto speaks plain HTTP, which the bucket's TLS-only rule (checked above) refuses: the service's
# own requests need the emulator setting, which drops only that rule.
step "terraform apply -var allow_plain_http=true (only the bucket policy changes)"
vars+=(-var allow_plain_http=true)
tf_logged apply-plain-http apply -no-color -auto-approve "${vars[@]}"
log "$(grep -E '^Apply complete' "$work/apply-plain-http.log" || true)"

step "service integration tests"
if make -C "$root" -n test-integration >/dev/null 2>&1; then
  read -r users state bucket region < <("$python" -c 'import json, sys; o = json.load(open(sys.argv[1])); e = o["env"]["value"]; print(e["USERS_TABLE"], e["STATE_TABLE"], e["AVATARS_BUCKET"], e["AWS_REGION"])' "$work/outputs.json")
  log "make test-integration with USERS_TABLE=$users STATE_TABLE=$state AVATARS_BUCKET=$bucket AWS_ENDPOINT_URL=$endpoint"
  AWS_ENDPOINT_URL=$endpoint AWS_REGION=$region USERS_TABLE=$users STATE_TABLE=$state AVATARS_BUCKET=$bucket \
    make -C "$root" test-integration || die "the service's integration tests failed against the Terraform-created resources"
else
  log "SKIPPED: service integration tests: the root Makefile has no 'test-integration' target yet"
fi

# --- destroy leaves nothing -----------------------------------------------------------------------
# moto 5.2.5 cannot delete a key whose latest version is a delete marker (FakeDeleteMarker has no
# dispose(): a 500), which the service's tests leave behind in the versioned bucket, and the
# provider's force_destroy then retries for an hour. Emptying it version by version first
# (versions, then delete markers) is what force_destroy does on AWS; moto handles that order.
step "emptying the versioned bucket (works around a moto delete-marker bug)"
"$python" - "$endpoint" "$work/outputs.json" <<'PY'
import json
import sys

import boto3

endpoint, outputs_file = sys.argv[1:3]
bucket = json.load(open(outputs_file))["env"]["value"]["AVATARS_BUCKET"]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
versions, markers = [], []
for page in pages:
    versions += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
    markers += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
for key, version in versions + markers:
    s3.delete_object(Bucket=bucket, Key=key, VersionId=version)
print(f"  removed {len(versions)} object versions and {len(markers)} delete markers from {bucket}")
PY

step "terraform destroy"
# Bounded: a resource that never finishes deleting fails the check instead of hanging CI.
TF_CLI_ARGS_destroy="-lock-timeout=30s" timeout 900 terraform -chdir="$tf_dir" destroy -no-color -auto-approve "${vars[@]}" >"$work/destroy.log" 2>&1 || {
  tail -n 30 "$work/destroy.log" >&2
  die "terraform destroy failed or took over 15 minutes (full log: $work/destroy.log)"
}
log "$(grep -E '^Destroy complete' "$work/destroy.log" || true)"

step "checking that nothing is left"
left=$(tf state list 2>/dev/null || true)
[[ -z $left ]] || die "resources still in the state after destroy: $left"
"$python" - "$endpoint" <<'PY'
import sys

import boto3

kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1")
c = lambda name: boto3.client(name, **kw)  # noqa: E731
ec2 = c("ec2")
kms = c("kms")
# Service default keys (alias/aws/dynamodb, alias/aws/ebs) are made by the services themselves and
# stay, as on AWS (moto marks them CUSTOMER-managed; the alias tells them apart).
service_keys = {a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/aws/")}
keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
live_keys = [
    f"{k['KeyId']} ({k.get('Description', '')})"
    for k in keys
    if k["KeyManager"] == "CUSTOMER" and k["KeyId"] not in service_keys and k["KeyState"] != "PendingDeletion"
]
found = {
    "dynamodb tables": c("dynamodb").list_tables()["TableNames"],
    "s3 buckets": [b["Name"] for b in c("s3").list_buckets()["Buckets"]],
    "iam roles": [r["RoleName"] for r in c("iam").list_roles()["Roles"]],
    "iam local policies": [p["PolicyName"] for p in c("iam").list_policies(Scope="Local")["Policies"]],
    "iam instance profiles": [p["InstanceProfileName"] for p in c("iam").list_instance_profiles()["InstanceProfiles"]],
    "iam oidc providers": [p["Arn"] for p in c("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]],
    "ecr repositories": [r["repositoryName"] for r in c("ecr").describe_repositories()["repositories"]],
    "eks clusters": c("eks").list_clusters()["clusters"],
    "log groups": [g["logGroupName"] for g in c("logs").describe_log_groups()["logGroups"]],
    "customer kms keys not pending deletion": live_keys,
    "kms aliases": [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")],
    "vpcs (non-default)": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]],
    "instances (not terminated)": [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"] if i["State"]["Name"] != "terminated"],
    "elastic ips": [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]],
    "nat gateways (not deleted)": [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")],
    "launch templates": [t["LaunchTemplateName"] for t in ec2.describe_launch_templates()["LaunchTemplates"]],
}
left = {k: v for k, v in found.items() if v}
for kind, names in found.items():
    print(f"  {'FAIL' if names else 'ok  '}  {kind}: {names if names else 'none'}")
if left:
    sys.exit(f"destroy left resources behind: {left}")
PY

log "PASS: apply, no drift, schema and settings, destroy left nothing ($((SECONDS - step_start))s)"
