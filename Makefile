# Two commands on a fresh machine with Python 3.11:
#   make demo   virtual environment, install, migrate, seed the demo district, serve it
#   make test   virtual environment, install, run the whole test suite
#               (against PostgreSQL when DATABASE_URL points to it, as CI does)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# axe-core (package.json, pinned by package-lock.json), which the browser tests load into the
# pages they check for accessibility; npm ci installs exactly the locked versions.
NODE_STAMP := node_modules/.installed-stamp
ADDR ?= 127.0.0.1:8000
DEMO_PASSWORD ?= demo-2568
# The demo always runs on its embedded defaults, whatever the developer's environment: a SQLite
# file, and a Celery worker on kombu's filesystem transport (messages are files in DEMO_BROKER,
# no server to install). Migrating and seeding run their jobs eagerly (DEMO_ENV, no broker); the
# web process and the worker share the broker folder (DEMO_QUEUE_ENV; the URL names a host, or
# kombu warns that it has none).
DEMO_BROKER := $(CURDIR)/.demo-broker
DEMO_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u CELERY_QUEUE \
	-u CELERY_FILESYSTEM_DIR DEBUG=true DJANGO_SETTINGS_MODULE=carecore.settings
DEMO_QUEUE_ENV := $(DEMO_ENV) CELERY_BROKER_URL=filesystem://localhost/ CELERY_FILESYSTEM_DIR=$(DEMO_BROKER)

.PHONY: install demo test lint format messages stage

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --password '$(DEMO_PASSWORD)'
	rm -rf $(DEMO_BROKER)/processed
	@echo ""
	@echo "  Student care system demo: http://$(ADDR)/"
	@echo "  Log in as teacher1, teacher2, coordinator1, director1, counsellor1, network1,"
	@echo "  district1, districtadmin1, obec1, parent1 (a parent of two children) or student1,"
	@echo "  password: $(DEMO_PASSWORD)"
	@echo "  Jobs (printing, imports) run on a Celery worker beside the web server."
	@echo ""
# The worker (with beat, for the periodic jobs) in the background, the web server in the
# foreground; the worker stops when the web server does (Ctrl-C, or any other exit).
	$(DEMO_QUEUE_ENV) $(BIN)/celery -A carecore worker --pool=solo --loglevel=INFO \
		--without-gossip --without-mingle --without-heartbeat \
		--beat --schedule=$(DEMO_BROKER)/beat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(DEMO_QUEUE_ENV) $(BIN)/python manage.py runserver $(ADDR)

test: install
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

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
