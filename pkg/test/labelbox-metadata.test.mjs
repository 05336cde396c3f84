// The Labelbox transport converts metadata values by the check's own rules
// (the core, through the wasm): a value the check passed converts as it was
// checked, and one it refused is the row's problem, not a different guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, init } from 'rowcheck';
import { RowProblem, convertRow, indexOntology } from '../lib/labelbox-metadata.js';

const ontology = indexOntology([
  { id: 'cdt0000000000000000000001', name: 'captured', kind: 'CustomMetadataDateTime', reserved: false },
  { id: 'cnum000000000000000000001', name: 'score', kind: 'CustomMetadataNumber', reserved: false },
]);
const ontologyFile = [
  { schema_id: 'cdt0000000000000000000001', name: 'captured', kind: 'datetime' },
  { schema_id: 'cnum000000000000000000001', name: 'score', kind: 'number' },
];
const row = (name, value) => ({ row_data: 'https://h.example/a.png', metadata_fields: [{ name, value }] });
const converted = (name, value) => convertRow(row(name, value), ontology).metadata_fields[0].value;
const checkErrors = (name, value) =>
  check(JSON.stringify([row(name, value)]), { ontology: ontologyFile }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

test('date-times: written in UTC to the second, read as the check reads them', async () => {
  await init();
  for (const [given, sent] of [
    ['2022-06-01T12:30:00.25+02:00', '2022-06-01T10:30:00Z'],
    ['2023-01-02 03:04:05-05:00', '2023-01-02T08:04:05Z'],
    ['2022-06-01', '2022-06-01T00:00:00Z'],
    // ISO week dates and 24:00: dateutil reads them, and so does the check.
    ['2022-W22-3T24:00', '2022-06-02T00:00:00Z'],
  ]) {
    assert.equal(converted('captured', given), sent, given);
    assert.deepEqual(checkErrors('captured', given), [], given);
  }
  for (const refused of ['2022-02-30T00:00:00Z', 'yesterday']) {
    assert.throws(() => converted('captured', refused), (e) => e instanceof RowProblem && e.code === 'METADATA_VALUE' && e.message.includes(JSON.stringify(refused)), refused);
    assert.deepEqual(checkErrors('captured', refused), ['METADATA_VALUE'], refused);
  }
});

test('numbers: Python float() of a number, a boolean or a string, as the check reads them', async () => {
  await init();
  for (const [given, sent] of [[2.5, 2.5], [' 1_000 ', 1000], [true, 1], ['1e3', 1000]]) assert.equal(converted('score', given), sent, String(given));
  for (const refused of ['1e400', 'NaN', 'twelve', null]) {
    assert.throws(() => converted('score', refused), (e) => e instanceof RowProblem && e.code === 'METADATA_VALUE', String(refused));
  }
});
