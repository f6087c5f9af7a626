# tiphub — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOME_DIR ?= var

.PHONY: install demo serve test test-slow test-browser test-all lint bench bench-api bench-linkage bench-estimation bench-release clean

$(BIN)/tiphub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/tiphub

## demo: generate demo data, import it as several organisations, print statistics, write the
## report, then serve the hub on http://127.0.0.1:8000 (Ctrl-C stops it)
demo: install
	$(BIN)/tiphub --home $(HOME_DIR) demo
	$(BIN)/tiphub --home $(HOME_DIR) serve

## test: the default test run (fast; PostgreSQL tests run when TIPHUB_TEST_POSTGRES_URL is set,
## browser tests when Chromium is at /usr/bin/chromium; screenshots in test-output/screenshots/)
test: install
	$(BIN)/pytest -n 2

## test-slow: the long-running tests only (CI runs them after `make test`)
test-slow: install
	$(BIN)/pytest -n 2 -m slow

## test-browser: the browser tests only (Playwright driving Debian's Chromium: apt-get install chromium)
test-browser: install
	$(BIN)/pytest -n 2 -m browser

test-all: test test-slow

lint: install
	$(BIN)/ruff check tiphub tests benchmarks

## bench: the benchmark scripts (each prints a table against a baseline measured in the same run)
bench: install
	$(BIN)/python benchmarks/import_speed.py
	$(BIN)/python benchmarks/stats_speed.py

## bench-linkage: record linkage — encoding speed, the Dice kernel against anonlink (installed into a
## throwaway venv), FEBRL accuracy, matching at scale, and 4 organisations x 250,000 records end to end
bench-linkage: install
	$(BIN)/python benchmarks/encode_speed.py
	$(BIN)/python benchmarks/dice_kernel.py
	$(BIN)/python benchmarks/link_accuracy.py
	$(BIN)/python benchmarks/link_scale.py
	$(BIN)/python benchmarks/link_end_to_end.py

## bench-estimation: interval coverage on 200 simulated populations, and bootstrap speed on 6 lists
bench-estimation: install
	$(BIN)/python benchmarks/mse_coverage.py
	$(BIN)/python benchmarks/mse_speed.py

## bench-release: noisy tables against the Gaussian optimum, and synthetic data against OpenDP's
## MST (the bench extra: opendp[mbi]) and pac-synth, on 50,000 demo rows at epsilon 1
bench-release: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/dp_tables.py
	$(BIN)/python benchmarks/dp_synthetic.py

## bench-api: the dashboard API under 50 concurrent clients on 1 million records (wrk if installed)
bench-api: install
	$(BIN)/python benchmarks/api_load.py

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .hypothesis
