# Two commands on a fresh machine with python3 and make: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DB := var/demo.db

.PHONY: setup run test lint bench docs-preview clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

## Fresh SQLite database with the seed round and one open round a few minutes from now; web + scheduler.
run: setup
	$(BIN)/python -m tools.run_demo --database $(DEMO_DB)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

## The whole suite: lint (ruff, mypy), unit, integration (SQLite and PostgreSQL), CLI, HTTP and browser tests.
test: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## Every benchmark (a few minutes), results in benchmarks/RESULTS.md; `make bench SCALE=0.2` for a quick look.
SCALE ?= 1.0
bench: setup
	$(BIN)/python -m benchmarks.run --scale $(SCALE)

docs-preview: setup
	$(BIN)/python -m tools.docs_preview var/docs-preview

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache
