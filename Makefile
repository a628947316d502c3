# Mooring: `make run` to start it on the bundled example, `make test` to test it.
SHELL := /bin/bash
SWIFT ?= swift
DATA_DIR ?= .data
BENCH_DIR ?= .bench
RELEASE_BIN := .build/release/mooring

.PHONY: setup build test lint format run bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

test: setup
	$(SWIFT) build --build-tests
	MOORING_BIN=$$($(SWIFT) build --show-bin-path)/mooring $(SWIFT) test --skip-build
	$$($(SWIFT) build --show-bin-path)/mooring policy test policies/

lint: setup
	$(SWIFT) format lint --strict --recursive --configuration .swift-format \
	  Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format \
	  Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources

# The daemon lands with the sync engine; until then `run` checks the bundled example
# repository, the same files the daemon will sync.
run: setup
	$(SWIFT) build -c release --product mooring
	$(RELEASE_BIN) validate examples/platform

bench: setup
	scripts/bench.sh

clean:
	rm -rf .build $(DATA_DIR) $(BENCH_DIR) Benchmarks/.build
