# The two commands a newcomer runs (see README.md):
#   make run    install, build the CLI, the npm package and the checker page, check the bundled examples
#   make test   install what tests need, then every Rust, wasm and JS suite (what CI runs)
#   make bench  the benchmark: bench/RESULTS.md and bench/linearity.svg (about 12 minutes)
# All three install what they need (the Rust toolchain and Node must be there).

CARGO ?= cargo
EXAMPLES := $(sort $(wildcard examples/*.json))
# The wasm-bindgen CLI must be exactly the version Cargo.lock pins.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The wasm suite reuses the package build's profile and artifacts, so it
# tests the code that ships and compiles only the test crate; it runs on
# both builds the package ships: the core, from its own workspace
# (pkg/scripts/core-workspace.mjs: the url crate's ASCII-only IDNA), and
# the full one with schema and probe.
WASM_TEST := $(CARGO) test --profile wasm --target wasm32-unknown-unknown --no-default-features --test wasm
CORE_WASM_TEST = $(WASM_TEST) --manifest-path $$(node pkg/scripts/core-workspace.mjs) --target-dir target --features host-idna
FULL_WASM_TEST = $(subst --profile wasm,--profile wasm-full,$(WASM_TEST)) --locked --features schema,probe

.PHONY: run test build wasm tools browser python bench

build:
	$(CARGO) build --release --locked

run: build wasm
	@for f in $(EXAMPLES); do \
		echo "== rowcheck check $$f"; \
		./target/release/rowcheck check "$$f" || exit $$?; \
	done
	@echo
	@echo "All bundled examples check without errors."
	@echo "Native CLI: ./target/release/rowcheck   npm package: pkg/ (node pkg/bin/rowcheck.js check FILE)"
	@cd pkg && npm run --silent build:www
	@echo "Checker page: built in pkg/www/; serve it with 'node pkg/bin/rowcheck.js serve' and open http://127.0.0.1:8080/ (Ctrl-C stops it)"

# Installs only what is missing: the wasm target, the pinned wasm-bindgen
# CLI (built from crates.io, never a downloaded binary), npm packages.
tools:
	rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		$(CARGO) install wasm-bindgen-cli --locked --version $(WASM_BINDGEN_VERSION); \
	fi
	cd pkg && npm ci --no-audit --no-fund

# Debian's Chromium and its driver, for the browser suites.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi

# Python with venv, for the benchmark's Labelbox SDK (its smoke run is in `test`).
python:
	@if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q python3 python3-venv; \
	fi

wasm: tools
	cd pkg && npm run build

# ROWCHECK_FUZZ_SECS bounds the stable fuzzer (tests/fuzz.rs).
test: wasm browser python
	ROWCHECK_FUZZ_SECS=$${ROWCHECK_FUZZ_SECS:-30} $(CARGO) test --locked -- --test-threads=2 --show-output
	$(CORE_WASM_TEST)
	$(FULL_WASM_TEST)
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver $(CORE_WASM_TEST)
	cd pkg && npm test
	bench/run.sh --smoke
	@echo "All Rust, wasm and JavaScript suites passed."

# Builds and installs what it needs itself (see bench/run.sh); too slow for
# CI, which runs its --smoke version in `test`.
bench:
	bench/run.sh
