// The full build (the core's rules and the schema option's jsonschema),
// imported only by init({ schema: true }): a bundler emits it and its .wasm
// as separate files, fetched only then.
import initFull, * as full from '../wasm/rowcheck_full.js';

/** The full build, instantiated from `source` (its .wasm beside this package's by default). */
export async function loadFull(source) {
  await initFull({ module_or_path: source ?? new URL('../wasm/rowcheck_full_bg.wasm', import.meta.url) });
  return full;
}
