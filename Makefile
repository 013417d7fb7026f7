# Two commands on a fresh clone: `make demo` and `make test`. Only python3 and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench torture messages clean

# facilitate (editable) with the `dev` dependency group: the tools for working on it, which
# are not published as an extra (pip 25.1 or newer reads dependency groups). The example
# third-party plugin is installed too, found through its entry point like any other.
$(STAMP): pyproject.toml tests/example_plugin/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip>=25.1'
	$(BIN)/pip install --quiet -e . --group dev
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e tests/example_plugin
	touch $(STAMP)

# The demo agenda is the agenda template `demo`, shipped inside the package
# (facilitate/agendas/demo.toml): the same file `facilitate new --from demo` copies.
demo: $(STAMP)
	$(BIN)/facilitate demo --simulate 12

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check facilitate
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The fault harness (minutes, not part of `make test`): kill -9 under load, confirmed
# actions killed, a full disk (needs root for its small filesystem, else skipped),
# idle and half-sent connections at a low open-file limit, malformed requests and
# random forms. Prints a table; exits non-zero on any violation or 5xx.
torture: $(STAMP)
	$(BIN)/python -m torture $(TORTURE_ARGS)

# Extract every message from the code into the gettext catalogs (.pot, and each .po).
CATALOGS := $(BIN)/python -m facilitate.i18n.catalogs
messages: $(STAMP)
	$(CATALOGS) update facilitate facilitate/i18n/locale facilitate \
		--exclude facilitate/activities --exclude facilitate/scaffold
	$(CATALOGS) update facilitate/activities facilitate/activities/locale facilitate_activities
	for plugin in plugins/facilitate_*; do \
		$(CATALOGS) update $$plugin $$plugin/locale $$(basename $$plugin) || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
