#!/usr/bin/env bash
# Static checks of the GitHub workflows, run by .ci/run and by the `workflows` job of
# .github/workflows/ci.yml:
#   1. actionlint (ACTIONLINT_VERSION of versions.env, built into ./bin by scripts/install-tools.sh)
#      on every workflow, with shellcheck on the `run:` scripts when shellcheck is on PATH
#      (REQUIRE_SHELLCHECK=1 makes it mandatory; as root on Debian/Ubuntu it is apt-installed).
#   2. Action pins (verify/src/workflows/action-pins-check.ts): every `uses:` of a workflow or
#      local action that is not local names a full 40-hex commit SHA followed by a `# vX.Y.Z`
#      comment, and each action repository is used at one SHA and one version everywhere (so
#      Dependabot or a hand edit cannot leave two pins).
# Needs Node.js and verify/'s dependencies (make workflows-check installs them).
# The make targets and versions the workflows use are checked by verify/test/policy/workflows.test.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
shopt -s nullglob

workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
((${#workflows[@]} > 0)) || { echo "workflows-check: no workflow in .github/workflows" >&2; exit 1; }

# --- 1. actionlint + shellcheck --------------------------------------------------------------
scripts/install-tools.sh actionlint
if ! command -v shellcheck >/dev/null 2>&1 && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "workflows-check: installing shellcheck (apt-get)" >&2
  apt-get install -y -qq shellcheck >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1; } \
    || true
fi
if shellcheck=$(command -v shellcheck); then
  echo "workflows-check: actionlint $("$root/bin/actionlint" -version | head -n 1), $("$shellcheck" --version | sed -n 's/^version: /shellcheck /p')"
elif [[ ${REQUIRE_SHELLCHECK:-0} == 1 ]]; then
  echo "workflows-check: shellcheck is required (REQUIRE_SHELLCHECK=1) but not installed" >&2
  exit 1
else
  shellcheck=
  echo "workflows-check: WARNING: shellcheck is not installed; the run: scripts are not shellchecked" >&2
fi
"$root/bin/actionlint" -shellcheck="$shellcheck" "${workflows[@]}"
echo "workflows-check: actionlint clean: ${workflows[*]}"

# --- 2. action pins (verify/src/workflows/) --------------------------------------------------
cd verify && node src/workflows/action-pins-check.ts
