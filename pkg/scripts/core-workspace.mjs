// The core wasm build's own Cargo workspace, written into target/core-build/:
// the crate itself (its Cargo.toml, pointed at src/ and tests/wasm.rs) with
// Cargo.lock's every pin but one, idna_adapter, held at 1.0.0, the
// ASCII-only back end of the `url` crate's IDNA. A lockfile picks one
// back end for a whole build, and the Unicode one is about a fifth of the
// core's gzipped bytes; the core maps the rare host that needs it through
// another build (src/url.rs, src/wasm.rs). Natively and in the full build
// nothing changes.
//
// node pkg/scripts/core-workspace.mjs prints the manifest's path (the
// Makefile's core wasm suite builds from it); build.mjs imports it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

// crates.io's idna_adapter 1.0.0: its checksum is the registry's.
const ASCII_ONLY = `[[package]]
name = "idna_adapter"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "cfdf4f5d937a025381f5ab13624b1c5f51414bfe5c9885663226eae8d6d39560"
`;

export function coreWorkspace() {
  const dir = join(root, 'target/core-build');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Cargo.toml'), manifest(readFileSync(join(root, 'Cargo.toml'), 'utf8')));
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const adapter = /\[\[package\]\]\nname = "idna_adapter"\n[^[]*?(?:dependencies = \[[^\]]*\]\n)?(?=\n\[\[package\]\])/;
  if (!adapter.test(lock)) throw new Error('Cargo.lock has no idna_adapter entry to hold at 1.0.0: has the url crate changed its IDNA back end?');
  // Cargo drops the entries only the Unicode back end needed (icu_*) on the first build.
  writeFileSync(join(dir, 'Cargo.lock'), lock.replace(adapter, ASCII_ONLY));
  return join(dir, 'Cargo.toml');
}

/** The crate's manifest, its targets pointed back at the sources: only the library and the wasm suite. */
function manifest(text) {
  const sections = text.split(/^(?=\[)/m).filter((s) => !/^\[\[(bin|bench|test|example)\]\]/.test(s));
  const out = sections.map((s) => {
    if (s.startsWith('[package]')) return s.replace('[package]\n', '[package]\nautobins = false\nautoexamples = false\nautotests = false\nautobenches = false\n');
    if (s.startsWith('[lib]')) return s.replace('[lib]\n', `[lib]\npath = ${JSON.stringify(join(root, 'src/lib.rs'))}\n`);
    return s;
  });
  return `# Written by pkg/scripts/core-workspace.mjs from the crate's Cargo.toml: do not edit.\n${out.join('')}
[[test]]
name = "wasm"
path = ${JSON.stringify(join(root, 'tests/wasm.rs'))}

[workspace]
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(coreWorkspace());
