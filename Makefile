# The README's two commands: `make run` (local runtime) and `make test` (everything CI checks).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export SAM_CLI_TELEMETRY := 0
export UV_PYTHON_DOWNLOADS := never
VENV_BIN := .venv/bin
TOOLS_BIN := .tools/bin
# Variables (`make help` lists them too):
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k health"`.
PYTEST_ARGS ?=
# Arguments for the local runtime, e.g. `make run RUN_ARGS="--no-demo --env prod"`.
RUN_ARGS ?=
# /health port of `make run` (and the default of `.venv/bin/workerctl health`); 8085 when unset.
ifdef PORT
export PORT
endif

.PHONY: help setup tools run test lint typecheck unit template layer-requirements check-layer-requirements bench clean

help: ## List the targets and variables
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-26s %s\n", $$1, $$2}'
	@printf '%s\n' "" "variables:" \
	  '  RUN_ARGS="..."     options of make run, e.g. RUN_ARGS="--no-demo --env prod --job-module my_jobs"' \
	  '  PORT=8085          /health port of make run (and of .venv/bin/workerctl health)' \
	  '  PYTEST_ARGS="..."  extra pytest arguments of make test / make unit, e.g. PYTEST_ARGS="-k health"' \
	  "" "the CLI: .venv/bin/workerctl --help (run from the project root; make setup creates .venv)"

setup: ## Create .venv from uv.lock (finds Python 3.13, installs uv if needed)
	@devtools/bootstrap.sh > .tools.env

tools: ## setup + the SAM CLI and checkov in their own isolated environments
	@mkdir -p .tools && devtools/bootstrap.sh --tools > .tools.env

run: setup ## Run the product locally: emulator, queues from template.yaml, poller, /health on :8085 (PORT), dashboard on :8086
	$(VENV_BIN)/workerctl run $(RUN_ARGS)

test: tools lint typecheck check-layer-requirements unit template ## Everything: lint, types, tests, template checks
	@echo "make test: all checks passed"

lint: ## ruff lint + format check
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

typecheck: ## mypy --strict on our packages
	$(VENV_BIN)/mypy

unit: ## pytest: unit, integration (moto) and e2e, with coverage >= 90 %
	$(VENV_BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

template: ## cfn-lint, sam validate --lint, sam build (arm64), checkov
	$(VENV_BIN)/cfn-lint template.yaml
	$(TOOLS_BIN)/sam validate --lint
	source .tools.env && PATH="$$PYTHON313_DIR:$$PATH" $(TOOLS_BIN)/sam build --cached --parallel
	$(VENV_BIN)/python devtools/check_build.py .aws-sam/build
	$(TOOLS_BIN)/checkov --quiet --compact --skip-download --framework cloudformation --file template.yaml

layer-requirements: ## Re-export layers/common/requirements.txt from uv.lock
	source .tools.env && "$$UV" export --locked --no-dev --no-hashes --no-emit-project \
	  --no-header --no-annotate --output-file layers/common/requirements.txt --quiet

check-layer-requirements: ## Fail when the layer's requirements drifted from uv.lock
	source .tools.env && diff -u layers/common/requirements.txt \
	  <("$$UV" export --locked --no-dev --no-hashes --no-emit-project --no-header --no-annotate --quiet) \
	  || { echo "layers/common/requirements.txt is stale: run 'make layer-requirements'" >&2; exit 1; }

bench: setup ## Benchmarks (ratios against baselines measured in the same run)
	$(VENV_BIN)/python -m bench

clean: ## Remove build output and environments
	rm -rf .aws-sam .venv .tools .tools.env .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
