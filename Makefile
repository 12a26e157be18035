# The README's two commands: `make demo` and `make test`. CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= build/demo

.PHONY: demo test test-nightly lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/zfaudit sample --out $(DEMO)/export --cases 300 --seed 7 --media-store $(DEMO)/media
	$(BIN)/zfaudit load $(DEMO)/export --db $(DEMO)/bureau.duckdb
	$(BIN)/zfaudit exceptions import $(DEMO)/export/例外登记.xlsx --db $(DEMO)/bureau.duckdb
	# three quarters, so the report's trend has points; Q3 last: the latest run
	for q in 2026Q1 2026Q2; do \
	  $(BIN)/zfaudit audit --db $(DEMO)/bureau.duckdb --profile zhuzhou_cgzf --period $$q \
	    --as-of "2026-11-25 00:00:00" --media-store $(DEMO)/media || exit 1; done
	$(BIN)/zfaudit audit --db $(DEMO)/bureau.duckdb --profile zhuzhou_cgzf --period 2026Q3 \
		--as-of "2026-11-25 00:00:00" --media-store $(DEMO)/media --docs $(DEMO)/datadocs
	$(BIN)/zfaudit scores --db $(DEMO)/bureau.duckdb --out $(DEMO)/scores.xlsx
	$(BIN)/zfaudit report quarterly --db $(DEMO)/bureau.duckdb --out $(DEMO)/reports/ --format html,pdf,docx
	$(BIN)/zfaudit report spot-check --db $(DEMO)/bureau.duckdb --seed 20261125 --out $(DEMO)/reports/ --format html,pdf
	@echo "Data Docs: $(DEMO)/datadocs/index.html"

test: $(BIN)/.installed
	$(BIN)/ruff check zfaudit tests benchmarks notebooks
	$(BIN)/pytest -q

# the loader's property test with many more generated exports (about 10 minutes)
test-nightly: $(BIN)/.installed
	HYPOTHESIS_PROFILE=nightly $(BIN)/pytest -q tests/ingest/test_load_properties.py

lint: $(BIN)/.installed
	$(BIN)/ruff check zfaudit tests benchmarks notebooks

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_audit.py

clean:
	rm -rf build $(VENV)
