# The README's two commands: `make run` (build the knowledge base from the bundled
# sample and show it) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean model

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -c constraints.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/minewatch --db minewatch.db demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Retrain the claim model from ../shared (train + dev gold) and training/en, into the package.
model: $(STAMP)
	$(BIN)/python -m minewatch.extract.training

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) minewatch.db minewatch.db-wal minewatch.db-shm artifacts
