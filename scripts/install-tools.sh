#!/usr/bin/env bash
# `make tools`: builds the pinned Go tools (versions.env) into ./bin, which git ignores.
# Builds are cached per version under $SRE_KIT_CACHE/gobin, so a second run only copies.
#   scripts/install-tools.sh            every tool
#   scripts/install-tools.sh helm kind  just these
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$root/versions.env"
cache=${SRE_KIT_CACHE:-/var/cache/sre-kit}
bin="$root/bin"

# name -> module@version of the command to build
declare -A modules=(
  [helm]="helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  [kind]="sigs.k8s.io/kind@$KIND_VERSION"
  [kubeconform]="github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  [helm-unittest]="github.com/helm-unittest/helm-unittest/cmd/helm-unittest@$HELM_UNITTEST_VERSION"
  [tflint]="github.com/terraform-linters/tflint@$TFLINT_VERSION"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
)

command -v go >/dev/null 2>&1 || { echo "install-tools: Go is needed to build the tools (https://go.dev/dl)" >&2; exit 1; }
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$bin"
want=("$@")
((${#want[@]})) || want=("${!modules[@]}")
for name in "${want[@]}"; do
  module=${modules[$name]:-}
  [[ -n $module ]] || { echo "install-tools: unknown tool '$name' (known: ${!modules[*]})" >&2; exit 2; }
  version=${module##*@}
  out="$cache/gobin/$name-$version"
  if [[ ! -x $out/$name ]]; then
    echo "install-tools: building $name $version" >&2
    mkdir -p "$out"
    GOBIN="$out" go install "$module" >&2
    built=$(basename "${module%@*}")
    [[ $built == "$name" ]] || mv "$out/$built" "$out/$name"
  fi
  install -m 0755 "$out/$name" "$bin/$name"
done
