// What a caller passes, checked: the error for a caller's mistake, and the
// check options as the core reads them. No wasm here, so the page side of
// rowcheck/worker can refuse bad options before it starts a worker.

/** A caller's mistake (bad arguments or options); manifest problems are diagnostics, never thrown. */
export class RowcheckError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'RowcheckError';
    this.code = code;
  }
}

export const KNOWN = ['strict', 'existingKeys', 'ontology', 'schema', 'maxRows', 'maxBytes', 'now', 'signedUrlMinDays', 'verbose'];

/** `options` as an object (undefined and null are no options); refuses keys outside `known`. */
export function ownKeys(options, known) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new RowcheckError('INVALID_OPTIONS', 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new RowcheckError('INVALID_OPTIONS', `unknown option "${key}"; the options are ${known.join(', ')}`);
  }
  return options;
}

/**
 * The check's clock as the core reads it: a date-time string (the core
 * parses it, so a bad one is refused with the native CLI's words), from a
 * Date, a string or milliseconds since 1970; the current time by default.
 */
function clock(now) {
  if (typeof now === 'string') return now;
  const date = now === undefined ? new Date() : now instanceof Date ? now : typeof now === 'number' ? new Date(now) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new RowcheckError('INVALID_OPTIONS', 'now must be a Date, a date-time string such as 2026-12-01T00:00:00Z, or milliseconds since 1970');
  }
  return date.toISOString();
}

/**
 * The check options as the core reads them (an object it takes as it is,
 * and that survives postMessage): an iterable of keys made an array, the
 * clock a date-time string.
 */
export function coreOptions(options, emit) {
  const { existingKeys, now, ...rest } = ownKeys(options, KNOWN);
  const out = { ...rest, ...emit, now: clock(now) };
  if (typeof existingKeys === 'string' || existingKeys instanceof Uint8Array) {
    out.existingKeys = existingKeys;
  } else if (existingKeys !== undefined) {
    if (typeof existingKeys?.[Symbol.iterator] !== 'function') {
      throw new RowcheckError('INVALID_OPTIONS', 'existingKeys must be an iterable of strings (an array or a Set), or the text or bytes of a key-list file');
    }
    out.existingKeys = Array.from(existingKeys, (k) => {
      if (typeof k !== 'string') throw new RowcheckError('INVALID_OPTIONS', 'existingKeys must hold strings only');
      return k;
    });
  }
  return out;
}
