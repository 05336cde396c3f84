// The hand-written declarations against a sample consumer (test/types):
// what a user writes must type-check, and misuse must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const tsc = (project) => spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: pkg, encoding: 'utf8' });

test('tsc --noEmit accepts the sample consumer and rejects its marked misuses', () => {
  const run = tsc('test/types');
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('the same for a rowcheck/worker consumer', () => {
  const run = tsc('test/types/tsconfig.worker.json');
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('the same for a rowcheck/uploader consumer', () => {
  const run = tsc('test/types/tsconfig.uploader.json');
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
