# The two commands: `make run` (set up, migrate, load the demo, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The demo's story date (app/demo/data.py STORY_DATE): deadlines and overdue actions are
# counted from it. `make run WCC_TODAY=` counts them from today.
WCC_TODAY ?= 2010-05-26

.PHONY: run test install lint format bench bench-suite bench-storage load clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/wcc db upgrade
	$(BIN)/wcc demo
	WCC_TODAY=$(WCC_TODAY) $(BIN)/wcc serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/reports.py

bench-suite: install
	$(BIN)/python bench/suite.py

bench-storage: install
	$(BIN)/python bench/storage.py

load: install
	$(BIN)/python bench/load.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
