// The wasm build reads JSON as RFC 8259 defines it (tests/json_test_suite.rs
// holds the native build to the same): Nicolas Seriot's JSONTestSuite, read
// from ../shared/peer-suites/JSONTestSuite/ beside the repository, never
// copied in. A y_ text must parse and an n_ text must not, tried as a row
// and as a value inside a row; each text as a file by itself gets the
// report the native CLI gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/node.js';
import { spawnSync } from 'node:child_process';
import { native, root } from './support.mjs';

const dir = join(root, '../shared/peer-suites/JSONTestSuite');
const skip = existsSync(dir) ? false : `${dir} is absent (it sits beside the repository, not in it)`;
if (skip) console.log(`skipped: ${skip}`);
const names = skip ? [] : readdirSync(dir).filter((n) => n.endsWith('.json')).sort();

const refused = (report) => report.diagnostics.some((d) => d.code === 'FILE_SYNTAX' || d.code === 'FILE_ENCODING');
const concat = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

test('JSONTestSuite: y_ texts parse and n_ texts do not, as a row and as a value, in wasm', { skip }, () => {
  assert.ok(names.length > 300, `${names.length} texts`);
  const wrong = [];
  for (const name of names) {
    const text = readFileSync(join(dir, name));
    const blank = text.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
    const forms = [['as a value', concat('[{"row_data":"https://h.example/a.png","global_key":', text, '}]')]];
    // Nothing at all is no value, but inside brackets it is an empty array.
    if (!blank) forms.push(['as a row', concat('[', text, ']')]);
    for (const [form, bytes] of forms) {
      const verdict = refused(check(bytes));
      if (name.startsWith('y_') && verdict) wrong.push(`${name} ${form}: refused`);
      if (name.startsWith('n_') && !verdict) wrong.push(`${name} ${form}: accepted`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('JSONTestSuite: each text as a file by itself gets the native CLI report', { skip }, () => {
  for (const name of names) {
    const path = join(dir, name);
    const cli = JSON.parse(spawnSync(native, ['check', '--format', 'json', path], { maxBuffer: 1 << 26 }).stdout);
    assert.deepEqual(check(readFileSync(path)), cli, name);
  }
});
