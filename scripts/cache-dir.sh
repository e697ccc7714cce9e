#!/usr/bin/env bash
# Prints the folder that caches the kit's downloads and builds (Go tools, Node.js, Python tool
# venvs, Kubernetes schemas): $SRE_KIT_CACHE when set; else /var/cache/sre-kit when this user can
# write it (CI machines and root); else ${XDG_CACHE_HOME:-~/.cache}/sre-kit (macOS, other users).
set -euo pipefail
system=/var/cache/sre-kit
if [[ -n ${SRE_KIT_CACHE:-} ]]; then
  echo "$SRE_KIT_CACHE"
elif [[ -d $system && -w $system ]] || [[ ! -e $system && -d ${system%/*} && -w ${system%/*} ]]; then
  echo "$system"
else
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/sre-kit"
fi
