// Browser and bundler entry: await init() once before the first call.
import initWasm from '../wasm/rowcheck.js';
import { markLoaded } from './core.js';

export { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, normalize, probe, probePlan, split } from './api.js';

let ready;

/**
 * Load the wasm. Idempotent: every call returns the same promise.
 * `source` overrides where the .wasm comes from (a URL, a Response, bytes or a module).
 */
export function init(source) {
  ready ??= initWasm({ module_or_path: source ?? new URL('../wasm/rowcheck_bg.wasm', import.meta.url) }).then(
    () => markLoaded(),
    (error) => {
      ready = undefined; // a failed load (offline, wrong path) can be retried
      throw error;
    },
  );
  return ready;
}
