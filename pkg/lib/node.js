// Node entry (ESM, and require() in Node ≥ 20.19): the wasm is read and
// compiled synchronously at import, so init() resolves at once and check()
// works without it.
import { readFileSync } from 'node:fs';
import { initSync } from '../wasm/rowcheck.js';
import { markLoaded } from './core.js';

initSync({ module: readFileSync(new URL('../wasm/rowcheck_bg.wasm', import.meta.url)) });
markLoaded();

export { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, normalize, probe, probePlan, split } from './api.js';

/** Already done in Node; kept so code can call it on every platform. */
export function init() {
  return Promise.resolve();
}
