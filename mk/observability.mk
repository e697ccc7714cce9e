# Observability as code (observability/, docs/observability.md): the SLOs of observability/slos.yaml,
# the Prometheus rules and promtool tests generated from them, the service alerts, the Grafana
# dashboard, and the compose profile of `make up OBSERVABILITY=1`. promtool and prometheus are
# built from the pinned Go module (PROMETHEUS_VERSION) into ./bin by scripts/install-tools.sh; the
# OpenTelemetry Collector of the trace check by ocb (OTELCOL_VERSION) from
# observability/otelcol/builder.yaml.
OBS := $(ROOT)/observability
OBS_TS := $(ROOT)/verify/src/observability
PROMTOOL := $(ROOT)/bin/promtool
PROMETHEUS := $(ROOT)/bin/prometheus
OCB := $(ROOT)/bin/ocb
OTELCOL := $(ROOT)/bin/otelcol

$(PROMTOOL) $(PROMETHEUS) $(OCB): $(ROOT)/versions.env $(ROOT)/scripts/install-tools.sh
	$(ROOT)/scripts/install-tools.sh $(notdir $@)

$(OTELCOL): $(OCB) $(OBS)/otelcol/builder.yaml $(OBS)/otelcol/build.sh
	$(OBS)/otelcol/build.sh $(OCB) $@

# promtool, prometheus and the collector only (`make tools` builds the default tools).
.PHONY: obs-tools
obs-tools: $(PROMTOOL) $(PROMETHEUS) $(OTELCOL)

# Writes the SLO recording rules, burn-rate alerts and their tests again from observability/slos.yaml,
# then the Helm chart's copies of the rule files and dashboards (deploy/helm/sre-kit/files).
.PHONY: obs-rules
obs-rules: bench-deps deps ## Regenerate the SLO recording rules, burn-rate alerts and their promtool tests from observability/slos.yaml, and the chart's copies
	cd $(ROOT)/verify && $(NODE_PATH_ENV) node src/observability/generate.ts

# The static half of the observability proof, in CI: generated rules and the chart's copies up to
# date, promtool check and test rules, the dashboard lint, the image pins, the chart's
# PrometheusRule and dashboard ConfigMap against observability/, the compose profile's configuration.
.PHONY: obs-check
obs-check: bench-deps deps $(PROMTOOL) env-file ## Observability as code: rules and chart copies current, promtool check and test rules, dashboard lint, pins, compose profile, the chart's rules
	cd $(ROOT)/verify && $(NODE_PATH_ENV) node src/observability/generate.ts --check
	$(PROMTOOL) check rules $(OBS)/prometheus/rules/*.yaml
	cd $(OBS)/prometheus/tests && $(PROMTOOL) test rules *.test.yaml
	$(PROMTOOL) check config --syntax-only $(OBS)/prometheus/prometheus.yml
	cd $(ROOT)/verify && $(NODE_PATH_ENV) PROMTOOL="$(PROMTOOL)" node src/observability/dashboard-check.ts
	cd $(ROOT)/verify && $(NODE_PATH_ENV) node src/observability/pins-check.ts
	@$(ROOT)/scripts/install-tools.sh helm
	cd $(ROOT)/verify && $(NODE_PATH_ENV) HELM="$(HELM)" PROMTOOL="$(PROMTOOL)" node src/chart/observability-check.ts
	@if docker compose version >/dev/null 2>&1; then \
	  $(COMPOSE_ENV) $(OBS_COMPOSE_ENV) docker compose --project-directory $(ROOT) -f $(ROOT)/docker-compose.yml \
	    --profile localstack --profile moto --profile observability config --quiet \
	  && echo "obs-check: docker compose --profile observability config: valid"; \
	else echo "obs-check: no docker compose here: the compose profile was not validated"; fi

# The dynamic half: a real Prometheus (the pinned module) scrapes the service on moto every second
# with the rules loaded; the emulator is stopped and the fast-burn availability alert must fire.
.PHONY: obs-prometheus-check
obs-prometheus-check: bench-deps service-build $(PROMETHEUS) $(PROMTOOL) ## A real Prometheus scrapes the service with the rules loaded; the fast-burn alert must fire when the emulator stops
	cd $(ROOT)/verify && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" PROMETHEUS="$(PROMETHEUS)" \
	  node src/observability/prometheus-check.ts

# Traces: the service, started as `npm start` starts it, sends OTLP to a real OpenTelemetry
# Collector (built from observability/otelcol/builder.yaml) that writes the spans to a file; the
# span tree of a POST /user, the log line's trace id, traceparent and the untraced probes are checked.
.PHONY: obs-trace-check
obs-trace-check: bench-deps service-build $(OTELCOL) ## A real OpenTelemetry Collector receives the spans of POST /user: server span, DynamoDB and S3 children, trace id in the log line
	cd $(ROOT)/verify && $(NODE_PATH_ENV) MOTO_BIN="$(MOTO_BIN)" OTELCOL="$(OTELCOL)" \
	  node src/observability/trace-check.ts
