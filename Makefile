# sre-kit: every command a developer or CI runs. `make help` lists them.
# Pinned versions come from versions.env; the targets of each area live in mk/*.mk.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(ROOT)/versions.env
export SRE_KIT_CACHE ?= /var/cache/sre-kit

# Node 24 from the machine, or the pinned official binary (scripts/ensure-node.sh).
NODE_BIN = $(shell $(ROOT)/scripts/ensure-node.sh)
NODE_PATH_ENV = PATH="$(NODE_BIN):$$PATH"
SERVICE := $(ROOT)/service

.PHONY: help
help: ## List the make targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

include $(sort $(wildcard $(ROOT)/mk/*.mk))
