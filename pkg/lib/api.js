// The whole-input API. Thin on purpose: every rule lives in Rust.
import { openChecker, toBytes } from './core.js';

export { RowcheckError } from './core.js';

function run(input, options, emit, collect) {
  const bytes = toBytes(input);
  const checker = openChecker(options, emit);
  try {
    checker.push(bytes);
    checker.finish();
    const result = collect(checker);
    result.report = JSON.parse(checker.report());
    return result;
  } finally {
    checker.free();
  }
}

/** Check a manifest; returns the report (SPEC §10 shape). */
export function check(input, options) {
  return run(input, options, {}, () => ({})).report;
}

/** Check and normalize; returns { bytes: Uint8Array (same container), report }. */
export function normalize(input, options) {
  return run(input, options, { emitNormalized: true }, (c) => ({ bytes: c.takeNormalized() }));
}

/** Check and split; returns { chunks: Uint8Array[] (JSON arrays), report }. */
export function split(input, options) {
  return run(input, options, { emitChunks: true }, (c) => {
    const chunks = [];
    for (let chunk; (chunk = c.takeChunk()) !== undefined; ) chunks.push(chunk);
    return { chunks };
  });
}
