#!/usr/bin/env bash
# The benchmark: rowcheck against JSON.parse, an ajv-based
# checker and the Labelbox Python SDK, its memory on 1M and 10M rows, and
# its time from 1k to 10M rows. Builds rowcheck, installs what it compares
# against, generates the corpora (fixed seed) in a temporary directory that
# is deleted at the end, and writes bench/RESULTS.md and bench/linearity.svg.
#
#   bench/run.sh           the full run (about 12 minutes on 2 cores, 7 GB of temporary disk)
#   bench/run.sh --smoke   the same steps on tiny inputs, checked, results thrown away (make test runs it)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
  "") ;;
  --smoke) mode=smoke ;;
  *) echo "usage: bench/run.sh [--smoke]" >&2; exit 2 ;;
esac

for tool in cargo node npm python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/run.sh: $tool is not installed; the benchmark needs Rust (cargo), Node 20.19+ with npm, and Python 3.9+" >&2
    exit 2
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rowcheck-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The smoke run proves the script, not the speed: it reuses the dev build
# `cargo test` already made instead of minutes of LTO.
profile=()
[ "$mode" = full ] && profile=(--release)
echo "== building rowcheck, bench/gen.rs and bench/throughput.rs (${profile[*]:-dev profile})"
cargo build --locked "${profile[@]}" --bin rowcheck --example gen --bench throughput \
  --message-format=json-render-diagnostics >"$tmp/cargo.json"

wasm=pkg/wasm/rowcheck_bg.wasm
if [ ! -f "$wasm" ] || [ -n "$(find src Cargo.toml Cargo.lock -newer "$wasm" -print -quit)" ]; then
  echo "== the wasm build is missing or older than src/: make wasm"
  make wasm
fi

if [ ! -f bench/js/node_modules/.package-lock.json ] || [ bench/js/package-lock.json -nt bench/js/node_modules/.package-lock.json ]; then
  echo "== installing ajv (bench/js, npm ci)"
  (cd bench/js && npm ci --no-audit --no-fund)
fi

# The venv is rebuilt whenever the pins change; the copy of
# requirements.txt inside it records what it holds.
venv=bench/.venv
if ! cmp -s bench/labelbox/requirements.txt "$venv/requirements.txt"; then
  echo "== installing the Labelbox SDK into $venv (pip)"
  if ! python3 -m venv --clear "$venv"; then
    echo "bench/run.sh: python3 cannot make a virtual environment; on Debian: apt-get install python3-venv" >&2
    exit 2
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/labelbox/requirements.txt
  cp bench/labelbox/requirements.txt "$venv/requirements.txt"
fi

out=bench
[ "$mode" = smoke ] && out=$tmp/out
echo "== measuring ($mode)"
"$venv/bin/python" bench/bench.py --mode "$mode" --tmp "$tmp" --out "$out" --cargo-messages "$tmp/cargo.json"

if [ "$mode" = smoke ]; then
  grep -q '^| wasm `check()` vs `JSON.parse`' "$out/RESULTS.md"
  "$venv/bin/python" -c 'import sys, xml.etree.ElementTree as ET; assert ET.parse(sys.argv[1]).getroot().findall(".//{*}circle")' "$out/linearity.svg"
  echo "bench smoke: passed (every step ran, figures are numbers, rowcheck and the ajv reference flag exactly the planted rows)"
else
  echo "== wrote bench/RESULTS.md and bench/linearity.svg"
fi
