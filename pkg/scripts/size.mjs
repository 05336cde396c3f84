// Where the wasm's bytes go, by crate: `npm run size` (needs `twiggy`:
// cargo install twiggy --locked). Reads the wasm-bindgen output before
// wasm-opt strips the names, so sizes are pre-wasm-opt; the build prints
// the shipped size.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const wasm = join(root, 'target/wasm-bindgen/rowcheck_bg.wasm');
if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run npm run build first`);

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

// The crate a symbol belongs to: the first path segment, looking through
// `<T as Trait>::` and `drop_in_place<T>` to the type's crate.
function owner(name) {
  if (name.includes('function names')) return '(name section; stripped by wasm-opt)';
  if (name.startsWith('data segment')) return '(data: string constants and Unicode tables)';
  const inner = /^(?:core::ptr::drop_in_place<)?<?&?(?:mut )?(?:dyn )?([a-z_][a-z0-9_]*)::/.exec(name);
  return inner ? inner[1] : '(other: glue, tables, types)';
}

const rows = [...sizes].sort((a, b) => b[1] - a[1]);
console.log('| crate | KiB | share |\n|---|---:|---:|');
for (const [crate, size] of rows.filter(([, s]) => s >= 8192)) {
  console.log(`| ${crate} | ${(size / 1024).toFixed(0)} | ${((100 * size) / total).toFixed(1)}% |`);
}
const rest = rows.filter(([, s]) => s < 8192).reduce((a, [, s]) => a + s, 0);
console.log(`| ${rows.filter(([, s]) => s < 8192).length} smaller items | ${(rest / 1024).toFixed(0)} | ${((100 * rest) / total).toFixed(1)}% |`);
