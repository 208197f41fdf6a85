# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up, then start the web UI on http://127.0.0.1:7860
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The CPU build of torch first: an unpinned torch pulls a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= dev,cluster

.PHONY: setup run test test-fast browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/passerelle ui

# Browser tests drive Debian's Chromium (Playwright's own download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || echo "chromium not installed: browser tests will be skipped"

# One thread per test process: the suite runs tiny models, where thread start-up costs more than it gains.
test: setup browser
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest

# The everyday subset: no subprocess, server, browser or Ray (well under a minute).
test-fast: setup
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "unit or model"

bench: setup
	$(BIN)/passerelle bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
