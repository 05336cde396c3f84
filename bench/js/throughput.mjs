// One Node process, one manifest: JSON.parse, rowcheck's wasm check(), the
// ajv reference (ajv-reference.mjs) and the native CLI, each timed best of
// N in interleaved rounds (so a busy moment on a shared machine hits every
// contender alike), with a garbage collection before every timed call. Also
// which rows rowcheck and the reference flag, against the planted ones.
// Without --planted and --native (a manifest with no planted rows, such as
// the real-world rows repeated), only JSON.parse and check() are timed.
//
// node --expose-gc throughput.mjs --corpus FILE.json [--planted FILE --native BIN] [--runs N]
// prints one JSON object; bench/bench.py turns it into ratios.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { check } from '../../pkg/lib/node.js';
import { createReference, flaggedRows } from './ajv-reference.mjs';

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, planted: { type: 'string' }, native: { type: 'string' }, runs: { type: 'string', default: '5' } },
});
const usage = 'usage: node --expose-gc throughput.mjs --corpus FILE.json [--planted FILE --native BIN] [--runs N]';
if (values.corpus === undefined || (values.planted === undefined) !== (values.native === undefined)) {
  console.error(`throughput.mjs: --corpus is required, and --planted and --native go together\n${usage}`);
  process.exit(2);
}
const compared = values.planted !== undefined;
if (typeof globalThis.gc !== 'function') {
  console.error('throughput.mjs: run it with node --expose-gc, so every timed call starts from a collected heap');
  process.exit(2);
}

const runs = Number(values.runs);
const bytes = readFileSync(values.corpus);
const text = bytes.toString('utf8');
if (!text.trimStart().startsWith('[')) throw new Error(`${values.corpus} is not a JSON array; JSON.parse needs the whole manifest as one value`);
const reference = compared ? createReference() : null;

function native() {
  const run = spawnSync(values.native, ['check', '--format', 'json', values.corpus], { stdio: ['ignore', 'ignore', 'inherit'] });
  // 1: the planted rows are errors.
  if (run.status !== 1) throw new Error(`${values.native} check exited with ${run.status ?? run.signal}, expected 1`);
}

const contenders = {
  json_parse: () => JSON.parse(text),
  decode_json_parse: () => JSON.parse(bytes.toString('utf8')),
  wasm_check: () => check(bytes),
  ...(compared && { ajv_reference: () => reference(bytes), native_cli: native }),
};
const best = Object.fromEntries(Object.keys(contenders).map((name) => [name, Infinity]));
for (let round = 0; round < runs; round++) {
  for (const [name, f] of Object.entries(contenders)) {
    gc();
    const t = performance.now();
    f();
    best[name] = Math.min(best[name], performance.now() - t);
  }
}

const report = check(bytes);
let agreement;
if (compared) {
  const planted = JSON.parse(readFileSync(values.planted, 'utf8')).map(([row]) => row);
  const rowcheckRows = [...new Set(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.row))].sort((a, b) => a - b);
  const referenceRows = flaggedRows(reference(bytes));
  const inBoth = (a, b) => {
    const set = new Set(b);
    return a.filter((x) => set.has(x)).length;
  };
  agreement = {
    planted: planted.length,
    rowcheck_flagged: rowcheckRows.length,
    reference_flagged: referenceRows.length,
    rowcheck_planted: inBoth(planted, rowcheckRows),
    reference_planted: inBoth(planted, referenceRows),
    both: inBoth(rowcheckRows, referenceRows),
  };
}

console.log(JSON.stringify({ node: process.version, bytes: bytes.length, rows: report.summary.rows, runs, ms: best, agreement }));
