# motcua: two commands on a fresh machine.
#   make run    set up (virtualenv, install, migrate, reference data) and start the web server, the task
#               worker, the stand-in eID provider and the reference national registries
#   make test   set up, then ruff, mypy, makemigrations --check, pytest on SQLite and PostgreSQL
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
REGISTRY_SEED ?= 2025
REGISTRY_SIZE ?= 20000

.PHONY: run test setup data lint typecheck migrations-check pytest messages clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,pkcs11]'
	touch $(STAMP)

setup: $(STAMP)

data: setup
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua createcachetable
	$(BIN)/motcua units load
	$(BIN)/motcua catalog load
	$(BIN)/motcua identity seed-demo
	$(BIN)/motcua dossiers seed-demo
	$(BIN)/motcua pki init
	$(BIN)/motcua dossiers flag-deadlines
	$(BIN)/motcua registries migrate --noinput
	$(BIN)/motcua registries generate --seed $(REGISTRY_SEED) --size $(REGISTRY_SIZE) --if-unchanged
	$(BIN)/motcua exchange keys ensure
	$(BIN)/motcua exchange keys export var/exchange/registration.json
	$(BIN)/motcua registries agencies import var/exchange/registration.json
	$(BIN)/motcua-eid migrate --noinput
	$(BIN)/motcua-eid eid seed --client-id motcua-portal --client-secret-file var/oidc-client-secret \
	  --redirect-uri http://127.0.0.1:$(PORT)/oidc/callback/ --redirect-uri http://localhost:$(PORT)/oidc/callback/

run: data
	PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: setup
	scripts/run-tests

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy src tests

messages: setup
	cd src/motcua && ../../$(BIN)/motcua makemessages -l en -l vi --no-obsolete && ../../$(BIN)/motcua compilemessages

clean:
	rm -rf $(VENV) var
