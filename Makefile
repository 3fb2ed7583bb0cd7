# The only entry points people and CI need: make run, make test, make lint.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DB     ?= workshop.db

.PHONY: run test lint browser axe services nginx pdf-libs pdf-tools messages clean bench bench-full bench-abuse \
	bench-report bench-evaluations bench-notes bench-reseat bench-stream bench-console vendor-yjs

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed pdf-libs
	$(BIN)/workshop serve --host $(HOST) --port $(PORT) --db $(DB)

# Debian's chromium drives the browser tests; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# WeasyPrint (the report's PDF) lays out text with Debian's Pango, HarfBuzz and fontconfig;
# the tests read the PDFs back with poppler's pdftotext and pdftoppm. Installed when missing.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
  fonts-liberation
debian = missing=$$(for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	[ -z "$$missing" ] || { \
	  echo "Installing Debian's" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; }

# PostgreSQL and Redis for the tests of several processes (tests/services.py): the ones given
# by WORKSHOP_TEST_PG / WORKSHOP_TEST_REDIS, or answering on 5432 / 6379, or else throwaway
# servers the tests start from Debian's packages, installed here only in that last case.
answers = $(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $(1)), 1)" 2>/dev/null
services: $(VENV)/.installed-test
	@[ -n "$$WORKSHOP_TEST_PG" ] || $(call answers,5432) || { $(call debian,postgresql); }
	@[ -n "$$WORKSHOP_TEST_REDIS" ] || $(call answers,6379) || { $(call debian,redis-server); }

# nginx in front of two `workshop serve` processes (tests/test_processes_nginx.py).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(call debian,nginx); }

pdf-libs:
	@$(call debian,$(PDF_LIBS))

pdf-tools:
	@$(call debian,$(PDF_LIBS) poppler-utils)

# axe-core (WCAG checks in the browser tests, tests/axe.py) from the npm registry, pinned,
# into .axe/; installed when missing, again when the version here changes.
AXE_VERSION ?= 4.10.3
AXE_STAMP   := .axe/.axe-core-$(AXE_VERSION)
$(AXE_STAMP):
	@command -v npm >/dev/null 2>&1 || { echo "make test needs npm for axe-core (Debian: apt-get install npm)"; exit 1; }
	npm install --no-audit --no-fund --silent --save-exact --prefix .axe axe-core@$(AXE_VERSION)
	touch $@

axe: $(AXE_STAMP)

test: $(VENV)/.installed-test browser pdf-tools axe services nginx
	$(BIN)/ruff check workshop tests bench
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check workshop tests bench
	$(BIN)/ruff format --check workshop tests bench

# Load generator against a real server and the baseline, on separate cores (bench/run.py).
# Tables on stdout; every figure in bench/results/<date>-<name>.json.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run --name small --phones 300 --window 2 --change 0.3 \
	  --idle 5 --throughput 5 --sessions 5 --session-phones 100 --session-idle 10

# The targets of issue 3: 2,000 phones voting within 5 s (30 % change), fan-out to 2,000,
# sustained closed-loop votes, and 10,000 idle phones across 50 sessions.
bench-full: $(VENV)/.installed-test
	$(BIN)/python -m bench.run --name full --phones 2000 --window 5 --change 0.3 \
	  --idle 30 --throughput 20 --sessions 50 --session-phones 200 --session-idle 60

# Issue 13: one abusive phone floods votes, posts and sockets while 300 others vote on three
# dilemmas, against the same run without it (bench/abuse.py); the server's default limits.
bench-abuse: $(VENV)/.installed-test
	$(BIN)/python -m bench.abuse --name abuse --phones 300 --rounds 3 --window 2 --change 0.3

# Issue 15: the report page and its PDF for a 150-participant day with 30 activities and
# 1,000 posts, against a real server (bench/day_report.py); figures in docs/performance.md.
bench-report: $(VENV)/.installed-test pdf-libs
	$(BIN)/python -m bench.day_report --participants 150 --activities 30 --posts 1000

# Issue 15: the coordinator's figures over 500 sessions and 20,000 evaluations (target 500 ms).
bench-evaluations: $(VENV)/.installed-test
	$(BIN)/python -m bench.evaluations --sessions 500 --evaluations 20000

# Issue 16: table notes typed at 10 tables at once, two typists each, keystroke to the
# table's other phones (bench/notes.py); figures in docs/performance.md.
bench-notes: $(VENV)/.installed-test
	$(BIN)/python -m bench.notes --tables 10 --seated 6 --typists 2 --cps 6 --seconds 20

# Issue 19: votes as a Poisson stream (400/s) into one session of 2,000 joined phones, ten
# runs on a fresh server each and the worst, beside the plain and the durable baseline; then
# 200 joins/s during the same stream (bench/stream.py).
bench-stream: $(VENV)/.installed-test
	$(BIN)/python -m bench.run --scenario poisson --name poisson --phones 2000 --vote-rate 400 \
	  --stream 10 --repeat 10
	$(BIN)/python -m bench.run --scenario joins --name joins --phones 2000 --vote-rate 400 \
	  --stream 10 --join-rate 200

# Reseating 2,000 people at 300 tables with three join questions (docs/seating.md).
bench-reseat: $(VENV)/.installed-test
	$(BIN)/python -m bench.reseat --people 2000 --tables 300 --questions 3 --rounds 3

# What a console receives during a 2,000-phone vote burst with the two-day plan (issue 19).
bench-console: $(VENV)/.installed-test
	$(BIN)/python -m bench.console_bytes --phones 2000 --window 5

# The browser's Yjs (table notes) as one ES module with lib0 inside, from the npm registry:
# one request for a phone, and no import map (the CSP allows no inline script).
YJS_VERSION  ?= 13.6.33
LIB0_VERSION ?= 0.2.120
vendor-yjs:
	@tmp=$$(mktemp -d) && cd $$tmp && npm init -y >/dev/null && \
	npm install --no-audit --no-fund --silent yjs@$(YJS_VERSION) lib0@$(LIB0_VERSION) esbuild@0.24 && \
	printf '%s\n' 'export { Doc, Text, applyUpdate, encodeStateAsUpdate, encodeStateVector, encodeStateVectorFromUpdate } from "yjs";' \
	  'export { fromBase64, toBase64 } from "lib0/buffer";' > entry.js && \
	npx esbuild entry.js --bundle --format=esm --platform=browser --minify --legal-comments=eof \
	  --banner:js='// Yjs $(YJS_VERSION) with lib0 $(LIB0_VERSION) (MIT, see LICENSE.yjs and LICENSE.lib0), one ES module made by `make vendor-yjs`.' \
	  --outfile=$(CURDIR)/static/vendor/yjs.js && \
	cp node_modules/yjs/LICENSE $(CURDIR)/static/vendor/LICENSE.yjs && \
	cp node_modules/lib0/LICENSE $(CURDIR)/static/vendor/LICENSE.lib0; \
	status=$$?; rm -rf $$tmp; exit $$status

# Re-extract the translatable strings and merge them into the catalogs.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -o /tmp/workshop-messages.pot --no-location .
	$(BIN)/pybabel update -i /tmp/workshop-messages.pot -d workshop/locale --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .axe
