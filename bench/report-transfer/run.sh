#!/usr/bin/env bash
# Build the two-way report bridge for wasm and compare the transfers.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --target wasm32-unknown-unknown
wasm-bindgen --target nodejs --out-dir target/pkg target/wasm32-unknown-unknown/release/report_transfer.wasm
node bench.mjs
