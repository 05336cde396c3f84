// The packed package as a user gets it: `npm pack`, installed offline into
// an empty folder, then used from Node (import, require, the rowcheck
// command), and in headless Chromium from a plain page, a Vite build and a
// webpack build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { check, probe, probePlan, split } from 'rowcheck';
import { launch, resultOf, serve } from './browser.mjs';
import { root } from './support.mjs';

const pkg = join(root, 'pkg');
const app = fileURLToPath(new URL('./app/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rowcheck-pack-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

// A registry that cannot answer: anything that tries the network fails.
const offline = { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const npm = (args, cwd) => execFileSync('npm', args, { cwd, env: offline, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], pkg));
const tarball = join(work, packed.filename);

/** A fresh folder with the tarball installed, offline, and the app's files. */
function installInto(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  npm(['install', tarball], dir);
  for (const f of readdirSync(app)) copyFileSync(join(app, f), join(dir, f));
  return dir;
}

const user = installInto('user');

// What a page downloads: the core build on every load, the full build only
// for a check given a schema (`npm run size` says where the bytes go).
const gzipped = (name) => gzipSync(readFileSync(join(pkg, 'wasm', name))).length;

test('the full build is within its budget, 1 MB gzipped', () => {
  const full = gzipped('rowcheck_full_bg.wasm');
  assert.ok(full <= 1024 * 1024, `the full build is ${(full / 1024).toFixed(0)} KiB gzipped, over its 1 MB`);
});

test('the core build is within its budget, 250 KiB gzipped', () => {
  const core = gzipped('rowcheck_bg.wasm');
  assert.ok(core <= 250 * 1024, `the core build is ${(core / 1024).toFixed(1)} KiB gzipped, over its 250 KiB (npm run size says where the bytes go)`);
});

test('the tarball holds the package and nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'cli.json', 'transport-codes.d.ts', 'uploader.d.ts', 'index.d.ts', 'codes.d.ts', 'bin/rowcheck.js', 'lib/node.js', 'lib/browser.js', 'lib/core.js', 'lib/api.js', 'lib/options.js', 'lib/worker.js', 'lib/worker-thread.js', 'worker.d.ts', 'wasm/rowcheck.js', 'wasm/rowcheck_bg.wasm', 'wasm/rowcheck_full.js', 'wasm/rowcheck_full_bg.wasm', 'lib/full.js', 'www/index.html', 'www/sw.js', 'www/lib/worker.js', 'www/wasm/rowcheck_bg.wasm']) {
    assert.ok(files.includes(needed), `${needed} is missing from ${files}`);
  }
  assert.deepEqual(files.filter((f) => /^(test|scripts|node_modules)\//.test(f)), []);
  // Every schema and every doc of the repository, as schemas/README.md and README.md promise.
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
  for (const folder of ['schemas', 'docs']) {
    const expected = walk(join(root, folder)).map((f) => `${folder}/${f}`).sort();
    assert.ok(expected.length >= 3, folder);
    assert.deepEqual(files.filter((f) => f.startsWith(`${folder}/`)), expected, folder);
  }
});

test('installed: the README, LICENSE, schemas and sideEffects a user relies on', () => {
  const installed = join(user, 'node_modules/rowcheck');
  const license = readFileSync(join(installed, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License\n/);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.license, 'MIT');
  const readme = readFileSync(join(installed, 'README.md'), 'utf8');
  assert.match(readme, /npm install rowcheck/);
  for (const use of ["from 'rowcheck'", "from 'rowcheck/worker'", 'npx rowcheck check']) assert.ok(readme.includes(use), `the README shows ${use}`);
  const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(links.some((l) => l === 'docs/js-api.md') && links.some((l) => l === 'docs/cli.md'), 'the README links to the docs');
  for (const link of links) assert.ok(existsSync(join(installed, link)), `${link} ships`);
  for (const schema of ['manifest.schema.json', 'data-row.schema.json', 'report.schema.json']) {
    assert.ok(readFileSync(join(installed, 'schemas', schema)).equals(readFileSync(join(root, 'schemas', schema))), schema);
  }
  const resolved = spawnSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('rowcheck/schemas/manifest.schema.json'))"], { cwd: user, encoding: 'utf8' });
  assert.equal(resolved.status, 0, resolved.stderr);
  assert.ok(resolved.stdout.trim().endsWith('/node_modules/rowcheck/schemas/manifest.schema.json'), resolved.stdout);
  // Bundlers may drop a module listed as free of side effects: the modules that act when loaded must be listed.
  assert.ok(Array.isArray(manifest.sideEffects), 'sideEffects lists files, it is not false');
  for (const file of readdirSync(join(installed, 'lib'))) {
    const source = readFileSync(join(installed, 'lib', file), 'utf8');
    const acts = /^(initSync|markLoaded|self\.|globalThis\.|window\.)/m.test(source);
    assert.equal(manifest.sideEffects.includes(`./lib/${file}`), acts, `lib/${file}`);
  }
});

test('installed offline: import, require and the rowcheck command work', () => {
  const example = join(root, 'examples/seed-image.json');
  const esm = spawnSync(process.execPath, ['--input-type=module', '-e', `import { check } from 'rowcheck'; import { readFileSync } from 'node:fs'; console.log(JSON.stringify(check(readFileSync(${JSON.stringify(example)})).summary))`], { cwd: user, encoding: 'utf8' });
  assert.equal(esm.status, 0, esm.stderr);
  assert.equal(JSON.parse(esm.stdout).errors, 0);
  const cjs = spawnSync(process.execPath, ['--input-type=commonjs', '-e', `const { check, RowcheckError } = require('rowcheck'); console.log(check('[]').summary.rows, typeof RowcheckError)`], { cwd: user, encoding: 'utf8' });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout, '0 function\n');
  const npx = spawnSync('npx', ['--offline', 'rowcheck', 'check', example, '--format', 'json'], { cwd: user, env: offline, encoding: 'utf8' });
  assert.equal(npx.status, 0, npx.stderr);
  assert.equal(JSON.parse(npx.stdout).summary.errors, 0);
  const bad = spawnSync(join(user, 'node_modules/.bin/rowcheck'), ['check', '-'], { input: '[{"row_data":"https://h.example/a<b.jpg"}]', encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /error URL_UNSUPPORTED_CHAR/);
});

/** Bundle the app with webpack 5 into `out`, with a page that loads it. */
async function webpackBuild(dir, out) {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack({ mode: 'production', context: dir, entry: './main.js', output: { path: out, filename: 'main.js' } }, (e, s) => (e ? reject(e) : resolve(s)));
  });
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body><script src="main.js"></script>');
}

test('in headless Chromium: a plain page, a Vite build and a webpack build get the same results as Node, in the page and in a worker', async () => {
  const bundled = installInto('bundled-app');
  const { build } = await import('vite');
  await build({ root: bundled, logLevel: 'warn', build: { outDir: join(bundled, 'vite-dist') } });
  // Both builds as separate assets: the core's and the full build's (with a schema or for a probe only).
  const wasmIn = (dir) => readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasmIn(join(bundled, 'vite-dist')).length, 2, 'Vite emitted both .wasm files as assets');
  await webpackBuild(bundled, join(bundled, 'webpack-dist'));
  assert.equal(wasmIn(join(bundled, 'webpack-dist')).length, 2, 'webpack emitted both .wasm files as assets');

  const manifest = JSON.stringify([
    { row_data: 'https://storage.example.com/a.jpg', global_key: 'a' },
    { row_data: 'https://storage.example.com/b c.jpg', global_key: 'b' },
    { row_data: 'https://storage.example.com/c.jpg', global_key: 'A' },
  ]);
  const schema = { properties: { global_key: { type: 'string', pattern: '^[a-z]$' } } };
  const expected = {
    beforeInit: 'NOT_INITIALIZED',
    schemaBeforeInit: 'NOT_INITIALIZED',
    schemaCodes: check(manifest, { schema }).diagnostics.map((d) => d.code),
    workerSchemaCodes: check(manifest, { schema }).diagnostics.map((d) => d.code),
    summary: check(manifest).summary,
    codes: check(manifest).diagnostics.map((d) => d.code),
    chunks: split(manifest).chunks.map((c) => new TextDecoder().decode(c)),
    plan: probePlan(manifest),
    probed: (await probe('[]')).summary,
  };
  expected.worker = { summary: expected.summary, chunks: expected.chunks, bytesRead: Buffer.byteLength(manifest) };
  assert.ok(expected.summary.errors > 0 && expected.chunks.length === 1);
  assert.ok(expected.schemaCodes.includes('SCHEMA'), expected.schemaCodes);

  const browser = await launch();
  const servers = [await serve(user), await serve(join(bundled, 'vite-dist')), await serve(join(bundled, 'webpack-dist'))];
  try {
    for (const [i, url] of [servers[0].url + 'plain.html', servers[1].url, servers[2].url].entries()) {
      const { result, errors } = await resultOf(browser, url);
      assert.deepEqual(result, expected, url);
      assert.deepEqual(errors, [], url);
      // The page and its worker fetched one .wasm (the core) before the first probe or call with a schema, and the other after it.
      const { requests } = servers[i];
      const mark = requests.indexOf('/__mark');
      const wasm = (list) => new Set(list.filter((p) => p.endsWith('.wasm')));
      const before = wasm(requests.slice(0, mark));
      const after = [...wasm(requests.slice(mark))].filter((p) => !before.has(p));
      assert.equal(before.size, 1, `${url}: before the schema: ${[...before]}`);
      assert.equal(after.length, 1, `${url}: with the schema: ${after}`);
      if (i === 0) assert.deepEqual([...before, ...after], ['/node_modules/rowcheck/wasm/rowcheck_bg.wasm', '/node_modules/rowcheck/wasm/rowcheck_full_bg.wasm']);
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
  }
});
