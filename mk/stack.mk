# The local stack (docker-compose.yml): emulator + Terraform provisioning + the API container.

# Settings of the stack: the command line wins, then .env, then these defaults.
dotenv = $(shell sed -n 's/^$(1)=\(.*\)$$/\1/p' $(ROOT)/.env 2>/dev/null | tail -n 1)
EMULATOR ?= $(or $(call dotenv,EMULATOR),localstack)
API_PORT ?= $(or $(call dotenv,API_PORT),8080)
EMULATOR_PORT ?= $(or $(call dotenv,EMULATOR_PORT),4566)
UP_TIMEOUT ?= 180
# OBSERVABILITY=1 adds the compose profile `observability`: Prometheus, Grafana, Jaeger
# (docs/observability.md), on these loopback ports.
OBSERVABILITY ?= $(call dotenv,OBSERVABILITY)
PROMETHEUS_PORT ?= $(or $(call dotenv,PROMETHEUS_PORT),9090)
GRAFANA_PORT ?= $(or $(call dotenv,GRAFANA_PORT),3000)
JAEGER_UI_PORT ?= $(or $(call dotenv,JAEGER_UI_PORT),16686)
OTLP_GRPC_PORT ?= $(or $(call dotenv,OTLP_GRPC_PORT),4317)
OTLP_HTTP_PORT ?= $(or $(call dotenv,OTLP_HTTP_PORT),4318)
API_URL = http://localhost:$(API_PORT)

# Everything compose interpolates: pinned images from versions.env, build metadata, ports.
COMPOSE_ENV = EMULATOR=$(EMULATOR) API_PORT=$(API_PORT) EMULATOR_PORT=$(EMULATOR_PORT) \
  LOCALSTACK_IMAGE=$(LOCALSTACK_IMAGE) MOTO_IMAGE=$(MOTO_IMAGE) TERRAFORM_IMAGE=$(TERRAFORM_IMAGE) \
  NODE_IMAGE=$(NODE_IMAGE) IMAGE=$(IMAGE) APP_VERSION=$(APP_VERSION) \
  GIT_REVISION=$(GIT_REVISION) GIT_CREATED=$(GIT_CREATED)
OBS_COMPOSE_ENV = PROMETHEUS_IMAGE=$(PROMETHEUS_IMAGE) GRAFANA_IMAGE=$(GRAFANA_IMAGE) \
  JAEGER_IMAGE=$(JAEGER_IMAGE) PROMETHEUS_PORT=$(PROMETHEUS_PORT) GRAFANA_PORT=$(GRAFANA_PORT) \
  JAEGER_UI_PORT=$(JAEGER_UI_PORT) OTLP_GRPC_PORT=$(OTLP_GRPC_PORT) OTLP_HTTP_PORT=$(OTLP_HTTP_PORT) \
  OBS_OTLP_ENDPOINT=$(if $(filter 1 true yes,$(OBSERVABILITY)),http://jaeger:4318)
OBS_PROFILE = $(if $(filter 1 true yes,$(OBSERVABILITY)),--profile observability)
COMPOSE = $(COMPOSE_ENV) $(OBS_COMPOSE_ENV) docker compose --project-directory $(ROOT) \
  -f $(ROOT)/docker-compose.yml --profile $(EMULATOR) $(OBS_PROFILE)

.PHONY: env-file
env-file:
	@[ -f $(ROOT)/.env ] || { cp $(ROOT)/.env-example $(ROOT)/.env && echo "created .env from .env-example (edit it to change settings)"; }

.PHONY: stack-check
stack-check: docker-check env-file
	@case "$(EMULATOR)" in localstack|moto) ;; *) echo "error: EMULATOR must be localstack or moto, not '$(EMULATOR)'" >&2; exit 1;; esac
	@docker compose version >/dev/null 2>&1 || { echo "error: 'docker compose' (Compose v2) is not available" >&2; exit 1; }
	@$(ROOT)/scripts/check-port-free.sh $(API_PORT) "$$($(COMPOSE) ps -q api 2>/dev/null)" API_PORT
	@$(ROOT)/scripts/check-port-free.sh $(EMULATOR_PORT) "$$($(COMPOSE) ps -q $(EMULATOR) 2>/dev/null)" EMULATOR_PORT

.PHONY: up
up: stack-check ## Start the local stack (EMULATOR=localstack|moto), wait until /ready answers, print the URLs
	@echo "starting the stack with $(EMULATOR) (first run builds the image: a minute or two)"
	@$(COMPOSE) up -d --build --remove-orphans || { \
	  echo "error: the stack did not start; provisioning output follows:" >&2; \
	  $(COMPOSE) logs --no-color provision >&2 || true; exit 1; }
	@$(ROOT)/scripts/wait-ready.sh $(API_URL)/ready $(UP_TIMEOUT) || { $(COMPOSE) logs --no-color --tail=30 api >&2; exit 1; }
	@echo ""
	@echo "  API          $(API_URL)/status"
	@echo "  Swagger UI   $(API_URL)/swagger"
	@echo "  Readiness    $(API_URL)/ready"
	@echo "  Metrics      $(API_URL)/metrics"
	@echo "  Emulator     http://localhost:$(EMULATOR_PORT) ($(EMULATOR))"
	@if [ -n "$(OBS_PROFILE)" ]; then \
	  echo "  Grafana      http://localhost:$(GRAFANA_PORT)/d/sre-kit-api (anonymous viewer)"; \
	  echo "  Prometheus   http://localhost:$(PROMETHEUS_PORT)/alerts"; \
	  echo "  Jaeger       http://localhost:$(JAEGER_UI_PORT) (OTLP: localhost:$(OTLP_GRPC_PORT) gRPC, localhost:$(OTLP_HTTP_PORT) HTTP)"; \
	fi

.PHONY: build
build: stack-check ## Build the API image of the stack
	$(COMPOSE) build api

.PHONY: down
down: docker-check ## Stop the local stack (keeps the Terraform state volume)
	$(COMPOSE) --profile localstack --profile moto --profile observability down --remove-orphans

.PHONY: clean
clean: docker-check ## Stop the stack and remove its volumes and Terraform state
	$(COMPOSE) --profile localstack --profile moto --profile observability down --remove-orphans --volumes

.PHONY: logs
logs: docker-check ## Follow the logs of the stack
	$(COMPOSE) logs -f --tail=100

.PHONY: ps
ps: docker-check ## Show the stack's containers
	$(COMPOSE) ps -a
