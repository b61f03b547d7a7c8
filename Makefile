# Two commands for a fresh machine (Python 3.11+, pip, Java, make):
#   make run    create .venv, install, build the graph, serve it on http://127.0.0.1:7878
#   make test   create or update .venv, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7878

.PHONY: install build export run serve test bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/cybernorms build

export: build
	$(BIN)/cybernorms export

serve: $(STAMP)
	$(BIN)/cybernorms serve --host $(HOST) --port $(PORT)

run: build
	$(BIN)/cybernorms serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: build
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_queries.py
	$(BIN)/python scripts/bench_serve.py

clean:
	rm -rf build dist
