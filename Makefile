# aidgraph: `make run` serves the API over the sample data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SAMPLES := samples/luxdev/MLI_801.fr.txt samples/luxdev/BKF_026.en.txt
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps neo4j-start neo4j-stop load-samples serve lint typecheck pytest bench-load bench-api

run: load-samples serve

test: lint typecheck pytest

# Java 17 and Maven run the local Neo4j; install them when the machine lacks them.
system-deps:
	@if [ -z "$$NEO4J_URI" ] && ! { command -v java >/dev/null && command -v mvn >/dev/null; }; then \
		echo "installing Java 17 and Maven"; \
		apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless maven; \
	fi

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: system-deps $(INSTALLED)

neo4j-start: install
	@if [ -n "$$NEO4J_URI" ]; then echo "NEO4J_URI is set: using $$NEO4J_URI"; \
	else $(BIN)/aidgraph neo4j start; fi

neo4j-stop: install
	$(BIN)/aidgraph neo4j stop

load-samples: neo4j-start
	$(BIN)/aidgraph load luxdev $(SAMPLES)

serve: install
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql"
	$(BIN)/aidgraph serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

# Bulk-load benchmark (a script, not a test): prints the table for docs/benchmarks.md.
bench-load: install
	$(BIN)/python -m bench.load

# API benchmark (a script, not a test): six canonical queries over HTTP against
# hand-written Cypher on a 100k-activity graph; prints the table for docs/benchmarks.md.
bench-api: install
	$(BIN)/python -m bench.api
