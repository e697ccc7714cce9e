# The service image (service/Dockerfile).

APP_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(SERVICE)/package.json)
IMAGE_NAME ?= sre-kit-api
IMAGE ?= $(IMAGE_NAME):$(APP_VERSION)
GIT_REVISION := $(shell git -C $(ROOT) rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# The commit time, not the build time: rebuilding an unchanged tree gives the same image.
GIT_CREATED := $(shell git -C $(ROOT) log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
# The engine's own platform (linux/amd64 or linux/arm64): `make image` builds for it. BuildKit
# knows it as BUILDPLATFORM; the classic builder needs it as a build argument (service/Dockerfile).
ENGINE_PLATFORM = $(shell docker version --format '{{.Server.Os}}/{{.Server.Arch}}' 2>/dev/null)

.PHONY: image
image: docker-check ## Build the service image (IMAGE, default sre-kit-api:<version>) from service/Dockerfile
	docker build \
	  --build-arg ENGINE_PLATFORM=$(ENGINE_PLATFORM) \
	  --build-arg NODE_IMAGE=$(NODE_IMAGE) \
	  --build-arg VERSION=$(APP_VERSION) \
	  --build-arg REVISION=$(GIT_REVISION) \
	  --build-arg CREATED=$(GIT_CREATED) \
	  -t $(IMAGE) $(SERVICE)

.PHONY: image-arm64-check
image-arm64-check: docker-check ## Build the image for linux/arm64 (buildx, QEMU) and run it emulated: uname -m, /status
	$(ROOT)/verify/checks/image-arm64-check.sh

.PHONY: docker-check
docker-check:
	@command -v docker >/dev/null 2>&1 || { echo "error: docker is not installed (https://docs.docker.com/get-docker/)" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "error: the Docker engine is not running (start Docker Desktop or dockerd)" >&2; exit 1; }

.PHONY: print-image
print-image:
	@echo $(IMAGE)
