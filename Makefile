# Build and test tooling for the cloudbroker.alibaba collection.
#
#   make test         everything CI runs (.ci/run): venv, collection, then the stages (units, lint, options,
#                     sanity, integration), each reporting JUnit XML into .build/reports/<stage>/
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
INTEGRATION_TIMEOUT ?= 70m
PYTEST_ARGS ?=

.PHONY: help venv collection units integration sanity lint docs-lint cores cores-smoke options test sandbox demo build docs release-notes clean distclean bench bench-smoke chaos chaos-smoke

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

units: venv collection ## unit tests (pytest tests/unit)
	@$(call stage_dir,units)
	$(NO_PROXY_ENV) $(PY) -m pytest tests/unit --junitxml=$(REPORTS)/units/pytest.xml $(PYTEST_ARGS)

# Each xdist worker has its own session fixtures: its own sandbox on free ports in its own temp dir.
integration: venv collection ## integration tests against the local sandbox (pytest, 2 xdist workers)
	@$(call stage_dir,integration)
	$(NO_PROXY_ENV) timeout --signal=INT --kill-after=60s $(INTEGRATION_TIMEOUT) $(PY) -m pytest tests/integration \
	    -n $(INTEGRATION_WORKERS) --dist loadfile --junitxml=$(REPORTS)/integration/pytest.xml $(PYTEST_ARGS)

# ansible-test sanity --venv --python 3.11 on a copy under .build/sanity (see scripts/sanity.sh).
# tests/sanity/ignore-*.txt must not exist or must hold comments only: this collection ignores nothing.
# Every sanity test is a JUnit test case (ansible-test --junit; skipped ones count as skipped).
sanity: venv ## ansible-test sanity, offline, no ignore entries
	@$(call stage_dir,sanity)
	ANSIBLE_TEST=$(VENV_BIN)/ansible-test SANITY_JUNIT_DIR=$(REPORTS)/sanity $(REPO)/scripts/sanity.sh $(SANITY_ARGS)

# Each linter is one JUnit test case; ansible-lint must have processed at least one file.
lint: venv collection ## ansible-lint (production profile, offline) + antsibull-changelog lint
	@$(call stage_dir,lint)
	$(JUNIT_COMMAND) --report $(REPORTS)/lint/ansible-lint.xml --name ansible-lint --ran 'in (\d+) files processed' \
	    -- ansible-lint --offline $(if $(CI),--nocolor)
	$(JUNIT_COMMAND) --report $(REPORTS)/lint/antsibull-changelog.xml --name antsibull-changelog-lint \
	    -- antsibull-changelog lint

# One JUnit test case per module and role entry point: fails listing the options no test or role mentions.
# The documentation as antsibull-docs sees it: every module, plugin and role entry point, docs/docsite (seconds).
docs-lint: venv collection ## antsibull-docs lint-collection-docs --plugin-docs
	@$(call stage_dir,docs-lint)
	cd $(COLLECTION_LINK) && $(JUNIT_COMMAND) --report $(REPORTS)/docs-lint/antsibull-docs.xml \
	    --name antsibull-docs-lint-collection-docs -- antsibull-docs lint-collection-docs --plugin-docs .

# The oldest ansible-core requires_ansible admits (2.17): units + the credential-injection tests, in a nox
# virtualenv that is reused between runs (the first run installs it: a few minutes). The rest of make test
# runs on the development ansible-core (2.19, the newest released).
cores-smoke: venv collection ## units + credential-injection tests on ansible-core 2.17 (nox)
	@$(call stage_dir,cores-smoke)
	$(NO_PROXY_ENV) CORES_JUNIT_DIR=$(REPORTS)/cores-smoke nox -R -f $(REPO)/noxfile.py -s "cores(core='2.17')" \
	    -- tests/integration/test_awx_credential_types.py

cores: venv collection ## units + the fast integration subset on ansible-core 2.17 and 2.19 (nox)
	$(NO_PROXY_ENV) nox -R -f $(REPO)/noxfile.py

options: venv ## every documented option of every module and role entry point is exercised somewhere
	@$(call stage_dir,options)
	$(PY) $(REPO)/scripts/option_coverage.py --junit $(REPORTS)/options/option-coverage.xml

# --- the stages of `make test` ----------------------------------------------------------------
#
# A stage is a target named in STAGES. How a stage reports (scripts/test_summary.py reads only this):
#   * it writes its results as JUnit XML files into $(REPORTS)/<stage>/ (start with `$(call stage_dir,<stage>)`,
#     which empties that directory): pytest --junitxml=$(REPORTS)/<stage>/pytest.xml, ansible-test --junit,
#     or, for a tool without JUnit output, each command wrapped in $(JUNIT_COMMAND) (one test case per command;
#     --ran REGEX makes "the tool looked at nothing" a failure);
#   * `make test` records its exit status in $(REPORTS)/<stage>.exit.
# The run fails when a stage wrote no report, ran no test (a --split group included), had a failing test
# case, or exited non-zero. STAGE_SPLITS shows some test modules of a stage as a group of their own (the
# group named `services` is counted as tests of the local services, apart from tests of the collection).
# To add a stage: write its target as above, add it to STAGES (fastest first) and to .PHONY.
STAGES ?= units lint docs-lint options cores-smoke sanity integration bench-smoke
STAGE_SPLITS := \
	--split integration:molecule=test_molecule.py \
	--split integration:services=test_ram_service.py,test_marketplace_service.py,test_sandbox_*.py
JUNIT_COMMAND := $(PY) $(REPO)/scripts/junit_command.py
stage_dir = rm -rf $(REPORTS)/$(1) && mkdir -p $(REPORTS)/$(1)

# Every stage runs, even after another failed (the summary shows them all); the closing line counts the
# test cases of every stage: `test: N passed, N failed, N skipped`, non-zero exit if anything failed.
test: ## everything: venv, collection, then the STAGES (units, lint, docs-lint, options, cores-smoke, sanity, ...)
	@start=$$(date +%s); rm -rf $(REPORTS); mkdir -p $(REPORTS); \
	$(MAKE) venv collection; \
	for stage in $(STAGES); do \
	    echo "=== make $$stage"; rc=0; $(MAKE) $$stage || rc=$$?; echo $$rc > $(REPORTS)/$$stage.exit; \
	done; \
	python3 $(REPO)/scripts/test_summary.py --reports $(REPORTS) --seconds $$(( $$(date +%s) - start )) \
	    $(STAGE_SPLITS) $(STAGES)

# --- benchmarks (not tests: they measure and report) ---------------------------------------------

BENCH_SIZES ?= 10,100,1000
# BENCH_ARGS=--merge keeps the other sizes of the last run (.build/bench/bench.json) in the report.
bench: venv collection ## onboarding benchmark (N accounts; BENCH_SIZES=10,100,1000): .build/bench, docs/benchmarks.md
	$(NO_PROXY_ENV) $(PY) benchmarks/bench.py --sizes $(BENCH_SIZES) --out $(BUILD)/bench --report $(BENCH_ARGS)

# The `bench` stage of make test: the benchmark at N=10 as a smoke test that it works (no timing goal).
bench-smoke: venv collection ## the benchmark at N=10 only, no report (what make test runs)
	@$(call stage_dir,bench-smoke)
	$(NO_PROXY_ENV) $(JUNIT_COMMAND) --report $(REPORTS)/bench-smoke/bench-smoke.xml --name bench-smoke-n10 \
	    --ran 'bench: (\d+) passed' -- $(PY) benchmarks/bench.py --sizes 10 --out $(BUILD)/bench-smoke

# --- chaos: faults, overlapping runs, SIGKILL at every write (issue 13) -------------------------------------

CHAOS_SIZE ?= full
CHAOS_SEED ?= 2026
# CHAOS_ONLY: a space-separated subset of the scenarios (e.g. CHAOS_ONLY=faults-60); empty: all of them
CHAOS_ONLY ?=
chaos: venv collection ## randomized faults / overlapping runs / SIGKILL at every write, summary table (CHAOS_SIZE=full|smoke, CHAOS_ONLY=scenario ...)
	$(NO_PROXY_ENV) $(PY) scripts/chaos.py --size $(CHAOS_SIZE) --seed $(CHAOS_SEED) --junit $(BUILD)/chaos/chaos.xml \
		$(if $(strip $(CHAOS_ONLY)),--only $(CHAOS_ONLY))

# The smoke size as a stage (not in STAGES by default: minutes of wall time on a 2-core machine); add it with
# `make test STAGES="... chaos-smoke"`. One JUnit test case per scenario.
chaos-smoke: venv collection ## the chaos scenarios at smoke size, as a make test stage (JUnit in .build/reports)
	@$(call stage_dir,chaos-smoke)
	$(NO_PROXY_ENV) $(PY) scripts/chaos.py --size smoke --seed $(CHAOS_SEED) --junit $(REPORTS)/chaos-smoke/chaos.xml

# --- local services --------------------------------------------------------------------------

# The seeded Resource Directory (several accounts, each with its own root key: run.py prints where) over HTTPS
# with a CA generated at start (its path is in .sandbox/sandbox.env); SANDBOX_ARGS= for one account over HTTP.
SANDBOX_ARGS ?= --seed --tls
sandbox: venv ## run the local RAM/STS/Resource Manager + marketplace services in the foreground (state in .sandbox)
	$(NO_PROXY_ENV) $(PY) tests/sandbox/run.py --state-dir .sandbox --ram-port 18765 --marketplace-port 18766 $(SANDBOX_ARGS)

demo: venv collection ## fresh seeded HTTPS sandbox: a Resource Directory onboarded twice through AssumeRole (2nd run changed=0), summary.yml
	$(NO_PROXY_ENV) $(REPO)/scripts/demo.sh

# --- packaging and cleanup -------------------------------------------------------------------

build: venv ## build the collection tarball into .build/dist
	ansible-galaxy collection build --force --output-path $(BUILD)/dist $(REPO)

docs: venv collection ## the docs site (antsibull-docs + Sphinx, offline) into .build/docs/build/html, links checked
	$(REPO)/scripts/docs.sh $(BUILD)/docs
	$(PY) $(REPO)/scripts/check_links.py $(BUILD)/docs/build/html

release-notes: venv ## once, at release: changelog.yaml release entry + CHANGELOG.rst for galaxy.yml's version
	$(REPO)/scripts/release.sh

clean: ## remove build output, test output, sandbox state and caches (keeps .venv)
	rm -rf $(BUILD) $(REPO)/.sandbox $(REPO)/tests/output $(REPO)/.pytest_cache
	find $(REPO) -path $(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@# symlink farm pytest-ansible makes when started without --ansible-unit-inject-only
	@if [ -d $(REPO)/collections ] && [ -z "$$(find $(REPO)/collections -type f -print -quit)" ]; then \
	    rm -rf $(REPO)/collections; fi

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
