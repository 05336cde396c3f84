// Node entry (ESM, and require() in Node ≥ 20.19): the core wasm is read
// and compiled synchronously at import, so init() resolves at once and
// check() works without it; the full build, the same way, the first time a
// schema is given.
import { readFileSync } from 'node:fs';
import { initSync } from '../wasm/rowcheck.js';
import * as full from '../wasm/rowcheck_full.js';
import { markLoaded, setFull } from './core.js';

initSync({ module: readFileSync(new URL('../wasm/rowcheck_bg.wasm', import.meta.url)) });
markLoaded();
setFull(undefined, () => {
  full.initSync({ module: readFileSync(new URL('../wasm/rowcheck_full_bg.wasm', import.meta.url)) });
  return full;
});

export { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, normalize, probe, probePlan, split } from './api.js';

/** Already done in Node (the full build loads when first needed); kept so code can call it on every platform. */
export function init() {
  return Promise.resolve();
}
