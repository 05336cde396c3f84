// rowcheck/worker in headless Chromium, from the package's own files (the
// page imports them through an import map): on every corpus file and
// example the worker gives Node's report, chunks, normalized and fixed bytes, byte
// for byte; progress; onChunk and its back-pressure; transfer; abort;
// failures that must never hang; option errors; and no long task on the
// main thread while a 256 MB manifest, or a report of 50,000 diagnostics,
// reaches the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { check, fix, normalize, split } from 'rowcheck';
import { DiagnosticList, checkFile } from 'rowcheck/worker';
import { packDiagnostics } from '../lib/diagnostic-list.js';
import { errorRows } from '../lib/error-rows.js';
import { launch } from './browser.mjs';
import { argsOf, brokenManifests, manifests, root } from './support.mjs';
import { manifestBlock, measureLongTasks, openWorkerPage } from './worker-page.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** A fresh page for `body`, closed afterwards; `body` gets { page, errors }. */
async function withPage(body) {
  const opened = await openWorkerPage(browser);
  try {
    return await body(opened);
  } finally {
    await opened.close();
  }
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const block = manifestBlock();

/** What the page's helpers need, defined in the page (page.evaluate cannot pass functions). */
const helpers = `
  window.base64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  window.sha256 = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  window.settled = (promise) => promise.then((value) => ({ value }), (e) => ({ error: { name: e?.name, code: e?.code, message: e?.message ?? String(e), isDOMException: e instanceof DOMException, report: e?.report } }));
`;

/** Every progress event counts up, and the last one has read the whole file. */
function assertProgress(progress, size, report, what) {
  assert.ok(progress.length >= 1, `${what}: no progress event`);
  for (let i = 1; i < progress.length; i++) {
    for (const key of ['bytesRead', 'rows', 'errors']) assert.ok(progress[i][key] >= progress[i - 1][key], `${what}: ${key} went down`);
  }
  for (const p of progress) assert.equal(p.totalBytes, size, what);
  assert.deepEqual(progress.at(-1), { bytesRead: size, totalBytes: size, rows: report.summary.rows, errors: report.summary.errors }, what);
}

test('every corpus file and example: the report, chunks, normalized and fixed bytes of Node, byte for byte, with progress', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    assert.ok(manifests.length > 60);
    for (const path of manifests) {
      const bytes = readFileSync(path);
      const { options } = argsOf(path);
      const got = await page.evaluate(async ({ url, options }) => {
        const { checkFile, fixFile, normalizeFile, splitFile } = await import('rowcheck/worker');
        const file = new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop());
        const progress = { check: [], split: [], normalize: [], fix: [] };
        const [report, splitted, normalized, fixed] = await Promise.all([
          checkFile(file, { ...options, onProgress: (p) => progress.check.push(p) }),
          splitFile(file, { ...options, onProgress: (p) => progress.split.push(p) }),
          normalizeFile(file, { ...options, onProgress: (p) => progress.normalize.push(p) }),
          fixFile(file, { ...options, onProgress: (p) => progress.fix.push(p) }),
        ]);
        return {
          report,
          split: { report: splitted.report, chunks: splitted.chunks.map(base64) },
          normalize: { report: normalized.report, bytes: normalized.bytes && base64(normalized.bytes) },
          fix: { report: fixed.report, bytes: fixed.bytes && base64(fixed.bytes) },
          progress,
          unterminated: workers.filter((w) => !w.terminated).length,
        };
      }, { url: '/' + relative(root, path), options });

      const what = relative(root, path);
      const whole = split(bytes, options);
      const normalized = normalize(bytes, options);
      assert.deepEqual(got.report, check(bytes, options), what);
      assert.deepEqual(got.split.report, whole.report, `${what}: split report`);
      assert.deepEqual(got.split.chunks, whole.chunks.map((c) => Buffer.from(c).toString('base64')), `${what}: chunks`);
      assert.deepEqual(got.normalize.report, normalized.report, `${what}: normalize report`);
      assert.equal(got.normalize.bytes, normalized.bytes && Buffer.from(normalized.bytes).toString('base64'), `${what}: normalized bytes`);
      const fixed = fix(bytes, options);
      assert.deepEqual(got.fix.report, fixed.report, `${what}: fix report`);
      assert.equal(got.fix.bytes, fixed.bytes && Buffer.from(fixed.bytes).toString('base64'), `${what}: fixed bytes`);
      for (const mode of ['check', 'split', 'normalize']) assertProgress(got.progress[mode], bytes.length, got.report, `${what} ${mode}`);
      assertProgress(got.progress.fix, bytes.length, fixed.report, `${what} fix`);
      assert.equal(got.unterminated, 0, `${what}: every call terminates its worker`);
    }
    assert.deepEqual(errors, []);
  }));

/** What a text filter matches, the slow way: `needle` in the code, pointer, message or suggestion, lowercased. */
function naiveMatches(diagnostics, needle) {
  return diagnostics.flatMap((d, i) => ([d.code, d.pointer, d.message, d.suggestion ?? ''].some((s) => s.toLowerCase().includes(needle)) ? [i] : []));
}

/** Indices ordered by row (a problem with the file first), ties in report order. */
function rowOrder(diagnostics) {
  return diagnostics.map((d, i) => [d.row ?? -1, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
}

/** A few needles each diagnostic list must be searched for: pieces of its texts, a character outside ASCII, and one found nowhere. */
function needlesOf(diagnostics) {
  const needles = new Set(['no such text anywhere']);
  for (const d of diagnostics.slice(0, 3)) {
    needles.add(d.code.toLowerCase());
    needles.add(d.message.slice(4, 12).toLowerCase());
    if (d.pointer) needles.add(d.pointer.toLowerCase());
  }
  const wide = diagnostics.map((d) => /[^\x00-\x7f]/.exec(d.message)?.[0]).find(Boolean);
  if (wide) needles.add(wide.toLowerCase());
  return [...needles].filter(Boolean);
}

test('compact: every corpus file and example: the list is check()\'s diagnostics, as objects and as JSON; columns, row order, text search and error rows agree', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    for (const path of manifests) {
      const bytes = readFileSync(path);
      const { options } = argsOf(path);
      const expected = check(bytes, options);
      const needles = needlesOf(expected.diagnostics);
      const got = await page.evaluate(async ({ url, options, needles }) => {
        const { DiagnosticList, checkFile, fixFile, normalizeFile, splitFile } = await import('rowcheck/worker');
        const { errorRows } = await import('/pkg/lib/error-rows.js');
        const file = new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop());
        const [report, splitted, normalized, fixed] = await Promise.all([
          checkFile(file, { ...options, compact: true }),
          splitFile(file, { ...options, compact: true }),
          normalizeFile(file, { ...options, compact: true }),
          fixFile(file, { ...options, compact: true }),
        ]);
        const list = report.diagnostics;
        const found = {};
        for (const needle of needles) {
          const marks = new Uint8Array(list.length);
          for (let block = 0; block < list.textBlocks; block++) list.markText(needle, marks, block);
          found[needle] = [...marks.keys()].filter((i) => marks[i]);
        }
        return {
          isList: list instanceof DiagnosticList && splitted.report.diagnostics instanceof DiagnosticList,
          report: JSON.parse(JSON.stringify(report)),
          split: JSON.parse(JSON.stringify(splitted.report)),
          normalize: JSON.parse(JSON.stringify(normalized.report)),
          fix: { isList: fixed.report.diagnostics instanceof DiagnosticList, report: JSON.parse(JSON.stringify(fixed.report)), bytes: fixed.bytes && base64(fixed.bytes) },
          chunks: splitted.chunks.length,
          at: Array.from({ length: list.length }, (_, i) => list.at(i)),
          iterated: [...list],
          columns: Array.from({ length: list.length }, (_, i) => [list.row(i), list.severity(i), list.code(i)]),
          byRow: list.byRow && [...list.byRow],
          json: new TextDecoder().decode(list.json),
          found,
          errorRows: errorRows(report),
          past: [list.at(-1) ?? 'none', list.at(list.length) ?? 'none'],
        };
      }, { url: '/' + relative(root, path), options, needles });
      const what = relative(root, path);
      const ds = expected.diagnostics;
      assert.ok(got.isList, what);
      assert.deepEqual(got.report, expected, what);
      assert.deepEqual(got.split, expected, `${what}: split report`);
      assert.equal(got.chunks, split(bytes, options).chunks.length, `${what}: chunks`);
      assert.deepEqual(got.normalize, normalize(bytes, options).report, `${what}: normalize report`);
      const fixed = fix(bytes, options);
      assert.deepEqual(got.fix, { isList: true, report: fixed.report, bytes: fixed.bytes && Buffer.from(fixed.bytes).toString('base64') }, `${what}: fix`);
      assert.deepEqual(got.at, ds, `${what}: at()`);
      assert.deepEqual(got.iterated, ds, `${what}: iteration`);
      assert.deepEqual(got.columns, ds.map((d) => [d.row, d.severity, d.code]), `${what}: columns`);
      assert.equal(`[${got.json}]`, JSON.stringify(ds), `${what}: the JSON, as the report array holds it`);
      assert.deepEqual(got.byRow ?? ds.map((_, i) => i), rowOrder(ds), `${what}: row order`);
      for (const needle of needles) assert.deepEqual(got.found[needle], naiveMatches(ds, needle), `${what}: text ${JSON.stringify(needle)}`);
      assert.deepEqual(got.errorRows, errorRows(expected), `${what}: rows with errors`);
      assert.deepEqual(got.past, ['none', 'none'], what);
    }
    assert.deepEqual(errors, []);
  }));

test('compact, in Node: rows out of order, texts across block ends, cases, line breaks and wide characters in values', () => {
  const diagnostics = [];
  for (let i = 0; i < 9000; i++) {
    const row = i === 4 ? null : (i * 7919) % 3000;
    const message = i % 1000 === 999 ? `Line one\nLINE TWO of ${i}: ΣΊΣΥΦΟΣ café` : `Value ${i} is WRONG here`;
    diagnostics.push({ code: i % 3 ? 'URL_INSECURE' : 'GLOBAL_KEY_DUPLICATE', severity: ['error', 'warning', 'info'][i % 3], row, pointer: i % 2 ? '/row_data' : '', line: i + 1, column: 1, offset: i, length: 3, message, ...(i % 5 ? {} : { suggestion: `Fix ${i}` }) });
  }
  const { packed, transfer } = packDiagnostics(diagnostics);
  assert.ok(transfer.every((buffer) => buffer instanceof ArrayBuffer));
  const list = new DiagnosticList(packed);
  assert.equal(list.length, diagnostics.length);
  assert.deepEqual(list.at(4), diagnostics[4]);
  assert.equal(list.row(4), null);
  assert.deepEqual([...list.byRow], rowOrder(diagnostics));
  assert.deepEqual(JSON.parse(JSON.stringify({ diagnostics: list })).diagnostics, diagnostics);
  assert.equal(`[${new TextDecoder().decode(list.json)}]`, JSON.stringify(diagnostics));
  assert.ok(list.textBlocks > 2, 'the text spans several blocks');
  for (const needle of ['line two', 'one', 'σίσυφος', 'café', 'wrong here', ' 4095 ', ' 4096 ', 'fix 40', 'global_key', '/row_data', 'value 8999 is', 'no such']) {
    const marks = new Uint8Array(list.length);
    for (let block = 0; block < list.textBlocks; block++) list.markText(needle, marks, block);
    assert.deepEqual([...marks.keys()].filter((i) => marks[i]), naiveMatches(diagnostics, needle), needle);
  }
  assert.deepEqual(list.errorRows(), errorRows({ diagnostics }));
  const empty = new DiagnosticList(packDiagnostics([]).packed);
  assert.equal(empty.length, 0);
  assert.equal(empty.textBlocks, 0);
  assert.deepEqual(empty.toJSON(), []);
  assert.equal(empty.byRow, null);
});

test('existingKeys as a File: streamed in the worker, the same reports as the list\'s bytes give check() and fix()', () =>
  withPage(async ({ page, errors }) => {
    // Several of the stream's pieces; a key of the manifest near the end.
    const keys = Array.from({ length: 300_000 }, (_, i) => `org-${i}-${'k'.repeat(i % 17)}`);
    const list = keys.join('\n') + '\n';
    const manifest = [keys[299_998].toUpperCase(), ' new  key ', 'fresh'].map((k) => JSON.stringify({ row_data: 'https://h.example/a.jpg', global_key: k })).join('\n') + '\n';
    const got = await page.evaluate(async ({ list, manifest }) => {
      const { checkFile, fixFile, probePlanFile } = await import('rowcheck/worker');
      const keys = new File([list], 'keys.txt');
      const fixed = await fixFile(new Blob([manifest]), { existingKeys: keys });
      let refused;
      try {
        await checkFile(new Blob([manifest]), { existingKeys: new Blob([list, new Uint8Array([0xff])]) });
      } catch (e) {
        refused = { code: e.code, message: e.message };
      }
      return {
        report: await checkFile(new Blob([manifest]), { existingKeys: keys }),
        fixed: { text: new TextDecoder().decode(fixed.bytes), report: fixed.report },
        plan: await probePlanFile(new Blob([manifest]), { existingKeys: keys }),
        refused,
      };
    }, { list, manifest });
    const bytes = Buffer.from(list);
    assert.deepEqual(got.report, check(Buffer.from(manifest), { existingKeys: bytes }));
    assert.deepEqual(got.report.diagnostics.filter((d) => d.code === 'GLOBAL_KEY_EXISTS').map((d) => d.row), [0]);
    const fixed = fix(Buffer.from(manifest), { existingKeys: bytes });
    assert.deepEqual(got.fixed, { text: Buffer.from(fixed.bytes).toString(), report: fixed.report });
    assert.deepEqual(got.plan.hosts.map((h) => h.origin), ['https://h.example']);
    assert.equal(got.refused.code, 'INVALID_OPTIONS');
    assert.match(got.refused.message, /the key list is not UTF-8: invalid utf-8 sequence of 1 bytes from index \d+/);
    assert.deepEqual(errors, []);
  }));

test('verbose: the infos about rows listed one by one, as check() lists them', () =>
  withPage(async ({ page, errors }) => {
    const manifest = Array.from({ length: 12 }, (_, i) => `https://h.example/${i}.png`).join('\n') + '\n';
    const got = await page.evaluate(async (text) => {
      const { checkFile } = await import('rowcheck/worker');
      return { quiet: await checkFile(new Blob([text])), verbose: await checkFile(new Blob([text]), { verbose: true }) };
    }, manifest);
    assert.deepEqual(got.quiet, check(Buffer.from(manifest)));
    assert.deepEqual(got.quiet.diagnostics, []);
    assert.deepEqual(got.quiet.summary.infos, [{ code: 'MEDIA_TYPE_INFERRED', rows: 12, first_rows: [0, 1, 2, 3, 4] }]);
    assert.deepEqual(got.verbose, check(Buffer.from(manifest), { verbose: true }));
    assert.equal(got.verbose.diagnostics.length, 12);
    assert.deepEqual(errors, []);
  }));

test('onChunk takes each chunk as it fills, in order, each its own buffer; reading waits for a slow onChunk', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    const blocks = 6;
    const maxRows = 2000;
    const manifest = Buffer.from(block.text.repeat(blocks));
    const expected = split(manifest, { maxRows });
    assert.ok(expected.chunks.length > 15);
    const got = await page.evaluate(async ({ text, blocks, maxRows }) => {
      const { splitFile } = await import('rowcheck/worker');
      const file = new Blob(Array(blocks).fill(text));
      const events = [];
      const digests = [];
      let ownBuffers = true;
      const result = await splitFile(file, {
        maxRows,
        onProgress: () => events.push('progress'),
        onChunk: async (chunk, index) => {
          events.push(`start ${index}`);
          ownBuffers &&= chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.byteLength;
          digests.push(await sha256(chunk));
          await new Promise((resolve) => setTimeout(resolve, 30));
          events.push(`end ${index}`);
        },
      });
      return { keys: Object.keys(result), report: result.report, events, digests, ownBuffers };
    }, { text: block.text, blocks, maxRows });

    assert.deepEqual(got.keys, ['report'], 'with onChunk the chunks are not kept');
    assert.deepEqual(got.report, expected.report);
    assert.deepEqual(got.digests, expected.chunks.map(sha256));
    assert.ok(got.ownBuffers, 'each chunk arrives in its own ArrayBuffer');
    // Between a chunk's start and end nothing else happens: the worker waits for it.
    let open = null;
    let next = 0;
    for (const event of got.events) {
      if (event.startsWith('start')) {
        assert.equal(open, null, `${event} while chunk ${open} is pending`);
        assert.equal(event, `start ${next}`);
        open = next;
      } else if (event.startsWith('end')) {
        assert.equal(event, `end ${open}`);
        open = null;
        next++;
      } else {
        assert.equal(open, null, `progress while chunk ${open} is pending: the worker read on`);
      }
    }
    assert.equal(next, expected.chunks.length);
    assert.deepEqual(errors, []);
  }));

test('a file that fails: normalizeFile and fixFile give null bytes, splitFile no chunks; onChunk that took chunks before the break is told to discard them', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    for (const path of brokenManifests) {
      const got = await page.evaluate(async (url) => {
        const { fixFile, normalizeFile, splitFile } = await import('rowcheck/worker');
        const file = new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop());
        const normalized = await normalizeFile(file, { maxRows: 1 });
        const fixed = await fixFile(file, { maxRows: 1 });
        const splitted = await splitFile(file, { maxRows: 1 });
        let taken = 0;
        const streamed = await settled(splitFile(file, { maxRows: 1, onChunk: () => taken++ }));
        return { bytes: normalized.bytes, fixed: fixed.bytes, failed: normalized.report.summary.file_failed, chunks: splitted.chunks.length, planned: splitted.report.chunks.length, taken, streamed: streamed.error?.code ?? 'resolved' };
      }, '/' + relative(root, path));
      const what = relative(root, path);
      const { taken, streamed, ...outputs } = got;
      assert.deepEqual(outputs, { bytes: null, fixed: null, failed: true, chunks: 0, planned: 0 }, what);
      // A truncated file shows its failure only at the end, after chunks left; a missing comma before any did.
      assert.equal(streamed, taken > 0 ? 'FILE_FAILED' : 'resolved', what);
      if (/truncated-(row|line)/.test(path)) assert.ok(taken > 0, what);
    }
    // Several MB cut inside a row: chunks leave as they fill, then the end shows the cut.
    const text = block.text.repeat(4) + '{"row_data": "https://storage.example.com/images/cut';
    const got = await page.evaluate(async (text) => {
      const { splitFile } = await import('rowcheck/worker');
      let taken = 0;
      const streamed = await settled(splitFile(new Blob([text]), { maxRows: 500, onChunk: () => taken++ }));
      const kept = await splitFile(new Blob([text]), { maxRows: 500 });
      const e = streamed.error;
      return { taken, code: e?.code, message: e?.message, reportFailed: e?.report?.summary.file_failed, chunks: kept.chunks.length };
    }, text);
    assert.ok(got.taken > 0, 'onChunk took chunks before the end');
    assert.equal(got.code, 'FILE_FAILED');
    assert.match(got.message, /discard the chunks onChunk took/);
    assert.equal(got.reportFailed, true, 'the rejection carries the report');
    assert.equal(got.chunks, 0, 'without onChunk: no chunks');
    assert.deepEqual(errors, []);
  }));

test('chunks and normalized bytes are transferred, not copied: the worker keeps no copy', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    // The real worker script, with postMessage wrapped to tell the page, first, whether each
    // buffer about to be sent is in the transfer list (so it moves, and the worker keeps nothing).
    await page.route('**/pkg/lib/worker-thread.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `import '/pkg/lib/worker-thread.js?real';
          const post = self.postMessage.bind(self);
          self.postMessage = (message, transfer = []) => {
            const sent = message.chunks ?? (message.bytes ? [message.bytes] : []);
            if (sent.length > 0) post({ type: 'sent', transferred: sent.map((bytes) => transfer.includes(bytes.buffer)) });
            post(message, transfer);
          };`,
      }));
    const manifest = block.text.repeat(2);
    const got = await page.evaluate(async (text) => {
      const { normalizeFile, splitFile } = await import('rowcheck/worker');
      const file = new Blob([text]);
      const { chunks } = await splitFile(file, { maxRows: 1000 });
      const { bytes } = await normalizeFile(file);
      const sent = workers.map((w) => w.received.filter((m) => m.type === 'sent').flatMap((m) => m.transferred));
      const whole = [...chunks, bytes].every((b) => b.byteOffset === 0 && b.buffer.byteLength === b.byteLength);
      return { chunks: chunks.length, bytes: bytes.length, sent, whole };
    }, manifest);
    const expected = split(Buffer.from(manifest), { maxRows: 1000 }).chunks.length;
    assert.equal(got.chunks, expected);
    assert.equal(got.bytes, normalize(Buffer.from(manifest)).bytes.length);
    assert.deepEqual(got.sent, [Array(expected).fill(true), [true]]);
    assert.ok(got.whole, 'each buffer holds exactly its bytes');
    assert.deepEqual(errors, []);
  }));

test('a callback that throws, or an onChunk that rejects, ends the call with its error and the worker', () =>
  withPage(async ({ page }) => {
    await page.evaluate(helpers);
    const got = await page.evaluate(async (text) => {
      const { checkFile, splitFile } = await import('rowcheck/worker');
      const file = new Blob([text]);
      const thrown = await settled(checkFile(file, { onProgress: () => { throw new Error('progress bar broke'); } }));
      const rejected = await settled(splitFile(file, { maxRows: 100, onChunk: () => Promise.reject(new Error('upload failed')) }));
      return { thrown, rejected, unterminated: workers.filter((w) => !w.terminated).length, made: workers.length };
    }, block.text);
    assert.equal(got.thrown.error?.message, 'progress bar broke');
    assert.equal(got.rejected.error?.message, 'upload failed');
    assert.deepEqual([got.made, got.unterminated], [2, 0]);
  }));

test('abort: mid-file it rejects at once with the AbortError and terminates the worker; before start, no worker; after the end, nothing', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    const got = await page.evaluate(async (text) => {
      const { checkFile } = await import('rowcheck/worker');
      const file = new Blob(Array(64).fill(text));

      const midway = new AbortController();
      let abortedAt;
      let abortedProgress;
      let progressAfterAbort = 0;
      const aborted = await settled(checkFile(file, {
        signal: midway.signal,
        onProgress: (p) => {
          if (abortedAt !== undefined) progressAfterAbort++;
          else if (p.bytesRead > 0) {
            abortedProgress = p;
            abortedAt = performance.now();
            midway.abort();
          }
        },
      }));
      const rejectedAfterMs = performance.now() - abortedAt;
      const midwayWorker = workers.at(-1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // time for any stray message

      const early = new AbortController();
      const reason = new Error('the user closed the dialog');
      const pending = checkFile(file, { signal: early.signal });
      early.abort(reason);
      const earlyResult = await settled(pending);
      const sameReason = await pending.catch((e) => e === reason);

      const before = workers.length;
      const already = await settled(checkFile(file, { signal: AbortSignal.abort() }));
      const madeForAborted = workers.length - before;

      const late = new AbortController();
      const done = await settled(checkFile(new Blob(['[]']), { signal: late.signal }));
      late.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));

      return {
        aborted, rejectedAfterMs, abortedProgress, progressAfterAbort, midwayTerminated: midwayWorker.terminated,
        earlyResult, sameReason, already, madeForAborted, done,
        workers: workers.length, unterminated: workers.filter((w) => !w.terminated).length,
      };
    }, block.text);

    assert.equal(got.aborted.error?.name, 'AbortError');
    assert.ok(got.aborted.error.isDOMException);
    assert.ok(got.abortedProgress.bytesRead < got.abortedProgress.totalBytes, 'aborted mid-file');
    assert.ok(got.rejectedAfterMs < 50, `rejected ${got.rejectedAfterMs} ms after abort()`);
    assert.ok(got.midwayTerminated);
    assert.equal(got.progressAfterAbort, 0);
    assert.equal(got.earlyResult.error?.message, 'the user closed the dialog');
    assert.ok(got.sameReason, 'rejects with the signal’s own reason');
    assert.equal(got.already.error?.name, 'AbortError');
    assert.equal(got.madeForAborted, 0, 'an aborted signal starts no worker');
    assert.equal(got.done.value?.summary.rows, 0, 'aborting after the end changes nothing');
    assert.deepEqual([got.workers, got.unterminated], [3, 0]);
    assert.deepEqual(errors, []);
  }));

test('bad options reject with the RowcheckError code check() throws; those found on the page start no worker', () =>
  withPage(async ({ page }) => {
    await page.evaluate(helpers);
    const got = await page.evaluate(async () => {
      const { RowcheckError, check, init } = await import('rowcheck');
      const { checkFile, fixFile, normalizeFile, RowcheckError: fromWorkerEntry } = await import('rowcheck/worker');
      // The full build too, so check() reads the schema as the worker does.
      await init({ schema: true });
      const file = new File(['[]'], 'm.json');
      const syncCode = (options) => {
        try {
          check('[]', options);
          return 'no error';
        } catch (e) {
          return e.code;
        }
      };
      const asyncCode = async (call) => {
        const before = workers.length;
        try {
          await call();
          return { code: 'no error' };
        } catch (e) {
          return { code: e.code, same: e instanceof RowcheckError, workers: workers.length - before };
        }
      };
      const shared = [{ bogus: true }, { existingKeys: 42 }, { existingKeys: [1] }, { maxRows: 0 }, { maxBytes: 'ten' }, { ontology: { not: 'a list' } }, { schema: { type: 12 } }, { strict: true }];
      const sameAsCheck = [];
      for (const options of shared) sameAsCheck.push({ options, sync: syncCode(options), worker: await asyncCode(() => checkFile(file, options)) });
      return {
        oneClass: fromWorkerEntry === RowcheckError,
        sameAsCheck,
        own: {
          notAFile: await asyncCode(() => checkFile(new Uint8Array(2))),
          notAnObject: await asyncCode(() => checkFile(file, 'strict')),
          signal: await asyncCode(() => checkFile(file, { signal: new AbortController() })),
          onProgress: await asyncCode(() => checkFile(file, { onProgress: 'yes' })),
          onChunkNotForCheck: await asyncCode(() => checkFile(file, { onChunk() {} })),
          onChunkNotForNormalize: await asyncCode(() => normalizeFile(file, { onChunk() {} })),
          onChunkNotForFix: await asyncCode(() => fixFile(file, { onChunk() {} })),
          wasm: await asyncCode(() => checkFile(file, { wasm: 42 })),
        },
      };
    });
    assert.ok(got.oneClass, 'rowcheck/worker exports the RowcheckError of rowcheck');
    for (const { options, sync, worker } of got.sameAsCheck) {
      assert.equal(worker.code, sync, JSON.stringify(options));
      if (sync !== 'no error') assert.ok(worker.same, `${JSON.stringify(options)}: instanceof the RowcheckError of 'rowcheck'`);
    }
    assert.deepEqual(got.sameAsCheck.map((c) => c.sync), ['INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_OPTIONS', 'INVALID_ONTOLOGY', 'INVALID_SCHEMA', 'no error']);
    assert.equal(got.sameAsCheck[0].worker.workers, 0, 'an unknown option is refused on the page');
    const expected = { code: 'INVALID_OPTIONS', same: true, workers: 0 };
    assert.deepEqual(got.own, {
      notAFile: { ...expected, code: 'INVALID_INPUT' },
      notAnObject: expected,
      signal: expected,
      onProgress: expected,
      onChunkNotForCheck: expected,
      onChunkNotForNormalize: expected,
      onChunkNotForFix: expected,
      wasm: expected,
    });
  }));

test('a wasm that will not load, or a worker that crashes, rejects with WORKER_FAILED and never hangs', () =>
  withPage(async ({ page }) => {
    await page.evaluate(helpers);
    const call = (options) =>
      page.evaluate(async (options) => {
        const { checkFile } = await import('rowcheck/worker');
        const hang = new Promise((resolve) => setTimeout(() => resolve({ hung: true }), 10_000));
        return Promise.race([settled(checkFile(new File(['[]'], 'm.json'), options)), hang]);
      }, options);

    const noWasm = await call({ wasm: '/missing/rowcheck_bg.wasm' });
    assert.equal(noWasm.error?.code, 'WORKER_FAILED');
    assert.match(noWasm.error.message, /could not load the wasm from http:\/\/127\.0\.0\.1:\d+\/missing\/rowcheck_bg\.wasm: .*404/);

    const notWasm = await call({ wasm: 'index.html' }); // relative to the page
    assert.equal(notWasm.error?.code, 'WORKER_FAILED');
    assert.match(notWasm.error.message, /pkg\/test\/worker\/index\.html/);

    await page.route('**/pkg/lib/worker-thread.js', (route) => route.fulfill({ status: 404 }));
    const noScript = await call();
    assert.deepEqual(noScript.error && [noScript.error.code, noScript.error.message], ['WORKER_FAILED', 'the worker failed: its script could not be loaded']);

    await page.route('**/pkg/lib/worker-thread.js', (route) =>
      route.fulfill({ contentType: 'text/javascript', body: "self.onmessage = () => { throw new Error('out of luck'); };" }));
    const crashed = await call();
    assert.equal(crashed.error?.code, 'WORKER_FAILED');
    assert.match(crashed.error.message, /out of luck/);
    assert.equal(await page.evaluate(() => workers.filter((w) => !w.terminated).length), 0);
  }));

test('in Node, where there is no Worker: bad options still reject with their code, good ones with WORKER_FAILED', async () => {
  await assert.rejects(checkFile(new Blob(['[]']), { bogus: 1 }), { name: 'RowcheckError', code: 'INVALID_OPTIONS' });
  await assert.rejects(checkFile('[]'), { code: 'INVALID_INPUT' });
  await assert.rejects(checkFile(new Blob(['[]'])), { code: 'WORKER_FAILED', message: /Web Workers are not available/ });
});

test('a report of 50,000 diagnostics reaches the page in pieces: check()\'s report, and no long task', () =>
  withPage(async ({ page, errors }) => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `{"row_data":"http://storage.example.com/images/${i}.jpg","media_type":"IMAGE"}`);
    const manifest = rows.join('\n') + '\n';
    const got = await measureLongTasks(page, { block: manifest, blocks: 1 });
    assert.ok(got.control, 'the long-task observer saw a known 80 ms task');
    assert.deepEqual(got.report, check(Buffer.from(manifest)));
    assert.equal(got.report.diagnostics.length, 50_000);
    assert.equal(got.longTasks, 0, `long tasks on the main thread, the longest ${got.longest} ms`);
    assert.deepEqual(errors, []);
  }));

test('compact: a report of 200,000 diagnostics reaches the page as one message of buffers: check()\'s report, and no long task', () =>
  withPage(async ({ page, errors }) => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `{"row_data":"http://storage.example.com/images/${i}.jpg","media_type":"IMAGE"}`);
    const manifest = rows.join('\n') + '\n';
    const got = await measureLongTasks(page, { block: manifest, blocks: 1, options: { compact: true } });
    assert.ok(got.control, 'the long-task observer saw a known 80 ms task');
    assert.equal(got.longTasks, 0, `long tasks on the main thread, the longest ${got.longest} ms`);
    assert.deepEqual(got.report, check(Buffer.from(manifest)));
    assert.equal(got.report.diagnostics.length, 200_000);
    const messages = await page.evaluate(() => workers.at(-1).received.map((m) => m.type).filter((type) => type !== 'progress'));
    assert.deepEqual(messages, ['done'], 'no batch of diagnostic objects: one message');
    assert.deepEqual(errors, []);
  }));

test('no long task on the main thread while a 256 MB manifest is checked in the worker', (t) =>
  withPage(async ({ page, errors }) => {
    const blocks = 256;
    const got = await measureLongTasks(page, { block: block.text, blocks });
    assert.ok(got.control, 'the long-task observer saw a known 80 ms task');
    assert.equal(got.bytes, block.text.length * blocks);
    assert.equal(got.report.summary.rows, block.rows * blocks);
    assert.deepEqual(got.report.diagnostics, []);
    assertProgress(got.progress, got.bytes, got.report, '256 MB');
    assert.ok(got.progress.length >= 10, 'progress every 100 ms or so');
    // Throttled in the worker: 100 ms apart, give or take delivery; only the final event may follow sooner.
    const gaps = got.progressAt.slice(1, -1).map((at, i) => at - got.progressAt[i]);
    assert.ok(Math.min(...gaps) >= 50, `progress events ${Math.min(...gaps).toFixed(1)} ms apart`);
    assert.equal(got.longTasks, 0, `long tasks on the main thread, the longest ${got.longest} ms`);
    assert.ok(got.longest <= 50);
    t.diagnostic(`${(got.bytes / 1e6).toFixed(0)} MB in ${got.seconds.toFixed(1)} s; timer at most ${got.late.toFixed(1)} ms late`);
    assert.deepEqual(errors, []);
  }));
