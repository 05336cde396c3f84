// The checker a JavaScript user would write instead of rowcheck: JSON.parse
// the manifest, validate every row with ajv against the schemas in
// schemas/ (compiled once), and add by hand what no schema can say: repeated
// global keys (case-insensitive) and, for a URL the schema rejects
// for its characters, which character and where. It reports every
// finding of every row, as rowcheck does, so ajv runs with allErrors.
//
// node ajv-reference.mjs FILE   prints {"rows", "findings", "flagged": [row, …]}
import Ajv2020 from 'ajv/dist/2020.js';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMAS = new URL('../../schemas/', import.meta.url);
const DATA_ROW = 'https://rowcheck.dev/schemas/v1/data-row.schema.json';

// The schemas' URL-character rule (assetUrl): these characters, or "||".
const UNSUPPORTED = /[#<>\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|\|\|/u;

function compile() {
  // allowUnionTypes: the schemas say `"type": ["string", "null"]` on purpose
  // (null counts as absent), which ajv's strict mode otherwise warns about.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  const files = ['data-row.schema.json', ...readdirSync(new URL('row-data/', SCHEMAS)).map((f) => `row-data/${f}`)];
  for (const file of files) ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMAS), 'utf8')));
  return ajv.getSchema(DATA_ROW);
}

function valueAt(row, pointer) {
  let value = row;
  for (const part of pointer.split('/').slice(1)) value = value?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  return value;
}

function rowsOf(text) {
  const start = text.search(/\S/);
  if (text[start] === '[') return JSON.parse(text);
  // NDJSON: one row per non-blank line.
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

/** A checker compiled once: manifest bytes → { rows, findings: [{row, pointer, message}] }. */
export function createReference() {
  const validate = compile();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return function check(bytes) {
    const rows = rowsOf(decoder.decode(bytes));
    const findings = [];
    const firstRowOfKey = new Map();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!validate(row)) {
        for (const e of validate.errors) {
          let message = e.message;
          if (e.keyword === 'pattern' && e.schemaPath.endsWith('assetUrl/allOf/1/pattern')) {
            const url = valueAt(row, e.instancePath);
            const at = url.search(UNSUPPORTED);
            message = `${JSON.stringify(url)} contains ${JSON.stringify(url[at])} at character ${at}; percent-encode it`;
          }
          findings.push({ row: i, pointer: e.instancePath, message });
        }
      }
      const key = row?.global_key;
      if (typeof key === 'string') {
        const folded = key.toLowerCase();
        const first = firstRowOfKey.get(folded);
        if (first === undefined) firstRowOfKey.set(folded, i);
        else findings.push({ row: i, pointer: '/global_key', message: `global_key ${JSON.stringify(key)} repeats row ${first}'s` });
      }
    }
    return { rows: rows.length, findings };
  };
}

/** The rows with at least one finding, ascending. */
export function flaggedRows(result) {
  return [...new Set(result.findings.map((f) => f.row))].sort((a, b) => a - b);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node ajv-reference.mjs MANIFEST (a JSON array or NDJSON of data rows)');
    process.exit(2);
  }
  const result = createReference()(readFileSync(file));
  console.log(JSON.stringify({ rows: result.rows, findings: result.findings.length, flagged: flaggedRows(result) }));
}
