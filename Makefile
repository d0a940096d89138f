# mirrorprop developer tasks.
#   make serve   run the app on http://$(HOST):$(PORT)/
#   make test    run the whole test suite (needs Debian's chromium for the browser tests)
#   make bench   run every bench/*.py
#   make lint    ruff check (make fmt-check: ruff format --check)
# The first use creates .venv and installs the project with its test extras; it re-installs
# whenever pyproject.toml changes (stamp file .venv/.installed).

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

STAMP := $(VENV)/.installed

.PHONY: help venv serve test bench lint fmt fmt-check check-chromium clean

help:
	@echo "make serve [HOST=$(HOST) PORT=$(PORT)]  run the app"
	@echo "make test [PYTEST_ARGS='-k smoke']       run the test suite"
	@echo "make bench                               run bench/*.py"
	@echo "make lint                                ruff check"
	@echo "make fmt-check                           ruff format --check"
	@echo "make fmt                                 ruff format + ruff check --fix"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || { echo "creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install -e '.[test]'
	@touch $@

serve: $(STAMP)
	$(VENV)/bin/uvicorn app.main:app --host $(HOST) --port $(PORT) --timeout-graceful-shutdown 2

check-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo ""; \
		echo "ERROR: $(CHROMIUM) not found: the browser tests need Debian's chromium."; \
		echo "       Install it with:  sudo apt-get update && sudo apt-get install -y chromium"; \
		echo "       (never 'playwright install': the tests use the system chromium)"; \
		echo ""; \
		exit 1; \
	fi

# pytest's exit code 5 ("no tests collected") is a failure too.
test: $(STAMP) check-chromium
	@echo "$(VENV)/bin/python -m pytest $(PYTEST_ARGS)"
	@rc=0; $(VENV)/bin/python -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests (exit code 5)"; fi; \
	exit $$rc

bench: $(STAMP)
	@set -e; found=0; for f in bench/*.py; do \
		[ -e "$$f" ] || continue; found=1; \
		echo "== $$f"; $(VENV)/bin/python "$$f"; \
	done; [ $$found = 1 ] || echo "no bench/*.py yet"

lint: $(STAMP)
	$(VENV)/bin/ruff check .

fmt-check: $(STAMP)
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf .pytest_cache .ruff_cache .hypothesis build *.egg-info
