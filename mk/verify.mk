# The proof of the kit (verify/): measurements (make bench, bench-check, chaos, fuzz), the
# browser check, the repository policy tests, and the checks CI runs on the image, the local stack
# and kind. Measurements run on 127.0.0.1: moto from the pinned PyPI venv, the service from
# service/dist, bounded durations. Results go to reports/ (git-ignored).
VERIFY := $(ROOT)/verify
MOTO_BIN = $(shell $(ROOT)/scripts/ensure-pytool.sh 'moto[server]==$(MOTO_VERSION)')
SCHEMATHESIS_BIN = $(shell $(ROOT)/scripts/ensure-pytool.sh 'schemathesis==$(SCHEMATHESIS_VERSION)')

$(VERIFY)/node_modules/.package-lock.json: $(VERIFY)/package.json $(VERIFY)/package-lock.json
	cd $(VERIFY) && $(NODE_PATH_ENV) npm ci --no-audit --no-fund

.PHONY: bench-deps
bench-deps: $(VERIFY)/node_modules/.package-lock.json ## Install the dependencies of verify/ (autocannon, koa, AWS SDK, mocha)

.PHONY: bench
bench: bench-deps service-build ## Every endpoint vs bare Koa and node:http on moto, then GET /users of 100,000 users on LocalStack (Docker; ~6 min)
	cd $(VERIFY) && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" LOCALSTACK_IMAGE="$(LOCALSTACK_IMAGE)" node src/bench.ts

.PHONY: bench-check
bench-check: bench-deps service-build ## Regression check for CI: /status throughput at least 0.7 of bare Koa (~40 s)
	cd $(VERIFY) && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" node src/bench.ts --check

.PHONY: chaos
chaos: bench-deps service-build ## Failure scenarios: emulator outage, interrupted writes, SIGTERM under load, slow clients (~2.5 min)
	cd $(VERIFY) && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" node src/chaos.ts

.PHONY: fuzz
fuzz: bench-deps service-build ## schemathesis (all checks) against /openapi.json of the running service, 1,000+ requests
	cd $(VERIFY) && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" SCHEMATHESIS_BIN="$(SCHEMATHESIS_BIN)" node src/fuzz.ts

# A real browser against a running API (make up, or any URL): Swagger UI posts a user with a PNG
# avatar and the avatar_url it shows is opened. Screenshots go to reports/browser/. The API is
# BROWSER_BASE_URL, else BASE_URL from the environment, else the stack's port (API_PORT of
# mk/stack.mk, read when the recipe runs).
BROWSER_BASE_URL ?= $(or $(BASE_URL),http://localhost:$(or $(API_PORT),8080))
CHROMIUM ?= /usr/bin/chromium

.PHONY: browser-check
browser-check: bench-deps ## A real browser (headless Chromium) posts a user through /swagger and opens its avatar (BASE_URL)
	cd $(VERIFY) && $(NODE_PATH_ENV) BASE_URL="$(BROWSER_BASE_URL)" CHROMIUM="$(CHROMIUM)" node src/browser-check.ts

.PHONY: bench-typecheck
bench-typecheck: bench-deps deps ## TypeScript check of verify/ (harnesses and policy tests)
	cd $(VERIFY) && $(NODE_PATH_ENV) npm run --silent typecheck

.PHONY: policy-check
policy-check: bench-deps deps ## Repository policy tests: workflows, version pins, README, deploy defaults, LocalStack APIs
	cd $(VERIFY) && $(NODE_PATH_ENV) npm test --silent

.PHONY: workflows-check
workflows-check: bench-deps ## actionlint + shellcheck on every workflow, every action pinned by commit SHA
	$(NODE_PATH_ENV) $(ROOT)/verify/checks/workflows-check.sh

.PHONY: portability-check
portability-check: bench-deps ## shellcheck on every script, and no bash 4+, GNU-only or post-3.81 make construct in scripts and recipes (macOS)
	$(NODE_PATH_ENV) $(ROOT)/verify/checks/portability-check.sh

.PHONY: image-check
image-check: bench-deps ## The image (IMAGE) hardened under Docker: hadolint, read-only run, smoke test, HEALTHCHECK, SIGTERM, sizes
	$(NODE_PATH_ENV) IMAGE="$(IMAGE)" $(ROOT)/verify/checks/image-check.sh

.PHONY: compose-check
compose-check: ## The local stack journey on EMULATOR: make up, smoke test, make up again (no change), make clean
	EMULATOR="$(EMULATOR)" $(ROOT)/verify/checks/compose-check.sh

.PHONY: kind-journey
kind-journey: ## The whole kind journey and its teardown: make up, kind-up, deploy-kind, smoke test, rollout, browser, kind-down
	$(ROOT)/verify/checks/kind-journey.sh
