#!/usr/bin/env bash
# `make tools`: puts the pinned Go tools (versions.env) into ./bin, which git ignores.
#   scripts/install-tools.sh                    every tool of default_tools below
#   scripts/install-tools.sh helm kind          just these
#   scripts/install-tools.sh --path kind        the same for one tool, then prints its path (./bin/kind)
#   scripts/install-tools.sh --installed NAME   prints ./bin/NAME only when it needs no build, else exits 1
# A tool already on PATH at exactly the pinned version is used as it is: ./bin/NAME becomes a link
# to it. Otherwise (absent, or another version, which is said on one line) the pinned version is
# built from its Go module, cached per version under $SRE_KIT_CACHE/gobin, and copied into ./bin;
# a second run only copies.
# Written for bash 3.2 (macOS's /bin/bash): no associative arrays or other bash 4 features
# (make portability-check scans for them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$root/versions.env"
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}
bin="$root/bin"

# Built by `make tools`. The other tools of tool_spec are built only when named: the module proxy
# this kit's offline CI reaches refuses (403) golang.stackrox.io/kube-linter, so the GitHub
# workflow builds it with `scripts/install-tools.sh kube-linter` and `make chart-check` uses it
# when present; promtool and prometheus are large builds that only the observability targets need
# (make obs-tools), as is ocb, the collector builder that observability/otelcol/build.sh runs;
# buildx and crane serve make image-arm64-check alone, registry (the distribution project's)
# make deploy-aws-check.
default_tools="helm kind kubeconform helm-unittest helm-docs helm-values-schema-json tflint terraform-docs actionlint"

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

# tool_spec NAME: one entry per tool; sets for NAME
#   module     module path of the command @ version
#   flags      linker flags (above)
#   probe      arguments that make the tool print its version, to accept one found on PATH;
#              empty: a PATH one is never used (helm plugins, not standalone commands elsewhere)
#   release    the version as the tool prints it (default: the module version)
#   pinned_sum "version h1:hash" for modules whose checksum-database lookup fails through the
#              proxy here (404 from proxy.golang.org/sumdb/sum.golang.org/lookup for helm-unittest
#              v1.0.1). Instead of trusting whatever comes, the module's h1: hash (as
#              `go mod download -json` reports it, the same hash go.sum would hold) is compared
#              before the build; other modules keep the normal checksum-database verification.
#   in_module  1 for modules the proxy serves by exact version but whose version list it refuses
#              (403), which `go install module@version` reads to look for a deprecation notice.
#              They are downloaded with `go mod download` (checked against the checksum database
#              as usual) and built inside the downloaded module, with its own go.sum
#              (-mod=readonly).
# Returns 1 for an unknown NAME. A new tool is one more entry (and its name in default_tools when
# `make tools` should build it).
tool_spec() {
  module='' flags='' probe='' release='' pinned_sum='' in_module=''
  case $1 in
    helm)
      module="helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
      flags="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean $helm_caps -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=K8S_MINOR"
      probe="version --template {{.Version}}" ;;
    kind)
      module="sigs.k8s.io/kind@$KIND_VERSION"
      probe=version ;;
    kubeconform)
      module="github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
      flags="-X main.version=$KUBECONFORM_VERSION"
      probe=-v ;;
    helm-unittest)
      module="github.com/helm-unittest/helm-unittest/cmd/helm-unittest@$HELM_UNITTEST_VERSION"
      flags=$helm_caps
      pinned_sum="v1.0.1 h1:Mqb7hxZ7TTzSEFi2T5BVPbdKDm4sHWEaWSDBO2SHGdg=" ;;
    helm-docs)
      module="github.com/norwoodj/helm-docs/cmd/helm-docs@$HELM_DOCS_VERSION"
      flags="-X main.version=${HELM_DOCS_VERSION#v}"
      probe=--version ;;
    helm-values-schema-json)
      module="github.com/losisin/helm-values-schema-json/v2@$HELM_VALUES_SCHEMA_JSON_VERSION"
      flags="-X main.Version=$HELM_VALUES_SCHEMA_JSON_VERSION"
      in_module=1 ;;
    tflint)
      module="github.com/terraform-linters/tflint@$TFLINT_VERSION"
      probe=--version ;;
    terraform-docs)
      module="github.com/terraform-docs/terraform-docs@$TERRAFORM_DOCS_VERSION"
      probe=--version
      in_module=1 ;;
    actionlint)
      module="github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
      probe=-version ;;
    kube-linter)
      module="golang.stackrox.io/kube-linter/cmd/kube-linter@$KUBE_LINTER_VERSION"
      probe=version ;;
    promtool)
      module="github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION"
      flags=$prometheus_version
      probe=--version
      release=$prometheus_release ;;
    prometheus)
      module="github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_VERSION"
      flags=$prometheus_version
      probe=--version
      release=$prometheus_release ;;
    buildx)
      module="github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
      flags="-X github.com/docker/buildx/version.Version=$BUILDX_VERSION"
      probe=version ;;
    crane)
      module="github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION"
      probe=version ;;
    ocb)
      module="go.opentelemetry.io/collector/cmd/builder@$OTELCOL_VERSION"
      probe=version ;;
    registry)
      # No probe: another program named registry on PATH is not this one.
      module="github.com/distribution/distribution/v3/cmd/registry@$DISTRIBUTION_VERSION" ;;
    *) return 1 ;;
  esac
  release=${release:-${module##*@}}
}

log() { echo "install-tools: $*" >&2; }

# sha256 of stdin, hex (Linux has sha256sum, macOS shasum).
sha256() {
  # portability: allow sha-sum shasum is the fallback where sha256sum is missing
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -d' ' -f1
}

# on_path NAME: prints the first NAME on PATH outside ./bin, if any.
on_path() {
  local dir
  local IFS=:
  for dir in $PATH; do
    [[ -n $dir && -x $dir/$1 && ! -d $dir/$1 ]] || continue
    [[ -d $bin && $dir -ef $bin ]] && continue
    echo "$dir/$1"
    return 0
  done
  return 1
}

# prints_version OUTPUT RELEASE: OUTPUT names RELEASE as a whole version, with or without a
# leading v ("kind v0.30.0 go1.26.8", "TFLint version 0.61.0", "v3.19.0+g3d8990f").
prints_version() {
  local want=${2#v} word
  for word in $(printf '%s' "$1" | tr -c '0-9A-Za-z.' ' '); do
    [[ $word == "$want" || $word == "v$want" ]] && return 0
  done
  return 1
}

# from_path NAME: links ./bin/NAME to NAME on PATH when that one prints the pinned release.
# Says so on one line when a PATH one is another version.
from_path() {
  local found said
  [[ -n $probe ]] || return 1
  found=$(on_path "$1") || return 1
  # shellcheck disable=SC2086 # the probe is a list of arguments
  said=$("$found" $probe 2>&1 | head -n 1) || true
  if ! prints_version "$said" "$release"; then
    log "$1 on PATH ($found) says '$said', not $release (versions.env): using the pinned build in ./bin"
    return 1
  fi
  if [[ ! -L $bin/$1 || $(readlink "$bin/$1") != "$found" ]]; then
    rm -f "$bin/$1" && ln -s "$found" "$bin/$1" || return 1
    log "$1 $release from PATH ($found), linked as ./bin/$1"
  fi
}

# build_dir NAME: the cache folder of NAME's pinned build. A change of the linker flags is a
# different build: the folder is keyed on them too.
build_dir() {
  echo "$cache/gobin/$1-${module##*@}${flags:+-$(printf %s "$flags" | sha256 | cut -c1-8)}"
}

# build NAME OUT: builds the pinned NAME into OUT.
build() {
  local name=$1 out=$2 version=${module##*@} main modpath nosumdb='' pin_version pin_sum sum gomod k8s_minor dir built
  command -v go >/dev/null 2>&1 || { log "Go is needed to build $name $version (https://go.dev/dl), or put $name $release on PATH"; return 1; }
  export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=mod CGO_ENABLED=0
  log "building $name $version"
  mkdir -p "$out"
  main=${module%@*}
  modpath=${main%/cmd/*}
  if [[ -n $pinned_sum ]]; then
    read -r pin_version pin_sum <<<"$pinned_sum"
    [[ $pin_version == "$version" ]] || { log "$name $version: the pinned checksum is for $pin_version; update pinned_sum"; return 1; }
    sum=$(GONOSUMDB=$modpath go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
    [[ $sum == "$pin_sum" ]] || { log "$modpath@$version has checksum '$sum', pinned $pin_sum: refusing to build"; return 1; }
    nosumdb=$modpath
  fi
  if [[ $flags == *K8S_MINOR* ]]; then
    gomod=$(GONOSUMDB=$nosumdb go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
    k8s_minor=$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9][0-9]*\)\..*#\1#p' "$gomod")
    [[ -n $k8s_minor ]] || { log "no k8s.io/client-go in $gomod"; return 1; }
    flags=${flags//K8S_MINOR/$k8s_minor}
  fi
  if [[ -n $in_module ]]; then
    dir=$(GONOSUMDB=$nosumdb go mod download -json "$modpath@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -d $dir ]] || { log "could not download $modpath@$version"; return 1; }
    (cd "$dir" && GOBIN="$out" GOFLAGS=-mod=readonly go install -ldflags="$flags" "./${main#"$modpath"}") >&2
  else
    GOBIN="$out" GONOSUMDB=$nosumdb go install -ldflags="$flags" "$module" >&2
  fi
  # The command's name: the last element of its package path, or the one before a major
  # version suffix (.../v2), as `go install` names it.
  built=$(basename "$main")
  [[ $built =~ ^v[0-9]+$ ]] && built=$(basename "$(dirname "$main")")
  [[ $built == "$name" ]] || mv "$out/$built" "$out/$name"
}

# ensure NAME [no-build]: ./bin/NAME is the pinned version (a PATH one, or the cached build).
ensure() {
  local name=$1 out
  tool_spec "$name" || { log "unknown tool '$name' (known: $default_tools, and the on-request ones of tool_spec in scripts/install-tools.sh)"; return 2; }
  mkdir -p "$bin"
  from_path "$name" && return 0
  out=$(build_dir "$name")
  if [[ ! -x $out/$name ]]; then
    [[ ${2:-} != no-build ]] || return 1
    build "$name" "$out"
  fi
  # Copied once: a later run finds the copy newer than the build and of the same size.
  if [[ -L $bin/$name || ! $bin/$name -nt $out/$name || $(wc -c <"$bin/$name") != "$(wc -c <"$out/$name")" ]]; then
    rm -f "$bin/$name"
    cp "$out/$name" "$bin/$name"
    chmod 0755 "$bin/$name"
  fi
}

case ${1:-} in
  --path)
    # Prints ./bin/NAME also when it could not be made (then it is absent, and the caller's
    # "missing" message names it). The tool is made by a run of its own, so that any failing
    # step stops it (set -e does not apply inside a command whose failure is handled).
    if ! "$0" "${2:?usage: install-tools.sh --path NAME}" >&2; then rm -f "$bin/$2"; fi
    echo "$bin/$2"
    ;;
  --installed)
    ensure "${2:?usage: install-tools.sh --installed NAME}" no-build
    echo "$bin/$2"
    ;;
  *)
    # shellcheck disable=SC2086 # one argument per name
    [[ $# -gt 0 ]] || set -- $default_tools
    for name in "$@"; do
      ensure "$name"
    done
    ;;
esac
