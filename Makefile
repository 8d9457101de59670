# make run   - create .venv, install, build the store from the sources, serve on http://127.0.0.1:8000
# make test  - create .venv, install, run the checks and the whole test suite
# make check - ruff (lint + format) and mypy
# make bench - benchmarks against Oxigraph server and rdflib-endpoint (BENCH_SIZES=100k,1M,10M for the full run)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
VENDOR := service/clusterkg/static/vendor/THIRD-PARTY-NOTICES.txt

.PHONY: run test check install build serve system-deps clean bench

run: install
	$(BIN)/clusterkg build
	$(BIN)/clusterkg serve

test: install check system-deps
	$(BIN)/pytest

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(STAMP) $(VENDOR)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# Browser libraries (YASGUI, Chart.js) come from npm at install time (web/package-lock.json) and are
# served by the package from static/vendor; the pages never load them from the internet. The wheel's
# build hook (hatch_build.py) does the same for `pip install .`.
$(VENDOR): web/package-lock.json web/vendor.mjs
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	node web/vendor.mjs

build: install
	$(BIN)/clusterkg build

serve: install
	$(BIN)/clusterkg serve

BENCH_SIZES ?= 100k
BENCH_ARGS  ?=
BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

# Writes docs/benchmarks.md and prints the table. Installs wrk with apt-get when it is missing.
bench: $(BENCH_STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m benchmarks.run --sizes $(BENCH_SIZES) $(BENCH_ARGS)

# System packages some tests need (Chromium for the browser test, Java for the OWL reasoner).
# Installs them when run as root with apt-get; otherwise lists what is missing (those tests then skip).
system-deps:
	@bash .ci/system-deps

clean:
	rm -rf $(VENV) var build dist .pytest_cache .mypy_cache .ruff_cache
