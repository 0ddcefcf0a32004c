# The two commands a newcomer needs (see README): `make run` and `make test`. Both are idempotent.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup lint types pytest bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch node_modules/.installed

setup: $(STAMP) node_modules/.installed

## Set up and serve the platform on its embedded defaults (SQLite, eager jobs, local Prefect) with demo data.
run: setup
	bash scripts/run.sh

## Set up and run the whole test suite: ruff, mypy, pytest.
test: setup lint types pytest

lint:
	$(VENV)/bin/ruff check .

types:
	$(VENV)/bin/mypy .

pytest:
	bash scripts/ensure-chromium.sh
	bash scripts/pytest.sh

bench: setup
	bash scripts/bench.sh

clean:
	rm -rf var/db.sqlite3 var/test var/media
