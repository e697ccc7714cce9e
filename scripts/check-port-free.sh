#!/usr/bin/env bash
# check-port-free.sh PORT [OWNER_CONTAINER_ID] [VARIABLE]: fails with one clear line when
# something other than our own container already listens on 127.0.0.1:PORT.
set -euo pipefail
port=$1 owner=${2:-} variable=${3:-PORT}
[[ -n $owner ]] && exit 0 # our container has it: `make up` again is fine
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "error: port $port is already in use on 127.0.0.1; stop what uses it or pick another, e.g. make up $variable=$((port + 1))" >&2
  exit 1
fi
