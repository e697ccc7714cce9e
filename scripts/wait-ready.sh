#!/usr/bin/env bash
# wait-ready.sh URL TIMEOUT_SECONDS: polls URL until it answers 200, or fails after the timeout.
set -euo pipefail
url=$1 timeout=${2:-120}
deadline=$((SECONDS + timeout))
printf 'waiting for %s ' "$url"
until status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url") && [[ $status == 200 ]]; do
  if ((SECONDS >= deadline)); then
    echo
    echo "error: $url did not answer 200 within ${timeout}s (last status: ${status:-none})" >&2
    exit 1
  fi
  printf '.'
  sleep 1
done
echo " ready"
