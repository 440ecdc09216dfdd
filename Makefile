# ChainMatch: `make run` installs and starts the site with demo data; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run install translations translations-update test test-sqlite test-postgres lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned to the local CPU build: otherwise pip resolves sentence-transformers
# to a multi-GB CUDA build of torch.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

# Translations: the .po files in translations/ are the source (committed); the .mo files the site
# reads are compiled from them here, never committed. `make translations-update` collects the
# strings marked with _()/_l() into translations/messages.pot and merges them into every .po
# (new ones untranslated: tests/services/test_translations.py fails until they are translated).
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)

translations: $(PO_FILES:.po=.mo)

translations/%.mo: translations/%.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

translations-update: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --sort-output --no-wrap \
		--project ChainMatch --msgid-bugs-address dev@chainmatch.local -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-wrap --ignore-obsolete

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	CHAINMATCH_DEV=1 $(BIN)/flask run --host 127.0.0.1 --port $${PORT:-5000}

test: install lint test-sqlite test-postgres

lint: install
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/pytest -q -n 2 --dist loadfile

# The authorisation matrix runs on SQLite only: who may see what is decided in the services, the same
# on either database, and its 180 cases cost three minutes more on PostgreSQL (CI budget: 20 minutes).
test-postgres: install
	$(BIN)/pytest -q -n 2 --dist loadfile --db postgres tests/services tests/views tests/api \
		--ignore tests/views/test_access_matrix.py

clean:
	rm -rf $(VENV) instance .pytest_cache translations/*/LC_MESSAGES/*.mo
