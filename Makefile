# Two entry points (see README): `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit report-deps system-deps postgres bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Debian packages. The demo's PDF report needs CJK fonts and Pango (WeasyPrint); the tests also need
## Chromium for the browser tests. Installed only when something is missing.
REPORT_PACKAGES := fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0
report-deps:
	@if ! fc-list 2>/dev/null | grep -qi "noto sans cjk" || ! ldconfig -p | grep -q "libpangoft2-1.0.so.0"; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(REPORT_PACKAGES) >/dev/null; \
	fi

system-deps: report-deps
	@if ! command -v chromium >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## Start the machine's PostgreSQL if it is not running; fail (never skip) if it cannot start.
postgres:
	@bash scripts/ensure-postgres.sh

PORT ?= 8000
demo: setup report-deps
	$(BIN)/vats demo --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -n 2 -q

test: setup system-deps postgres lint typecheck unit

bench: setup postgres
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
