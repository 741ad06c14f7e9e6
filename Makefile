# Quick start: `make translate` (or `make demo` without the Hugging Face hub) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# torch 2.13 is what the project is tested with; TORCH_INDEX picks a wheel index (for example
# https://download.pytorch.org/whl/cpu for a CPU-only build).
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
# Test processes (pytest-xdist): one per CPU core; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: setup setup-dev translate demo test lint browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q "$(TORCH_SPEC)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install -q -e .
	touch $@

# The ray extra too: tests/test_executors.py runs the Ray executor on a local Ray.
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev,fast,ray]'
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

## The main job with the real models (needs the Hugging Face hub once, or a filled cache).
translate: setup
	$(BIN)/pipeline translate samples/ --out out/

## The main job offline, with tiny demo models that output random words, into pipeline.db
## (the store `pipeline serve` opens by default).
demo: setup
	$(BIN)/pipeline models demo demo-models/
	$(BIN)/pipeline translate samples/ --models demo-models/models.yaml --out out-demo/
	@echo "next: $(BIN)/pipeline serve    (the review desk on these stories)"

## Debian's chromium drives the browser tests (skipped with a message where it is missing).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

lint: setup-dev
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/mypy

test: setup-dev
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/mypy
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/pytest -q -n $(TEST_WORKERS)

clean:
	rm -rf $(VENV) out out-demo demo-models pipeline.db pipeline.db-*
