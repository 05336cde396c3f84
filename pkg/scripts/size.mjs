// What each wasm build ships and where its bytes go, by crate: `npm run size`
// (needs `twiggy`: cargo install twiggy --locked). The shipped sizes are
// pkg/wasm/'s files; the crate tables read the wasm-bindgen output before
// wasm-opt strips the names, so they are pre-wasm-opt sizes.
// `npm run size -- --min-kib 1` lists smaller crates too.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({ options: { 'min-kib': { type: 'string', default: '8' } } });
const min = Number(values['min-kib']) * 1024;
const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(pkg);

const BUILDS = [
  ['rowcheck', 'core build: every rule but the schema option, a probe\'s plan; what every surface loads'],
  ['rowcheck_full', 'full build: the core, jsonschema and the probe\'s judging; loaded only for a check given a schema and by probe()'],
];

for (const [name, what] of BUILDS) {
  const shipped = join(pkg, 'wasm', `${name}_bg.wasm`);
  const bound = join(root, 'target/wasm-bindgen', `${name}_bg.wasm`);
  for (const f of [shipped, bound]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
  const bytes = readFileSync(shipped);
  console.log(`\n## wasm/${name}_bg.wasm (${what})\n`);
  console.log(`${kib(bytes.length)} KiB, **${kib(gzipSync(bytes).length)} KiB gzipped** as shipped\n`);
  table(bound);
}

function kib(n) {
  return (n / 1024).toFixed(0);
}

function table(wasm) {
  const csv = execFileSync('twiggy', ['top', '-n', '1000000', '-f', 'csv', wasm], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const sizes = new Map();
  let total = 0;
  for (const line of csv.split('\n').slice(1)) {
    const match = /^("(?:[^"]|"")*"|[^,]*),(\d+),/.exec(line);
    if (!match) continue;
    const name = match[1].replace(/^"|"$/g, '').replace(/""/g, '"');
    const size = Number(match[2]);
    total += size;
    sizes.set(owner(name), (sizes.get(owner(name)) ?? 0) + size);
  }
  const rows = [...sizes].sort((a, b) => b[1] - a[1]);
  console.log('| crate (before wasm-opt) | KiB | share |\n|---|---:|---:|');
  for (const [crate, size] of rows.filter(([, s]) => s >= min)) {
    console.log(`| ${crate} | ${kib(size)} | ${((100 * size) / total).toFixed(1)}% |`);
  }
  const rest = rows.filter(([, s]) => s < min);
  const restSize = rest.reduce((a, [, s]) => a + s, 0);
  console.log(`| ${rest.length} smaller crates | ${kib(restSize)} | ${((100 * restSize) / total).toFixed(1)}% |`);
}

// The crate a symbol belongs to: the first path segment (with or without
// the standard library's [hash]), looking through `<T as Trait>::` and
// `drop_in_place<T>` to the type's crate.
function owner(name) {
  if (name.includes('function names')) return '(name section; stripped by wasm-opt)';
  if (name.startsWith('data segment')) return '(data: string constants and Unicode tables)';
  const inner = /^(?:core::ptr::drop_in_place<)?<?&?(?:mut )?(?:dyn )?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name);
  return inner ? inner[1] : '(other: glue, tables, types)';
}
