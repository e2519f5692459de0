# Every target is a thin call into Python. Fresh Debian machine: `make serve` or `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SITE_STAMP := $(VENV)/.site-installed
DEV_STAMP  := $(VENV)/.dev-installed

.PHONY: install install-dev build serve test test-fast chromium bench model traces lint format clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(SITE_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev,reference]'
	touch $@ $(SITE_STAMP)

install: $(SITE_STAMP)          ## what building and serving need
install-dev: $(DEV_STAMP)       ## plus tests, lint and the PyTorch reference (CPU build)

build: install                  ## build the site into site/
	$(PY) build.py

serve: install                  ## build, serve on http://127.0.0.1:8000, rebuild and reload on change
	$(PY) -m sitebuild.serve

chromium:                       ## Debian's Chromium for the browser tests, when missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install-dev chromium      ## every test: kernels, build, model, browser
	$(PY) -m pytest -q

test-fast: install-dev          ## everything but the browser tests
	$(PY) -m pytest -q -m "not browser"

bench: install-dev chromium     ## build time, bytes per page, time to first kernel result, tokens/s
	$(PY) tools/bench.py

model: install-dev              ## retrain the small GPT (CPU: 0.28 s/step, 20 min on 2 idle cores)
	$(PY) -m reference.train

traces: install-dev             ## record the reference traces from the shipped weights
	$(PY) -m reference.traces
	$(PY) -m reference.labs

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-dev
	$(PY) -m ruff format .

clean:
	rm -rf site .pytest_cache
