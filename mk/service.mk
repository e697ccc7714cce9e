# The API service (service/): dependencies, lint, type check, build and the test suite. `make lint`
# also lints verify/ (mk/verify.mk), which follows the same ESLint rules and Prettier options.

$(SERVICE)/node_modules/.package-lock.json: $(SERVICE)/package.json $(SERVICE)/package-lock.json
	cd $(SERVICE) && $(NODE_PATH_ENV) npm ci --no-audit --no-fund

.PHONY: deps
deps: $(SERVICE)/node_modules/.package-lock.json ## Install the service's dependencies (npm ci) when package-lock.json changed

.PHONY: lint
lint: deps bench-deps ## ESLint and Prettier check of the service and of verify/
	cd $(SERVICE) && $(NODE_PATH_ENV) npm run --silent lint
	cd $(VERIFY) && $(NODE_PATH_ENV) npm run --silent lint

.PHONY: typecheck
typecheck: deps ## TypeScript type check (strict) of the service and its tests
	cd $(SERVICE) && $(NODE_PATH_ENV) npm run --silent typecheck

.PHONY: service-build
service-build: deps ## Compile the service to service/dist
	cd $(SERVICE) && $(NODE_PATH_ENV) npm run --silent build

.PHONY: test
test: deps ## Run the whole test suite (unit + integration on a DynamoDB/S3 emulator started by testcontainers)
	cd $(SERVICE) && $(NODE_PATH_ENV) npm test

.PHONY: test-unit
test-unit: deps ## Run the unit tests only (no Docker needed)
	cd $(SERVICE) && $(NODE_PATH_ENV) npm run --silent test:unit

.PHONY: test-integration
test-integration: deps ## Run the integration tests only; with AWS_ENDPOINT_URL (+ USERS_TABLE, STATE_TABLE, AVATARS_BUCKET) against that endpoint
	cd $(SERVICE) && $(NODE_PATH_ENV) npm run --silent test:integration

.PHONY: dev
dev: deps env-file ## Run the service from source on the host with reload, against the emulator of `make up` (reads .env)
	cd $(SERVICE) && $(NODE_PATH_ENV) PORT=$${PORT:-8081} \
	  AWS_ENDPOINT_URL=http://localhost:$(EMULATOR_PORT) S3_PUBLIC_ENDPOINT=http://localhost:$(EMULATOR_PORT) \
	  npm run dev
