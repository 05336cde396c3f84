// rowcheck/uploader against a loopback server that injects faults: 500s,
// 429 with Retry-After, answers that never come, connections reset mid-body,
// a request applied whose answer is lost, and a permanent 400 for one chunk.
// Every valid row must be applied exactly once and the failure reported
// with its rows; after an abort no request may start; a resumed upload
// sends exactly the chunks not yet acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { split } from 'rowcheck';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { faultyServer } from './fault-server.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { fileCheckpoint, httpTransport, idempotencyKey, indexedDbCheckpoint, upload } from 'rowcheck/uploader';

const ROWS = 400;
const manifest = JSON.stringify(
  Array.from({ length: ROWS }, (_, i) =>
    // Every 37th row is invalid, so chunk boundaries and row indices differ.
    i % 37 === 5 ? { row_data: `https://example.com/a<b/${i}.jpg`, global_key: `k-${i}` } : { row_data: `https://example.com/img/${i}.jpg`, global_key: `k-${i}`, media_type: 'IMAGE' },
  ),
);

test('faults: every valid row applied exactly once; the refused chunk reported with its rows', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 10 });
  const keyOf = new Map();
  for (const [index, chunk] of chunks.entries()) keyOf.set(await idempotencyKey(chunk), index);
  const refused = 7;
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const faults = ['reset', 'hang', 500, 'lose-answer'];
  const server = await faultyServer((key, attempt) => {
    const index = keyOf.get(key);
    if (index === refused) return 400;
    if (index === 3 && attempt === 0) return 429;
    // Most chunks fail once or twice before they go through.
    return attempt < 2 && random() < 0.6 ? faults[Math.floor(random() * faults.length)] : undefined;
  });
  t.after(server.close);
  const events = [];
  const result = await upload(chunks, {
    transport: httpTransport({ endpoint: server.endpoint, timeoutMs: 300 }),
    concurrency: 4,
    backoffMs: 5,
    maxBackoffMs: 50,
    report,
    onProgress: (p) => events.push(p),
  });
  const refusedInfo = report.chunks[refused];
  assert.deepEqual(result.failed, [{ chunk: refused, firstRow: refusedInfo.first_row, rows: refusedInfo.rows, status: 400, reason: 'chunk refused for good' }]);
  assert.equal(result.chunksSent, chunks.length - 1);
  assert.equal(result.rowsSent, report.summary.valid_rows - refusedInfo.rows);
  const refusedKeys = new Set(JSON.parse(Buffer.from(chunks[refused]).toString()).map((row) => row.global_key));
  const validKeys = chunks.flatMap((c) => JSON.parse(Buffer.from(c).toString()).map((row) => row.global_key));
  assert.equal(validKeys.length, report.summary.valid_rows);
  for (const key of validKeys) assert.equal(server.applied.get(key) ?? 0, refusedKeys.has(key) ? 0 : 1, key);
  assert.equal(server.applied.size, validKeys.length - refusedKeys.size, 'nothing else was applied');
  assert.ok(server.received.length > chunks.length + 10, 'the faults really happened');
  assert.equal(events.length, chunks.length);
  assert.deepEqual(events.at(-1), { rowsSent: result.rowsSent, chunksSent: result.chunksSent, bytesSent: result.bytesSent, chunksSkipped: 0, failed: 1 });
});

test('retries are bounded: a chunk that always fails is reported after retries + 1 attempts', async (t) => {
  const { chunks } = split(manifest, { maxRows: 200 });
  const server = await faultyServer(() => 500);
  t.after(server.close);
  const result = await upload(chunks, { transport: httpTransport({ endpoint: server.endpoint }), retries: 2, backoffMs: 1 });
  assert.equal(result.chunksSent, 0);
  assert.deepEqual(result.failed.map((f) => [f.chunk, f.status, f.reason]), chunks.map((_, i) => [i, 500, 'try again']));
  assert.equal(server.received.length, chunks.length * 3);
});

test('abort: rejects with the reason, promptly, and starts no request afterwards', async (t) => {
  const { chunks } = split(manifest, { maxRows: 5 });
  const server = await faultyServer(() => ({ delayMs: 40 }));
  t.after(server.close);
  const controller = new AbortController();
  let abortedAt;
  // A request the transport began before the abort may still reach the
  // server after it; what must not happen is a request begun afterwards.
  const http = httpTransport({ endpoint: server.endpoint });
  const begun = [];
  const uploading = upload(chunks, {
    transport: { send: (request) => (begun.push(performance.now()), http.send(request)) },
    concurrency: 2,
    signal: controller.signal,
    onProgress: ({ chunksSent }) => {
      if (chunksSent === 3) {
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  await assert.rejects(uploading, { name: 'AbortError' });
  assert.ok(performance.now() - abortedAt < 200, 'the rejection is prompt');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(begun.filter((at) => at > abortedAt), [], 'no request after the abort');
  assert.ok(server.received.length < chunks.length);
  await assert.rejects(upload(chunks, { transport: httpTransport({ endpoint: server.endpoint }), signal: controller.signal }), { name: 'AbortError' });
});

test('chunks from an async generator are pulled as they are needed', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 50 });
  const server = await faultyServer(() => undefined);
  t.after(server.close);
  let pulled = 0;
  let most = 0;
  let sent = 0;
  async function* produce() {
    for (const chunk of chunks) {
      pulled += 1;
      most = Math.max(most, pulled - sent);
      yield chunk;
    }
  }
  const result = await upload(produce(), {
    transport: httpTransport({ endpoint: server.endpoint }),
    concurrency: 2,
    report,
    onProgress: ({ chunksSent }) => (sent = chunksSent),
  });
  assert.equal(result.chunksSent, chunks.length);
  assert.equal(result.rowsSent, report.summary.valid_rows);
  assert.ok(most <= 2, `at most one chunk per connection is held (held ${most})`);
});

test('resume: after an abort, a second run sends exactly the chunks not yet acknowledged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rowcheck-resume-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'checkpoint');
  const { chunks, report } = split(manifest, { maxRows: 8 });
  const server = await faultyServer(() => ({ delayMs: 15 }));
  t.after(server.close);
  // Requests of the aborted run may still reach the server after it
  // rejected: each run marks its own.
  const transport = (run) => httpTransport({ endpoint: server.endpoint, headers: { 'X-Run': run } });
  const controller = new AbortController();
  const first = upload(chunks, {
    transport: transport('first'),
    concurrency: 3,
    report,
    checkpoint: fileCheckpoint(path),
    signal: controller.signal,
    onProgress: ({ chunksSent }) => chunksSent === 20 && controller.abort(),
  });
  await assert.rejects(first, { name: 'AbortError' });
  const recorded = readFileSync(path, 'utf8').trim().split('\n');
  assert.ok(recorded.length >= 20 && recorded.length < chunks.length, `${recorded.length} recorded`);
  // A crash mid-write leaves a torn line: it is ignored, and the next key
  // still gets a line of its own.
  appendFileSync(path, recorded[0].slice(0, 20));
  const second = await upload(chunks, { transport: transport('second'), concurrency: 3, report, checkpoint: fileCheckpoint(path) });
  const keys = await Promise.all(chunks.map(idempotencyKey));
  const missing = keys.filter((key) => !recorded.includes(key));
  const sent = (run) => server.received.filter((r) => r.run === run).map((r) => r.key);
  assert.deepEqual(sent('second').sort(), [...missing].sort(), 'exactly the missing chunks');
  assert.equal(second.chunksSkipped, recorded.length);
  assert.equal(second.chunksSent, missing.length);
  assert.deepEqual(second.failed, []);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
  assert.equal(server.applied.size, report.summary.valid_rows);
  const third = await upload(chunks, { transport: transport('third'), report, checkpoint: fileCheckpoint(path) });
  assert.equal(third.chunksSkipped, chunks.length, 'a finished upload sends nothing again');
  assert.deepEqual(sent('third'), []);
});

test('caller mistakes throw RowcheckError codes', async () => {
  const transport = httpTransport({ endpoint: 'http://127.0.0.1:9/' });
  await assert.rejects(upload([], {}), { code: 'INVALID_OPTIONS' });
  await assert.rejects(upload([], { transport, concurrency: 0 }), { code: 'INVALID_OPTIONS' });
  await assert.rejects(upload([], { transport, retry: 3 }), { code: 'INVALID_OPTIONS' });
  await assert.rejects(upload(42, { transport }), { code: 'INVALID_INPUT' });
  await assert.rejects(upload(['not bytes'], { transport }), { code: 'INVALID_INPUT' });
  await assert.rejects(upload([], { transport, checkpoint: {} }), { code: 'INVALID_OPTIONS' });
  assert.throws(() => httpTransport({}), { code: 'INVALID_OPTIONS' });
  assert.throws(() => indexedDbCheckpoint('node has none'), { code: 'INVALID_OPTIONS' });
  assert.throws(() => httpTransport({ endpoint: 'http://x/', timeoutMs: 0 }), { code: 'INVALID_OPTIONS' });
  assert.deepEqual(await upload([], { transport }), { rowsSent: 0, chunksSent: 0, bytesSent: 0, chunksSkipped: 0, failed: [], rowErrors: [] });
});

/** A Chromium page on the fault server's origin, which serves the package's modules; `errors` collects page errors. */
async function chromiumPage(t, server) {
  const browser = await launch();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/page.html', server.endpoint).href);
  return { page, errors };
}

test('in headless Chromium: the same faults, every row applied once, the refused chunk reported', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 16 });
  const keyOf = new Map();
  for (const [index, chunk] of chunks.entries()) keyOf.set(await idempotencyKey(chunk), index);
  const faults = ['reset', 'hang', 500, 'lose-answer'];
  const server = await faultyServer((key, attempt) => {
    const index = keyOf.get(key);
    if (index === 2) return 400;
    return attempt < 2 && index % 3 !== 0 ? faults[(index + attempt) % faults.length] : undefined;
  });
  t.after(server.close);
  const { page, errors } = await chromiumPage(t, server);
  const result = await page.evaluate(
    async ({ endpoint, chunks, report }) => {
      const { httpTransport, upload } = await import('/lib/uploader.js');
      const bytes = chunks.map((text) => new TextEncoder().encode(text));
      return upload(bytes, { transport: httpTransport({ endpoint, timeoutMs: 300 }), backoffMs: 5, maxBackoffMs: 50, report, checkpoint: new Set() });
    },
    { endpoint: server.endpoint, chunks: chunks.map((c) => Buffer.from(c).toString()), report },
  );
  assert.deepEqual(errors, []);
  const refused = report.chunks[2];
  assert.deepEqual(result.failed, [{ chunk: 2, firstRow: refused.first_row, rows: refused.rows, status: 400, reason: 'chunk refused for good' }]);
  assert.equal(result.rowsSent, report.summary.valid_rows - refused.rows);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
  assert.equal(server.applied.size, report.summary.valid_rows - refused.rows);
  assert.ok(server.received.length > chunks.length + 5, 'the faults really happened');
});

test('in headless Chromium: an IndexedDB checkpoint survives a reload; the resumed upload sends exactly the missing chunks', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 8 });
  const server = await faultyServer(() => ({ delayMs: 15 }));
  t.after(server.close);
  const { page, errors } = await chromiumPage(t, server);
  const texts = chunks.map((c) => Buffer.from(c).toString());
  const run = (name, abortAfter) =>
    page.evaluate(
      async ({ endpoint, texts, report, name, abortAfter }) => {
        const { httpTransport, indexedDbCheckpoint, upload } = await import('/lib/uploader.js');
        const controller = new AbortController();
        try {
          return await upload(
            texts.map((text) => new TextEncoder().encode(text)),
            {
              transport: httpTransport({ endpoint, headers: { 'X-Run': name } }),
              concurrency: 3,
              report,
              checkpoint: indexedDbCheckpoint('manifest.json → loopback'),
              signal: controller.signal,
              onProgress: ({ chunksSent }) => chunksSent === abortAfter && controller.abort(),
            },
          );
        } catch (e) {
          return { aborted: e.name };
        }
      },
      { endpoint: server.endpoint, texts, report, name, abortAfter },
    );
  assert.deepEqual(await run('first', 20), { aborted: 'AbortError' });
  await page.reload();
  const recorded = await page.evaluate(async (texts) => {
    const { idempotencyKey, indexedDbCheckpoint } = await import('/lib/uploader.js');
    const checkpoint = indexedDbCheckpoint('manifest.json → loopback');
    const keys = await Promise.all(texts.map((text) => idempotencyKey(new TextEncoder().encode(text))));
    const held = await Promise.all(keys.map((key) => checkpoint.has(key)));
    return keys.filter((_, i) => held[i]);
  }, texts);
  assert.ok(recorded.length >= 20 && recorded.length < chunks.length, `${recorded.length} recorded`);
  await page.reload();
  const second = await run('second');
  const keys = await Promise.all(chunks.map(idempotencyKey));
  const sent = server.received.filter((r) => r.run === 'second').map((r) => r.key);
  assert.deepEqual(sent.sort(), keys.filter((key) => !recorded.includes(key)).sort(), 'exactly the missing chunks');
  assert.equal(second.chunksSkipped, recorded.length);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
  assert.equal(server.applied.size, report.summary.valid_rows);
  await page.reload();
  const third = await run('third');
  assert.equal(third.chunksSkipped, chunks.length, 'a finished upload sends nothing again');
  const afterClear = await page.evaluate(async (text) => {
    const { idempotencyKey, indexedDbCheckpoint } = await import('/lib/uploader.js');
    const key = await idempotencyKey(new TextEncoder().encode(text));
    const checkpoint = indexedDbCheckpoint('manifest.json → loopback');
    const other = indexedDbCheckpoint('another manifest');
    await other.add(key);
    await checkpoint.clear();
    return [await checkpoint.has(key), await other.has(key)];
  }, texts[0]);
  assert.deepEqual(afterClear, [false, true], 'clear() forgets its own keys only');
  assert.deepEqual(errors, []);
});
