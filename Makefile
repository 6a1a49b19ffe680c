# aftersales — the two commands are `make run` and `make test`; both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: setup system console run test unit integration lint format bench clean stop

setup: system $(STAMP) console ## install system packages (PostgreSQL, PostGIS, Chromium), the project in .venv, the console assets

system:
	@scripts/system-packages.sh

console: system ## Leaflet from the npm registry, copied to api/static/vendor (git-ignored)
	@scripts/console-assets.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $@

run: setup ## serve the demo on http://127.0.0.1:8000 (embedded PostGIS under ./var), one job worker beside it
	$(BIN)/aftersales serve --demo --job-workers 1

test: setup lint ## the whole suite: lint, types, import layers, unit and integration tests
	$(BIN)/pytest

unit: setup ## unit tests only (no I/O)
	$(BIN)/pytest tests/unit

integration: setup ## integration tests only (real PostGIS and S3 started by the session)
	$(BIN)/pytest tests/integration

lint: setup ## ruff, mypy --strict, import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## the benchmarks that print figures (see docs/benchmarks.md)
	$(BIN)/aftersales bench decisions
	$(BIN)/aftersales bench http_preview

stop: ## stop the embedded PostGIS cluster
	$(BIN)/aftersales stop

clean: stop
	rm -rf var
