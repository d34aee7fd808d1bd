# Build and test tooling for the cloudbroker.alibaba collection.
#
#   make test         everything CI runs (.ci/run): venv, collection, units, lint, sanity, integration
#   make help         the list of targets
#
# Works offline except for package installs (PyPI through the machine's pip configuration).
# A bare machine needs only python3 (with venv), git and make: everything else is installed here.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

REPO        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON      ?= python3
VENV        := $(REPO)/.venv
VENV_BIN    := $(VENV)/bin
PY          := $(VENV_BIN)/python
VENV_STAMP  := $(VENV)/.requirements.stamp
BUILD       := $(REPO)/.build
REPORTS     := $(BUILD)/reports

# The collection as Ansible sees it: .build/collections/ansible_collections/cloudbroker/alibaba -> repo
# (the same link tests/integration/conftest.py makes).
NAMESPACE   := $(shell sed -n 's/^namespace:[[:space:]]*//p' $(REPO)/galaxy.yml)
NAME        := $(shell sed -n 's/^name:[[:space:]]*//p' $(REPO)/galaxy.yml)
COLLECTIONS_ROOT := $(BUILD)/collections
COLLECTION_LINK  := $(COLLECTIONS_ROOT)/ansible_collections/$(NAMESPACE)/$(NAME)

# Every Ansible run started from here finds the collection through the link, and runs local
# modules with the venv's Python (interpreter discovery picks an inactive pyenv shim on these machines).
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_ROOT)
export ANSIBLE_PYTHON_INTERPRETER := $(PY)
export PATH := $(VENV_BIN):$(PATH)

# Test runs talk to 127.0.0.1 only; the Alibaba SDK honours HTTP(S)_PROXY and ignores NO_PROXY.
NO_PROXY_ENV := env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy

# Integration suite: xdist workers (each starts its own sandbox), whole files per worker so the
# tests of one file keep their order; a hung test must not eat CI's 90 minutes (SIGINT first,
# so the fixtures stop their sandboxes).
INTEGRATION_WORKERS ?= 2
INTEGRATION_TIMEOUT ?= 45m
PYTEST_ARGS ?=

.PHONY: help venv collection units integration sanity lint test sandbox demo build clean distclean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]*:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- environment -----------------------------------------------------------------------------

venv: $(VENV_STAMP) ## create .venv and install requirements.txt + test-requirements.txt

# Re-installs only when a requirements file changed (or the venv is new). The machine's pip
# configuration (index, find-links, certificates) applies as it is.
$(VENV_STAMP): $(REPO)/requirements.txt $(REPO)/test-requirements.txt
	@test -x $(PY) || { echo "venv: creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --disable-pip-version-check -r $(REPO)/requirements.txt -r $(REPO)/test-requirements.txt
	@touch $@

collection: ## link the repo as .build/collections/ansible_collections/cloudbroker/alibaba
	@if [ "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" != "$(REPO)" ]; then \
	    mkdir -p $(dir $(COLLECTION_LINK)); rm -rf $(COLLECTION_LINK); ln -s $(REPO) $(COLLECTION_LINK); \
	    echo "collection: $(COLLECTION_LINK) -> $(REPO)"; fi

# --- tests -----------------------------------------------------------------------------------

# pytest exit code 5 ("no tests collected") is accepted here only, while tests/unit may be empty.
units: venv collection ## unit tests (pytest tests/unit)
	@mkdir -p $(REPORTS)
	@rc=0; $(NO_PROXY_ENV) $(PY) -m pytest tests/unit --junitxml=$(REPORTS)/units.xml $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "units: no unit tests collected yet"; rc=0; fi; exit $$rc

# Each xdist worker has its own session fixtures: its own sandbox on free ports in its own temp dir.
integration: venv collection ## integration tests against the local sandbox (pytest, 2 xdist workers)
	@mkdir -p $(REPORTS)
	$(NO_PROXY_ENV) timeout --signal=INT --kill-after=60s $(INTEGRATION_TIMEOUT) $(PY) -m pytest tests/integration \
	    -n $(INTEGRATION_WORKERS) --dist loadfile --junitxml=$(REPORTS)/integration.xml $(PYTEST_ARGS)

# ansible-test sanity --venv --python 3.11 on a copy under .build/sanity (see scripts/sanity.sh).
# tests/sanity/ignore-*.txt must not exist or must hold comments only: this collection ignores nothing.
sanity: venv ## ansible-test sanity, offline, no ignore entries
	ANSIBLE_TEST=$(VENV_BIN)/ansible-test $(REPO)/scripts/sanity.sh $(SANITY_ARGS)

lint: venv collection ## ansible-lint (production profile, offline) + antsibull-changelog lint
	ansible-lint --offline $(if $(CI),--nocolor)
	antsibull-changelog lint
	@echo "lint: ansible-lint and antsibull-changelog lint passed"

# Fastest first: units (seconds), lint (seconds), sanity (~1 min, ~2 min cold), integration
# (minutes). The closing line sums up the pytest results of units and integration.
test: ## everything: venv, collection, units, lint, sanity, integration
	@start=$$(date +%s); rm -rf $(REPORTS); \
	$(MAKE) venv collection; \
	$(MAKE) units; \
	$(MAKE) lint; \
	$(MAKE) sanity; \
	$(MAKE) integration; \
	python3 $(REPO)/scripts/test_summary.py --seconds $$(( $$(date +%s) - start )) \
	    $(REPORTS)/units.xml $(REPORTS)/integration.xml

# --- local services --------------------------------------------------------------------------

sandbox: venv ## run the local RAM + marketplace services in the foreground (state in .sandbox)
	$(NO_PROXY_ENV) $(PY) tests/sandbox/run.py --state-dir .sandbox --ram-port 18765 --marketplace-port 18766

demo: venv collection ## fresh seeded HTTPS sandbox: a Resource Directory onboarded twice through AssumeRole (2nd run changed=0), summary.yml
	$(NO_PROXY_ENV) $(REPO)/scripts/demo.sh

# --- packaging and cleanup -------------------------------------------------------------------

build: venv ## build the collection tarball into .build/dist
	ansible-galaxy collection build --force --output-path $(BUILD)/dist $(REPO)

clean: ## remove build output, test output, sandbox state and caches (keeps .venv)
	rm -rf $(BUILD) $(REPO)/.sandbox $(REPO)/tests/output $(REPO)/.pytest_cache
	find $(REPO) -path $(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@# symlink farm pytest-ansible makes when started without --ansible-unit-inject-only
	@if [ -d $(REPO)/collections ] && [ -z "$$(find $(REPO)/collections -type f -print -quit)" ]; then \
	    rm -rf $(REPO)/collections; fi

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
