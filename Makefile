# The two commands a newcomer needs, each doing all set-up on a fresh machine:
#   make run   - create .venv, install, run the appliance with its data in ./capacitor-data
#   make test  - create .venv, install, run lint, types, the import contract and the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint venv clean bench binary install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/capacitor-edge serve --data-dir ./capacitor-data

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# The single-file executable dist/capacitor-edge (PyInstaller, packaging/capacitor-edge.spec).
binary: $(STAMP)
	BIN=$(BIN) packaging/build.sh

# On a gateway, as root: binary, systemd unit and example config (see README, "Installing").
install:
	packaging/install.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
