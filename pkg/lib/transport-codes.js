// The codes a transport gives a row inside a chunk: one the server refused,
// or one labelboxTransport left out because it cannot convert it as the SDK
// does. This is their one definition: transport-codes.d.ts and the table in
// docs/js-api.md are generated from it (test/contracts.test.mjs). Some are
// diagnostic codes too, and mean here what they mean in a report; the others
// exist only here, never in a report.

/** Each code, whether it is also a diagnostic code, and what it means. */
export const TRANSPORT_CODES = Object.freeze({
  GLOBAL_KEY_DUPLICATE: { diagnostic: true, meaning: 'Labelbox refused the row: its global key is already in use in the organization.' },
  SERVER_REJECTED: { diagnostic: false, meaning: "Labelbox refused the row for a reason rowcheck has no code for; the message is Labelbox's." },
  METADATA_UNKNOWN_FIELD: { diagnostic: true, meaning: 'Left out: the organization has no such metadata field, or the enum no such option.' },
  METADATA_VALUE: { diagnostic: true, meaning: "Left out: a metadata value does not fit the organization's field." },
  METADATA_SCHEMA_ID: { diagnostic: true, meaning: 'Left out: a metadata entry with no usable schema_id or name.' },
  EMBEDDING_VALUE: { diagnostic: true, meaning: 'Left out: an `embeddings` entry the SDK would refuse (no embedding_id, a vector that is not a list of finite numbers, clusters that are not whole numbers).' },
});

/** `code`, refused when it is not one of TRANSPORT_CODES: a transport reports no code users cannot look up. */
export function transportCode(code) {
  if (!Object.hasOwn(TRANSPORT_CODES, code)) throw new TypeError(`${code} is not a transport code (lib/transport-codes.js)`);
  return code;
}
