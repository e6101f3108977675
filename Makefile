# Appui — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export APPUI_DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser install migrate demo quality lock bench clean code

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py init_field_keys
	$(BIN)/python manage.py init_audit_keys
	$(BIN)/python manage.py migrate --verbosity 0

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

# The web server and one background worker together (caseload screenings, scheduled jobs); Ctrl-C stops both.
run: demo
	@echo "Appui : http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py run_dev $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install
	APPUI_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o dev.txt dev.in

bench: install
	$(BIN)/python bench/search.py
	$(BIN)/python bench/screening.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var

code: install
	$(BIN)/python manage.py demo_otp_code
