# motcua: two commands on a fresh machine.
#   make run    set up (virtualenv, install, migrate, reference data) and start the web server, the task
#               worker, the stand-in eID provider, the reference national registries, the reference
#               SMS gateway and the SMTP capture server
#   make test   set up, then ruff, mypy, lint-imports, makemigrations --check, pytest on SQLite and PostgreSQL
#               (with the browser tests in Debian's Chromium when it is installed)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Where `make run` serves: the platform, the stand-in eID provider, the reference registries (on
# 127.0.0.1). Every command and process below gets all three, and each derives the addresses it
# prints or hands out from them in one place (src/motcua/core/addresses.py, whose defaults these
# repeat). honcho gives each Procfile process its own PORT, so the platform's travels as
# MOTCUA_PORT too. A full URL (MOTCUA_PUBLIC_URL, MOTCUA_EID_URL, MOTCUA_REGISTRIES_URL) set in the
# environment overrides the port's address (README, docs/configuration.md).
PORT ?= 8000
EID_PORT ?= 8001
REGISTRIES_PORT ?= 8002
GATEWAY_PORT ?= 8003
# the reference SMS gateway and the SMTP capture server (notifications by SMS and e-mail, ADR 0050)
SMS_GATEWAY_PORT ?= 8004
SMTP_CAPTURE_PORT ?= 8025
data run: export PORT := $(PORT)
data run: export EID_PORT := $(EID_PORT)
data run: export REGISTRIES_PORT := $(REGISTRIES_PORT)
data run: export GATEWAY_PORT := $(GATEWAY_PORT)
data run: export SMS_GATEWAY_PORT := $(SMS_GATEWAY_PORT)
data run: export SMTP_CAPTURE_PORT := $(SMTP_CAPTURE_PORT)
data run: export MOTCUA_PORT := $(PORT)
REGISTRY_SEED ?= 2025
REGISTRY_SIZE ?= 20000

.PHONY: run test setup browser-setup screenshots data lint typecheck migrations-check pytest messages clean multinode

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,pkcs11]'
	touch $(STAMP)

setup: $(STAMP)

# Playwright (the `browser` extra) and axe-core (npm, under var/browser) for the browser tests and
# the screenshots; Chromium is Debian's (`apt-get install chromium`). Never fails: what is missing
# is reported loudly and the browser tests skip (ADR 0038).
browser-setup: setup
	scripts/browser-setup

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
	$(BIN)/motcua gateway migrate --noinput
	$(BIN)/motcua gateway merchants add MOTCUA --name "Cổng Dịch vụ công (motcua)" --secret-file var/payments/merchant-secret --account 970436:0011000123456
	$(BIN)/motcua-eid migrate --noinput
	$(BIN)/motcua-eid eid seed --client-id motcua-portal --client-secret-file var/oidc-client-secret
	$(BIN)/motcua smsgw migrate --noinput

run: data
	$(BIN)/honcho start -f Procfile

test: setup browser-setup
	scripts/run-tests

# A multi-node deployment in miniature (ADR 0035): two web processes and a worker sharing
# PostgreSQL (127.0.0.1:5432 or MOTCUA_MULTINODE_POSTGRES), Redis (its own redis-server, or
# MOTCUA_MULTINODE_REDIS_URL) and S3 object storage (moto's server); one dossier through them.
multinode: setup
	$(BIN)/python scripts/multinode.py

# docs/screenshots/: the main pages on a desktop and a 360 px phone, in Vietnamese and English.
screenshots: setup browser-setup
	scripts/screenshots

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy src tests

messages: setup
	cd src/motcua && ../../$(BIN)/motcua makemessages -l en -l vi --no-obsolete && ../../$(BIN)/motcua compilemessages

clean:
	rm -rf $(VENV) var
