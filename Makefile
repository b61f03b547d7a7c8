# Two commands for a fresh machine (Python 3.11+, pip, Java, make):
#   make run    create .venv, install, build the graph, serve it on http://127.0.0.1:7878
#   make test   create or update .venv, run the whole test suite (in parallel)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7878
SCALE  ?=

.PHONY: install build export site release run serve test test-fast lint bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/cybernorms build

export: build
	$(BIN)/cybernorms export

release: export
	$(BIN)/cybernorms release

run: build
	$(BIN)/cybernorms serve --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/cybernorms serve --host $(HOST) --port $(PORT)

# every test, on all cores; the slow ones (full builds, the wheel, the browser) included. Each
# file's tests run in one worker (its fixtures made once); the files with slow tests go first
# (tests/conftest.py orders them), so that no worker ends the run alone on a long one
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

# the quick set, for a developer between changes
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder -m "not slow"

# the gates CI runs before the tests: lint, format, types
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

SCALE  ?= 1 10

# `make bench` measures the data as issue 10 was filed, x1 and x10; `make bench SCALE=5` (or SCALE="1 5") about a million triples
bench: build
	$(BIN)/python scripts/bench_scale.py --as-filed --scale $(SCALE)
	$(BIN)/python scripts/bench_queries.py
	$(BIN)/python scripts/bench_serve.py
	$(BIN)/python scripts/bench_pages.py
	$(BIN)/python scripts/bench_site.py
	$(BIN)/python scripts/bench_tables.py

clean:
	rm -rf build dist
