# Every target is a thin call into Python. Fresh Debian machine: `make serve` or `make test`.
# Python packages install from the hashed locks in requirements/ (`make lock` refreshes them):
# site.txt builds and serves; dev.txt adds tests and linters (no PyTorch); test.txt adds the
# PyTorch reference. Node tools (ESLint, the Nu HTML Checker, Lighthouse) install from
# package-lock.json.
# (pip-compile runs as its own script: `python -m piptools` from the root would import our
# build.py in place of PyPA's build package.)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install -q --require-hashes --only-binary :all:
SITE_STAMP := $(VENV)/.site-installed
DEV_STAMP  := $(VENV)/.dev-installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := node_modules/.installed
COMPILE := $(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	--all-build-deps --no-emit-index-url --no-emit-find-links

.PHONY: install install-dev install-test node build serve test test-fast chromium engines bench model \
	model-llama traces lint format lock clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# $(1): the lock to install; the project itself goes in editable, built by the locked setuptools
define install_lock
	$(PIP) -r $(1)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@
endef

$(SITE_STAMP): requirements/site.txt pyproject.toml | $(VENV)/bin/python
	$(call install_lock,requirements/site.txt)

$(DEV_STAMP): requirements/dev.txt pyproject.toml | $(VENV)/bin/python
	$(call install_lock,requirements/dev.txt)
	touch $(SITE_STAMP)

$(TEST_STAMP): requirements/test.txt pyproject.toml | $(VENV)/bin/python
	$(call install_lock,requirements/test.txt)
	touch $(SITE_STAMP) $(DEV_STAMP)

$(NODE_STAMP): package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

install: $(SITE_STAMP)          ## what building and serving need
install-dev: $(DEV_STAMP)       ## plus tests, lint and type checks (no PyTorch)
install-test: $(TEST_STAMP)     ## plus the PyTorch reference (CPU build)
node: $(NODE_STAMP)             ## ESLint, the Nu HTML Checker, Lighthouse

build: install                  ## build the site into site/
	$(PY) build.py

serve: install                  ## build, serve on http://127.0.0.1:8000, rebuild and reload on change
	$(PY) -m sitebuild.serve

# Debian's browsers for the tests, each installed when its command is missing: Chromium, and for
# tests/engines/ Firefox ESR (Puppeteer drives it over WebDriver BiDi) and WebKitGTK's
# WebDriver with its MiniBrowser (Selenium drives it, under Xvfb).
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
chromium:                       ## Debian's Chromium for the browser tests, when missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && $(APT_INSTALL) chromium; }

engines:                        ## Firefox ESR, WebKitGTK's WebDriver and Xvfb, when missing
	@command -v firefox-esr >/dev/null 2>&1 && command -v WebKitWebDriver >/dev/null 2>&1 \
	  && command -v Xvfb >/dev/null 2>&1 \
	  || { apt-get update -qq && $(APT_INSTALL) firefox-esr webkit2gtk-driver xvfb; }

# --dist loadgroup: each engine's tests stay on one worker, which starts that browser once
test: install-test chromium engines node  ## every test: kernels, build, model, three browsers
	$(PY) -m pytest -q -n 2 --dist loadgroup --durations=10

test-fast: install-dev          ## everything but the browser tests, without PyTorch
	$(PY) -m pytest -q -m "not browser"

bench: install-test chromium engines node  ## build time, bytes per page, first kernel result, tokens/s, Lighthouse
	$(PY) tools/bench.py

model: install-test             ## retrain the small GPT (CPU: 0.28 s/step, 20 min on 2 idle cores)
	$(PY) -m reference.train

model-llama: install-test       ## retrain the Llama-style second model (1,150 s on 2 CPU cores)
	$(PY) -m reference.train --arch llama

traces: install-test            ## record the reference traces from the shipped weights; retrain the sonnet adapter
	$(PY) -m reference.traces
	$(PY) -m reference.labs
	$(PY) -m reference.lora
	$(PY) -m reference.heldout
	$(PY) -m reference.heldout --windows 5 --tokens 513 --out traces/heldout_long.json
	$(PY) -m reference.traces --weights traces/llama --out traces/llama --only prompts
	$(PY) -m reference.traces --weights traces/llama --out traces/llama --only induction

lint: install-dev node          ## ruff, mypy on the kernels and the build, ESLint on static/
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	npx --no-install eslint .

format: install-dev
	$(PY) -m ruff format .

lock: install-dev               ## refresh requirements/*.txt and package-lock.json from the registries
	$(COMPILE) --extra dev --extra reference -o requirements/test.txt pyproject.toml
	$(COMPILE) --extra dev -c requirements/test.txt -o requirements/dev.txt pyproject.toml
	$(COMPILE) -c requirements/test.txt -o requirements/site.txt pyproject.toml
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf site .pytest_cache
