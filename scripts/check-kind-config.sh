#!/usr/bin/env bash
# Proves that the kind cluster config and the chart agree (run by `make chart-check`):
#   - deploy/kind/cluster.yaml maps exactly the Service's nodePort, chosen in ONE place
#     (service.nodePort of deploy/helm/sre-kit/values-kind.yaml), to 127.0.0.1:<same port>, and
#     the Service that `helm template` renders with values-kind.yaml really has that nodePort;
#   - every node image of the config is KIND_NODE_IMAGE of versions.env, pinned by digest, at
#     KUBERNETES_VERSION.
# kind's own config loader is not reachable from here without creating a cluster (its node
# image cannot be pulled offline), so the structure is checked against kind's v1alpha4 fields.
#   scripts/check-kind-config.sh            check, print one line per fact checked
#   scripts/check-kind-config.sh --node-port print the NodePort (for the Makefile) and exit
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$root/versions.env"
chart="$root/deploy/helm/sre-kit"
kind_config="$root/deploy/kind/cluster.yaml"
helm="$root/bin/helm"

# PyYAML: from the pinned kubernetes-validate venv (it depends on PyYAML), not the machine.
py="$("$root/scripts/ensure-pytool.sh" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")/python"

if [[ ${1:-} == --node-port ]]; then
  "$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["service"]["nodePort"])' "$chart/values-kind.yaml"
  exit 0
fi
[[ -x $helm ]] || { echo "check-kind-config: $helm is missing; run 'make tools'" >&2; exit 1; }

rendered=$("$helm" template sre-kit "$chart" --namespace sre-kit -f "$chart/values-kind.yaml" \
  --kube-version "$KUBERNETES_VERSION" --show-only templates/service.yaml)

KIND_NODE_IMAGE="$KIND_NODE_IMAGE" KUBERNETES_VERSION="$KUBERNETES_VERSION" RENDERED="$rendered" \
  "$py" - "$kind_config" "$chart/values-kind.yaml" <<'PY'
import os, re, sys, yaml

kind_path, values_path = sys.argv[1:]
errors = []
def check(ok, fact, problem):
    if ok:
        print(f"check-kind-config: ok   {fact}")
    else:
        errors.append(problem)
        print(f"check-kind-config: FAIL {problem}", file=sys.stderr)

cfg = yaml.safe_load(open(kind_path))
values = yaml.safe_load(open(values_path))
svc = yaml.safe_load(os.environ["RENDERED"])
want_image = os.environ["KIND_NODE_IMAGE"]
k8s = os.environ["KUBERNETES_VERSION"]

# The fields kind v0.30.0 accepts in a v1alpha4 Cluster / Node / PortMapping (kind rejects
# unknown fields when it loads the file: catch typos here first).
CLUSTER = {"kind", "apiVersion", "name", "nodes", "networking", "featureGates", "runtimeConfig",
           "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902", "containerdConfigPatches",
           "containerdConfigPatchesJSON6902"}
NODE = {"role", "image", "labels", "extraMounts", "extraPortMappings", "kubeadmConfigPatches",
        "kubeadmConfigPatchesJSON6902"}
MAPPING = {"containerPort", "hostPort", "listenAddress", "protocol"}

check(cfg.get("kind") == "Cluster" and cfg.get("apiVersion") == "kind.x-k8s.io/v1alpha4",
      "kind config is a kind.x-k8s.io/v1alpha4 Cluster", f"{kind_path}: not a kind.x-k8s.io/v1alpha4 Cluster")
check(set(cfg) <= CLUSTER, "kind config has only known Cluster fields",
      f"{kind_path}: unknown Cluster fields {sorted(set(cfg) - CLUSTER)}")
nodes = cfg.get("nodes") or []
check(len(nodes) >= 1 and nodes[0].get("role") == "control-plane", "first node is the control-plane",
      f"{kind_path}: the first node must be the control-plane")
for i, node in enumerate(nodes):
    check(set(node) <= NODE, f"node {i} has only known Node fields", f"{kind_path}: node {i}: unknown fields {sorted(set(node) - NODE)}")
    check(node.get("image") == want_image, f"node {i} image = KIND_NODE_IMAGE ({want_image})",
          f"{kind_path}: node {i} image {node.get('image')!r} != KIND_NODE_IMAGE {want_image!r} (versions.env)")
m = re.fullmatch(r"kindest/node:v(\d+\.\d+\.\d+)@sha256:[0-9a-f]{64}", want_image)
check(bool(m), "KIND_NODE_IMAGE is pinned by digest", f"KIND_NODE_IMAGE {want_image!r} is not kindest/node:vX.Y.Z@sha256:<64 hex>")
check(bool(m) and m.group(1) == k8s, f"KIND_NODE_IMAGE runs Kubernetes {k8s} (KUBERNETES_VERSION)",
      f"KIND_NODE_IMAGE {want_image!r} does not run KUBERNETES_VERSION {k8s}")

node_port = (values.get("service") or {}).get("nodePort")
check(isinstance(node_port, int) and 30000 <= node_port <= 32767, f"values-kind.yaml service.nodePort = {node_port}",
      f"{values_path}: service.nodePort must be an integer in 30000-32767, got {node_port!r}")
check((values.get("service") or {}).get("type") == "NodePort", "values-kind.yaml service.type = NodePort",
      f"{values_path}: service.type must be NodePort for kind")
mappings = [pm for node in nodes for pm in (node.get("extraPortMappings") or [])]
check(len(mappings) == 1, "kind config has exactly one extraPortMappings entry",
      f"{kind_path}: expected exactly one extraPortMappings entry, found {len(mappings)}")
for pm in mappings:
    check(set(pm) <= MAPPING, "port mapping has only known fields", f"{kind_path}: unknown port mapping fields {sorted(set(pm) - MAPPING)}")
    check(pm.get("containerPort") == node_port, f"kind containerPort = chart nodePort ({node_port})",
          f"{kind_path}: containerPort {pm.get('containerPort')} != service.nodePort {node_port} of values-kind.yaml")
    check(pm.get("hostPort") == node_port, f"kind hostPort = chart nodePort ({node_port})",
          f"{kind_path}: hostPort {pm.get('hostPort')} != service.nodePort {node_port} of values-kind.yaml")
    check(pm.get("listenAddress") == "127.0.0.1", "kind hostPort listens on 127.0.0.1 only",
          f"{kind_path}: listenAddress must be 127.0.0.1 (publish on loopback only), got {pm.get('listenAddress')!r}")
    check(pm.get("protocol", "TCP") == "TCP", "port mapping protocol TCP", f"{kind_path}: protocol must be TCP")

ports = (svc.get("spec") or {}).get("ports") or []
check(svc.get("kind") == "Service" and svc["spec"].get("type") == "NodePort" and len(ports) == 1 and ports[0].get("nodePort") == node_port,
      f"rendered Service (values-kind.yaml) is NodePort {node_port}",
      f"the Service rendered with values-kind.yaml is not NodePort {node_port}: {svc.get('spec')}")
if errors:
    sys.exit(f"check-kind-config: {len(errors)} problem(s)")
PY
