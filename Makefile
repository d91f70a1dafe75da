# The two commands (see README.md):
#   make reports   set up .venv, create and seed the store if needed, build every report
#   make test      the same set-up, then lint and the whole test suite
# Needs only Python 3.11 and make. Re-running reuses .venv and the store.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: setup store reports test lint format benchmark benchmark-serve lab serve screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "scirocco-lab needs Python 3.11; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e ".[dev,dask,postgres]"
	@# rfc3987-syntax (jupyter-events -> jsonschema[format-nongpl]) adds ~1 s to every import
	@# of nbformat (papermill, nbconvert, Jupyter) and nothing here validates IRIs: measured, removed.
	$(BIN)/uv pip uninstall --quiet --python $(BIN)/python rfc3987-syntax
	@touch $@

setup: $(STAMP)

store: setup
	$(BIN)/scirocco-lab store init --seed-demo-if-empty

reports: store
	$(BIN)/scirocco-lab reports build

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: store lint
	@# The store, import and report tests also run on a throwaway PostgreSQL cluster
	@# (scripts/postgres-test-cluster.sh, started and stopped by tests/conftest.py).
	@# Browser tests drive Debian's chromium (never a downloaded browser); the PDF report
	@# tests read PDFs with poppler's pdftotext.
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-poppler.sh
	$(BIN)/python -m pytest

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: setup
	bash scripts/ensure-chromium.sh
	$(BIN)/python benchmarks/consensus_benchmark.py
	$(BIN)/python benchmarks/report_batch.py --pdf

benchmark-serve: setup
	@# Kernels and memory under anonymous loads, time to a ready form (about 3 min, 2 GB).
	$(BIN)/python benchmarks/serve_load.py

serve: store
	$(BIN)/scirocco-lab serve $(if $(SUBJECT),--subject $(SUBJECT)) $(if $(ROUND),--round $(ROUND))

screenshots: setup
	bash scripts/ensure-chromium.sh
	SCIROCCO_LAB_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/capture/test_browser.py

lab: store
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) reports/regions reports/index.html
