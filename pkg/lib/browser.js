// Browser and bundler entry: await init() once before the first call, and
// init({ schema: true }) before a call with the schema option: only then,
// or when probe() first runs, is the full build (lib/full.js, a separate
// asset for bundlers) fetched.
import initWasm from '../wasm/rowcheck.js';
import { markLoaded, setFull } from './core.js';

export { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, normalize, probe, probePlan, split } from './api.js';

let ready;
let fullReady;

/** `{ wasm, schema }` given as an object of options, rather than a source itself. */
function isOptions(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Load the wasm. Idempotent: every call returns the same promise for the
 * same builds. `source` overrides where the core .wasm comes from (a URL,
 * a Response, bytes or a module), or is `{ wasm, schema }`: `wasm` that
 * source, `schema: true` (or the full build's source) loads the full build
 * too, which calls given the schema option need.
 */
export function init(source) {
  const { wasm, schema } = isOptions(source) ? source : { wasm: source };
  ready ??= initWasm({ module_or_path: wasm ?? new URL('../wasm/rowcheck_bg.wasm', import.meta.url) }).then(
    () => markLoaded(() => init({ schema: true })),
    (error) => {
      ready = undefined; // a failed load (offline, wrong path) can be retried
      throw error;
    },
  );
  if (!schema) return ready;
  fullReady ??= import('./full.js')
    .then(({ loadFull }) => loadFull(schema === true ? undefined : schema))
    .then(
      (module) => setFull(module),
      (error) => {
        fullReady = undefined; // like the core's: a failed load can be retried
        throw error;
      },
    );
  return Promise.all([ready, fullReady]).then(() => undefined);
}
