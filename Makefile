# The README's two commands: `make demo` and `make test`. CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= build/demo

.PHONY: demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/zfaudit sample --out $(DEMO)/export --cases 400 --seed 7
	$(BIN)/zfaudit load $(DEMO)/export --db $(DEMO)/bureau.duckdb

test: $(BIN)/.installed
	$(BIN)/ruff check zfaudit tests benchmarks
	$(BIN)/pytest -q

lint: $(BIN)/.installed
	$(BIN)/ruff check zfaudit tests benchmarks

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf build $(VENV)
