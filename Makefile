# The two commands a new user types (README): `make demo` and `make test`.
# Everything else here is what they need on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: the browser for the browser tests, Chinese fonts (browser and PDF), and
# Pango, which WeasyPrint lays PDF reports out with.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0

.PHONY: demo test lint check-django system-deps venv clean messages drill

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(RUNTIME_STAMP)

venv: $(TEST_STAMP)

## make demo: set everything up, load the Heze demo city into SQLite and serve it on :8000
## (DEMO_PORT=8001 make demo for another port). The Heze register ships in the package.
DEMO_PORT ?= 8000
demo: $(RUNTIME_STAMP) system-deps
	$(BIN)/wennuan demo --port $(DEMO_PORT)

system-deps:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-django: $(TEST_STAMP)
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  SECURE_SSL=1 ALLOWED_HOSTS=heating.example.cn \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## make test: set up and run every test (slow validation and browser tests included).
test: $(TEST_STAMP) system-deps lint check-django
	$(BIN)/pytest $(PYTEST_ARGS)

## make drill: docs/deployment.md by script against a PostgreSQL server (PGHOST, PGPORT,
## PGUSER of a throwaway cluster): wheel, fresh venv, backup and restore (contrib/drill.sh).
drill:
	contrib/drill.sh

messages: $(TEST_STAMP)
	cd src/wennuan && DEBUG=1 ../../$(BIN)/python ../../manage.py makemessages -l en
	cd src/wennuan && DEBUG=1 ../../$(BIN)/python ../../manage.py compilemessages

clean:
	rm -rf $(VENV) var
