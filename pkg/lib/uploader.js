// Sending checked chunks: a small pool that pulls chunks from any (async)
// iterable, so a manifest split as it streams is never held whole, and
// retries what the transport calls retryable with capped exponential
// backoff and full jitter. The uploader itself needs no wasm; the Labelbox
// transport converts metadata values with the core, so in a browser a
// Labelbox upload of rows with metadata or embeddings needs init() first.
import { retryAfter, retryableStatus, sleep } from './retry.js';
import { RowcheckError, ownKeys } from './options.js';
import { errorRows } from './error-rows.js';

export { indexedDbCheckpoint } from './checkpoint-idb.js';
export { labelboxTransport } from './labelbox.js';

const OPTIONS = ['transport', 'concurrency', 'signal', 'onProgress', 'retries', 'backoffMs', 'maxBackoffMs', 'report', 'checkpoint'];

/**
 * Send every chunk through `transport`; resolves to what was sent and what
 * failed. Rejects with `signal.reason` on abort, after which no request starts.
 */
export async function upload(chunks, options) {
  const { transport, concurrency = 4, signal, onProgress, retries = 6, backoffMs = 250, maxBackoffMs = 30_000, report, checkpoint } = ownKeys(options, OPTIONS);
  if (typeof transport?.send !== 'function') throw new RowcheckError('INVALID_OPTIONS', 'transport must have a send() method, e.g. httpTransport({ endpoint })');
  if (checkpoint !== undefined && (typeof checkpoint?.has !== 'function' || typeof checkpoint?.add !== 'function')) {
    throw new RowcheckError('INVALID_OPTIONS', 'checkpoint must have has(key) and add(key) methods, e.g. fileCheckpoint(path) in Node');
  }
  for (const [name, value, min] of [['concurrency', concurrency, 1], ['retries', retries, 0], ['backoffMs', backoffMs, 0], ['maxBackoffMs', maxBackoffMs, 0]]) {
    if (!Number.isSafeInteger(value) || value < min) throw new RowcheckError('INVALID_OPTIONS', `${name} must be a whole number of at least ${min}`);
  }
  if (chunks == null || (typeof chunks[Symbol.iterator] !== 'function' && typeof chunks[Symbol.asyncIterator] !== 'function')) {
    throw new RowcheckError('INVALID_INPUT', 'chunks must be an array or an (async) iterable of Uint8Array or { bytes, index, firstRow, rows }');
  }
  signal?.throwIfAborted();

  const source = (chunks[Symbol.asyncIterator] ?? chunks[Symbol.iterator]).call(chunks);
  let position = 0;
  // One pull at a time: an async generator must not be re-entered.
  let pulling = Promise.resolve();
  const next = () => {
    const pulled = pulling.then(() => source.next());
    pulling = pulled.catch(() => {});
    return pulled.then(({ done, value }) => (done ? undefined : describe(value, position++, report)));
  };

  // Rows split() left out for their errors: a chunk's rows are the valid
  // ones from its firstRow on, so these gaps place a row by its position.
  const skipped = errorRows(report);
  const result = { rowsSent: 0, chunksSent: 0, bytesSent: 0, chunksSkipped: 0, failed: [], rowErrors: [] };
  const progress = () =>
    onProgress?.({ rowsSent: result.rowsSent, chunksSent: result.chunksSent, bytesSent: result.bytesSent, chunksSkipped: result.chunksSkipped, failed: result.failed.length });

  const sendOne = async (chunk, key) => {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const outcome = await transport.send({ bytes: chunk.bytes, index: chunk.index, key, signal });
      if (outcome.ok) return outcome;
      if (!outcome.retry || attempt >= retries) return outcome;
      const backoff = Math.random() * Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
      await sleep(Math.max(backoff, outcome.retryAfterMs ?? 0), signal);
    }
  };

  const worker = async () => {
    for (let chunk; (chunk = await next()) !== undefined; ) {
      const key = await idempotencyKey(chunk.bytes);
      if (await checkpoint?.has(key)) {
        result.chunksSkipped += 1;
        progress();
        continue;
      }
      const outcome = await sendOne(chunk, key);
      // Rows the server refused inside a chunk it took: reported, never re-sent.
      for (const { position, ...error } of outcome.rowErrors ?? []) {
        result.rowErrors.push({ row: manifestRow(chunk.firstRow, position, skipped), chunk: chunk.index, ...error });
      }
      if (outcome.ok) {
        // Recorded before it is counted: a crash after this line re-sends nothing.
        await checkpoint?.add(key);
        result.chunksSent += 1;
        result.rowsSent += chunk.rows ?? 0;
        result.bytesSent += chunk.bytes.length;
      } else {
        result.failed.push({ chunk: chunk.index, firstRow: chunk.firstRow, rows: chunk.rows, status: outcome.status, reason: outcome.reason });
      }
      progress();
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } catch (error) {
    // Stop the source too, so a streaming splitter reads no further.
    await source.return?.().catch(() => {});
    throw signal?.aborted ? signal.reason : error;
  }
  result.failed.sort((a, b) => a.chunk - b.chunk);
  result.rowErrors.sort((a, b) => (a.row ?? Infinity) - (b.row ?? Infinity) || a.chunk - b.chunk);
  return result;
}

/**
 * The manifest index of the row at `position` in a chunk starting at
 * `firstRow`: that many valid rows on, stepping over the `skipped` rows.
 * Null when the chunk's place or the row is unknown.
 */
function manifestRow(firstRow, position, skipped) {
  if (firstRow == null || position == null) return null;
  const before = (row) => upperBound(skipped, row) - upperBound(skipped, firstRow - 1);
  let row = firstRow + position;
  for (let next; (next = firstRow + position + before(row)) !== row; ) row = next;
  return row;
}

/** How many of the sorted `values` are <= `value`. */
function upperBound(values, value) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function describe(value, position, report) {
  const bytes = value instanceof Uint8Array ? value : value?.bytes;
  if (!(bytes instanceof Uint8Array)) throw new RowcheckError('INVALID_INPUT', `chunk ${position} is neither a Uint8Array nor { bytes: Uint8Array, … }`);
  const index = value.index ?? position;
  const info = report?.chunks?.[index];
  return { bytes, index, firstRow: value.firstRow ?? info?.first_row, rows: value.rows ?? info?.rows };
}

/** Hex SHA-256 of the chunk: the same bytes always carry the same key. */
export async function idempotencyKey(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * POST each chunk as JSON to `endpoint` with an `Idempotency-Key`. 2xx is
 * acknowledged; 408, 429, 5xx, timeouts and dropped connections are
 * retryable (honoring `Retry-After`); any other status fails the chunk.
 */
export function httpTransport(options) {
  const { endpoint, headers = {}, timeoutMs = 60_000 } = ownKeys(options, ['endpoint', 'headers', 'timeoutMs']);
  if (typeof endpoint !== 'string' && !(endpoint instanceof URL)) throw new RowcheckError('INVALID_OPTIONS', 'endpoint must be a URL');
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new RowcheckError('INVALID_OPTIONS', 'timeoutMs must be a whole number of at least 1');
  return {
    async send({ bytes, key, signal }) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': key },
          body: bytes,
          signal: both,
        });
        // Read the body inside the timeout: a server may stall after the headers.
        const text = await response.text();
        if (response.ok) return { ok: true, status: response.status };
        return { ok: false, retry: retryableStatus(response.status), status: response.status, reason: text.slice(0, 500) || response.statusText, retryAfterMs: retryAfter(response.headers.get('Retry-After')) };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : `connection failed: ${error.cause?.code ?? error.message}`;
        return { ok: false, retry: true, status: response?.status ?? 0, reason };
      }
    },
  };
}
