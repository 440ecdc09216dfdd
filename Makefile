# ChainMatch: `make run` installs and starts the site with demo data; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run install test test-sqlite test-postgres lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned to the local CPU build: otherwise pip resolves sentence-transformers
# to a multi-GB CUDA build of torch.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	CHAINMATCH_DEV=1 $(BIN)/flask run --host 127.0.0.1 --port $${PORT:-5000}

test: install lint test-sqlite test-postgres

lint: install
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/pytest -q -n 2 --dist loadfile

test-postgres: install
	$(BIN)/pytest -q -n 2 --dist loadfile --db postgres tests/services tests/views tests/api

clean:
	rm -rf $(VENV) instance .pytest_cache
