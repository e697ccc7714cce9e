#!/usr/bin/env bash
# `make chart-pod-check`: runs the service image exactly as the chart's Deployment runs it on kind,
# but under plain Docker, and probes it the way the kubelet does.
#   verify/checks/pod-equivalent-check.sh sre-kit-api:0.1.0
#
# 1. Renders the chart with values-kind.yaml and the given image (helm template), and takes from
#    the rendered Deployment, ConfigMap and Secret: image, env (envFrom ConfigMap + env entries,
#    secretKeyRef resolved from the rendered Secret), container port, user/group (+ fsGroup),
#    read-only root, the /tmp emptyDir (as a tmpfs of its sizeLimit), dropped capabilities,
#    no-new-privileges, CPU/memory limits, the probes and terminationGracePeriodSeconds.
# 2. Starts the emulator (MOTO_IMAGE) on a private Docker network under the host name that
#    AWS_ENDPOINT_URL names, and creates the tables (service/schema/dynamodb-tables.json) and the
#    bucket with the names of the ConfigMap, using the boto3 inside the moto image.
# 3. Runs the image with those settings and checks, like the kubelet (success = HTTP 200-399
#    within timeoutSeconds): the startup probe passes within periodSeconds x failureThreshold;
#    liveness passes; readiness passes with the emulator up; GET /status is exactly
#    {"result":"success"} (the helm test); 20 concurrent uploads of the largest avatar are each
#    created or refused with 503 upload_capacity and the container is not OOM-killed (its /tmp
#    tmpfs counts in its memory limit); with the emulator stopped, readiness fails (503) while
#    liveness still passes (an AWS outage must not restart pods); readiness recovers when the
#    emulator is back; SIGTERM stops the container by itself within terminationGracePeriodSeconds.
#    Before the outage, GET /users of a large table (POD_CHECK_LISTING_USERS, default 50,000,
#    written by verify/src/large-listing-check.ts) answers every user and the container is not
#    OOM-killed. Not 100,000 as in make bench: moto reads the whole table for every scan page
#    (about 0.8 s per page at 100,000 users), so a listing's time grows with the square of the
#    table's size, and 100,000 users took over 80 s to list, too long for every CI run.
# Everything it starts is removed on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../versions.env
. "$root/versions.env"
image=${1:?usage: pod-equivalent-check.sh <image:tag>}
chart="$root/deploy/helm/sre-kit"
helm="$root/bin/helm"
run_id="sre-kit-podcheck-$$"
network=$run_id
emulator=$run_id-emulator
app=$run_id-app

log() { printf 'pod-check: %s\n' "$*" >&2; }
fail() { printf 'pod-check: FAIL %s\n' "$*" >&2; exit 1; }
command -v docker >/dev/null 2>&1 || fail "docker is not installed"
docker info >/dev/null 2>&1 || fail "the Docker engine is not running"
command -v curl >/dev/null 2>&1 || fail "curl is needed"
[[ -x $helm ]] || fail "$helm is missing; run 'make tools'"
docker image inspect "$image" >/dev/null 2>&1 || fail "image $image is not present; build it first: make image"
docker image inspect "$MOTO_IMAGE" >/dev/null 2>&1 || docker pull "$MOTO_IMAGE" >/dev/null || fail "cannot get $MOTO_IMAGE"
py="$("$root/scripts/ensure-pytool.sh" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")/python"

work=$(mktemp -d)
cleanup() {
  docker rm -f "$app" "$emulator" >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. The pod as the chart renders it --------------------------------------------------------
"$helm" template sre-kit "$chart" --namespace sre-kit --kube-version "$KUBERNETES_VERSION" \
  -f "$chart/values-kind.yaml" --set "image.repository=${image%:*}" --set-string "image.tag=${image##*:}" \
  >"$work/rendered.yaml"
"$py" - "$work/rendered.yaml" "$work" <<'PY'
import base64, json, re, sys, yaml
from urllib.parse import urlparse
rendered, out = sys.argv[1:]
docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(open(rendered)) if d}
dep = next(d for (k, _), d in docs.items() if k == "Deployment")
pod = dep["spec"]["template"]["spec"]
(c,) = pod["containers"]
env = {}
for src in c.get("envFrom", []):
    env.update(docs[("ConfigMap", src["configMapRef"]["name"])]["data"])
for e in c.get("env", []):
    if "value" in e:
        env[e["name"]] = e["value"]
    else:
        ref = e["valueFrom"]["secretKeyRef"]
        secret = docs.get(("Secret", ref["name"]))
        if secret is None:
            sys.exit(f"env {e['name']} refers to Secret {ref['name']}, which the chart does not render")
        env[e["name"]] = base64.b64decode(secret["data"][ref["key"]]).decode()
with open(f"{out}/env", "w") as f:
    for k, v in env.items():
        if "\n" in v:
            sys.exit(f"env {k} has a newline; docker --env-file cannot carry it")
        f.write(f"{k}={v}\n")
psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
user = csc.get("runAsUser", psc.get("runAsUser"))
group = csc.get("runAsGroup", psc.get("runAsGroup"))
if not (csc.get("runAsNonRoot", psc.get("runAsNonRoot")) and isinstance(user, int) and user > 0):
    sys.exit("the pod does not run as a numeric non-root user")
mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
tmpfs = []
for v in pod.get("volumes", []):
    if "emptyDir" in v and v["name"] in mounts:
        size = v["emptyDir"].get("sizeLimit")
        opts = "rw,mode=1777" + (f",size={re.sub(r'i$', '', size).lower()}" if size else "")
        tmpfs.append(f"{mounts[v['name']]}:{opts}")
def quantity_cpu(q):
    q = str(q)
    return str(int(q[:-1]) / 1000) if q.endswith("m") else q
limits = c.get("resources", {}).get("limits", {})
(port,) = [p["containerPort"] for p in c["ports"] if p["name"] == "http"]
probe = lambda p: {"path": p["httpGet"]["path"], "period": p.get("periodSeconds", 10), "timeout": p.get("timeoutSeconds", 1),
                   "failure": p.get("failureThreshold", 3), "success": p.get("successThreshold", 1)}
endpoint = urlparse(env["AWS_ENDPOINT_URL"])
settings = {
    "image": c["image"],
    "user": f"{user}:{group}" if group else str(user),
    "fsGroup": psc.get("fsGroup"),
    "readOnly": bool(csc.get("readOnlyRootFilesystem")),
    "dropAll": "ALL" in csc.get("capabilities", {}).get("drop", []),
    "noNewPrivileges": csc.get("allowPrivilegeEscalation") is False,
    "seccomp": (csc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type"),
    "tmpfs": tmpfs,
    "memory": re.sub(r"i$", "", str(limits["memory"])).lower() if "memory" in limits else "",
    "cpus": quantity_cpu(limits["cpu"]) if "cpu" in limits else "",
    "port": port,
    "startup": probe(c["startupProbe"]), "liveness": probe(c["livenessProbe"]), "readiness": probe(c["readinessProbe"]),
    "grace": pod.get("terminationGracePeriodSeconds", 30),
    "emulatorHost": endpoint.hostname, "emulatorPort": endpoint.port or 80,
    "usersTable": env["USERS_TABLE"], "stateTable": env["STATE_TABLE"], "bucket": env["AVATARS_BUCKET"],
    "region": env["AWS_REGION"],
}
test_pod = next((d for (k, _), d in docs.items() if k == "Pod" and d["metadata"].get("annotations", {}).get("helm.sh/hook") == "test"), None)
if test_pod:
    (tc,) = test_pod["spec"]["containers"]
    json.dump({"image": tc["image"], "command": tc["command"], "env": {e["name"]: e["value"] for e in tc.get("env", [])}},
              open(f"{out}/test-pod.json", "w"))
json.dump(settings, open(f"{out}/settings.json", "w"), indent=1)
PY
s() { "$py" -c 'import json, sys; v = json.load(open(sys.argv[1])); [v := v[k] for k in sys.argv[2].split(".")]; print(v if not isinstance(v, list) else "\n".join(v))' "$work/settings.json" "$1"; }
log "rendered pod: $(tr -d '\n' <"$work/settings.json")"
[[ $(s readOnly) == True && $(s dropAll) == True && $(s noNewPrivileges) == True && $(s seccomp) == RuntimeDefault ]] \
  || fail "the rendered container is not read-only / drop ALL / no privilege escalation / RuntimeDefault"
[[ $(s image) == "$image" ]] || fail "the rendered image is $(s image), not $image"

# --- 2. The emulator, under the name AWS_ENDPOINT_URL uses -------------------------------------
docker network create "$network" >/dev/null
# The Python that runs moto_server inside the image has boto3 (a dependency of moto), wherever
# the image installed it (/usr/local in motoserver/moto, a venv in a stand-in).
emulator_python() { # args...: run that python inside the emulator container, stdin passed on
  docker exec -i -e AWS_ACCESS_KEY_ID=test -e AWS_SECRET_ACCESS_KEY=test "$emulator" \
    sh -c 'py=$(head -n1 "$(command -v moto_server)" | sed "s/^#! *//"); exec $py "$@"' sh "$@"
}
start_emulator() {
  docker run -d --name "$emulator" --network "$network" --network-alias "$(s emulatorHost)" \
    --publish "127.0.0.1::$(s emulatorPort)" "$MOTO_IMAGE" -p "$(s emulatorPort)" >/dev/null
  for _ in $(seq 60); do
    emulator_python -c "import urllib.request; urllib.request.urlopen('http://localhost:$(s emulatorPort)/moto-api/')" >/dev/null 2>&1 && break
    sleep 0.5
  done
  emulator_python - \
    "http://localhost:$(s emulatorPort)" "$(s region)" "$(s usersTable)" "$(s stateTable)" "$(s bucket)" \
    "$(cat "$root/service/schema/dynamodb-tables.json")" <<'PY'
import json, sys, boto3
endpoint, region, users, state, bucket, schema = sys.argv[1:]
schema = json.loads(schema)
ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
for logical, name in (("users", users), ("state", state)):
    keys = [("HASH", schema[logical]["hash_key"])] + ([("RANGE", schema[logical]["range_key"])] if "range_key" in schema[logical] else [])
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": k["name"], "KeyType": t} for t, k in keys],
                     AttributeDefinitions=[{"AttributeName": k["name"], "AttributeType": k["type"]} for _, k in keys])
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
s3.create_bucket(Bucket=bucket) if region == "us-east-1" else s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
print(f"provisioned tables {users}, {state} and bucket {bucket}", file=sys.stderr)
PY
}
start_emulator
log "emulator $MOTO_IMAGE answers as $(s emulatorHost):$(s emulatorPort) on network $network"

# --- 3. The app, with exactly the pod's settings ------------------------------------------------
args=(--name "$app" --network "$network" --env-file "$work/env" --user "$(s user)"
      --cap-drop ALL --security-opt no-new-privileges --publish "127.0.0.1::$(s port)")
[[ $(s readOnly) == True ]] && args+=(--read-only)
[[ -n $(s fsGroup) && $(s fsGroup) != None ]] && args+=(--group-add "$(s fsGroup)")
while IFS= read -r t; do [[ -n $t ]] && args+=(--tmpfs "$t"); done < <(s tmpfs)
[[ -n $(s memory) ]] && args+=(--memory "$(s memory)")
[[ -n $(s cpus) ]] && args+=(--cpus "$(s cpus)")
log "docker run ${args[*]} $image"
docker run -d "${args[@]}" "$image" >/dev/null
host_port=$(docker port "$app" "$(s port)/tcp" | head -n1 | sed 's/.*://')
base="http://127.0.0.1:$host_port"

# One kubelet HTTP probe: success is a status of 200-399 within timeoutSeconds.
probe_once() { # path timeout -> prints the status code (000: no answer)
  curl -s -o "$work/body" -w '%{http_code}' --max-time "$2" "$base$1" || true
}
# Runs a probe the way the kubelet does until it succeeds or fails failureThreshold times in a row.
probe_until() { # name want(pass|fail) max_seconds
  local name=$1 want=$2 max=$3 path period timeout code ok deadline=$((SECONDS + $3))
  path=$(s "$name.path"); period=$(s "$name.period"); timeout=$(s "$name.timeout")
  while ((SECONDS <= deadline)); do
    code=$(probe_once "$path" "$timeout")
    ok=fail; [[ $code =~ ^[23][0-9][0-9]$ ]] && ok=pass
    if [[ $ok == "$want" ]]; then
      log "ok   $name probe GET $path -> $code ($want, timeout ${timeout}s): $(head -c 200 "$work/body")"
      return 0
    fi
    [[ $(docker inspect -f '{{.State.Running}}' "$app") == true ]] || { docker logs "$app" 2>&1 | tail -n 20 >&2; fail "the container exited"; }
    sleep "$period"
  done
  docker logs "$app" 2>&1 | tail -n 20 >&2
  fail "$name probe GET $path did not $want within ${max}s (last status $code: $(head -c 200 "$work/body"))"
}

startup_budget=$(($(s startup.period) * $(s startup.failure)))
probe_until startup pass "$startup_budget"
probe_until liveness pass "$(s liveness.timeout)"
probe_until readiness pass 30
code=$(probe_once /status 5)
[[ $code == 200 && $(cat "$work/body") == '{"result":"success"}' ]] \
  || fail "GET /status -> $code $(cat "$work/body"), want 200 {\"result\":\"success\"}"
log "ok   GET /status -> 200 {\"result\":\"success\"} (what helm test checks)"

# The helm test pod's own command, in its image, with the same restrictions, through the network
# (STATUS_URL pointed at the app container instead of the Service).
if [[ -f $work/test-pod.json ]]; then
  mapfile -t test_cmd < <("$py" -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["command"][:2]))' "$work/test-pod.json")
  "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["command"][2], end="")' "$work/test-pod.json" >"$work/test-script.js"
  docker run --rm --network "$network" --user "$(s user)" --read-only --tmpfs /tmp:rw,mode=1777,size=16m \
    --cap-drop ALL --security-opt no-new-privileges -e "STATUS_URL=http://$app:$(s port)/status" \
    --entrypoint "${test_cmd[0]}" "$image" "${test_cmd[1]}" "$(cat "$work/test-script.js")" >&2 \
    || fail "the helm test pod's command failed against the app"
  log "ok   the helm test pod's command passes against the app"
fi

# Uploads in progress are spooled to /tmp, which here is a tmpfs counted in the memory limit: 20
# concurrent uploads of the largest avatar must neither overflow /tmp nor get the container killed.
# Each is created (201) or, past UPLOAD_TMP_MAX_BYTES, refused with 503 upload_capacity.
avatar_max=$(sed -n 's/^AVATAR_MAX_BYTES=//p' "$work/env")
tmp_max=$(sed -n 's/^UPLOAD_TMP_MAX_BYTES=//p' "$work/env")
"$py" -c 'import sys; open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + bytes(int(sys.argv[2]) - 8))' \
  "$work/avatar.png" "$avatar_max"
for i in $(seq 1 20); do
  curl -s -o "$work/upload-$i.json" -w '%{http_code}' --max-time 120 -F name=Load \
    -F "email=load-$i-$$@example.com" -F "avatar=@$work/avatar.png;type=image/png" \
    "$base/user" >"$work/upload-$i.code" &
done
wait
created=0 refused=0
for i in $(seq 1 20); do
  code=$(cat "$work/upload-$i.code")
  if [[ $code == 201 ]]; then created=$((created + 1))
  elif [[ $code == 503 ]] && grep -q '"upload_capacity"' "$work/upload-$i.json"; then refused=$((refused + 1))
  else fail "upload $i of 20 concurrent ${avatar_max}-byte avatars -> $code $(head -c 300 "$work/upload-$i.json")"
  fi
done
fit=$((tmp_max / (avatar_max + 65536))); ((fit > 20)) && fit=20
((created >= fit)) || fail "only $created of 20 concurrent uploads were created; UPLOAD_TMP_MAX_BYTES=$tmp_max holds $fit"
[[ $(docker inspect -f '{{.State.Running}} {{.State.OOMKilled}}' "$app") == "true false" ]] \
  || fail "the container did not survive 20 concurrent uploads: $(docker inspect -f 'running={{.State.Running}} oom={{.State.OOMKilled}}' "$app")"
code=$(probe_once /metrics 5)
spooled=$(sed -n 's/^avatar_upload_tmp_bytes //p' "$work/body")
[[ $code == 200 && $spooled == 0 ]] || fail "GET /metrics -> $code, avatar_upload_tmp_bytes '$spooled', want 0 once the uploads are answered"
log "ok   20 concurrent ${avatar_max}-byte uploads: $created created, $refused refused with 503 upload_capacity; container still running, not OOM-killed; /tmp spool back to 0"

# GET /users of a large table inside the pod's memory limit: the users are written straight to
# the emulator's table (verify/src/large-listing-check.ts), then listed once through the app, which
# must answer every user as one JSON array without being OOM-killed.
listing_users=${POD_CHECK_LISTING_USERS:-50000}
# The container's peak memory: memory.peak on cgroup v2, memory.max_usage_in_bytes on v1.
memory_peak() {
  docker exec "$app" sh -c 'cat /sys/fs/cgroup/memory.peak 2>/dev/null || cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes' 2>/dev/null || echo unknown
}
peak_before=$(memory_peak)
emulator_url="http://127.0.0.1:$(docker port "$emulator" "$(s emulatorPort)/tcp" | head -n1 | sed 's/.*://')"
(cd "$root/verify" && node src/large-listing-check.ts --dynamo "$emulator_url" --region "$(s region)" \
  --table "$(s usersTable)" --object-url-base "$emulator_url/$(s bucket)" --service "$base" \
  --users "$listing_users" >"$work/listing.json") \
  || fail "GET /users of $listing_users users: $(cat "$work/listing.json" 2>/dev/null) $(docker inspect -f 'running={{.State.Running}} oom={{.State.OOMKilled}}' "$app")"
[[ $(docker inspect -f '{{.State.Running}} {{.State.OOMKilled}}' "$app") == "true false" ]] \
  || fail "the container did not survive listing $listing_users users: $(docker inspect -f 'running={{.State.Running}} oom={{.State.OOMKilled}}' "$app")"
peak=$(memory_peak)
log "ok   GET /users of $listing_users users under the $(s memory) limit: $(cat "$work/listing.json"); container memory.peak $peak bytes ($peak_before before the listing), not OOM-killed"

log "stopping the emulator"
docker stop -t 2 "$emulator" >/dev/null
readiness_budget=$(( $(s readiness.period) * $(s readiness.failure) + 30 ))
probe_until readiness fail "$readiness_budget"
[[ $(cat "$work/body") == *'{'* ]] || fail "readiness failed without a JSON body: $(cat "$work/body")"
code=$(probe_once "$(s readiness.path)" 10)
[[ $code == 503 ]] || fail "GET $(s readiness.path) with the emulator down -> $code, want 503"
log "ok   GET $(s readiness.path) -> 503 with the emulator down"
probe_until liveness pass "$(s liveness.timeout)"

log "starting the emulator again (fresh state, provisioned again)"
docker rm -f "$emulator" >/dev/null
start_emulator
probe_until readiness pass 60

log "SIGTERM, as at pod deletion (terminationGracePeriodSeconds $(s grace))"
start=$SECONDS
docker stop -t "$(s grace)" "$app" >/dev/null
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$app")
elapsed=$((SECONDS - start))
[[ $exit_code == 0 ]] || fail "the container exited with $exit_code after SIGTERM (137: killed at the end of the grace period)"
log "ok   exited 0 ${elapsed}s after SIGTERM (grace period $(s grace)s)"
log "all pod-equivalent checks passed for $image"
