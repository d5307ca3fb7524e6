# Portail CafLab — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo messages lint format bench browsers clean \
	reliability load load-short

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: a fresh machine → the portal with demo data on http://127.0.0.1:8000 (embedded default)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore='.venv/*' -v 0 || echo "gettext absent : catalogues déjà compilés utilisés."
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "Portail CafLab : http://$(HOST):$(PORT)/  (comptes de démonstration : voir README.md, mot de passe caflab-demo)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: a fresh machine → the whole suite on PostgreSQL (SQLite fallback with a warning)
test: install-dev
	@url="$$($(PY) -m caflab.testdb)" || exit 1; \
	DATABASE_URL="$$url" $(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## reliability: the fault tests (worker killed mid-build, Redis down, PostgreSQL restarted, SMTP
## failing), then the full load scenario → bench/load-results.json. Run it on a quiet machine.
CITIZENS ?= 2000
DURATION ?= 300
reliability: install-dev
	@url="$$($(PY) -m caflab.testdb)" || exit 1; \
	DATABASE_URL="$$url" $(VENV)/bin/pytest tests/reliability $(PYTEST_ARGS)
	$(MAKE) load

## load: 2,000 citizens answer a public consultation in 5 minutes while agents browse (gunicorn,
## PostgreSQL, Redis on loopback; its own database). load-short: 200 citizens in 30 s (CI).
load: install-dev
	$(PY) bench/load.py --citizens $(CITIZENS) --duration $(DURATION)

load-short: install-dev
	$(PY) bench/load.py --citizens 200 --duration 30 --output var/load-results-short.json

## bench: the portal's speed at two data sizes (seed_scale factors) against a bare view, on
## gunicorn + PostgreSQL + Redis → bench/results.json and bench/README.md. PostgreSQL must run.
FACTORS ?= 0.1,1
bench: install
	$(PY) bench/bench.py --factors $(FACTORS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l en --ignore='.venv/*' --ignore='var/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf var/caflab.sqlite3 var/test.sqlite3 var/static
