# tiphub — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOME_DIR ?= var

.PHONY: install demo serve test test-slow test-all lint bench clean

$(BIN)/tiphub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/tiphub

## demo: generate demo data, import it as several organisations, print statistics, write the report
demo: install
	$(BIN)/tiphub --home $(HOME_DIR) demo

## test: the default test run (fast; PostgreSQL tests run when TIPHUB_TEST_POSTGRES_URL is set)
test: install
	$(BIN)/pytest -n 2

## test-slow: the long-running tests only (CI runs them after `make test`)
test-slow: install
	$(BIN)/pytest -n 2 -m slow

test-all: test test-slow

lint: install
	$(BIN)/ruff check tiphub tests benchmarks

## bench: the benchmark scripts (each prints a table against a baseline measured in the same run)
bench: install
	$(BIN)/python benchmarks/import_speed.py
	$(BIN)/python benchmarks/stats_speed.py

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .hypothesis
