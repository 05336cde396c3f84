// Build the wasm core into pkg/wasm/: cargo (wasm32) → wasm-bindgen
// (the CLI pinned to Cargo.lock's wasm-bindgen) → wasm-opt from the npm
// binaryen package. Run from anywhere: `npm run build` in pkg/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { coreWorkspace } from './core-workspace.mjs';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);
const out = join(pkg, 'wasm');
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });

const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
const pinned = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
const installed = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(' ').pop();
if (pinned !== installed) {
  throw new Error(`wasm-bindgen CLI ${installed} does not match Cargo.lock's ${pinned}; run: cargo install wasm-bindgen-cli --locked --version ${pinned}`);
}

// Two builds with one API: the core (every rule but `--schema`, and a
// probe's plan but not the judging of its answers), which every surface
// loads, and the full build with jsonschema and the probe, loaded only when
// the schema option is given or a probe runs (lib/full.js). Each: cargo (wasm32, its profile)
// → wasm-bindgen, which writes to target/ first (that copy keeps the
// function names `npm run size` reads) → wasm-opt into the package.
// Exactly the features rustc's wasm32 target emits: --all-features would
// let wasm-opt use proposals Node 20 and older browsers cannot load.
const features = ['bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals', 'reference-types', 'multivalue'];
const bound = join(root, 'target/wasm-bindgen');
mkdirSync(out, { recursive: true });
// The core builds from a workspace of its own (core-workspace.mjs): the
// same crate and pins, but the url crate's ASCII-only IDNA back end. Its
// lockfile is Cargo.lock's less one entry, so it is not --locked.
const builds = [
  ['rowcheck', 'wasm', ['--manifest-path', coreWorkspace(), '--target-dir', join(root, 'target'), '--features', 'host-idna']],
  ['rowcheck_full', 'wasm-full', ['--locked', '--features', 'schema,probe']],
];
for (const [name, profile, cargoArgs] of builds) {
  run('cargo', ['build', '--profile', profile, '--target', 'wasm32-unknown-unknown', '--no-default-features', ...cargoArgs, '--lib']);
  run('wasm-bindgen', ['--target', 'web', '--out-dir', bound, '--out-name', name, '--no-typescript',
    join(root, `target/wasm32-unknown-unknown/${profile}/rowcheck.wasm`)]);
  copyFileSync(join(bound, `${name}.js`), join(out, `${name}.js`));
  const wasm = join(out, `${name}_bg.wasm`);
  run(join(pkg, 'node_modules/.bin/wasm-opt'), ['-O3', ...features.map((f) => `--enable-${f}`), join(bound, `${name}_bg.wasm`), '-o', wasm], pkg);
  const size = statSync(wasm).size;
  console.log(`pkg/wasm/${name}_bg.wasm: ${(size / 1024).toFixed(0)} KiB, ${(gzipSync(readFileSync(wasm)).length / 1024).toFixed(0)} KiB gzipped`);
}
