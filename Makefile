# Candor — quick start: `make site`, then `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONTENT ?= Content
OUTPUT ?= Output
PREFIX ?= /usr/local
APT_PACKAGES := libcmark-dev zlib1g-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site build test deps bench check-html install clean fuzz

## deps: install the C libraries Candor links (libcmark, zlib) when pkg-config cannot find them.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="pkg-config"; \
	pkg-config --exists libcmark 2>/dev/null || missing="$$missing libcmark-dev"; \
	pkg-config --exists zlib 2>/dev/null || missing="$$missing zlib1g-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing with apt-get (needed to build Candor)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

## build: release build of the candor binary.
build: deps
	$(SWIFT) build -c release --product candor

## site: build the example report in $(CONTENT)/ into $(OUTPUT)/.
site: build
	.build/release/candor build --content $(CONTENT) --output $(OUTPUT)
	@echo "Open $(OUTPUT)/index.html in a browser (or: .build/release/candor serve)."

## test: every target's tests (XCTest), closing with one "N passed, N failed" line.
test: deps
	$(SWIFT) build --build-tests
	@set -o pipefail; $(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log; status=$$?; \
	summary=$$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1); \
	total=$$(echo "$$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); failed=$$(echo "$$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); \
	echo "tests: $$((total - failed)) passed, $$failed failed"; exit $$status

## bench: Candor against DuckDB, pandas, Hugo and matplotlib on the same data (see bench/bench.py).
bench: build
	@command -v hugo >/dev/null || { echo "make: installing hugo with apt-get (a peer in the benchmark)"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hugo >/dev/null; }
	@python3 -c "import duckdb, pandas, matplotlib" 2>/dev/null || { echo "make: installing duckdb, pandas and matplotlib with pip (peers in the benchmark)"; python3 -m pip install -q duckdb pandas matplotlib; }
	python3 bench/bench.py

clean:
	rm -rf .build $(OUTPUT)/*
