// The streaming Checker against the whole-input functions: on every corpus
// file and example, cut in two at every byte (the few files over 8 KB at
// every 7th), and in three at seeded random places; on a large manifest
// built from the corpus rows, cut at a hundred random places. The same
// report, chunks and normalized bytes every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { Checker, RowcheckError, check, normalize, split } from 'rowcheck';
import { argsOf, manifests } from './support.mjs';

/** Chunks taken as they fill; those taken before a file failure shows are void, so none are kept then. */
function streamed(pieces, options) {
  const checker = new Checker(options, { chunks: true });
  const chunks = [];
  const take = () => !checker.progress.fileFailed && chunks.push(...checker.takeChunks());
  for (const piece of pieces) {
    checker.push(piece);
    take();
  }
  const report = checker.finish();
  take();
  checker.free();
  return { report, chunks: report.summary.file_failed ? [] : chunks };
}

const concat = (parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

test('cut anywhere: the same report and chunks as split() on the whole file', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (const path of manifests) {
    const bytes = readFileSync(path);
    const { options } = argsOf(path);
    const whole = split(bytes, options);
    const expected = { report: whole.report, chunks: concat(whole.chunks) };
    const same = (pieces, what) => {
      const got = streamed(pieces, options);
      assert.deepEqual(got.report, expected.report, `${path} ${what}`);
      assert.ok(concat(got.chunks).equals(expected.chunks), `${path} ${what}: chunks`);
    };
    const step = bytes.length > 8192 ? 7 : 1;
    for (let cut = 0; cut <= bytes.length; cut += step) same([bytes.subarray(0, cut), bytes.subarray(cut)], `cut at ${cut}`);
    for (let i = 0; i < 20; i++) {
      const [a, b] = [next() % (bytes.length + 1), next() % (bytes.length + 1)].sort((x, y) => x - y);
      same([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)], `cuts at ${a}, ${b}`);
    }
  }
});

/** Every row of the corpus and examples that parses, repeated with fresh,
 * repeated and case-folded global keys, plus rows that break the syntax
 * and rows spread over several lines: 20,000 rows and more. */
function largeManifest(ndjson) {
  const rows = manifests.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    try {
      const value = JSON.parse(text);
      return Array.isArray(value) ? value : [];
    } catch {
      return text.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
    }
  });
  const out = [];
  for (let copy = 0; out.length < 20_000; copy++) {
    for (const [i, row] of rows.entries()) {
      const key = row && typeof row === 'object' && typeof row.global_key === 'string' ? row.global_key : undefined;
      // A third of the copies reuse the key (duplicates across the file),
      // a third change only its case (duplicates too: keys fold case).
      const fresh = copy % 3 === 0 ? key : copy % 3 === 1 ? `${key}-${copy}` : key?.toUpperCase();
      const changed = key === undefined ? row : { ...row, global_key: fresh };
      out.push(!ndjson && i % 97 === 0 ? JSON.stringify(changed, null, 2) : JSON.stringify(changed));
      if (i % 501 === 0) out.push('{"row_data": "https://example.com/broken.jpg",}');
    }
  }
  return Buffer.from(ndjson ? `${out.join('\n')}\n` : `[\n${out.join(',\n')}\n]\n`);
}

test('a large manifest cut at random places: the same report, chunks and normalized bytes', () => {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (const ndjson of [false, true]) {
    const bytes = largeManifest(ndjson);
    const whole = split(bytes);
    assert.ok(whole.report.summary.rows >= 20_000, 'the manifest is large');
    assert.ok(whole.report.diagnostics.some((d) => d.code === 'GLOBAL_KEY_DUPLICATE'), 'it holds duplicates');
    const cuts = Array.from({ length: 100 }, () => next() % (bytes.length + 1)).sort((a, b) => a - b);
    const pieces = [0, ...cuts].map((start, i) => bytes.subarray(start, [...cuts, bytes.length][i]));
    const got = streamed(pieces, {});
    assert.deepEqual(got.report, whole.report, ndjson ? 'NDJSON' : 'JSON array');
    assert.ok(concat(got.chunks).equals(concat(whole.chunks)), 'chunks');
    const expected = normalize(bytes);
    const checker = new Checker({}, { normalized: true });
    const parts = pieces.map((piece) => (checker.push(piece), checker.takeNormalized()));
    checker.finish();
    parts.push(checker.takeNormalized());
    assert.ok(concat(parts).equals(Buffer.from(expected.bytes)), 'normalized bytes');
  }
});

test('takeChunks({ info: true }): each chunk with the index, first row and rows the report gives it', () => {
  const bytes = largeManifest(true);
  const whole = split(bytes, { maxRows: 700 });
  const checker = new Checker({ maxRows: 700 }, { chunks: true });
  const described = [];
  for (let i = 0; i < bytes.length; i += 1 << 16) {
    checker.push(bytes.subarray(i, i + (1 << 16)));
    described.push(...checker.takeChunks({ info: true }));
  }
  const report = checker.finish();
  described.push(...checker.takeChunks({ info: true }));
  assert.ok(report.chunks.length > 10, 'many chunks');
  assert.deepEqual(
    described.map(({ index, firstRow, rows }) => ({ index, first_row: firstRow, rows })),
    report.chunks.map(({ index, first_row, rows }) => ({ index, first_row, rows })),
  );
  assert.ok(concat(described.map((c) => c.bytes)).equals(concat(whole.chunks)), 'the same bytes as split()');
});

test('normalized output in pieces equals normalize() on the whole file', () => {
  for (const path of manifests) {
    const bytes = readFileSync(path);
    const { options } = argsOf(path);
    const expected = normalize(bytes, options);
    const checker = new Checker(options, { normalized: true });
    const parts = [];
    const take = () => !checker.progress.fileFailed && parts.push(checker.takeNormalized());
    for (let i = 0; i < bytes.length; i += 5) {
      checker.push(bytes.subarray(i, i + 5));
      take();
    }
    assert.deepEqual(checker.finish(), expected.report, path);
    take();
    if (expected.bytes === null) assert.ok(checker.progress.fileFailed, path);
    else assert.ok(concat(parts).equals(Buffer.from(expected.bytes)), path);
  }
});

test('fed from a Node stream, with progress', async () => {
  const path = manifests.find((p) => p.endsWith('seed-sdk-bulk-image.json'));
  const checker = new Checker();
  for await (const piece of createReadStream(path, { highWaterMark: 64 })) checker.push(piece);
  const { bytesRead, rows } = checker.progress;
  const report = checker.finish();
  assert.deepEqual(report, check(readFileSync(path)));
  assert.equal(bytesRead, readFileSync(path).length);
  assert.equal(rows, report.summary.rows);
  assert.equal(checker.finish(), report, 'finish() is idempotent');
});

test('misuse: push after finish, use after free', () => {
  const checker = new Checker();
  checker.push('[]');
  checker.finish();
  assert.throws(() => checker.push('[]'), (e) => e instanceof RowcheckError && e.code === 'INVALID_STATE');
  checker.free();
  checker.free();
  assert.throws(() => checker.takeChunks(), (e) => e instanceof RowcheckError && e.code === 'INVALID_STATE');
  assert.throws(() => new Checker({ maxRows: -1 }), (e) => e instanceof RowcheckError && e.code === 'INVALID_OPTIONS');
});
