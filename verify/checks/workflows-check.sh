#!/usr/bin/env bash
# Static checks of the GitHub workflows, run by .ci/run and by the `workflows` job of
# .github/workflows/ci.yml:
#   1. actionlint (ACTIONLINT_VERSION of versions.env, built into ./bin by scripts/install-tools.sh)
#      on every workflow, with shellcheck on the `run:` scripts when shellcheck is on PATH
#      (REQUIRE_SHELLCHECK=1 makes it mandatory; as root on Debian/Ubuntu it is apt-installed).
#   2. Action pins: every `uses:` of a workflow or local action that is not local names a full
#      40-hex commit SHA followed by a `# vX.Y.Z` comment, and each action repository is used at
#      one SHA and one version everywhere (so Dependabot or a hand edit cannot leave two pins).
# The make targets and versions the workflows use are checked by verify/test/policy/workflows.test.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
shopt -s nullglob

workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
((${#workflows[@]} > 0)) || { echo "workflows-check: no workflow in .github/workflows" >&2; exit 1; }
# Local actions, at any depth (find: bash 3.2 has no globstar).
actions=()
if [[ -d .github/actions ]]; then
  while IFS= read -r file; do actions+=("$file"); done < <(find .github/actions \( -name action.yml -o -name action.yaml \) -type f | sort)
fi

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

# --- 2. action pins ----------------------------------------------------------------------------
# Each pin seen is a line "repo sha version" of $pins; the first one of a repository is the one
# the others must match.
pins=""
failures=0
fail() { echo "workflows-check: FAIL: $*" >&2; failures=$((failures + 1)); }
first_pin() { # first_pin REPO: prints "sha version" of REPO's first pin, if any
  printf '%s' "$pins" | awk -v repo="$1" '$1 == repo { print $2, $3; exit }'
}
sha_re='^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(/[^@]*)?@([0-9a-f]{40})$'
version_re='^v?[0-9]+\.[0-9]+\.[0-9]+$'
for file in "${workflows[@]}" ${actions[@]+"${actions[@]}"}; do
  lineno=0
  while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    [[ $line =~ ^[[:space:]]*(-[[:space:]]+)?uses:[[:space:]]*(.*)$ ]] || continue
    rest=${BASH_REMATCH[2]}
    ref=${rest%%#*}
    ref=${ref//[\"\' ]/}
    comment=
    [[ $rest == *#* ]] && comment=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"${rest#*#}")
    where="$file:$lineno"
    case $ref in
      ./*) continue ;;
      docker://*)
        [[ $ref == *@sha256:* ]] || fail "$where: $ref is not pinned by digest (docker://image@sha256:...)"
        continue
        ;;
    esac
    if [[ ! $ref =~ $sha_re ]]; then
      fail "$where: '$ref' is not pinned to a full 40-character commit SHA"
      continue
    fi
    repo=${BASH_REMATCH[1]}
    sha=${BASH_REMATCH[3]}
    if [[ ! $comment =~ $version_re ]]; then
      fail "$where: $repo@$sha needs its release as a comment ('# vX.Y.Z'), found '${comment}'"
      continue
    fi
    first=$(first_pin "$repo")
    if [[ -n $first && ${first% *} != "$sha" ]]; then
      fail "$where: $repo@$sha, but ${first% *} elsewhere: use one SHA per action"
    elif [[ -n $first && ${first#* } != "$comment" ]]; then
      fail "$where: $repo@$sha is commented '$comment', but '${first#* }' elsewhere"
    fi
    pins+="$repo $sha $comment"$'\n'
  done <"$file"
done
((failures == 0)) || { echo "workflows-check: $failures action pin problem(s)" >&2; exit 1; }
echo "workflows-check: action pins (one SHA per action, everywhere):"
printf '%s' "$pins" | sort | awk '
  $1 != repo { if (repo != "") print_pin(); repo = $1; sha = $2; version = $3; uses = 0 }
  { uses++ }
  END { if (repo != "") print_pin() }
  function print_pin() { printf "  %-36s %-9s %s  (%d uses)\n", repo, version, sha, uses }'
