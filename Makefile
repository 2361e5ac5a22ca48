# Gugus: build, run, test and measure. `make help` lists the targets.
#
# Every target installs what it needs when it is missing (scripts/ensure-tools.sh), so a
# fresh machine with rustup, cargo, npm, gzip and make can run any of them.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# The steps of `make test` run in the order given; cargo parallelises inside each one.
.NOTPARALLEL:

# `make run` settings; override on the command line or in the environment:
#   make run ADDR=0.0.0.0:8080 DATABASE_URL=postgres://gugus@localhost/gugus
ADDR ?= 127.0.0.1:8080
DATABASE_URL ?= sqlite://data/gugus.db

CARGO ?= cargo
WORKER_RELEASE := target/release/gugus-worker
# Each test that skips its PostgreSQL half (no server, outside CI) adds a line here;
# `make test` ends by saying so in capitals.
export GUGUS_SKIPPED_LOG := $(CURDIR)/target/postgres-skipped.log

.PHONY: help tools browser-tools build worker worker-debug run test fmt-check clippy \
        test-native api-check test-dates test-wasm size-check test-e2e bench clean skipped-reset \
        deploy-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{ printf "  make %-14s %s\n", $$1, $$2 }'
	@echo
	@echo "  make run ADDR=$(ADDR) DATABASE_URL=$(DATABASE_URL)"

tools: ## install the build tools when missing (wasm32 target, wasm-bindgen, wasm-opt)
	scripts/ensure-tools.sh build

browser-tools: ## install Chromium and chromedriver when missing
	scripts/ensure-tools.sh browser

build: tools ## build the app for release into dist/
	scripts/build-app.sh

worker: ## build the worker for release
	$(CARGO) build -p gugus-worker --release --locked

worker-debug: ## build the worker and its Lambda function as the end-to-end tests run them (target/debug)
	$(CARGO) build -p gugus-worker -p gugus-lambda --locked

run: build worker ## serve the app and the API on ADDR in demo mode (store: DATABASE_URL)
	@mkdir -p data
	$(WORKER_RELEASE) serve --demo --addr '$(ADDR)' --database-url '$(DATABASE_URL)' --static-dir dist

test: skipped-reset tools browser-tools fmt-check deploy-check clippy test-native api-check test-dates test-wasm build size-check test-e2e ## every check and test, in order
	@if [ -s '$(GUGUS_SKIPPED_LOG)' ]; then \
	  printf '\n%s\n' "################################################################"; \
	  echo "## make test: passed, BUT THE POSTGRESQL HALF DID NOT RUN:"; \
	  echo "## $$(wc -l < '$(GUGUS_SKIPPED_LOG)') tests skipped it; the first reason:"; \
	  echo "## $$(head -n1 '$(GUGUS_SKIPPED_LOG)')"; \
	  echo "## Start PostgreSQL (or set GUGUS_TEST_POSTGRES) and run make test again."; \
	  printf '%s\n\n' "################################################################"; \
	else \
	  echo "make test: all checks and tests passed, on SQLite and PostgreSQL"; \
	fi

skipped-reset:
	@mkdir -p target && rm -f '$(GUGUS_SKIPPED_LOG)'

fmt-check: ## check the formatting
	$(CARGO) fmt --all -- --check

# The AWS deployment (docs/deploy.md): a SAM template for Jakarta, ap-southeast-3.
DEPLOY_TEMPLATE ?= worker/lambda/deploy/template.yaml

# cfn-lint must find nothing, warnings included; then the template's security headers and
# timeouts are checked against the worker's own (worker/lambda/deploy/check-headers.py).
deploy-check: ## check the AWS deployment template with cfn-lint
	cfn_lint=$$(scripts/ensure-tools.sh cfn-lint); \
	  "$$cfn_lint" --regions ap-southeast-3 -- '$(DEPLOY_TEMPLATE)'; \
	  "$$(dirname "$$cfn_lint")/python" worker/lambda/deploy/check-headers.py . '$(DEPLOY_TEMPLATE)'

clippy: tools ## lint the native crates and the app, warnings are errors
	$(CARGO) clippy --workspace --exclude gugus-app --all-targets --locked -- -D warnings
	$(CARGO) clippy -p gugus-app --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
	$(CARGO) clippy -p gugus-app --target wasm32-unknown-unknown --features split --lib --bins --locked -- -D warnings

test-native: ## unit and integration tests of model and worker (PostgreSQL: GUGUS_TEST_POSTGRES)
	$(CARGO) test --workspace --exclude gugus-app --exclude gugus-e2e --locked

# Examples schemathesis generates per operation and caller (scripts/schemathesis.sh).
API_CHECK_EXAMPLES ?= 10

api-check: ## fuzz the worker against its OpenAPI description with schemathesis, per role
	MAX_EXAMPLES=$(API_CHECK_EXAMPLES) scripts/schemathesis.sh

# The dates on which date arithmetic goes wrong, each pinned through the one clock
# (GUGUS_NOW): the last day of a month, 31 December late in the evening WIB, 29 February,
# and early morning WIB within the first 7 days of a month (the waiting-services cutoff;
# UTC is still on the day before).
PINNED_DATES ?= 2027-04-30 2026-12-31T22:30:00+07:00 2028-02-29 2027-03-03T05:30:00+07:00
# The stories whose figures hang on today, rerun at each pinned date.
DATED_STORIES ?= evaluation:: stats:: audit::

test-dates: ## the evaluation stories with the clock pinned to each of PINNED_DATES
	@for at in $(PINNED_DATES); do \
	  echo "== the stories at GUGUS_NOW=$$at"; \
	  GUGUS_NOW="$$at" $(CARGO) test -p gugus-worker --test story --locked -- $(DATED_STORIES) || exit 1; \
	done

test-wasm: tools browser-tools ## the app's wasm-bindgen tests in headless Chromium
	CHROMEDRIVER="$$(command -v chromedriver)" \
	  $(CARGO) test -p gugus-app --target wasm32-unknown-unknown --tests --locked

# The first download's budget (#13): the page, boot module, JS and wasm a phone must fetch
# before the login form is usable, gzipped.
FIRST_LOAD_BUDGET_KIB ?= 300

size-check: ## the built first download stays within FIRST_LOAD_BUDGET_KIB gzipped (needs dist/)
	scripts/first-load.sh --budget-kib $(FIRST_LOAD_BUDGET_KIB)

test-e2e: browser-tools worker-debug ## end to end: worker binary + headless Chromium (needs dist/)
	@test -f dist/index.html || { echo "dist/ is missing: run 'make build' first" >&2; exit 1; }
	scripts/ensure-tools.sh lambda >/dev/null
	$(CARGO) test -p gugus-e2e --locked

bench: tools browser-tools ## benchmarks, written to bench-results/
	scripts/bench.sh

clean: ## remove dist/, bench-results/ and cargo's target/ (keeps data/ and .tools/)
	rm -rf dist bench-results
	$(CARGO) clean
