// The wasm build judges URLs as browsers do (tests/wpt_url.rs holds the
// native build to the same): every entry of web-platform-tests' URL test
// data (read from ../shared/peer-suites/wpt-url/ beside the repository,
// never copied in) that has no base, or whose input is an absolute http(s)
// URL, becomes a manifest row, and the package's check() reports
// URL_INVALID on exactly the rows whose entry says `failure`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/node.js';
import { root } from './support.mjs';

const data = join(root, '../shared/peer-suites/wpt-url/urltestdata.json');
const skip = existsSync(data) ? false : `${data} is absent (it sits beside the repository, not in it)`;
if (skip) console.log(`skipped: ${skip}`);

/** What the parser strips before it reads the scheme. */
const stripped = (input) => input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
const absoluteHttp = (input) => /^https?:[/\\]{2}/i.test(stripped(input));

test('URL_INVALID is exactly the WHATWG URL test data failures, in wasm', { skip }, () => {
  const entries = JSON.parse(readFileSync(data, 'utf8'))
    .filter((e) => typeof e === 'object' && (e.base == null || absoluteHttp(e.input)))
    .map((e) => ({ input: e.input, failure: e.failure === true }));
  const manifest = entries.map((e) => JSON.stringify({ row_data: e.input, media_type: 'IMAGE' })).join('\n');
  const report = check(Buffer.from(manifest));
  const codes = new Map();
  for (const d of report.diagnostics) {
    if (!codes.has(d.row)) codes.set(d.row, new Set());
    codes.get(d.row).add(d.code);
  }
  const disagreements = [];
  let agree = 0;
  entries.forEach((e, row) => {
    const got = codes.get(row) ?? new Set();
    if (e.input === '') {
      // The one input no URL check sees: an empty row_data is refused first.
      assert.ok(e.failure && got.has('ROW_DATA_MISSING'));
      return;
    }
    if (got.has('URL_INVALID') === e.failure) agree++;
    else disagreements.push(`${JSON.stringify(e.input)}: failure ${e.failure}, rowcheck ${[...got]}`);
  });
  const checked = entries.filter((e) => e.input !== '');
  console.log(`WHATWG URL test data in wasm: ${agree} of ${checked.length} entries agree (${checked.filter((e) => e.failure).length} of them failures)`);
  assert.ok(entries.length > 600);
  assert.deepEqual(disagreements, []);
});
