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

## test: every target's tests.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(OUTPUT)/*
