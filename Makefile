# Two commands on a fresh machine: `make run` (serve the app) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install index run postgres nginx cluster cluster-stop test test-fast eval eval-summary heldout train ablate bench load browser lint clean

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

# Debian's PostgreSQL server for the store tests and the cluster (the tests start their own).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }

# Debian's nginx, the balancer of the cluster.
nginx:
	@test -x /usr/sbin/nginx || command -v nginx >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nginx; }

# PostgreSQL, REPLICAS app processes (default 3) and nginx on 127.0.0.1:8080, all on loopback;
# returns once the balancer serves. `make cluster-stop` stops what it started.
cluster: index postgres nginx
	$(PY) deploy/cluster.py up

cluster-stop:
	$(PY) deploy/cluster.py down

# The tests and the two evaluation gates over one index built for them in a temporary folder,
# removed afterwards (tests/run_all.sh): neither needs nor touches var/, `make run`'s.
test: install browser postgres nginx
	PY=$(PY) tests/run_all.sh

# The tests that start no process and build no index but the session's own (in a temporary folder).
test-fast: install
	$(PY) -m pytest -m "not browser and not slow"

eval: index
	$(PY) -m eval --show-failures

# Every gate, dev and test set measured; eval/results/summary.json and the README table.
eval-summary: index
	$(PY) -m eval.summary --measure --readme

# The held-out sets are measured, never tuned on: no gate, see docs/evaluation.md.
heldout: index
	for f in eval/heldout/*.jsonl eval/real/dev.jsonl eval/real/test.jsonl; do $(PY) -m eval --gold $$f || exit 1; done

# Learn retrieval's trained parts from the train split (eval/manifest.toml); writes
# assistant/data/relevance/ and eval/results/relevance.json. Never run by `make run`.
train: install
	$(PY) -m eval.train

# Each hand-written retrieval part left out in turn, the trained parts retrained without it;
# writes eval/results/ablation.json (about 20 minutes).
ablate: install
	$(PY) -m eval.ablate

bench: index
	$(PY) bench/run.py

load: index
	$(PY) bench/load.py

lint: install
	$(VENV)/bin/ruff check assistant eval tests app.py bench
	$(VENV)/bin/mypy

clean:
	rm -rf var artifacts eval/report.json eval/report.md eval/report-*
