// The JS API against the native CLI on every corpus file and example: the
// same report, the same normalized and fixed bytes, the same chunks. Plus the
// caller-error contract and junk input that must never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, init, normalize, split } from 'rowcheck';
import { readKeyList } from '../lib/core.js';
import { argsOf, brokenManifests, manifests, native, root } from './support.mjs';

function cli(args) {
  const r = spawnSync(native, args, { maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
  return r;
}

test('init is idempotent and resolves in Node', async () => {
  await init();
  await init();
});

test('check: the same report as the native CLI for every corpus file', () => {
  assert.ok(manifests.length > 60);
  for (const path of manifests) {
    const { flags, options } = argsOf(path);
    const expected = cli(['check', path, ...flags, '--format', 'json']).stdout.toString().trimEnd();
    const report = check(readFileSync(path), options);
    assert.equal(JSON.stringify(report), expected, path);
    const verbose = cli(['check', path, ...flags, '--format', 'json', '--verbose']).stdout.toString().trimEnd();
    assert.equal(JSON.stringify(check(readFileSync(path), { ...options, verbose: true })), verbose, path);
  }
});

test('normalize and split: the same bytes as the native CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowcheck-js-'));
  try {
    for (const path of manifests) {
      const { flags, options } = argsOf(path);
      const input = readFileSync(path);
      const cliNormalized = cli(['normalize', path, ...flags]).stdout;
      const ours = normalize(input, options);
      if (ours.bytes === null) assert.ok(ours.report.summary.file_failed && cliNormalized.length === 0, `normalize ${path}`);
      else assert.deepEqual(Buffer.from(ours.bytes), cliNormalized, `normalize ${path}`);

      const out = join(dir, path.replace(/[^a-z0-9]+/gi, '_'));
      cli(['split', path, '--out', out, ...flags]);
      const { chunks, report } = split(input, options);
      assert.equal(chunks.length, report.chunks.length);
      // chunkFileName() names each chunk as the native split did.
      chunks.forEach((chunk, i) => {
        assert.deepEqual(Buffer.from(chunk), readFileSync(join(out, chunkFileName(i))), `${path} chunk ${i}`);
      });
      assert.equal(existsSync(join(out, chunkFileName(chunks.length))), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fix: the same bytes and report as the native CLI, and each .fixed case', () => {
  for (const path of manifests) {
    const { flags, options } = argsOf(path);
    const run = cli(['fix', path, ...flags, '--format', 'json']);
    const ours = fix(readFileSync(path), options);
    // Parsed: the JSON a change's `after` holds (`2.0`) is a number in JS.
    assert.deepEqual(ours.report, JSON.parse(run.stderr.toString().split('\n')[0]), `fix ${path}: report`);
    if (ours.bytes === null) {
      assert.ok(ours.report.summary.file_failed && run.stdout.length === 0, `fix ${path}`);
      continue;
    }
    assert.deepEqual(Buffer.from(ours.bytes), run.stdout, `fix ${path}`);
    const fixed = path.replace(/\.(json|ndjson|txt)$/, '.fixed');
    if (existsSync(fixed)) assert.deepEqual(Buffer.from(ours.bytes), readFileSync(fixed), `fix ${path}: not its .fixed`);
  }
});

test('a file that fails (truncated, broken between rows, not UTF-8, not a manifest): no normalized or fixed bytes, no chunks', () => {
  for (const path of brokenManifests) {
    const input = readFileSync(path);
    const fixed = fix(input);
    assert.equal(fixed.bytes, null, path);
    assert.deepEqual(fixed.report.fix.changes, [], path);
    const normalized = normalize(input, { maxRows: 1 });
    assert.equal(normalized.bytes, null, path);
    assert.equal(normalized.report.summary.file_failed, true, path);
    const { chunks, report } = split(input, { maxRows: 1 });
    assert.deepEqual(chunks, [], path);
    assert.deepEqual(report.chunks, [], path);
    assert.ok(report.diagnostics.some((d) => d.row === null && d.severity === 'error'), path);
  }
});

test('a Checker streaming a file that then fails: what it handed out is void, and asking for more throws FILE_FAILED', () => {
  for (const name of ['file-truncated-row.json', 'file-truncated-line.ndjson', 'file-syntax-between.json']) {
    const input = readFileSync(join(root, 'tests/corpus', name));
    for (const output of [{ chunks: true }, { normalized: true }, { fixed: true }]) {
      const checker = new Checker({ maxRows: 1 }, output);
      const piece = () => (output.normalized ? checker.takeNormalized() : checker.takeFixed());
      const take = () => (output.chunks ? checker.takeChunks() : [piece()].filter((b) => b.length));
      let handed = 0;
      for (let at = 0; at < input.length && !checker.progress.fileFailed; at += 16) {
        checker.push(input.subarray(at, at + 16));
        if (!checker.progress.fileFailed) handed += take().length;
      }
      const report = checker.finish();
      assert.ok(handed > 0, `${name}: output left before the failure showed`);
      assert.equal(checker.progress.fileFailed, true, name);
      assert.equal(report.summary.file_failed, true, name);
      assert.deepEqual(report.chunks, [], name);
      assert.throws(take, (e) => e instanceof RowcheckError && e.code === 'FILE_FAILED' && /discard/.test(e.message), name);
      checker.free();
    }
  }
  // A sound file never throws: takeChunks() after finish() gives the last chunk.
  const checker = new Checker({}, { chunks: true });
  checker.push('[{"row_data":"https://h.example/a.png"}]');
  checker.finish();
  assert.equal(checker.takeChunks().length, 1);
  assert.equal(checker.progress.fileFailed, false);
});

test('chunkLimits(): the limits split() applies, and the smallest options may take', () => {
  const { maxRows, maxRowsWithMetadata, maxBytes, minRows, minBytes } = chunkLimits();
  const rows = (n, metadata) => Array.from({ length: n }, (_, i) => JSON.stringify({ row_data: `https://h.example/${i}.jpg`, ...(metadata && { metadata_fields: [{ name: 'tag', value: 'x' }] }) })).join('\n');
  assert.deepEqual(split(rows(maxRowsWithMetadata + 1, true)).report.chunks.map((c) => c.rows), [maxRowsWithMetadata, 1]);
  assert.ok(maxRows > maxRowsWithMetadata && maxBytes > 1e6);
  assert.equal(split('[{"row_data":"https://h.example/a.jpg"}]', { maxRows: minRows, maxBytes }).chunks.length, 1);
  assert.throws(() => check('[]', { maxRows: minRows - 1 }), (e) => e.code === 'INVALID_OPTIONS');
  assert.throws(() => check('[]', { maxBytes: minBytes - 1 }), (e) => e.code === 'INVALID_OPTIONS');
  assert.doesNotThrow(() => check('[]', { maxBytes: minBytes }));
  assert.throws(() => chunkFileName(-1), (e) => e.code === 'INVALID_INPUT');
});

test('input may be bytes, an ArrayBuffer or a string', () => {
  const text = readFileSync(join(root, 'examples/seed-image.json'), 'utf8');
  const bytes = new TextEncoder().encode(text);
  const a = check(text);
  assert.deepEqual(check(bytes), a);
  assert.deepEqual(check(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), a);
  assert.equal(a.summary.rows, 2);
  assert.equal(a.summary.errors, 0);
});

test('caller mistakes throw RowcheckError with a code; manifest problems never throw', () => {
  const code = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof RowcheckError, String(e));
      return e.code;
    }
    return 'no error';
  };
  assert.equal(code(() => check(42)), 'INVALID_INPUT');
  assert.equal(code(() => check(null)), 'INVALID_INPUT');
  assert.equal(code(() => check('[]', { bogus: true })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { existingKeys: 42 })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { existingKeys: '["a", 1]' })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { existingKeys: [1] })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { maxRows: 0 })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { maxRows: 'ten' })), 'INVALID_OPTIONS');
  assert.equal(code(() => check('[]', { ontology: { not: 'a list' } })), 'INVALID_ONTOLOGY');
  assert.equal(code(() => check('[]', { schema: { type: 12 } })), 'INVALID_SCHEMA');
  assert.equal(code(() => check('not json at all {{{')), 'no error');
  const existing = check('[{"row_data":"https://h.example/a.jpg","global_key":"Taken"}]', { existingKeys: new Set(['taken']) });
  assert.deepEqual(existing.diagnostics.map((d) => d.code), ['GLOBAL_KEY_EXISTS']);
  // A string is the text of a key-list file, one key per line or a JSON array.
  // Bytes are a key-list file's bytes, in either form.
  for (const keys of ['other\r\ntaken\n', '["other", "taken"]', new TextEncoder().encode('\ufeffother\ntaken'), new TextEncoder().encode(' ["taken"]')]) {
    const report = check('[{"row_data":"https://h.example/a.jpg","global_key":"Taken"}]', { existingKeys: keys, verbose: true });
    assert.deepEqual(report.diagnostics.map((d) => d.code), ['MEDIA_TYPE_INFERRED', 'GLOBAL_KEY_EXISTS']);
  }
});

test('a key-list file streamed in pieces of any size reads as the whole file does', async () => {
  const manifest = ['Taken', 'ÉTÉ', 'k\r', 'other', 'new'].map((k) => JSON.stringify({ row_data: 'https://h.example/a.jpg', global_key: k })).join('\n');
  const file = new TextEncoder().encode('\ufefftaken\r\nété\n\nk\r\r\nother');
  const whole = check(manifest, { existingKeys: file });
  assert.deepEqual(whole.diagnostics.filter((d) => d.code === 'GLOBAL_KEY_EXISTS').map((d) => d.row), [0, 1, 3]);
  for (const size of [1, 2, 3, 5, file.length]) {
    const pieces = [];
    for (let at = 0; at < file.length; at += size) pieces.push(file.subarray(at, at + size));
    const checker = new Checker({}, {}, await readKeyList(pieces, {}));
    checker.push(manifest);
    assert.deepEqual(checker.finish(), whole, `pieces of ${size}`);
    checker.free();
  }
  // A bad list is refused as existingKeys refuses it, at the piece that shows it.
  await assert.rejects(readKeyList([file, new Uint8Array([0x0a, 0xff, 0x0a])], {}), (e) => e instanceof RowcheckError && e.code === 'INVALID_OPTIONS' && /not UTF-8/.test(e.message));
});

test('junk never makes the wasm trap', () => {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const pieces = ['{', '}', '[', ']', '"row_data"', ':', ',', '"https://h.example/a b.jpg"', '\\u', '\xff', '1e999', 'null', '\n'];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    for (let j = next() % 40; j > 0; j--) s += pieces[next() % pieces.length];
    const report = check(s);
    assert.equal(typeof report.summary.rows, 'number');
  }
  const random = new Uint8Array(4096).map(() => next() & 0xff);
  assert.equal(typeof check(random).summary.errors, 'number');
});
