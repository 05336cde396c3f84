# The two commands a newcomer runs (see README.md):
#   make run    build, then check the bundled examples
#   make test   every test suite, as CI runs it
# Both install what they need (the Rust toolchain must already be there).

CARGO ?= cargo
EXAMPLES := $(sort $(wildcard examples/*.json))

.PHONY: run test build

build:
	$(CARGO) build --release --locked

run: build
	@for f in $(EXAMPLES); do \
		echo "== rowcheck check $$f"; \
		./target/release/rowcheck check "$$f" || exit $$?; \
	done
	@echo
	@echo "All bundled examples check without errors. The CLI is ./target/release/rowcheck."

# ROWCHECK_FUZZ_SECS bounds the stable fuzzer (tests/fuzz.rs).
test:
	ROWCHECK_FUZZ_SECS=$${ROWCHECK_FUZZ_SECS:-30} $(CARGO) test --locked -- --test-threads=2 --show-output
	@echo "All Rust suites passed."
