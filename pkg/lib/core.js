// The one place JavaScript talks to the wasm core: argument checks, options
// to JSON, and core errors ("CODE: message") to RowcheckError.
import { Checker as CoreChecker } from '../wasm/rowcheck.js';

/** A caller's mistake (bad arguments or options); manifest problems are diagnostics, never thrown. */
export class RowcheckError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'RowcheckError';
    this.code = code;
  }
}

let loaded = false;

/** Called by the entry point once the wasm is instantiated. */
export function markLoaded() {
  loaded = true;
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

const KNOWN = ['strict', 'existingKeys', 'ontology', 'schema', 'maxRows', 'maxBytes'];

function optionsJson(options, emit) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new RowcheckError('INVALID_OPTIONS', 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new RowcheckError('INVALID_OPTIONS', `unknown option "${key}"; the options are ${KNOWN.join(', ')}`);
  }
  const { existingKeys, ...rest } = options;
  const out = { ...rest, ...emit };
  if (typeof existingKeys === 'string') {
    out.existingKeys = existingKeys;
  } else if (existingKeys !== undefined) {
    if (typeof existingKeys?.[Symbol.iterator] !== 'function') {
      throw new RowcheckError('INVALID_OPTIONS', 'existingKeys must be an iterable of strings (an array or a Set), or the text of a key-list file');
    }
    out.existingKeys = Array.from(existingKeys, (k) => {
      if (typeof k !== 'string') throw new RowcheckError('INVALID_OPTIONS', 'existingKeys must hold strings only');
      return k;
    });
  }
  return JSON.stringify(out);
}

/**
 * A core checker; `emit` is `{ emitChunks }` or `{ emitNormalized }`.
 * The caller frees it (`.free()`) when done.
 */
export function openChecker(options, emit = {}) {
  if (!loaded) throw new RowcheckError('NOT_INITIALIZED', 'the wasm is not loaded yet: await init() once before the first call');
  const json = optionsJson(options, emit);
  try {
    return new CoreChecker(json);
  } catch (e) {
    // The core reports a caller's mistake as "CODE: message".
    const match = /^([A-Z_]+): ([\s\S]*)$/.exec(e?.message ?? '');
    if (match) throw new RowcheckError(match[1], match[2]);
    throw e;
  }
}

/** The chunks a core checker has completed since the last call, in order. */
export function takeReadyChunks(core) {
  const chunks = [];
  for (let chunk; (chunk = core.takeChunk()) !== undefined; ) chunks.push(chunk);
  return chunks;
}
