// rowcheck/worker in headless Chromium, from the package's own files (the
// page imports them through an import map): on every corpus file and
// example the worker gives Node's report, chunks and normalized bytes, byte
// for byte; progress; onChunk and its back-pressure; transfer; abort;
// failures that must never hang; option errors; and no long task on the
// main thread while a 256 MB manifest, or a report of 50,000 diagnostics,
// reaches the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { check, normalize, split } from 'rowcheck';
import { checkFile } from 'rowcheck/worker';
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

test('every corpus file and example: the report, chunks and normalized bytes of Node, byte for byte, with progress', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    assert.ok(manifests.length > 60);
    for (const path of manifests) {
      const bytes = readFileSync(path);
      const { options } = argsOf(path);
      const got = await page.evaluate(async ({ url, options }) => {
        const { checkFile, normalizeFile, splitFile } = await import('rowcheck/worker');
        const file = new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop());
        const progress = { check: [], split: [], normalize: [] };
        const [report, splitted, normalized] = await Promise.all([
          checkFile(file, { ...options, onProgress: (p) => progress.check.push(p) }),
          splitFile(file, { ...options, onProgress: (p) => progress.split.push(p) }),
          normalizeFile(file, { ...options, onProgress: (p) => progress.normalize.push(p) }),
        ]);
        return {
          report,
          split: { report: splitted.report, chunks: splitted.chunks.map(base64) },
          normalize: { report: normalized.report, bytes: normalized.bytes && base64(normalized.bytes) },
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
      for (const mode of ['check', 'split', 'normalize']) assertProgress(got.progress[mode], bytes.length, got.report, `${what} ${mode}`);
      assert.equal(got.unterminated, 0, `${what}: every call terminates its worker`);
    }
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

test('a file that fails: normalizeFile gives null bytes, splitFile no chunks; onChunk that took chunks before the break is told to discard them', () =>
  withPage(async ({ page, errors }) => {
    await page.evaluate(helpers);
    for (const path of brokenManifests) {
      const got = await page.evaluate(async (url) => {
        const { normalizeFile, splitFile } = await import('rowcheck/worker');
        const file = new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop());
        const normalized = await normalizeFile(file, { maxRows: 1 });
        const splitted = await splitFile(file, { maxRows: 1 });
        let taken = 0;
        const streamed = await settled(splitFile(file, { maxRows: 1, onChunk: () => taken++ }));
        return { bytes: normalized.bytes, failed: normalized.report.summary.file_failed, chunks: splitted.chunks.length, planned: splitted.report.chunks.length, taken, streamed: streamed.error?.code ?? 'resolved' };
      }, '/' + relative(root, path));
      const what = relative(root, path);
      const { taken, streamed, ...outputs } = got;
      assert.deepEqual(outputs, { bytes: null, failed: true, chunks: 0, planned: 0 }, what);
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
      const { checkFile, normalizeFile, RowcheckError: fromWorkerEntry } = await import('rowcheck/worker');
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
