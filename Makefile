# Covered: `make demo` and `make test` set everything up on a machine with Python 3.11.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# Compile bytecode at install: this environment may set PYTHONDONTWRITEBYTECODE, and every
# pipeline process would otherwise recompile its imports (about 1 s of CPU each).
export UV_COMPILE_BYTECODE := 1
UV := $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
MELTANO_STAMP := .meltano/.installed
DEMO_DATA := data/demo
DEMO_PORT ?= 8501

.PHONY: help setup demo test lint format bench browser clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

.bootstrap/bin/uv:
	$(PYTHON) -m venv .bootstrap
	.bootstrap/bin/pip install --quiet uv==0.13.9

$(BIN)/covered: $(UV) pyproject.toml uv.lock */*/pyproject.toml
	$(UV) sync --frozen
	@touch $@

$(MELTANO_STAMP): $(BIN)/covered meltano.yml extract/*/pyproject.toml load/*/pyproject.toml
	$(BIN)/meltano install
	@touch $@

setup: $(MELTANO_STAMP) ## Install the project venv and every Meltano plugin

browser: ## Install Debian's Chromium for the browser tests (needs root or sudo)
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: setup ## Generate the demo dataset, run the pipeline on it, serve the dashboard
	$(BIN)/covered sandbox generate --out $(DEMO_DATA) --anchor $$(date -u +%Y-%m-%dT00:00:00Z)
	$(BIN)/covered pipeline --data $(DEMO_DATA) --config $(DEMO_DATA)/config
	@echo "Dashboard: http://localhost:$(DEMO_PORT)"
	$(BIN)/streamlit run app.py --server.headless true --server.port $(DEMO_PORT)

test: setup browser ## Run the whole test suite (pipeline, dbt, dashboard, browser)
	$(BIN)/pytest

lint: $(BIN)/covered ## ruff and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint transform/models analyze

format: $(BIN)/covered ## Apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## Benchmarks (minutes): loader, pipeline, dbt, dashboard -> benchmarks/results.json
	$(BIN)/python benchmarks/run.py

clean: ## Remove the venvs, plugins, data and warehouses
	rm -rf .bootstrap $(VENV) .meltano data warehouse transform/target
