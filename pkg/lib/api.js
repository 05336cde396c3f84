// The JavaScript API: whole inputs and pieces. Thin on purpose: every rule lives in Rust.
import * as core from './core.js';
import { RowcheckError, ensureLoaded, needFull, openChecker, openProber, takeReadyChunks, toBytes } from './core.js';
import { KNOWN } from './options.js';
import { inBrowser, planOf, probeOptions, runProbe } from './probe.js';

export { RowcheckError } from './core.js';

/** `chunk-0001.json` for chunk index 0: the file name `rowcheck split` gives each chunk. */
export function chunkFileName(index) {
  ensureLoaded();
  if (!Number.isSafeInteger(index) || index < 0) throw new RowcheckError('INVALID_INPUT', `a chunk index is a whole number of at least 0, not ${index}`);
  return core.chunkFileName(index);
}

/** The chunk limits: the defaults (maxRows, maxRowsWithMetadata, maxBytes) and the smallest a caller may set (minRows, minBytes). */
export function chunkLimits() {
  ensureLoaded();
  return core.chunkLimits();
}

function whole(input, options, output, take) {
  const checker = new Checker(options, output);
  try {
    checker.push(input);
    const report = checker.finish();
    return { ...take(checker), report };
  } finally {
    checker.free();
  }
}

/** Check a manifest; returns the report (docs/cli.md, schemas/report.schema.json). */
export function check(input, options) {
  return whole(input, options, {}, () => ({})).report;
}

/**
 * Check and normalize; returns { bytes: Uint8Array (same container), report },
 * bytes null when the file itself failed (report.summary.file_failed).
 */
export function normalize(input, options) {
  return whole(input, options, { normalized: true }, (c) => ({ bytes: c.progress.fileFailed ? null : c.takeNormalized() }));
}

/**
 * Apply every safe fix; returns { bytes: Uint8Array (the fixed manifest, in
 * the same container), report }: the fixed manifest's report, with what was
 * changed in report.fix. bytes null when the file itself failed.
 */
export function fix(input, options) {
  return whole(input, options, { fixed: true }, (c) => ({ bytes: c.progress.fileFailed ? null : c.takeFixed() }));
}

/** Check and split; returns { chunks: Uint8Array[] (JSON arrays), report }, no chunks when the file itself failed. */
export function split(input, options) {
  return whole(input, options, { chunks: true }, (c) => ({ chunks: c.progress.fileFailed ? [] : c.takeChunks() }));
}

/**
 * Output leaves a Checker as it is produced, before the end of the input
 * is known to be sound. Once the core says the file itself failed, what
 * was taken is void: asking for more is refused, so a caller that streams
 * chunks to an upload learns it instead of finishing with part of a file.
 */
function sound(core) {
  if (core.fileFailed) {
    throw new RowcheckError(
      'FILE_FAILED',
      'the file itself cannot be read as a manifest (see the error with no row in the report): it has no chunks and no normalized form, so discard what this Checker handed out',
    );
  }
  return core;
}

/**
 * Check the whole input with its asset URLs collected, and open a probe of
 * them; `judging`, one that can judge answers (after needFull()).
 */
function prober(input, check, rules, judging = false) {
  const bytes = toBytes(input);
  const core = openChecker(check, { collectAssets: true }, { probing: judging });
  try {
    core.push(bytes);
    core.finish();
    return openProber(core, rules);
  } finally {
    core.free();
  }
}

/**
 * Check a manifest, then request every distinct asset URL it names (HEAD,
 * or a ranged GET where HEAD does not tell) and judge the answers; resolves
 * to the check's report with the findings merged in and `report.probe`
 * saying what was probed. After `signal` aborts, resolves to what was
 * probed so far (`report.probe.interrupted`).
 */
export async function probe(input, options) {
  const { check, rules, transport } = probeOptions(options, KNOWN, { browser: inBrowser() });
  // The caller's mistakes first: only a probe that will run fetches the full build.
  ensureLoaded();
  const bytes = toBytes(input);
  await needFull();
  const opened = prober(bytes, check, rules, true);
  try {
    const { interrupted } = await runProbe(opened, transport);
    return JSON.parse(opened.report(undefined, interrupted));
  } finally {
    opened.free();
  }
}

/**
 * What probe() would request, without a request: `{ hosts: [{ origin, urls }],
 * urls, notProbed, refused? }`.
 */
export function probePlan(input, options) {
  const { check, rules } = probeOptions(options, KNOWN, { browser: inBrowser() });
  const opened = prober(input, check, rules);
  try {
    return planOf(opened);
  } finally {
    opened.free();
  }
}

/**
 * A manifest fed in pieces of any size (file reads, stream chunks, fetch
 * bodies): the same report as check() on the whole input, in bounded
 * memory. `output.chunks` keeps upload chunks for takeChunks();
 * `output.normalized` keeps the normalized manifest for takeNormalized();
 * `output.fixed` fixes the manifest for takeFixed(), and finish() then
 * gives the fixed manifest's report.
 */
export class Checker {
  #core;
  #report;

  /** `keys`, internal to rowcheck's surfaces: a key-list file streamed in by readKeyList() (core.js), in place of options.existingKeys. */
  constructor(options, output = {}, keys = undefined) {
    this.#core = openChecker(options, { emitChunks: Boolean(output.chunks), emitNormalized: Boolean(output.normalized), emitFixed: Boolean(output.fixed) }, { keys });
  }

  #live() {
    if (this.#core === undefined) throw new RowcheckError('INVALID_STATE', 'this Checker was freed');
    return this.#core;
  }

  push(piece) {
    const bytes = toBytes(piece);
    if (this.#report !== undefined) throw new RowcheckError('INVALID_STATE', 'push() after finish(): make a new Checker for another manifest');
    this.#live().push(bytes);
  }

  /** The input has ended: returns the report (the same object on every call). */
  finish() {
    if (this.#report === undefined) {
      const core = this.#live();
      core.finish();
      this.#report = JSON.parse(core.report());
    }
    return this.#report;
  }

  /**
   * The chunks completed since the last call, each a JSON array, in order.
   * `{ info: true }` gives `{ bytes, index, firstRow, rows }` instead, so a
   * streaming upload can report rows before the report exists. Throws
   * FILE_FAILED once the file itself has failed.
   */
  takeChunks({ info = false } = {}) {
    return takeReadyChunks(sound(this.#live()), info);
  }

  /** The normalized manifest produced since the last call. */
  takeNormalized() {
    return sound(this.#live()).takeNormalized();
  }

  /** The fixed manifest produced since the last call. */
  takeFixed() {
    return sound(this.#live()).takeFixed();
  }

  /**
   * How far the check has got: bytes pushed, rows seen, errors so far, and
   * whether the file itself has failed (then takeChunks() and
   * takeNormalized() throw FILE_FAILED, and what they gave is void).
   */
  get progress() {
    const core = this.#live();
    return { bytesRead: core.bytesRead, rows: core.rows, errors: core.errors, fileFailed: core.fileFailed };
  }

  /** Release the wasm memory now rather than when garbage-collected. */
  free() {
    this.#core?.free();
    this.#core = undefined;
  }
}
