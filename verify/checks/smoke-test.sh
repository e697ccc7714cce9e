#!/usr/bin/env bash
# smoke-test.sh BASE_URL: what a reviewer does by hand against a running API. Needs curl only.
#   /status exact body, /ready 200, POST /user with a real PNG (and 409 for the same email again),
#   GET /users returns the user and its avatar URL serves the image, /swagger serves HTML, /ip
#   answers; with API_KEY set (the key of the running service), POST /update changes GET /state
#   and GET /logs shows the change first.
set -euo pipefail
base=${1:-http://localhost:8080}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sre-kit-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then echo "  ok   $name"; else echo "  FAIL $name"; fails=$((fails + 1)); fi
}
get() { curl -sS -o "$tmp/body" -w '%{http_code}' --max-time 10 "$@"; }

echo "smoke test of $base"
check "GET /status is exactly {\"result\":\"success\"}" \
  test "$(get "$base/status")|$(cat "$tmp/body")" = '200|{"result":"success"}'
check "GET /ready answers 200" test "$(get "$base/ready")" = 200

# A real 1x1 PNG.
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' |
  base64 --decode >"$tmp/avatar.png"
email="smoke-$(date +%s)-$RANDOM@example.com"
status=$(get -X POST -F name="Smoke Test" -F email="$email" -F "avatar=@$tmp/avatar.png;type=image/png" "$base/user")
check "POST /user with a PNG answers 201" test "$status" = 201
check "GET /users returns the new user" sh -c "[ \"\$(curl -sS --max-time 10 '$base/users')\" != '' ] && curl -sS --max-time 10 '$base/users' | grep -q '\"email\":\"$email\"'"
avatar_url=$(curl -sS --max-time 10 "$base/users" | sed -n "s/.*{\"avatar_url\":\"\([^\"]*\)\",\"email\":\"$email\".*/\1/p" | sed 's/\\u0026/\&/g')
check "the avatar URL opens from the client and is the PNG" sh -c "curl -sSf --max-time 10 -o '$tmp/fetched' '$avatar_url' && cmp -s '$tmp/fetched' '$tmp/avatar.png'"
status=$(get -X POST -F name="Smoke Test" -F email="$email" -F "avatar=@$tmp/avatar.png;type=image/png" "$base/user")
check "POST /user with the same email answers 409 conflict" sh -c "[ '$status' = 409 ] && grep -q '\"code\":\"conflict\"' '$tmp/body'"
check "GET /swagger serves HTML" sh -c "[ \"\$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' --max-time 10 '$base/swagger')\" = '200 text/html; charset=utf-8' ]"
check "GET /ip answers ip, city and state" sh -c "curl -sSf --max-time 10 '$base/ip' | grep -Eq '^\{\"ip\":\"[^\"]+\",\"city\":\"[^\"]*\",\"state\":\"[^\"]*\"\}$'"

if [[ -n ${API_KEY:-} ]]; then
  message="smoke $email"
  status=$(get -X POST -H "API-Key: $API_KEY" -H 'Content-Type: application/json' \
    --data "{\"message\":\"$message\"}" "$base/update")
  check "POST /update with the API key answers 200 and the new state" sh -c "[ '$status' = 200 ] && grep -q '\"message\":\"$message\"' '$tmp/body'"
  check "GET /state shows the update" sh -c "curl -sSf --max-time 10 '$base/state' | grep -q '\"message\":\"$message\"'"
  check "GET /logs lists the update first" sh -c "curl -sSf --max-time 10 '$base/logs?limit=1' | grep -q '\"message\":\"$message\"'"
  check "POST /update without the key answers 401" test "$(get -X POST -H 'Content-Type: application/json' --data '{}' "$base/update")" = 401
else
  echo "  skip POST /update, GET /state, GET /logs: set API_KEY to the service's key to check them"
fi

if ((fails > 0)); then
  echo "smoke test: $fails check(s) failed"
  exit 1
fi
echo "smoke test: all checks passed"
