# The two commands of the README: `make demo` and `make test`. Both are idempotent.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
JOBS ?= 2

.PHONY: install demo test lint messages run worker clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Starting the server on http://$(HOST):$(PORT)/ and a task worker (Ctrl+C stops both)"
	@# The worker sends the emails (a new applicant's confirmation link, printed on this console) and
	@# writes the exports and certificate batches; without it they would wait in the queue forever.
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal --durations=20

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the translation catalogues (needs GNU gettext) after changing strings.
messages: install
	$(BIN)/python locale/apply_pending.py --missing

worker: install
	$(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
