// rowcheck/worker: check, split, normalize or fix a File in a Web Worker, so the
// page stays responsive on a manifest of any size. One worker per call: it
// loads the wasm, streams the file through a Checker (worker-thread.js) and
// is terminated as soon as the call settles, whether done, failed or aborted.
import { KNOWN, RowcheckError, coreOptions, ownKeys } from './options.js';
import { PROBE_OPTIONS, probeOptions } from './probe.js';
import { DiagnosticList } from './diagnostic-list.js';

// The class 'rowcheck' exports too, so instanceof works whichever entry it came from.
export { RowcheckError } from './options.js';
export { DiagnosticList } from './diagnostic-list.js';

const OWN = ['signal', 'onProgress', 'onChunk', 'wasm', 'compact'];

/** Check a File (or any Blob); resolves to the report check() gives. */
export function checkFile(file, options) {
  return run('check', file, options);
}

/**
 * Check and split; resolves to { chunks, report } as split() does, or to
 * { report } when options.onChunk takes each chunk as it fills.
 */
export function splitFile(file, options) {
  return run('split', file, options);
}

/** Check and normalize; resolves to { bytes, report } as normalize() does. */
export function normalizeFile(file, options) {
  return run('normalize', file, options);
}

/**
 * Apply every safe fix; resolves to { bytes, report } as fix() does: the
 * fixed manifest (null when the file itself failed) and its report, with
 * what was changed in report.fix.
 */
export function fixFile(file, options) {
  return run('fix', file, options);
}

/**
 * Check, then request every asset URL with this browser's fetch in CORS
 * mode, from this page's origin, as probe() does; resolves to the merged
 * report. After `signal` aborts, the requests stop and it resolves to what
 * was probed (`report.probe.interrupted`).
 */
export function probeFile(file, options) {
  return run('probe', file, options);
}

/** What probeFile() would request, with no request: `{ hosts: [{ origin, urls }], urls, notProbed, refused? }`. */
export function probePlanFile(file, options) {
  return run('probe-plan', file, options);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

/** The call's options, checked on this thread so a mistake costs no worker. */
function parse(mode, file, options) {
  if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
    throw new RowcheckError('INVALID_INPUT', `the file must be a File or a Blob, not ${describe(file)}`);
  }
  const probing = mode === 'probe' || mode === 'probe-plan';
  const known = [...KNOWN, ...OWN.filter((name) => name !== 'onChunk' || mode === 'split'), ...(probing ? PROBE_OPTIONS.filter((name) => !OWN.includes(name)) : [])];
  const { signal, onProgress, onChunk, wasm, compact, ...rest } = ownKeys(options, known);
  // The worker gets what can be posted: the rules' settings and the transport's numbers.
  const { check, rules, transport } = probing ? probeOptions(rest, KNOWN, { browser: true }) : { check: rest };
  const wrong = (message) => new RowcheckError('INVALID_OPTIONS', message);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw wrong(`signal must be an AbortSignal, not ${describe(signal)}`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw wrong('onProgress must be a function');
  if (onChunk !== undefined && typeof onChunk !== 'function') throw wrong('onChunk must be a function');
  if (compact !== undefined && typeof compact !== 'boolean') throw wrong(`compact must be true or false, not ${describe(compact)}`);
  let wasmUrl;
  if (wasm !== undefined) {
    // Resolved here: in the worker a relative URL would name a file beside the worker script.
    try {
      if (typeof wasm !== 'string' && !(wasm instanceof URL)) throw new TypeError();
      wasmUrl = new URL(wasm, globalThis.document?.baseURI ?? globalThis.location?.href).href;
    } catch {
      throw wrong(`wasm must be the URL of rowcheck_bg.wasm (a string or a URL), not ${describe(wasm)}`);
    }
  }
  const probe = probing ? { rules, transport } : undefined;
  // A key-list File goes to the worker as it is, to be streamed there: an organization's list can be longer than a string.
  const keys = typeof Blob !== 'undefined' && check.existingKeys instanceof Blob ? check.existingKeys : undefined;
  return { signal, onProgress, onChunk, request: { mode, file, keys, options: coreOptions(keys ? { ...check, existingKeys: undefined } : check), wasm: wasmUrl, probe, compact: Boolean(compact) } };
}

/**
 * onChunk took chunks of a file that then failed (truncated, say): they
 * are not a manifest, and the rejection says so; `report` is the report.
 */
function fileFailed(report) {
  const error = new RowcheckError(
    'FILE_FAILED',
    'the file itself cannot be read as a manifest (see the error with no row in the report): discard the chunks onChunk took, they are not all of it',
  );
  error.report = report;
  return error;
}

function run(mode, file, options) {
  return new Promise((resolve, reject) => {
    const { signal, onProgress, onChunk, request } = parse(mode, file, options);
    // Like fetch(): an aborted signal refuses the call before any work starts.
    if (signal?.aborted) throw signal.reason;
    if (typeof Worker !== 'function') {
      throw new RowcheckError('WORKER_FAILED', 'Web Workers are not available here; use check(), split(), normalize() or fix() instead');
    }
    const worker = new Worker(new URL('./worker-thread.js', import.meta.url), { type: 'module' });
    const chunks = [];
    const diagnostics = [];
    let index = 0;
    let settled = false;
    const settle = (outcome, value) => {
      if (settled) return;
      settled = true;
      worker.terminate();
      signal?.removeEventListener('abort', aborted);
      outcome(value);
    };
    // A probe stops its requests and still reports what it probed; anything else ends at once.
    const aborted = mode === 'probe' ? () => worker.postMessage('stop') : () => settle(reject, signal.reason);
    signal?.addEventListener('abort', aborted);

    async function handle(message) {
      if (settled) return;
      switch (message.type) {
        case 'progress':
          onProgress?.(message.progress);
          break;
        case 'chunks':
          for (const chunk of message.chunks) {
            if (onChunk) await onChunk(chunk, index++);
            else chunks.push(chunk);
          }
          // The worker reads on only once these chunks are taken: that bounds the memory both sides hold.
          if (!settled) worker.postMessage('more');
          break;
        case 'diagnostics':
          diagnostics.push(...message.diagnostics);
          break;
        case 'done': {
          // Compact, the report's diagnostics came packed in it; otherwise in batches before it, and the key keeps its place.
          const report = request.compact && message.report ? { ...message.report, diagnostics: new DiagnosticList(message.report.diagnostics) } : { ...message.report, diagnostics };
          const failed = report.summary?.file_failed;
          if (mode === 'probe-plan') settle(resolve, message.plan);
          else if (mode === 'check' || mode === 'probe') settle(resolve, report);
          else if (mode === 'normalize' || mode === 'fix') settle(resolve, { bytes: failed ? null : message.bytes, report });
          else if (!onChunk) settle(resolve, { chunks: failed ? [] : chunks, report });
          else if (failed && message.handed) settle(reject, fileFailed(report));
          else settle(resolve, { report });
          break;
        }
        case 'failed':
          settle(reject, new RowcheckError(message.code, message.message, { cause: message.cause }));
          break;
      }
    }
    // A callback that throws (or an onChunk promise that rejects) ends the call with its error.
    worker.onmessage = ({ data }) => handle(data).catch((e) => settle(reject, e));
    worker.onmessageerror = () => settle(reject, new RowcheckError('WORKER_FAILED', 'a message from the worker could not be read'));
    worker.onerror = (event) => {
      event.preventDefault(); // reported through the rejection, not again as the page's own error
      settle(reject, new RowcheckError('WORKER_FAILED', `the worker failed: ${event.message || 'its script could not be loaded'}`));
    };
    worker.postMessage(request);
  });
}
