#!/usr/bin/env bash
# Installs one pinned PyPI tool into its own virtualenv under $SRE_KIT_CACHE and prints the
# venv's bin folder. One venv per tool and version keeps their dependencies apart.
#   scripts/ensure-pytool.sh 'checkov==3.3.30'       -> $SRE_KIT_CACHE/venv/checkov-3.3.30/bin
#   scripts/ensure-pytool.sh 'moto[server]==5.2.5'
set -euo pipefail
spec=${1:?usage: ensure-pytool.sh 'name[extra]==version'}
[[ $spec == *==* ]] || { echo "ensure-pytool: pin an exact version: $spec" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${SRE_KIT_CACHE:-$("$root/scripts/cache-dir.sh")}
name=${spec%%==*}
name=${name%%[*}
dir="$cache/venv/$name-${spec##*==}"
if [[ ! -f $dir/.complete ]]; then
  python=$(command -v python3) || { echo "ensure-pytool: python3 is needed for $spec" >&2; exit 1; }
  rm -rf "$dir"
  mkdir -p "$cache/venv" "$cache/pip"
  echo "ensure-pytool: installing $spec" >&2
  "$python" -m venv "$dir" >&2
  PIP_CACHE_DIR="$cache/pip" "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2
  touch "$dir/.complete"
fi
echo "$dir/bin"
