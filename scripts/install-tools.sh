#!/usr/bin/env bash
# `make tools`: builds the pinned Go tools (versions.env) into ./bin, which git ignores.
# Builds are cached per version under $SRE_KIT_CACHE/gobin, so a second run only copies.
#   scripts/install-tools.sh            every tool (except the on-request ones below)
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
  [helm-docs]="github.com/norwoodj/helm-docs/cmd/helm-docs@$HELM_DOCS_VERSION"
  [helm-values-schema-json]="github.com/losisin/helm-values-schema-json/v2@$HELM_VALUES_SCHEMA_JSON_VERSION"
  [tflint]="github.com/terraform-linters/tflint@$TFLINT_VERSION"
  [terraform-docs]="github.com/terraform-docs/terraform-docs@$TERRAFORM_DOCS_VERSION"
  [actionlint]="github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  [kube-linter]="golang.stackrox.io/kube-linter/cmd/kube-linter@$KUBE_LINTER_VERSION"
  [promtool]="github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION"
  [prometheus]="github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION"
)
# Built only when named: the module proxy this kit's offline CI reaches refuses (403)
# golang.stackrox.io/kube-linter, so the GitHub workflow builds it with
# `scripts/install-tools.sh kube-linter` and `make chart-check` uses it when present; promtool
# and prometheus are large builds that only the observability targets need (make obs-tools).
declare -A on_request=([kube-linter]=1 [promtool]=1 [prometheus]=1)
# Linker flags of the release builds. helm's Makefile stamps its version and the Kubernetes
# version of its client libraries (k8s.io/client-go v0.N -> 1.N); a plain `go install` leaves
# "v3.19" and Kubernetes 1.20 as helm's default capabilities, and then `helm template`/`lint`
# reject a chart with kubeVersion >= 1.21. helm-unittest renders with the same helm library.
# kubeconform prints "development" as its version without its release flag, helm-docs and
# helm-values-schema-json none (helm-docs also writes its version into the chart's README.md).
# promtool and prometheus print their release (module v0.3MM.P is Prometheus 3.MM.P) with theirs.
# K8S_MINOR is replaced with the client-go minor version read from the tool's own go.mod.
prometheus_release=${PROMETHEUS_VERSION#v0.}
prometheus_release="$((10#${prometheus_release%%.*} / 100)).$((10#${prometheus_release%%.*} % 100)).${prometheus_release#*.}"
prometheus_version="-X github.com/prometheus/common/version.Version=$prometheus_release -X github.com/prometheus/common/version.Branch=HEAD"
helm_caps="-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=K8S_MINOR"
declare -A ldflags=(
  [helm]="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean $helm_caps -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=K8S_MINOR"
  [helm-unittest]="$helm_caps"
  [kubeconform]="-X main.version=$KUBECONFORM_VERSION"
  [helm-docs]="-X main.version=${HELM_DOCS_VERSION#v}"
  [helm-values-schema-json]="-X main.Version=$HELM_VALUES_SCHEMA_JSON_VERSION"
  [promtool]="$prometheus_version"
  [prometheus]="$prometheus_version"
)
# Modules whose checksum-database lookup fails through the proxy here (404 from
# proxy.golang.org/sumdb/sum.golang.org/lookup for helm-unittest v1.0.1). Instead of trusting
# whatever comes, the module's h1: hash (as `go mod download -json` reports it, the same hash
# go.sum would hold) is pinned and compared before the build; other modules keep the normal
# checksum-database verification. Key: tool name; value: "version h1:hash".
declare -A pinned_sum=(
  [helm-unittest]="v1.0.1 h1:Mqb7hxZ7TTzSEFi2T5BVPbdKDm4sHWEaWSDBO2SHGdg="
)

# Modules the proxy serves by exact version but whose version list it refuses (403), which
# `go install module@version` reads to look for a deprecation notice. They are downloaded with
# `go mod download` (checked against the checksum database as usual) and built inside the
# downloaded module, with its own go.sum (-mod=readonly).
declare -A build_in_module=([helm-values-schema-json]=1 [terraform-docs]=1)

command -v go >/dev/null 2>&1 || { echo "install-tools: Go is needed to build the tools (https://go.dev/dl)" >&2; exit 1; }
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$bin"
want=("$@")
if ((${#want[@]} == 0)); then
  for name in "${!modules[@]}"; do
    [[ -n ${on_request[$name]:-} ]] || want+=("$name")
  done
fi
for name in "${want[@]}"; do
  module=${modules[$name]:-}
  [[ -n $module ]] || { echo "install-tools: unknown tool '$name' (known: ${!modules[*]})" >&2; exit 2; }
  version=${module##*@}
  flags=${ldflags[$name]:-}
  # A change of the linker flags is a different build: key the cache on them too.
  out="$cache/gobin/$name-$version${flags:+-$(printf %s "$flags" | sha256sum | cut -c1-8)}"
  if [[ ! -x $out/$name ]]; then
    echo "install-tools: building $name $version" >&2
    mkdir -p "$out"
    main=${module%@*}
    modpath=${main%/cmd/*}
    nosumdb=
    if [[ -n ${pinned_sum[$name]:-} ]]; then
      read -r pin_version pin_sum <<<"${pinned_sum[$name]}"
      [[ $pin_version == "$version" ]] || { echo "install-tools: $name $version: the pinned checksum is for $pin_version; update pinned_sum" >&2; exit 1; }
      sum=$(GONOSUMDB=$modpath go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
      [[ $sum == "$pin_sum" ]] || { echo "install-tools: $modpath@$version has checksum '$sum', pinned $pin_sum: refusing to build" >&2; exit 1; }
      nosumdb=$modpath
    fi
    if [[ $flags == *K8S_MINOR* ]]; then
      gomod=$(GONOSUMDB=$nosumdb go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
      k8s_minor=$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9][0-9]*\)\..*#\1#p' "$gomod")
      [[ -n $k8s_minor ]] || { echo "install-tools: no k8s.io/client-go in $gomod" >&2; exit 1; }
      flags=${flags//K8S_MINOR/$k8s_minor}
    fi
    if [[ -n ${build_in_module[$name]:-} ]]; then
      dir=$(GONOSUMDB=$nosumdb go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      [[ -d $dir ]] || { echo "install-tools: could not download $modpath@$version" >&2; exit 1; }
      (cd "$dir" && GOBIN="$out" GOFLAGS=-mod=readonly go install -ldflags="$flags" "./${main#"$modpath"}") >&2
    else
      GOBIN="$out" GONOSUMDB=$nosumdb go install -ldflags="$flags" "$module" >&2
    fi
    # The command's name: the last element of its package path, or the one before a major
    # version suffix (.../v2), as `go install` names it.
    built=$(basename "$main")
    [[ $built =~ ^v[0-9]+$ ]] && built=$(basename "$(dirname "$main")")
    [[ $built == "$name" ]] || mv "$out/$built" "$out/$name"
  fi
  install -m 0755 "$out/$name" "$bin/$name"
done
