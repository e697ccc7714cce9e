#!/usr/bin/env bash
# Builds the OpenTelemetry Collector of builder.yaml with ocb (the collector builder) and installs
# it as the given binary. Builds are cached under $SRE_KIT_CACHE/gobin by a hash of the manifest,
# so a second run only copies.
#   observability/otelcol/build.sh <ocb> <output binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../../versions.env
. "$root/versions.env"
ocb=$1 target=$2
manifest="$here/builder.yaml"
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}

# Every collector module at the one release of versions.env: core and contrib v0.N.M, the
# stable modules v1.(N-94).M.
minor=${OTELCOL_VERSION#v0.}; minor=${minor%%.*}; patch=${OTELCOL_VERSION##*.}
stable="v1.$((minor - 94)).$patch"
while read -r module version; do
  case $version in
    "$OTELCOL_VERSION" | "$stable") ;;
    *) echo "otelcol: $module $version in builder.yaml; OTELCOL_VERSION is $OTELCOL_VERSION (stable modules $stable)" >&2; exit 1 ;;
  esac
done < <(sed -n 's/^[[:space:]]*- gomod:[[:space:]]*\([^[:space:]]*\)[[:space:]]*\(v[^[:space:]]*\).*/\1 \2/p' "$manifest")
grep -q "^  version: ${OTELCOL_VERSION#v}$" "$manifest" || { echo "otelcol: dist.version in builder.yaml must be ${OTELCOL_VERSION#v}" >&2; exit 1; }

# portability: allow sha-sum shasum is the fallback where sha256sum is missing
hash=$(if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi <"$manifest" | cut -c1-8)
out="$cache/gobin/otelcol-$OTELCOL_VERSION-$hash"
if [[ ! -x $out/otelcol ]]; then
  echo "otelcol: building the collector of $manifest with ocb $OTELCOL_VERSION" >&2
  work=$(mktemp -d "${TMPDIR:-/tmp}/otelcol.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  # ocb writes its sources and the binary to dist.output_path.
  awk -v out="$work/build" '{ print } /^dist:/ { print "  output_path: " out }' "$manifest" >"$work/builder.yaml"
  GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOFLAGS=-mod=mod CGO_ENABLED=0 \
    "$ocb" --config "$work/builder.yaml" >&2
  mkdir -p "$out"
  mv "$work/build/otelcol-sre-kit" "$out/otelcol"
fi
install -m 0755 "$out/otelcol" "$target"
