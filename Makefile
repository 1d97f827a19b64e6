# Two commands on a fresh machine with Python 3.11:
#   make demo   virtual environment, install, migrate, seed the demo district, serve it
#   make test   virtual environment, install, run the whole test suite
#               (against PostgreSQL when DATABASE_URL points to it, as CI does)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ADDR ?= 127.0.0.1:8000
DEMO_PASSWORD ?= demo-2568
# The demo always runs on its embedded defaults: a SQLite file and jobs run eagerly.
DEMO_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL DEBUG=true DJANGO_SETTINGS_MODULE=carecore.settings

.PHONY: install demo test lint format messages stage

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --password '$(DEMO_PASSWORD)'
	@echo ""
	@echo "  Student care system demo: http://$(ADDR)/"
	@echo "  Log in as teacher1, teacher2, coordinator1, director1, counsellor1, network1,"
	@echo "  district1, districtadmin1 or obec1, password: $(DEMO_PASSWORD)"
	@echo ""
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(ADDR)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Thai catalogue after changing user-visible strings, then translate and compile.
messages: install
	DJANGO_SETTINGS_MODULE=carecore.settings_test $(BIN)/python manage.py makemessages -l th \
		--no-location -i ".venv/*" -i "static/*" -i "staticfiles/*" -i "tests/*" -i "*/tests/*" -i conftest.py
	msgfmt --check -o locale/th/LC_MESSAGES/django.mo locale/th/LC_MESSAGES/django.po

# The production stage, as CI runs it: the docker-compose.yml stack as processes (nginx with TLS,
# gunicorn, a Celery worker and beat on Redis, PostgreSQL, DEBUG=false, the static manifest)
# and the key journeys through https://localhost:8443/ (deploy/stage.sh).
stage: install
	bash deploy/stage.sh
