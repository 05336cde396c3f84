// The worker half of rowcheck/worker (see worker.js), one call per worker:
// load the wasm (the full build too for a schema or a probe), stream the file through a Checker, post progress at most
// every 100 ms and once at the end, split chunks as they fill (their
// buffers transferred, not copied), then the report's diagnostics in
// batches, then the rest of the result; or, compact, the diagnostics packed
// into a few buffers (diagnostic-list.js) transferred with the rest. A
// probe streams the file through a core checker collecting asset URLs, then
// sends the requests from here.
import { Checker, RowcheckError, init } from './browser.js';
import { openChecker, openProber, readKeyList } from './core.js';
import { planOf, runProbe } from './probe.js';
import { packDiagnostics } from './diagnostic-list.js';

const PROGRESS_MS = 100;
// The page reads each message in a task of its own; a thousand diagnostics take it about 3 ms.
const DIAGNOSTICS_PER_MESSAGE = 1000;

let taken = () => {};
const stop = new AbortController();

self.onmessage = ({ data }) => {
  if (data === 'more') taken();
  else if (data === 'stop') stop.abort(new DOMException('the probe was stopped', 'AbortError'));
  else run(data).catch(fail);
};

/** A core checker that collects asset URLs (`judging`: for a probe, not only its plan), with the Checker methods the loop below uses. */
function collecting(options, judging, keys) {
  const core = openChecker(options, { collectAssets: true }, { probing: judging, keys });
  return {
    core,
    push: (bytes) => core.push(bytes),
    finish: () => core.finish(),
    get progress() {
      return { rows: core.rows, errors: core.errors, fileFailed: core.fileFailed };
    },
  };
}

/** A Blob's pieces as they are read. */
async function* piecesOf(blob, what) {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await step(`could not read ${what}`, reader.read());
    if (done) return;
    yield value;
  }
}

async function run({ mode, file, keys: keyFile, options, wasm, probe, compact }) {
  // The full build only for a schema or a probe, from beside the core's .wasm when its URL was given.
  const needsFull = (options.schema !== undefined && options.schema !== null) || mode === 'probe';
  const full = needsFull && wasm ? new URL('rowcheck_full_bg.wasm', wasm).href : needsFull;
  await step(`could not load the wasm${wasm ? ` from ${wasm}` : ''}`, init({ wasm, schema: full }));
  // Never whole in memory: a stream of the file into the key index.
  const keys = keyFile && (await readKeyList(piecesOf(keyFile, 'the existing-keys file'), options, mode === 'probe'));
  const probing = mode === 'probe' || mode === 'probe-plan';
  const checker = probing ? collecting(options, mode === 'probe', keys) : new Checker(options, { chunks: mode === 'split', normalized: mode === 'normalize', fixed: mode === 'fix' }, keys);
  // The normalized or fixed manifest, in pieces.
  const written = [];
  let handed = false;
  const output = async () => {
    // A file that fails has no output; the page side voids what it already got.
    if (checker.progress.fileFailed) return;
    if (mode === 'split') handed = (await hand(checker.takeChunks())) || handed;
    if (mode === 'normalize') written.push(checker.takeNormalized());
    if (mode === 'fix') written.push(checker.takeFixed());
  };
  // Bytes read from the file, not the checker's count: that one stops where a broken file stops being read.
  let bytesRead = 0;
  let last = -Infinity;
  /** Posts the progress (at most every PROGRESS_MS unless `final`) and returns what it posted. */
  const progress = (final) => {
    const now = performance.now();
    if (!final && now - last < PROGRESS_MS) return undefined;
    last = now;
    const { rows, errors } = checker.progress;
    const state = { bytesRead, totalBytes: file.size, rows, errors };
    postMessage({ type: 'progress', progress: state });
    return state;
  };

  for await (const value of piecesOf(file, 'the file')) {
    bytesRead += value.length;
    checker.push(value);
    await output();
    progress(false);
  }
  if (probing) return probeAll(mode, checker, probe, progress, compact);
  const report = checker.finish();
  await output();
  progress(true);
  const manifest = (mode === 'normalize' || mode === 'fix') && !report.summary.file_failed;
  post(report, compact, manifest ? concat(written) : undefined, handed);
}

/** The report: compact, in one message; otherwise its diagnostics in batches first, then the rest (and `bytes`, transferred). */
function post(report, compact, bytes, handed = false) {
  const transfer = bytes ? [bytes.buffer] : [];
  const { diagnostics } = report;
  let packed = [];
  if (compact) {
    const pack = packDiagnostics(diagnostics);
    packed = pack.packed;
    transfer.push(...pack.transfer);
  } else {
    // In one message, a report of 20,000 diagnostics held the page for 65 ms (2-core CI machine).
    for (let i = 0; i < diagnostics.length; i += DIAGNOSTICS_PER_MESSAGE) {
      postMessage({ type: 'diagnostics', diagnostics: diagnostics.slice(i, i + DIAGNOSTICS_PER_MESSAGE) });
    }
  }
  const done = { type: 'done', report: { ...report, diagnostics: packed }, handed };
  if (bytes) done.bytes = bytes;
  postMessage(done, transfer);
}

/** After the check: the plan, or every request and the merged report. */
async function probeAll(mode, checker, { rules, transport }, progress, compact) {
  checker.finish();
  const read = progress(true);
  const prober = openProber(checker.core, rules);
  checker.core.free();
  try {
    if (mode === 'probe-plan') return postMessage({ type: 'done', plan: planOf(prober) });
    let last = -Infinity;
    const { interrupted } = await runProbe(prober, {
      ...transport,
      signal: stop.signal,
      onProgress: (done) => {
        const now = performance.now();
        if (done.probed < done.total && now - last < PROGRESS_MS) return;
        last = now;
        postMessage({ type: 'progress', progress: { ...read, probe: done } });
      },
    });
    post(JSON.parse(prober.report(undefined, interrupted)), compact);
  } finally {
    prober.free();
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
