# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up, then start the web UI on http://127.0.0.1:7860 (make run PORT=8000 ARGS="--host 0.0.0.0")
#   make test   set up with the test tools and Ray, then lint, type-check and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of torch first: an unpinned torch pulls a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0
# `make run` needs the project alone; the tests add their tools, Ray and psycopg (optional for users).
TEST_EXTRAS ?= dev,cluster,postgres
PORT ?= 7860
ARGS ?=
BASE := $(VENV)/.installed
TOOLS := $(VENV)/.installed-tools

.PHONY: setup setup-test run test test-fast lint browser bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(BASE): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e .
	touch $(BASE)

$(TOOLS): $(BASE)
	$(BIN)/pip install --quiet -e ".[$(TEST_EXTRAS)]"
	touch $(TOOLS)

setup: $(BASE)

setup-test: $(TOOLS)

run: setup
	$(BIN)/passerelle ui --port $(PORT) $(ARGS)

# Browser tests drive Debian's Chromium (Playwright's own download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed: browser tests will be skipped"

# ruff (lint, format) and mypy; mypy reads the packages through links named as they are
# installed (passerelle.translate is translate/), since it cannot follow the editable install.
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@mkdir -p .typecheck/passerelle && for p in translate summarize ui; do ln -sfn ../../$$p .typecheck/passerelle/$$p; done
	$(BIN)/mypy

# One thread per test process: the suite runs tiny models, where thread start-up costs more than it gains.
test: setup-test browser lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest

# The everyday subset: no subprocess, server, browser or Ray (under a minute).
test-fast: setup-test
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "unit or model"

bench: setup-test
	$(BIN)/passerelle bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .typecheck
