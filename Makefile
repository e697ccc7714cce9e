# sre-kit: every command a developer or CI runs. `make help` lists them.
# Pinned versions come from versions.env; the targets of each area live in mk/*.mk.
# Recipes are bash 3.2 (macOS's /bin/bash) and use only options that BSD and GNU tools share:
# `make portability-check` scans them (docs/portability.md).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
# GNU Make 3.81 (macOS's /usr/bin/make) has no .SHELLFLAGS: the flags go with the shell there.
ifeq ($(MAKE_VERSION),3.81)
SHELL := bash -euo pipefail
endif
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(ROOT)/versions.env
# Downloads and builds (scripts/cache-dir.sh): /var/cache/sre-kit when writable, else ~/.cache/sre-kit.
SRE_KIT_CACHE ?= $(shell $(ROOT)/scripts/cache-dir.sh)
export SRE_KIT_CACHE := $(SRE_KIT_CACHE)

# The pinned Go tools (scripts/install-tools.sh): `$(call tool,VAR,name)` is ./bin/name, which is
# the tool on PATH when it prints the version of versions.env, else the pinned build (made on first
# use, cached per version). Looked up once per make run, by the recipes that use it; a variable
# set on the command line (KIND=/path/to/kind) is used as it is.
tool = $(eval $(1) := $$(shell SRE_KIT_CACHE='$(SRE_KIT_CACHE)' $(ROOT)/scripts/install-tools.sh --path $(2)))$($(1))

# Node 24 from the machine, or the pinned official binary (scripts/ensure-node.sh).
NODE_BIN = $(shell $(ROOT)/scripts/ensure-node.sh)
NODE_PATH_ENV = PATH="$(NODE_BIN):$$PATH"
SERVICE := $(ROOT)/service

# `make help` lists the targets by journey, everyday ones first (scripts/make-help.awk).
HELP_GROUPS := Local stack|up down clean logs ps build dev;\
Tests|test test-unit test-integration lint typecheck deps service-build;\
Kubernetes on kind|tools kind-up kind-load deploy-kind kind-rollout-check browser-check kind-down chart-check chart-pod-check chart-docs chart-docs-check;\
AWS|deploy-aws destroy-aws deploy-aws-check tf-check tf-moto-test tf-local tf-local-destroy tf-docs tf-docs-check;\
Observability|obs-check obs-prometheus-check obs-trace-check obs-rules;\
Image|image image-arm64-check;\
Verification|bench bench-check chaos fuzz policy-check workflows-check portability-check image-check compose-check kind-journey bench-deps bench-typecheck;\
Help|help

.PHONY: help
help: ## List the make targets, grouped by journey
	@awk -v groups='$(HELP_GROUPS)' -f $(ROOT)/scripts/make-help.awk $(MAKEFILE_LIST)

include $(sort $(wildcard $(ROOT)/mk/*.mk))
