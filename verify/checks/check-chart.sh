#!/usr/bin/env bash
# `make chart-check`: the static checks of the Helm chart, offline.
#   1. helm lint --strict with the default values and each values file
#   2. helm template (Kubernetes KUBERNETES_VERSION, namespace sre-kit) for kind, EKS and
#      all-features values, each piped to kubeconform -strict against the Kubernetes 1.33 JSON
#      schemas of the PyPI package kubernetes-validate (read offline, see schemas() below)
#   3. kube-linter with .kube-linter.yaml on the same renders, when it is on PATH at the pinned
#      version or was built (scripts/install-tools.sh kube-linter)
#      (REQUIRE_KUBE_LINTER=1 makes it mandatory, as in the GitHub workflow)
#   4. verify/src/chart/observability-check.ts: the chart's copies of observability/ are current,
#      its PrometheusRule renders every rule of observability/prometheus/rules and its dashboard
#      ConfigMap the dashboards (promtool check rules on the render when bin/promtool exists)
#   5. helm-unittest suites (deploy/helm/sre-kit/tests)
#   6. verify/checks/check-kind-config.sh: the kind config's port and node image agree with the chart
# Tools come from `make tools` (./bin), node and the packages of verify/ from `make bench-deps`.
# Prints the time of each step.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../versions.env
. "$root/versions.env"
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}
chart="$root/deploy/helm/sre-kit"
bin="$root/bin"
release=sre-kit
namespace=sre-kit

for tool in helm kubeconform helm-unittest; do
  [[ -x $bin/$tool ]] || { echo "check-chart: $bin/$tool is missing; run 'make tools'" >&2; exit 1; }
done

step_start=0
step() { step_start=$SECONDS; echo "== $*" >&2; }
done_step() { echo "   ok ($((SECONDS - step_start)) s)" >&2; }

# Kubernetes JSON schemas, offline: the strict schemas of the PyPI package kubernetes-validate,
# rewritten with relative references (verify/src/chart/offline-schemas.ts says why). Built once per
# package version under $SRE_KIT_CACHE.
schemas() {
  local minor=${KUBERNETES_VERSION%.*}
  local out="$cache/kube-schemas/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION/v$minor.0-strict"
  if [[ ! -f $out/.complete ]]; then
    local venv
    venv=$("$root/scripts/ensure-pytool.sh" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
    (cd "$root/verify" && node src/chart/offline-schemas.ts --venv "${venv%/bin}" --kubernetes "$minor" --out "$out")
  fi
  echo "$out"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-chart-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

step "helm lint --strict (default values, values-kind.yaml, values-eks.yaml, ci/all-features-values.yaml)"
"$bin/helm" lint --strict --kube-version "$KUBERNETES_VERSION" --namespace "$namespace" "$chart" >"$work/lint.log" 2>&1 \
  || { cat "$work/lint.log" >&2; exit 1; }
for values in values-kind.yaml values-eks.yaml ci/all-features-values.yaml; do
  "$bin/helm" lint --strict --kube-version "$KUBERNETES_VERSION" --namespace "$namespace" "$chart" -f "$chart/$values" >"$work/lint.log" 2>&1 \
    || { echo "check-chart: helm lint --strict -f $values failed:" >&2; cat "$work/lint.log" >&2; exit 1; }
done
done_step

step "helm template | kubeconform -strict (Kubernetes $KUBERNETES_VERSION schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION)"
schema_dir=$(schemas)
renders=()
for values in values-kind.yaml values-eks.yaml ci/all-features-values.yaml; do
  out="$work/$(basename "$values" .yaml).rendered.yaml"
  # helm template runs the chart's `fail` rules (helm lint only logs them).
  "$bin/helm" template "$release" "$chart" --namespace "$namespace" --kube-version "$KUBERNETES_VERSION" \
    -f "$chart/$values" >"$out"
  renders+=("$out")
  # ServiceMonitor and PrometheusRule are CRDs (Prometheus Operator): no schema of them ships
  # with Kubernetes, and none is reachable offline; helm-unittest asserts their fields instead,
  # and observability-check.ts (below) the PrometheusRule's rules.
  echo "   $values:" >&2
  "$bin/kubeconform" -strict -summary -output text -skip ServiceMonitor,PrometheusRule \
    -schema-location "$schema_dir/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$out" >&2
done
done_step

step "kube-linter (.kube-linter.yaml)"
# On PATH at the pinned version, or built before (scripts/install-tools.sh kube-linter): never built here.
if kube_linter=$("$root/scripts/install-tools.sh" --installed kube-linter); then
  "$kube_linter" version >&2
  # portability: allow empty-array the loop above added one render per values file
  "$kube_linter" lint --config "$root/.kube-linter.yaml" "${renders[@]}" >&2
  done_step
elif [[ ${REQUIRE_KUBE_LINTER:-0} == 1 ]]; then
  echo "check-chart: kube-linter is required (REQUIRE_KUBE_LINTER=1) but kube-linter $KUBE_LINTER_VERSION is neither on PATH nor built; run 'scripts/install-tools.sh kube-linter'" >&2
  exit 1
else
  echo "   SKIPPED: kube-linter $KUBE_LINTER_VERSION is neither on PATH nor built (its Go module could not be fetched here); the GitHub workflow runs it" >&2
fi

step "the chart's PrometheusRule and dashboard against observability/ (verify/src/chart/observability-check.ts)"
# promtool when on PATH at the pinned version or built before (make obs-tools): never built here.
promtool=()
if found=$("$root/scripts/install-tools.sh" --installed promtool); then promtool=(PROMTOOL="$found"); fi
(cd "$root/verify" && env HELM="$bin/helm" ${promtool[@]+"${promtool[@]}"} node src/chart/observability-check.ts) >&2
done_step

step "helm-unittest (deploy/helm/sre-kit/tests)"
"$bin/helm-unittest" --strict --color=false -f 'tests/*_test.yaml' "$chart" >&2
done_step

step "kind config agrees with the chart (verify/checks/check-kind-config.sh)"
"$root/verify/checks/check-kind-config.sh" >&2
done_step
