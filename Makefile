# xpaste — the two commands are `make serve` and `make test`; both run `setup` first.
SWIFT   ?= swift
VENV    ?= .venv
HOST    ?= 127.0.0.1
PORT    ?= 8080
DATA    ?= data
MODELS  ?= models
export XPASTE_PYTHON ?= $(abspath $(VENV))/bin/python
SHELL   := /bin/bash

.PHONY: setup build build-release test serve bench fuzz fuzz-api clean

setup:
	@VENV=$(VENV) scripts/setup.sh

build: setup
	$(SWIFT) build

build-release: setup
	$(SWIFT) build -c release --product xpaste

# Warnings in our own code fail the build (dependencies' warnings are theirs to fix).
test: setup
	@mkdir -p .build
	set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build/build-tests.log
	@if grep -E '^$(CURDIR)/(Sources|Tests)/.*: warning:' .build/build-tests.log; then \
		echo "error: compiler warnings in project code (listed above)"; exit 1; fi
	$(SWIFT) test --skip-build --skip 'XPastePostgresTests|PostgresServiceEndToEnd'
	# The PostgreSQL tests run after the rest (they time connections and lease expiry), and the
	# loopback cluster tests alone after them: they measure throughput against linear scaling,
	# which two busy cores shared with other suites would distort.
	$(SWIFT) test --skip-build --filter 'XPastePostgresTests|PostgresServiceEndToEnd' --skip WorkerClusterTests
	$(SWIFT) test --skip-build --filter WorkerClusterTests
	FUZZ_SECONDS=$${FUZZ_SECONDS:-3} scripts/fuzz
	$(VENV)/bin/python scripts/check-schemas.py
	API_FUZZ_EXAMPLES=$${API_FUZZ_EXAMPLES:-10} XPASTE_BIN=$$($(SWIFT) build --show-bin-path)/xpaste VENV=$(VENV) scripts/api-fuzz

# libFuzzer targets (fuzz/targets/*.swift, swiftc -sanitize=fuzzer,address) for FUZZ_SECONDS each
# (default 60; `make test` runs each for 3 s); crashing inputs land in .build/fuzz/crashes/<target>/.
fuzz: setup
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz

# schemathesis against a live server with more examples per operation than `make test` uses.
fuzz-api: build
	API_FUZZ_EXAMPLES=$${API_FUZZ_EXAMPLES:-100} XPASTE_BIN=$$($(SWIFT) build --show-bin-path)/xpaste VENV=$(VENV) scripts/api-fuzz

# The service on the embedded SQLite default: data in $(DATA), models in $(MODELS).
serve: build-release
	$$($(SWIFT) build -c release --show-bin-path)/xpaste serve --host $(HOST) --port $(PORT) --data $(DATA) --models $(MODELS)

bench: setup
	scripts/bench-all

clean:
	rm -rf .build .build-*
