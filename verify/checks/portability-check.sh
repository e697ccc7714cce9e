#!/usr/bin/env bash
# `make portability-check`: the scripts and make recipes users run work on macOS (bash 3.2, BSD
# sed/date/grep/stat/mktemp/xargs/readlink, GNU Make 3.81) as on Linux, checked statically:
#   1. shellcheck on every shell script of the repository (bash scripts as bash, #!/bin/sh ones as
#      POSIX sh), following the files they source
#   2. verify/src/portability-check.ts: no bash 4+ feature, GNU-only option, command macOS lacks
#      or GNU Make feature newer than 3.81 in those scripts, the Makefile and mk/*.mk
# Needs shellcheck (as root on Debian/Ubuntu it is apt-installed; on macOS: brew install shellcheck).
# What is checked and what is not: docs/portability.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if ! command -v shellcheck >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "portability-check: installing shellcheck (apt-get)" >&2
  apt-get install -y -qq shellcheck >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1; } \
    || true
fi
command -v shellcheck >/dev/null 2>&1 \
  || { echo "portability-check: shellcheck is required: brew install shellcheck, or apt-get install shellcheck" >&2; exit 1; }

bash_scripts=()
sh_scripts=()
while read -r shell path; do
  case $shell in
    bash) bash_scripts+=("$path") ;;
    sh) sh_scripts+=("$path") ;;
  esac
done < <(cd verify && node src/portability-check.ts --shell-scripts)
((${#bash_scripts[@]} > 0)) || { echo "portability-check: no shell script found" >&2; exit 1; }

echo "portability-check: $(shellcheck --version | sed -n 's/^version: /shellcheck /p') on ${#bash_scripts[@]} bash and ${#sh_scripts[@]} sh scripts"
# portability: allow empty-array not empty, checked above
shellcheck --shell=bash --external-sources --source-path=SCRIPTDIR "${bash_scripts[@]}"
if ((${#sh_scripts[@]} > 0)); then
  # portability: allow empty-array not empty, checked on the line above
  shellcheck --shell=sh --external-sources --source-path=SCRIPTDIR "${sh_scripts[@]}"
fi
echo "portability-check: shellcheck clean"
cd verify && node src/portability-check.ts
