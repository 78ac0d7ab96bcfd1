# Mutua: `make run` for the product with demo data, `make test` for the whole suite.
# Needs only python3 (3.11+), make and git; everything else is installed into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_SCALE ?= full
export HOST PORT

.PHONY: help install run test test-fast lint fmt check messages lock bench screenshots clean

help:
	@echo "make run     the whole product with demo data on http://$(HOST):$(PORT)/"
	@echo "make test    the whole test suite (set DATABASE_URL and REDIS_URL for PostgreSQL + Redis)"
	@echo "make lint    ruff format check, ruff lint, mypy"
	@echo "make check   manage.py check and makemigrations --check"
	@echo "make messages  refresh and compile the translation catalogues (needs gettext)"
	@echo "make lock    re-pin requirements*.txt from pyproject.toml"
	@echo "make bench   measure the production server (BENCH_SCALE=full|small; BENCHMARKS.md)"
	@echo "make screenshots  refresh the README's screenshots from a fresh demo (needs Chromium)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Mutua needs Python 3.11 or newer: set PYTHON=python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Mutua is starting on http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and scheduler)"
	@echo ""
	$(PY) -m config.run Procfile

test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# Starts PostgreSQL and Redis if they are down, seeds the bench database if it is missing,
# serves with the production command on loopback and prints the table (var/bench/results.json).
bench: install
	$(PY) -m bench --scale $(BENCH_SCALE) $(BENCH_ARGS)

# The README's pictures, from a throwaway demo database served by the production server.
screenshots: install
	$(PY) docs/screenshots.py

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages --locale it --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(PY) manage.py compilemessages --locale it --locale en --ignore '.venv/*'

lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet pip-tools
	var/lock-venv/bin/pip-compile --quiet --strip-extras --no-header -o requirements.txt pyproject.toml
	var/lock-venv/bin/pip-compile --quiet --strip-extras --no-header --extra dev -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
