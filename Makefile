# Two commands on a fresh machine: `make run` (serve the app) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install index run test test-fast eval heldout bench load browser lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build first: anything that depends on torch would otherwise pull CUDA.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(PY) -m assistant build

run: index
	$(PY) app.py

# Debian's Chromium for the browser tests (Playwright's own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

test: index browser
	$(PY) -m pytest
	$(PY) -m eval --gate

test-fast: index
	$(PY) -m pytest -m "not browser and not slow"

eval: index
	$(PY) -m eval --show-failures

# The held-out sets are measured, never tuned on: no gate, see README "Evaluation".
heldout: index
	for f in eval/heldout*.jsonl; do $(PY) -m eval --gold $$f || exit 1; done

bench: index
	$(PY) bench/run.py

load: index
	$(PY) bench/load.py

lint: install
	$(VENV)/bin/ruff check assistant eval tests app.py bench

clean:
	rm -rf var artifacts eval/report.json eval/report.md eval/report-*
