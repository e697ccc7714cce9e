#!/usr/bin/env bash
# Links the emulator of the local stack (`make up`) to the kind cluster's Docker network, so the
# pods reach it by container name: AWS_ENDPOINT_URL=http://<container>:4566.
#   deploy/kind/emulator-link.sh name     print the running emulator container's name
#   deploy/kind/emulator-link.sh attach   connect it to the `kind` network (no-op when connected)
# The container is $EMULATOR_CONTAINER when set; otherwise the running container of compose
# project $COMPOSE_PROJECT (default sre-kit) whose service is localstack, moto or emulator.
set -euo pipefail
project=${COMPOSE_PROJECT:-sre-kit}
network=${KIND_NETWORK:-kind}

command -v docker >/dev/null 2>&1 || { echo "error: docker is not installed (https://docs.docker.com/get-docker/)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "error: the Docker engine is not running (start Docker Desktop or dockerd)" >&2; exit 1; }

find_container() {
  if [[ -n ${EMULATOR_CONTAINER:-} ]]; then
    [[ $(docker inspect -f '{{.State.Running}}' "$EMULATOR_CONTAINER" 2>/dev/null) == true ]] \
      || { echo "error: the emulator container '$EMULATOR_CONTAINER' is not running; start the local stack first: make up" >&2; return 1; }
    echo "$EMULATOR_CONTAINER"
    return
  fi
  local name
  name=$(docker ps --filter "label=com.docker.compose.project=$project" --filter status=running \
    --format '{{.Names}} {{.Label "com.docker.compose.service"}}' \
    | awk '$2 == "localstack" || $2 == "moto" || $2 == "emulator" { print $1; exit }')
  [[ -n $name ]] || { echo "error: the local stack is not up (no running emulator container in compose project '$project'); start it first: make up" >&2; return 1; }
  echo "$name"
}

case ${1:-} in
  name)
    find_container
    ;;
  attach)
    container=$(find_container)
    docker network inspect "$network" >/dev/null 2>&1 \
      || { echo "error: Docker network '$network' does not exist; create the cluster first: make kind-up" >&2; exit 1; }
    if docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$container" | tr ' ' '\n' | grep -qx "$network"; then
      echo "emulator-link: $container is already on the '$network' network" >&2
    else
      docker network connect "$network" "$container"
      echo "emulator-link: connected $container to the '$network' network" >&2
    fi
    echo "$container"
    ;;
  *)
    echo "usage: $0 name|attach" >&2
    exit 2
    ;;
esac
