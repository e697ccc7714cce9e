# Kubernetes: the Helm chart (deploy/helm/sre-kit), a local kind cluster (deploy/kind) and the
# chart's offline checks. `make kind-up deploy-kind`, then http://localhost:30080/status.
# Tools are pinned in versions.env: the one on PATH at that version, else built into ./bin (make tools).

KIND_CLUSTER ?= sre-kit
KIND_CONFIG := $(ROOT)/deploy/kind/cluster.yaml
KUBE_CONTEXT = kind-$(KIND_CLUSTER)
CHART := $(ROOT)/deploy/helm/sre-kit
HELM_RELEASE ?= sre-kit
HELM_NAMESPACE ?= sre-kit
# helm, kind, helm-docs, helm-values-schema-json: PATH at the pinned version, else the pinned build.
HELM ?= $(call tool,HELM,helm)
KIND ?= $(call tool,KIND,kind)
HELM_DOCS ?= $(call tool,HELM_DOCS,helm-docs)
HELM_SCHEMA ?= $(call tool,HELM_SCHEMA,helm-values-schema-json)
KUBECTL ?= kubectl
# The image of `make image` (mk/image.mk defines the same defaults): name:<service version>.
IMAGE_NAME ?= sre-kit-api
IMAGE ?= $(IMAGE_NAME):$(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(SERVICE)/package.json)
# The node image: the pinned official one of versions.env (KIND_NODE_IMAGE). Another one built
# for KIND_VERSION can be given on the command line: make kind-up KIND_NODE_IMAGE=...
# The emulator of the local stack, as the pods reach it on the `kind` network. Empty: the running
# emulator container of compose project sre-kit (sre-kit-localstack-1 or sre-kit-moto-1).
EMULATOR_CONTAINER ?=
EMULATOR_INTERNAL_PORT ?= 4566
# Where the browser reaches the emulator (avatar URLs): the port `make up` publishes.
S3_PUBLIC_ENDPOINT ?= http://localhost:$(or $(EMULATOR_PORT),4566)
# The NodePort is chosen in values-kind.yaml only (verify/checks/check-kind-config.sh checks the rest).
KIND_NODE_PORT = $(shell sed -n 's/^  nodePort: *\([0-9][0-9]*\).*/\1/p' $(CHART)/values-kind.yaml)

# One-line errors for every missing piece, before anything runs.
define require_docker
	@command -v docker >/dev/null 2>&1 || { echo "error: docker is not installed (https://docs.docker.com/get-docker/)" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "error: the Docker engine is not running (start Docker Desktop or dockerd)" >&2; exit 1; }
endef
# A pinned tool that could not be made: install-tools.sh printed why just above.
TOOL_HINT = put it on PATH at the version of versions.env, or install Go (https://go.dev/dl) to build it
define require_tool
	@command -v $(1) >/dev/null 2>&1 || [[ -x $(1) ]] || { echo "error: $(2) is missing ($(1)): $(3)" >&2; exit 1; }
endef
define require_cluster
	@$(KIND) get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)' || { echo "error: kind cluster '$(KIND_CLUSTER)' does not exist; create it first: make kind-up" >&2; exit 1; }
endef

.PHONY: tools
tools: ## Put the pinned tools (helm, kind, kubeconform, helm-unittest, helm-docs, helm-values-schema-json, tflint, terraform-docs, actionlint) into ./bin: a PATH one at the pinned version is linked, the others built
	$(ROOT)/scripts/install-tools.sh

.PHONY: kube-tools
kube-tools:
	@$(ROOT)/scripts/install-tools.sh helm kind kubeconform helm-unittest helm-docs helm-values-schema-json

.PHONY: kind-up
kind-up: ## Create the kind cluster (idempotent) and link the local stack's emulator to it
	$(require_docker)
	$(call require_tool,$(KIND),kind $(KIND_VERSION),$(TOOL_HINT))
	$(call require_tool,$(KUBECTL),kubectl,install it: https://kubernetes.io/docs/tasks/tools/)
	@if $(KIND) get clusters 2>/dev/null | grep -qx '$(KIND_CLUSTER)'; then \
	  echo "kind cluster '$(KIND_CLUSTER)' exists"; \
	else \
	  $(KIND) create cluster --name $(KIND_CLUSTER) --config $(KIND_CONFIG) --image $(KIND_NODE_IMAGE) --wait 180s; \
	fi
	@$(KUBECTL) --context $(KUBE_CONTEXT) wait --for=condition=Ready nodes --all --timeout=120s >/dev/null
	@if EMULATOR_CONTAINER=$(EMULATOR_CONTAINER) $(ROOT)/deploy/kind/emulator-link.sh name >/dev/null 2>&1; then \
	  EMULATOR_CONTAINER=$(EMULATOR_CONTAINER) $(ROOT)/deploy/kind/emulator-link.sh attach >/dev/null; \
	else \
	  echo "note: the local stack is not up; run 'make up' before 'make deploy-kind'"; \
	fi

.PHONY: kind-load
kind-load: ## Build the service image ($(IMAGE)) and load it into the kind cluster
	$(require_docker)
	$(call require_tool,$(KIND),kind $(KIND_VERSION),$(TOOL_HINT))
	$(require_cluster)
	@case "$(IMAGE)" in *:latest|*:) echo "error: IMAGE needs a version tag, not '$(IMAGE)'" >&2; exit 1;; esac
	$(MAKE) image IMAGE=$(IMAGE)
	$(KIND) load docker-image $(IMAGE) --name $(KIND_CLUSTER)

# Everything deploy-kind needs, checked before the image is built.
.PHONY: kind-preflight
kind-preflight:
	$(require_docker)
	$(call require_tool,$(KIND),kind $(KIND_VERSION),$(TOOL_HINT))
	$(call require_tool,$(HELM),helm $(HELM_VERSION),$(TOOL_HINT))
	$(call require_tool,$(KUBECTL),kubectl,install it: https://kubernetes.io/docs/tasks/tools/)
	$(require_cluster)
	@EMULATOR_CONTAINER=$(EMULATOR_CONTAINER) $(ROOT)/deploy/kind/emulator-link.sh name >/dev/null

.PHONY: deploy-kind
deploy-kind: kind-preflight kind-load ## Install/upgrade the chart on kind (values-kind.yaml, waits), then run helm test
	@container=$$(EMULATOR_CONTAINER=$(EMULATOR_CONTAINER) $(ROOT)/deploy/kind/emulator-link.sh attach) && \
	image='$(IMAGE)' && \
	echo "pods reach the emulator at http://$$container:$(EMULATOR_INTERNAL_PORT)" && \
	$(HELM) upgrade --install $(HELM_RELEASE) $(CHART) \
	  --kube-context $(KUBE_CONTEXT) --namespace $(HELM_NAMESPACE) --create-namespace \
	  -f $(CHART)/values-kind.yaml \
	  --set image.repository=$${image%:*} \
	  --set-string image.tag=$${image##*:} \
	  --set config.awsEndpointUrl=http://$$container:$(EMULATOR_INTERNAL_PORT) \
	  --set config.s3PublicEndpoint=$(S3_PUBLIC_ENDPOINT) \
	  --wait --timeout 5m \
	|| { echo "error: the release did not become ready; pods:" >&2; \
	     $(KUBECTL) --context $(KUBE_CONTEXT) -n $(HELM_NAMESPACE) get pods -o wide >&2; \
	     $(KUBECTL) --context $(KUBE_CONTEXT) -n $(HELM_NAMESPACE) describe pods -l app.kubernetes.io/instance=$(HELM_RELEASE) | tail -n 30 >&2; exit 1; }
	$(HELM) test $(HELM_RELEASE) --kube-context $(KUBE_CONTEXT) --namespace $(HELM_NAMESPACE) --logs --timeout 2m
	@echo "sre-kit on kind: http://localhost:$(KIND_NODE_PORT)/status"

.PHONY: kind-rollout-check
kind-rollout-check: bench-deps ## Rolling restart on kind under light load (20 req/s on the NodePort): fails if one request is lost
	$(call require_tool,$(KUBECTL),kubectl,install it: https://kubernetes.io/docs/tasks/tools/)
	$(require_cluster)
	cd $(VERIFY) && $(NODE_PATH_ENV) BASE_URL=http://127.0.0.1:$(KIND_NODE_PORT) node src/under-load.ts -- \
	  $(ROOT)/deploy/kind/rollout-restart.sh $(KUBE_CONTEXT) $(HELM_NAMESPACE) $(HELM_RELEASE)

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	$(call require_tool,$(KIND),kind $(KIND_VERSION),$(TOOL_HINT))
	$(KIND) delete cluster --name $(KIND_CLUSTER)

.PHONY: chart-check
chart-check: kube-tools bench-deps chart-docs-check ## Static checks of the chart: generated files current, helm lint, kubeconform (1.33, offline), kube-linter, helm-unittest, kind port agreement
	$(NODE_PATH_ENV) $(ROOT)/verify/checks/check-chart.sh

# The chart's generated files, both from the annotated values.yaml: values.schema.json
# (helm-values-schema-json: `# @schema` constraints, `# --` descriptions, additionalProperties
# false on every object unless annotated otherwise) and README.md (helm-docs: README.md.gotmpl
# plus the table of values, in file order). chart_schema writes the schema to $(1).
define chart_schema
cd $(CHART) && $(HELM_SCHEMA) --values values.yaml --output $(1) --draft 7 --indent 2 \
  --use-helm-docs --no-additional-properties \
  --schema-root.title "sre-kit chart values" \
  --schema-root.description "Generated from values.yaml by make chart-docs. Strict: unknown keys are errors, so a typo fails helm install/template/lint." \
  2>&1 >/dev/null | { grep -v '^JSON schema successfully generated$$' >&2 || true; }
endef
CHART_DOCS_ARGS = --chart-search-root $(ROOT)/deploy/helm --sort-values-order file --log-level warning

# Every value has a `# --` description: prints the keys of a generated schema whose property has
# none.
UNDOCUMENTED_VALUES = $(NODE_PATH_ENV) node $(ROOT)/verify/src/chart/undocumented-values.ts

.PHONY: chart-docs
chart-docs: ## Regenerate the chart's README.md and values.schema.json from values.yaml (README.md.gotmpl)
	$(call chart_schema,values.schema.json)
	$(HELM_DOCS) $(CHART_DOCS_ARGS)
	@missing=$$($(UNDOCUMENTED_VALUES) $(CHART)/values.schema.json); \
	[[ -z $$missing ]] || echo "warning: values without a '# --' description in values.yaml:"$$'\n'"$$missing" >&2

.PHONY: chart-docs-check
chart-docs-check: ## Fail when the chart's README.md or values.schema.json differs from what values.yaml generates (prints the diff)
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/sre-kit-chart-docs.XXXXXX") && trap 'rm -rf "$$tmp"' EXIT && \
	$(call chart_schema,$$tmp/values.schema.json) && \
	$(HELM_DOCS) $(CHART_DOCS_ARGS) --dry-run >$$tmp/README.md && \
	stale=0 && \
	for file in values.schema.json README.md; do \
	  diff -u --label "deploy/helm/sre-kit/$$file (committed)" --label "$$file (generated from values.yaml)" \
	    $(CHART)/$$file $$tmp/$$file || stale=1; \
	done && \
	missing=$$($(UNDOCUMENTED_VALUES) $$tmp/values.schema.json) && \
	if [[ -n $$missing ]]; then echo "error: values without a '# --' description in values.yaml:"$$'\n'"$$missing" >&2; exit 1; fi && \
	if ((stale)); then echo "error: the chart's generated files are stale; run 'make chart-docs' and commit the result" >&2; exit 1; fi && \
	echo "chart docs: README.md and values.schema.json match values.yaml"

.PHONY: chart-pod-check
chart-pod-check: bench-deps ## Run $(IMAGE) under Docker exactly as the rendered Deployment runs it, and probe it like the kubelet
	$(require_docker)
	$(NODE_PATH_ENV) $(ROOT)/verify/checks/pod-equivalent-check.sh $(IMAGE)
