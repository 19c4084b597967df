# Two commands for a fresh machine:
#   make run    set everything up, then serve the app with a worker (Ctrl-C stops both)
#   make test   set everything up, then run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint install install-dev browser migrate check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev node_modules/.installed browser

# axe-core, injected into pages by the accessibility tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Browser tests drive the distribution's Chromium; nothing is downloaded by a test tool.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium' (browser tests are skipped without it)"; fi; }

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py serve --port $(PORT)

test: install-dev lint
	$(BIN)/python manage.py check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The linter and a model change without its migration fail the build before any test runs.
lint: install-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

check: install-dev
	PRESSREVIEW_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=press.example SITE_URL=https://press.example FETCH_CONTACT_URL=https://press.example/contact \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install-dev
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf var staticfiles .pytest_cache
