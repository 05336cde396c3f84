// The row conversion the Labelbox Python SDK (7.17.0) makes before it
// uploads rows: metadata fields resolved against the organization's
// metadata ontology and converted as DataRowMetadataOntology.parse_upsert_metadata
// does, and embeddings as EmbeddingVector(**e).to_gql(). Where the SDK raises
// for the whole call, this reports the one row, so the others can still go.

import { transportCode } from './transport-codes.js';
import { ensureLoaded, sdkMetadataValue } from './core.js';

export const GET_ONTOLOGY =
  'query GetMetadataOntologyBetaPyApi { customMetadataOntology { id name kind reserved options { id kind name reserved } } }';

/** A row the conversion refused, with its transport code (lib/transport-codes.js). */
export class RowProblem extends Error {
  constructor(code, message) {
    super(message);
    this.code = transportCode(code);
  }
}

/**
 * Index `customMetadataOntology` as the SDK does: every field and option by
 * id; by name reserved fields first, then custom ones (names trimmed, as the
 * SDK's pydantic model trims them).
 */
export function indexOntology(raw) {
  if (!Array.isArray(raw)) throw new TypeError('customMetadataOntology is not a list of fields');
  const byId = new Map();
  const reserved = new Map();
  const custom = new Map();
  for (const entry of raw) {
    const schema = { id: entry.id, name: String(entry.name).trim(), kind: entry.kind, options: null, parent: null };
    if (Array.isArray(entry.options) && entry.options.length > 0) {
      schema.options = entry.options.map((option) => ({ id: option.id, name: String(option.name).trim(), kind: option.kind, options: null, parent: entry.id }));
    }
    byId.set(schema.id, schema);
    for (const option of schema.options ?? []) byId.set(option.id, option);
    (entry.reserved ? reserved : custom).set(schema.name, schema);
  }
  return { byId, byName: (name) => reserved.get(name) ?? custom.get(name) };
}

export const hasMetadata = (row) => Array.isArray(row?.metadata_fields) && row.metadata_fields.length > 0;

/**
 * The payload the SDK would build from `row`: `metadata_fields` as
 * `{ schemaId, value }` entries (an enum as two), `embeddings` as
 * `{ embeddingId, vector, clusters? }`. `ontology` is needed only when the
 * row has metadata. Throws a RowProblem naming the entry at fault.
 */
export function convertRow(row, ontology) {
  const payload = { ...row };
  if (hasMetadata(row)) payload.metadata_fields = row.metadata_fields.flatMap((entry, i) => convertField(entry, ontology, `metadata_fields[${i}]`));
  // The SDK converts only a non-empty list; [] goes as it is.
  if (Array.isArray(row.embeddings) && row.embeddings.length > 0) payload.embeddings = row.embeddings.map((entry, i) => convertEmbedding(entry, `embeddings[${i}]`));
  return payload;
}

const KIND = {
  string: 'CustomMetadataString',
  number: 'CustomMetadataNumber',
  datetime: 'CustomMetadataDateTime',
  enum: 'CustomMetadataEnum',
  option: 'CustomMetadataEnumOption',
  embedding: 'CustomMetadataEmbedding',
};
const EMBEDDING_LENGTH = 128;

// DataRowMetadataOntology._parse_upsert, with the checks of
// parse_upsert_metadata and DataRowMetadataField before it.
function convertField(entry, ontology, at) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new RowProblem('METADATA_VALUE', `${at} is not an object { schema_id or name, value }`);
  if (!('value' in entry)) throw new RowProblem('METADATA_VALUE', `${at} has no value`);
  let { schema_id: schemaId = null, name = null, value } = entry;
  if (schemaId === null && name === null) throw new RowProblem('METADATA_SCHEMA_ID', `${at} needs a schema_id or a name`);
  if (schemaId !== null && (typeof schemaId !== 'string' || schemaId.length !== 25)) {
    throw new RowProblem('METADATA_SCHEMA_ID', `${at}: schema_id ${JSON.stringify(schemaId)} is not a 25-character Labelbox schema id`);
  }
  if (name !== null && typeof name !== 'string') throw new RowProblem('METADATA_SCHEMA_ID', `${at}: name must be a string`);

  // A name is used only without a schema id; an enum's value may then be an option's name.
  if (schemaId === null) {
    const schema = ontology.byName(name);
    if (!schema) throw new RowProblem('METADATA_UNKNOWN_FIELD', `${at}: the organization has no metadata field named ${JSON.stringify(name)}; create it in Labelbox (Schema, Metadata) or fix the name`);
    schemaId = schema.id;
    if (schema.options && !(typeof value === 'string' && ontology.byId.has(value))) {
      const option = schema.options.find((o) => o.name === value);
      if (!option) {
        const known = schema.options.map((o) => o.name).join(', ');
        throw new RowProblem('METADATA_UNKNOWN_FIELD', `${at}: enum ${JSON.stringify(name)} has no option ${JSON.stringify(value)} (its options: ${known}); add it in Labelbox or use one of them`);
      }
      value = option.id;
    }
  }
  const schema = ontology.byId.get(schemaId);
  if (!schema) throw new RowProblem('METADATA_UNKNOWN_FIELD', `${at}: schema id ${schemaId} is not a metadata field of the organization; check the id in Labelbox (Schema, Metadata)`);

  const label = `${at} (${schema.name}, ${schema.kind})`;
  switch (schema.kind) {
    case KIND.datetime:
      if (typeof value !== 'string') throw new RowProblem('METADATA_VALUE', `${label}: a datetime must be a string such as 2022-06-01T10:30:00Z`);
      return [{ schemaId, value: utcSeconds(value, label) }];
    case KIND.string:
      if (typeof value !== 'string') throw new RowProblem('METADATA_VALUE', `${label}: the value must be a string, not ${JSON.stringify(value)}`);
      return [{ schemaId, value }];
    case KIND.number:
      return [{ schemaId, value: pythonFloat(value, label) }];
    case KIND.embedding:
      if (!Array.isArray(value) || value.length !== EMBEDDING_LENGTH) throw new RowProblem('METADATA_VALUE', `${label}: the value must be a list of ${EMBEDDING_LENGTH} numbers`);
      return [{ schemaId, value: value.map((x) => pythonFloat(x, label)) }];
    case KIND.enum:
      if (!schema.options?.some((o) => o.id === value)) {
        throw new RowProblem('METADATA_VALUE', `${label}: ${JSON.stringify(value)} is not one of its options (${(schema.options ?? []).map((o) => `${o.name} = ${o.id}`).join(', ')})`);
      }
      return [
        { schemaId, value: {} },
        { schemaId: value, value: {} },
      ];
    case KIND.option:
      throw new RowProblem('METADATA_SCHEMA_ID', `${at}: ${schemaId} is an option of enum ${ontology.byId.get(schema.parent)?.name}; give the enum's schema_id and the option as the value`);
    default:
      throw new RowProblem('METADATA_VALUE', `${label}: Labelbox answered a kind this transport does not know`);
  }
}

// EmbeddingVector: embedding_id a string, vector floats, clusters integers
// (left out when empty), other keys dropped, as pydantic's coercion does.
function convertEmbedding(entry, at) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new RowProblem('EMBEDDING_VALUE', `${at} is not an object { embedding_id, vector, clusters? }`);
  const { embedding_id: id, vector, clusters } = entry;
  if (typeof id !== 'string') throw new RowProblem('EMBEDDING_VALUE', `${at}: embedding_id must be the id of a custom embedding (a string)`);
  if (!Array.isArray(vector)) throw new RowProblem('EMBEDDING_VALUE', `${at}: vector must be a list of numbers`);
  const out = { embeddingId: id, vector: vector.map((x) => pythonFloat(x, `${at}.vector`, 'EMBEDDING_VALUE')) };
  if (clusters != null && !Array.isArray(clusters)) throw new RowProblem('EMBEDDING_VALUE', `${at}: clusters must be a list of whole numbers`);
  if (clusters?.length > 0) {
    out.clusters = clusters.map((x) => {
      const n = pythonFloat(x, `${at}.clusters`, 'EMBEDDING_VALUE');
      if (!Number.isInteger(n) || (typeof x === 'string' && !/^\s*[+-]?\d(_?\d)*\s*$/.test(x))) throw new RowProblem('EMBEDDING_VALUE', `${at}.clusters: ${JSON.stringify(x)} is not a whole number`);
      return n;
    });
  }
  return out;
}

// Python's float() and the SDK's date-time parsing are the core's rules,
// the ones the check applied: one parser, so a value the check passed is
// converted as it was checked.
function viaCore(kind, value) {
  ensureLoaded();
  try {
    return { value: sdkMetadataValue(kind, value) };
  } catch (e) {
    if (typeof e?.code !== 'string') throw e;
    return { why: e.message };
  }
}

function pythonFloat(value, label, code = 'METADATA_VALUE') {
  // A finite number is itself: an embedding's 2,048 go without a call each.
  if (Number.isFinite(value)) return value;
  const { value: n, why } = viaCore('number', value);
  if (why !== undefined) throw new RowProblem(code, `${label}: ${JSON.stringify(value)} is not a finite number`);
  return n;
}

// format_iso_datetime(format_iso_from_string(s)): written in UTC to the second.
function utcSeconds(text, label) {
  const { value, why } = viaCore('datetime', text);
  if (why !== undefined) throw new RowProblem('METADATA_VALUE', `${label}: ${why}`);
  return value;
}
