# The two set-up commands: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint format bench clean python second-reader

# Python 3.11 or newer is needed.  A .venv made by another Python (an older one, or not the
# one PYTHON names now) is rebuilt rather than reused.
VERSION_OF = -c 'import sys; print("%d.%d" % sys.version_info[:2])'
OLD_PYTHON = -c 'import sys; sys.exit(sys.version_info < (3, 11))'

python:
	@$(PYTHON) $(OLD_PYTHON) 2>/dev/null || { \
	  echo "Case Review Assistant needs Python 3.11 or newer, but '$(PYTHON)' is" \
	    "$$($(PYTHON) --version 2>&1 || echo 'not installed')."; \
	  echo "Name a newer one, for example: PYTHON=python3.12 make run"; exit 1; }
	@if [ -e $(VENV) ] && [ "$$($(BIN)/python $(VERSION_OF) 2>/dev/null)" != \
	    "$$($(PYTHON) $(VERSION_OF))" ]; then \
	  echo "$(VENV) was made with another Python; rebuilding it with $(PYTHON)."; \
	  rm -rf $(VENV); fi

$(BIN)/python: | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The packages are compiled at install (as pip does for a wheel), so even the first start
# reads bytecode and a start never pays for compiling (bench/RESULTS.md: 1.5 times slower).
COMPILE = $(BIN)/python -m compileall -q assistant store prompts checked

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(COMPILE)
	touch $(STAMP) $@

run: python $(STAMP)
	$(BIN)/case-review $(ARGS)

lint: python $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: python $(TEST_STAMP) lint
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Train the interpreter's second reader again from tests/data (after adding labelled answers).
second-reader: $(TEST_STAMP)
	$(BIN)/python tools/train_second_reader.py

bench: $(TEST_STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
