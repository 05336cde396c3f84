// The one place JavaScript talks to the wasm core: input checks, and core
// errors (an Error with a code) to RowcheckError. Options are checked in options.js.
//
// Two builds, one API: the core build has every rule but the schema option,
// and a probe's plan but not the judging of its answers; the full build (the
// same rules, jsonschema and the probe) is loaded only for a check given a
// schema or for a probe. The entry points load the core; the full build
// comes from the loader an entry sets here (Node: at once, from disk), or
// in the browser from init({ schema: true }) or, for a probe, the fetch the
// entry hands markLoaded().
import { Checker as CoreChecker, KeyList as CoreKeyList, setHostToAscii } from '../wasm/rowcheck.js';
import { RowcheckError, coreOptions } from './options.js';

export { RowcheckError } from './options.js';
// The core's contracts, for the surfaces around it: chunk limits and file
// names, the split directory rule, how the CLI reads a number or a time and
// draws its progress bar, and how the SDK converts a metadata value.
export { chunkFileName, chunkLimits, outDirRefusal, parseCount, parseTime, partialSuffix, progressLine, reportFileName, sdkMetadataValue } from '../wasm/rowcheck.js';

let loaded = false;
// The full build's module once instantiated, or how to instantiate it synchronously.
let full;
let loadFull;
// Browser: fetches and instantiates the full build (a promise).
let fetchFull;

/** Called by the entry point once the wasm is instantiated; `fetch` (browser) fetches and instantiates the full build. */
export function markLoaded(fetch) {
  loaded = true;
  fetchFull = fetch;
}

/**
 * The full build's module, instantiated (browser.js), or a function that
 * instantiates it synchronously (node.js). From then on the core asks the
 * full build to map the rare host that needs Unicode IDNA tables, which
 * the core leaves out, so both builds judge every URL alike; until then
 * (a browser that has not loaded it) the core asks the JavaScript engine.
 */
export function setFull(module, loader) {
  full = module;
  loadFull = loader;
  setHostToAscii((host) => {
    full ??= loadFull();
    return full.hostToAscii(host);
  });
}

/** The full build, loaded if it is not yet: a probe judges answers there. */
export async function needFull() {
  if (full === undefined && loadFull !== undefined) full = loadFull();
  if (full === undefined) await fetchFull();
}

const CORE = { Checker: CoreChecker, KeyList: CoreKeyList };

/** The build (its Checker and KeyList) that runs a check with these options: the full one when a schema is given or for a probe. */
function buildFor(options, probing) {
  if (!probing && (options.schema === undefined || options.schema === null)) return CORE;
  if (full === undefined && loadFull !== undefined) full = loadFull();
  if (full === undefined) {
    throw new RowcheckError(
      'NOT_INITIALIZED',
      'the schema option needs rowcheck\'s full build (the core build has no JSON Schema support): await init({ schema: true }) once before the first call with a schema',
    );
  }
  return full;
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
 * A core checker; `emit` is `{ emitChunks }`, `{ emitNormalized }`, `{ emitFixed }` or `{ collectAssets }`;
 * `probing`, a checker whose prober can judge answers (the full build's: after needFull()).
 * `keys`, a key list from readKeyList() for the same options and `probing`, replaces
 * `options.existingKeys` (and is spent). The caller frees the checker (`.free()`) when done.
 */
export function openChecker(options, emit = {}, { probing = false, keys } = {}) {
  ensureLoaded();
  const given = coreOptions(options, emit);
  const { Checker } = buildFor(given, probing);
  return fromCore(() => new Checker(given, keys));
}

/**
 * A key-list file read from its pieces (a file stream, a Blob's stream) as
 * they come, in the build that checks with `options` (and `probing`): the
 * file is never whole in memory, in JavaScript or in wasm. A bad list (not
 * UTF-8) throws INVALID_OPTIONS as existingKeys would.
 */
export async function readKeyList(pieces, options, probing = false) {
  ensureLoaded();
  const { KeyList } = buildFor(options, probing);
  const keys = new KeyList();
  try {
    for await (const piece of pieces) fromCore(() => keys.push(piece));
  } catch (e) {
    keys.free();
    throw e;
  }
  return keys;
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
