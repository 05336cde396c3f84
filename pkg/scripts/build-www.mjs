// Build the checker page into pkg/www/: the page's source (../www/), the
// package modules it imports (lib/) and the wasm (wasm/), side by side as
// lib/ and wasm/ are in the package, so every relative import still holds.
// The result is static files anyone can host; `rowcheck serve` serves it,
// and `npm pack` (prepack) ships it.
//
// A file is written only when its content changed and stale files are
// removed one by one, so a page being served from pkg/www/ while this runs
// (another test, say) never sees a half-written file.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(pkg, '../www');
const out = join(pkg, 'www');

// Every browser module of the package (the page imports the worker and
// uploader entries, and they import the rest); only the Node entries stay out.
const NODE_ONLY = new Set(['node.js', 'uploader-node.js']);
const LIB = readdirSync(join(pkg, 'lib')).filter((name) => name.endsWith('.js') && !NODE_ONLY.has(name));
const WASM = ['rowcheck.js', 'rowcheck_bg.wasm', 'rowcheck_full.js', 'rowcheck_full_bg.wasm'];
// The full build (only a check with a schema loads it): the service worker
// stores it when first fetched instead of making every visitor download it.
const LAZY = new Set(['lib/full.js', 'wasm/rowcheck_full.js', 'wasm/rowcheck_full_bg.wasm']);

if (!existsSync(join(pkg, 'wasm/rowcheck_bg.wasm'))) throw new Error('pkg/wasm/ is not built: run `npm run build` in pkg/ first');

const files = new Map(); // path in out -> source path
for (const name of readdirSync(source)) files.set(name, join(source, name));
for (const name of LIB) files.set(`lib/${name}`, join(pkg, 'lib', name));
for (const name of WASM) files.set(`wasm/${name}`, join(pkg, 'wasm', name));

// The service worker must store every file the page loads, or offline use breaks silently.
const listed = JSON.parse(/const FILES = (\[[^\]]*\])/.exec(readFileSync(join(source, 'sw.js'), 'utf8'))[1].replace(/'/g, '"').replace(/,\s*\]/, ']'));
const served = [...files.keys()].filter((f) => f !== 'sw.js' && !LAZY.has(f));
const missing = served.filter((f) => !listed.includes(f));
const extra = listed.filter((f) => f !== './' && !served.includes(f));
if (missing.length || extra.length) {
  throw new Error(`www/sw.js FILES is out of date: add ${JSON.stringify(missing)}, remove ${JSON.stringify(extra)}`);
}

let written = 0;
for (const [path, from] of files) {
  const target = join(out, path);
  const bytes = readFileSync(from);
  if (existsSync(target) && readFileSync(target).equals(bytes)) continue;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  written += 1;
}
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const path of walk(out)) {
  if (!files.has(relative(out, path))) rmSync(path);
}
// On stderr: as prepack this runs inside `npm pack --json`, whose stdout must stay JSON.
console.error(`pkg/www/: ${files.size} files (${written} updated); serve it with: node bin/rowcheck.js serve`);
