# xpaste — the two commands are `make serve` and `make test`; both run `setup` first.
SWIFT   ?= swift
VENV    ?= .venv
HOST    ?= 127.0.0.1
PORT    ?= 8080
BANK    ?= data/bank.sqlite
export XPASTE_PYTHON ?= $(abspath $(VENV))/bin/python

.PHONY: setup build build-release test serve bench clean

setup:
	@VENV=$(VENV) scripts/setup.sh

build: setup
	$(SWIFT) build

build-release: setup
	$(SWIFT) build -c release --product xpaste

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

serve: build-release
	@mkdir -p $(dir $(BANK))
	$$($(SWIFT) build -c release --show-bin-path)/xpaste serve --host $(HOST) --port $(PORT) --bank $(BANK)

bench: setup
	scripts/bench-all

clean:
	rm -rf .build .build-*
