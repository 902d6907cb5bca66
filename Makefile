# anbang: two commands for a newcomer.
#   make run   fresh machine -> virtualenv, dependencies, assets, migrations, demo data, http://127.0.0.1:8000
#   make test  fresh machine -> everything set up, lint, types, tests (SQLite) and browser tests
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
VENDOR := static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/anbang_ci

.PHONY: run test lint types unit e2e test-postgres assets setup demo clean messages bench

$(STAMP): pyproject.toml
	command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

assets: $(VENDOR)/.stamp

setup: $(STAMP) assets

demo: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py demo

run: demo
	@echo "anbang: http://$(HOST):$(PORT)/  (sign in as any user above)"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy .

unit: setup
	$(BIN)/pytest -q

e2e: setup
	$(BIN)/pytest -q e2e

test: lint types unit e2e

test-postgres: setup
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q --create-db

messages: $(STAMP)
	$(PY) manage.py makemessages -l en -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/*.py; do $(PY) $$f; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
