# Labolien: `make run` starts the app with demo data, `make test` runs the tests.
# `make help` lists every target.

PYTHON3 ?= python3
VENV := .venv
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
# Marks the last install; it is redone when pyproject.toml is newer.
INSTALLED := $(VENV)/.labolien-installed
PO_FILES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k demo -x"
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN { FS = ":.*## " } { printf "  make %-13s %s\n", $$1, $$2 }'

install: $(INSTALLED) $(MO_FILES) ## Create .venv if missing, install the project and compile the catalogs

$(VENV)/bin/python:
	$(PYTHON3) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e '.[test,dev]'
	touch $@

%.mo: %.po $(INSTALLED)
	$(VENV)/bin/pybabel compile -i $< -o $@

run: install ## Start the app on http://127.0.0.1:5000 with demo data, Redis and the worker
	$(VENV)/bin/python -m app.devserver

# The suite runs on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set;
# both runs go to the end, and the target fails if either failed.
# TEST_REDIS_URL, when set, reaches both runs through the environment.
test: install ## Run the tests on SQLite, then on TEST_DATABASE_URL if set
	@status=0; \
	echo "== Tests on SQLite"; \
	env -u TEST_DATABASE_URL $(PYTEST) $(PYTEST_ARGS) || status=1; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== Tests on PostgreSQL ($${TEST_DATABASE_URL##*@})"; \
		$(PYTEST) $(PYTEST_ARGS) || status=1; \
	fi; \
	exit $$status

lint: install ## Check the code with ruff
	$(VENV)/bin/ruff check .

clean: ## Remove caches, build files and compiled catalogs (keeps .venv and instance/)
	rm -rf .pytest_cache .ruff_cache build test-artifacts *.egg-info
	rm -f $(MO_FILES)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# The msgids are the French texts found in app/ (babel.cfg); the patterns there
# are relative to the project root, so extraction runs on ".".
.PHONY: translations
translations: $(INSTALLED) ## Extract the msgids, update the en catalog, compile it
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project=Labolien \
		-o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete
	$(VENV)/bin/pybabel compile -d app/translations --statistics

# The benchmarks recorded in docs/benchmarks.md. The data set is generated only
# when missing (about 30 s on SQLite, 70 s on PostgreSQL, which must listen on
# 127.0.0.1); the list benchmark needs wrk and runs for about 4 minutes.
# A missed budget is reported in the tables, not as a failure of the target.
.PHONY: bench
bench: install ## Generate the benchmark lab if missing, then run the benchmarks of bench/
	$(VENV)/bin/python bench/generate.py
	$(VENV)/bin/python bench/list_page.py
	$(VENV)/bin/python bench/page_weight.py
