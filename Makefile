# Integrationsatlas: `make run` sets up and serves the product, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
IA := $(BIN)/integrationsatlas
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
# Python keeps compiled modules in __pycache__ (inside .venv and the clone, both ignored by
# git). Where the environment forbids that, every command compiles some 2,000 modules of
# Django, NumPy and SciPy anew (`regions --level kreis` 8.0 s instead of 2.8 s), and `make run`
# and `make test` start dozens of Python processes.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run setup test lint format bench clean

run: setup
	$(IA) migrate --noinput
	$(IA) load-regions
	$(IA) indicators import data/sachsen-zensus2022-gemeinden.csv
	$(IA) indicators import data/sachsen-auslaendische-beschaeftigte-schaetzung.csv
	$(IA) load-offer-types
	$(IA) load-demo --if-empty
	$(IA) standard-sets import integrationsatlas/standards/data/sachsen-saechsintg-komintavo.yaml --if-missing
	$(IA) assess --standard-set sachsen-saechsintg-komintavo --level kreis --if-missing --publish --format csv --out var/bewertung-sachsen-recht-kreise.csv
	$(IA) standard-sets import integrationsatlas/standards/data/beispielstandard-sachsen-2030.yaml --if-missing
	$(IA) assess --standard-set beispielstandard-sachsen-2030 --level kreis --if-missing --publish --format csv --out var/bewertung-kreise.csv
	$(IA) assess --standard-set beispielstandard-sachsen-2030 --level kreis --date 2030-12-31 --if-missing --publish --format csv --out var/bewertung-kreise-2030.csv
	$(IA) assess --standard-set beispielstandard-sachsen-2030 --level gemeinde --if-missing --publish --format csv --out var/bewertung-gemeinden.csv
	$(IA) collectstatic --noinput -v 0
	GUNICORN_CMD_ARGS="--log-level warning" $(IA) serve --bind 127.0.0.1:8000

setup: $(STAMP)
	scripts/build-static.sh

$(STAMP): requirements.lock pyproject.toml
	scripts/setup-python.sh "$(PYTHON)" "$(VENV)"
	touch $@

test: setup
	scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var/static
