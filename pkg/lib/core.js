// The one place JavaScript talks to the wasm core: input checks, and core
// errors (an Error with a code) to RowcheckError. Options are checked in options.js.
import { Checker as CoreChecker } from '../wasm/rowcheck.js';
import { RowcheckError, coreOptions } from './options.js';

export { RowcheckError } from './options.js';
// The core's contracts, for the surfaces around it: chunk limits and file
// names, the split directory rule, how the CLI reads a number or a time and
// draws its progress bar, and how the SDK converts a metadata value.
export { chunkFileName, chunkLimits, outDirRefusal, parseCount, parseTime, partialSuffix, progressLine, reportFileName, sdkMetadataValue } from '../wasm/rowcheck.js';

let loaded = false;

/** Called by the entry point once the wasm is instantiated. */
export function markLoaded() {
  loaded = true;
}

export function ensureLoaded() {
  if (!loaded) throw new RowcheckError('NOT_INITIALIZED', 'the wasm is not loaded yet: await init() once before the first call');
}

const encoder = new TextEncoder();

export function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === 'string') return encoder.encode(input);
  const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
  throw new RowcheckError('INVALID_INPUT', `input must be a Uint8Array, an ArrayBuffer or a string, not ${kind}`);
}

/**
 * A core checker; `emit` is `{ emitChunks }`, `{ emitNormalized }`, `{ emitFixed }` or `{ collectAssets }`.
 * The caller frees it (`.free()`) when done.
 */
export function openChecker(options, emit = {}) {
  ensureLoaded();
  const given = coreOptions(options, emit);
  return fromCore(() => new CoreChecker(given));
}

/** `make()`, with the core's Error with a code for a caller's mistake as a RowcheckError. */
function fromCore(make) {
  try {
    return make();
  } catch (e) {
    if (typeof e?.code === 'string') throw new RowcheckError(e.code, e.message);
    throw e;
  }
}

/**
 * The probe of a finished core checker opened with `{ collectAssets: true }`
 * (`rules`: `{ origin, browser, sample, seed, timeoutMs }`). The caller
 * frees it; the checker may be freed at once.
 */
export function openProber(core, rules) {
  return fromCore(() => core.prober(rules));
}

/**
 * The chunks a core checker has completed since the last call, in order;
 * with `info`, each as `{ bytes, index, firstRow, rows }` (what the uploader takes).
 */
export function takeReadyChunks(core, info = false) {
  const chunks = [];
  for (let bytes; (bytes = core.takeChunk()) !== undefined; ) {
    if (!info) {
      chunks.push(bytes);
      continue;
    }
    const [index, firstRow, rows] = core.takenChunk;
    chunks.push({ bytes, index, firstRow, rows });
  }
  return chunks;
}
