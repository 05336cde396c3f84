// Generated from lib/transport-codes.js by `ROWCHECK_BLESS=1 node --test test/contracts.test.mjs`; edit there.

/**
 * The code of a row a transport reports inside a chunk (`rowErrors`): a row
 * the server refused, or one labelboxTransport left out because it cannot
 * convert it as the SDK does. Not diagnostic codes, though some share a
 * diagnostic code's name and meaning; see docs/js-api.md.
 */
export type TransportCode =
  /** Labelbox refused the row: its global key is already in use in the organization. */
  | 'GLOBAL_KEY_DUPLICATE'
  /** Labelbox refused the row for a reason rowcheck has no code for; the message is Labelbox's. */
  | 'SERVER_REJECTED'
  /** Left out: the organization has no such metadata field, or the enum no such option. */
  | 'METADATA_UNKNOWN_FIELD'
  /** Left out: a metadata value does not fit the organization's field. */
  | 'METADATA_VALUE'
  /** Left out: a metadata entry with no usable schema_id or name. */
  | 'METADATA_SCHEMA_ID'
  /** Left out: an `embeddings` entry the SDK would refuse (no embedding_id, a vector that is not a list of finite numbers, clusters that are not whole numbers). */
  | 'EMBEDDING_VALUE';
