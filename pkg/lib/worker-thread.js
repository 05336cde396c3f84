// The worker half of rowcheck/worker (see worker.js), one call per worker:
// load the wasm, stream the file through a Checker, post progress at most
// every 100 ms and once at the end, split chunks as they fill (their
// buffers transferred, not copied), then the report's diagnostics in
// batches, then the rest of the result.
import { Checker, RowcheckError, init } from './browser.js';

const PROGRESS_MS = 100;
// The page reads each message in a task of its own; a thousand diagnostics take it about 3 ms.
const DIAGNOSTICS_PER_MESSAGE = 1000;

let taken = () => {};

self.onmessage = ({ data }) => {
  if (data === 'more') taken();
  else run(data).catch(fail);
};

async function run({ mode, file, options, wasm }) {
  await step(`could not load the wasm${wasm ? ` from ${wasm}` : ''}`, init(wasm));
  const checker = new Checker(options, { chunks: mode === 'split', normalized: mode === 'normalize' });
  const normalized = [];
  let handed = false;
  const output = async () => {
    // A file that fails has no output; the page side voids what it already got.
    if (checker.progress.fileFailed) return;
    if (mode === 'split') handed = (await hand(checker.takeChunks())) || handed;
    if (mode === 'normalize') normalized.push(checker.takeNormalized());
  };
  // Bytes read from the file, not the checker's count: that one stops where a broken file stops being read.
  let bytesRead = 0;
  let last = -Infinity;
  const progress = (final) => {
    const now = performance.now();
    if (!final && now - last < PROGRESS_MS) return;
    last = now;
    const { rows, errors } = checker.progress;
    postMessage({ type: 'progress', progress: { bytesRead, totalBytes: file.size, rows, errors } });
  };

  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await step('could not read the file', reader.read());
    if (done) break;
    bytesRead += value.length;
    checker.push(value);
    await output();
    progress(false);
  }
  const report = checker.finish();
  await output();
  progress(true);
  // In one message, a report of 20,000 diagnostics held the page for 65 ms (2-core CI machine).
  const { diagnostics } = report;
  for (let i = 0; i < diagnostics.length; i += DIAGNOSTICS_PER_MESSAGE) {
    postMessage({ type: 'diagnostics', diagnostics: diagnostics.slice(i, i + DIAGNOSTICS_PER_MESSAGE) });
  }
  const done = { type: 'done', report: { ...report, diagnostics: [] }, handed };
  if (mode === 'normalize' && !report.summary.file_failed) {
    done.bytes = concat(normalized);
    postMessage(done, [done.bytes.buffer]);
  } else {
    postMessage(done);
  }
}

/**
 * Give the page these chunks, then wait until it has taken them: a slow
 * onChunk (an upload) holds the reading back instead of letting chunks pile up.
 */
async function hand(chunks) {
  if (chunks.length === 0) return false;
  const more = new Promise((resolve) => (taken = resolve));
  postMessage({ type: 'chunks', chunks }, chunks.map((c) => c.buffer));
  await more;
  return true;
}

function concat(parts) {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** `promise`, its failure told as what the worker could not do. */
async function step(what, promise) {
  try {
    return await promise;
  } catch (e) {
    throw new RowcheckError('WORKER_FAILED', `the worker ${what}: ${e?.message ?? e}`, { cause: e });
  }
}

function fail(error) {
  const ours = error instanceof RowcheckError;
  const cause = ours ? error.cause : error;
  postMessage({
    type: 'failed',
    code: ours ? error.code : 'WORKER_FAILED',
    message: ours ? error.message : `the worker failed: ${error?.message ?? error}`,
    // Only an Error is sure to survive postMessage; anything else is in the message already.
    cause: cause instanceof Error ? cause : undefined,
  });
}
