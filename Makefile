# Mooring: `make run` to start it on the bundled example, `make test` to test it.
SHELL := /bin/bash
SWIFT ?= swift
DATA_DIR ?= .data
BENCH_DIR ?= .bench
RELEASE_BIN := .build/release/mooring

.PHONY: setup build test lint format run bench clean

setup:
	@.ci/setup.sh

build: setup
	$(SWIFT) build

test: setup
	$(SWIFT) build --build-tests
	# Module tests first, then the end-to-end tests on their own: those block threads
	# waiting for real processes, which would starve the timing checks of the others on
	# a 2-core machine.
	$(SWIFT) test --skip-build --skip EndToEndTests
	MOORING_BIN=$$($(SWIFT) build --show-bin-path)/mooring $(SWIFT) test --skip-build --filter EndToEndTests
	$$($(SWIFT) build --show-bin-path)/mooring policy test policies/

lint: setup
	$(SWIFT) format lint --strict --recursive --configuration .swift-format \
	  Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format \
	  Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources

# Starts the daemon on a git repository made from examples/platform in $(DATA_DIR),
# with the embedded store in $(DATA_DIR)/store.db. Ctrl-C stops it.
run: setup
	$(SWIFT) build -c release --product mooring
	DATA_DIR=$(DATA_DIR) BIN=$(RELEASE_BIN) examples/run.sh

bench: setup
	Benchmarks/bench.sh

clean:
	rm -rf .build $(DATA_DIR) $(BENCH_DIR) Benchmarks/.build
