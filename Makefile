# The two commands that matter: `make demo` runs the product, `make test` runs every test.
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Backends the suite runs on; `make test DATABASES=sqlite` for a quick loop.
DATABASES ?= sqlite $(PG_URL)
PYTEST_ARGS ?=

.PHONY: setup demo test lint typecheck unit bench clean container test-container

setup:
	scripts/bootstrap.sh python node browser

demo:
	scripts/bootstrap.sh python node
	$(BIN)/python -m plugin.demo

lint:
	$(BIN)/ruff check plugin lrs_client statements tests bench
	$(BIN)/ruff format --check plugin lrs_client statements tests bench

typecheck:
	$(BIN)/mypy

test: setup lint typecheck
	@set -e; for db in $(DATABASES); do \
	  echo "=== test suite on $${db%%:*} ==="; \
	  LEADERLED_TEST_DATABASE=$$db $(BIN)/pytest $(PYTEST_ARGS); \
	done

unit:
	LEADERLED_TEST_DATABASE=sqlite $(BIN)/pytest -x -q $(PYTEST_ARGS)

# The container image (README "Container"); the test needs root and PostgreSQL.
container:
	scripts/container-build.sh

test-container:
	scripts/bootstrap.sh python node
	LEADERLED_TEST_CONTAINER=1 $(BIN)/pytest -q tests/test_container.py $(PYTEST_ARGS)

bench:
	scripts/bootstrap.sh python node
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) tests/lrs_servers/node_modules .pytest_cache .mypy_cache .ruff_cache
