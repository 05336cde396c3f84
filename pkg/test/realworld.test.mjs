// The real-world corpus (tests/realworld/README.md) through the package's
// `rowcheck` command: rows the source shows accepted get no error, rows it
// shows refused get exactly the listed error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { argsOf, realWorldManifests, root } from './support.mjs';

const bin = join(root, 'pkg/bin/rowcheck.js');

test('every real-world row checks as its source shows', () => {
  const failures = [];
  for (const path of realWorldManifests()) {
    const source = JSON.parse(readFileSync(path.replace(/\.(json|ndjson|txt)$/, '.source'), 'utf8'));
    const refused = source.refused ?? {};
    const run = spawnSync(process.execPath, [bin, 'check', path, ...argsOf(path).flags, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const report = JSON.parse(run.stdout);
    const errors = new Map();
    for (const d of report.diagnostics.filter((d) => d.severity === 'error')) {
      const place = d.row === null ? 'file' : String(d.row);
      if (!errors.has(place)) errors.set(place, new Set());
      errors.get(place).add(d.code);
    }
    for (const place of new Set([...errors.keys(), ...Object.keys(refused)])) {
      const got = [...(errors.get(place) ?? [])].sort();
      const want = [...(refused[place] ?? [])].sort();
      if (got.join() !== want.join()) failures.push(`${basename(path)} row ${place}: want [${want}], got [${got}]`);
    }
    assert.equal(run.status, report.summary.errors > 0 ? 1 : 0, `${basename(path)}: exit status`);
  }
  assert.deepEqual(failures, []);
});
