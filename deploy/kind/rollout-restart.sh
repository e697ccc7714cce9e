#!/usr/bin/env bash
# rollout-restart.sh CONTEXT NAMESPACE RELEASE: restarts the API Deployment(s) of a release and
# returns once every pod that served before the restart is gone (its preStop sleep and graceful
# shutdown included), so a load running meanwhile covers the whole hand-over.
set -euo pipefail
context=$1 namespace=$2 release=$3
kubectl=(kubectl --context "$context" -n "$namespace")
selector="app.kubernetes.io/instance=$release,app.kubernetes.io/component=api"
old_pods=$("${kubectl[@]}" get pods -l "$selector" -o name)
deployments=$("${kubectl[@]}" get deployment -l "app.kubernetes.io/instance=$release" -o name)
[[ -n $deployments ]] || { echo "error: release '$release' has no Deployment in namespace '$namespace'; run 'make deploy-kind'" >&2; exit 1; }
for deployment in $deployments; do
  "${kubectl[@]}" rollout restart "$deployment"
  "${kubectl[@]}" rollout status "$deployment" --timeout 5m
done
# shellcheck disable=SC2086 # one argument per pod name
[[ -z $old_pods ]] || "${kubectl[@]}" wait --for=delete $old_pods --timeout 2m
echo "rollout-restart: every pod of before the restart is gone"
