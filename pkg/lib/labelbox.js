// A transport that creates each chunk's rows in an existing Labelbox dataset
// the way the official Python SDK (labelbox 7.17.0) does in
// `client.get_dataset(id).create_data_rows(rows)` followed by
// `task.wait_till_done()`: the same GraphQL operations in the same order, so
// what Labelbox sees from rowcheck is what it sees from its own client. The
// API key is kept in this closure and sent only to `endpoint`.
import { retryAfter, retryableStatus, sleep } from './retry.js';
import { RowcheckError, ownKeys } from './options.js';
import { GET_ONTOLOGY, RowProblem, convertRow, hasMetadata, indexOntology } from './labelbox-metadata.js';
import { transportCode } from './transport-codes.js';

// The SDK's own limits (labelbox/schema/internal/datarow_upload_constants.py).
const UPSERT_CHUNK_SIZE_BYTES = 10_000_000;
const DOWNLOAD_RESULT_PAGE_SIZE = 5_000;

const GET_DATASET = 'query GetDatasetPyApi($param_0: ID!){dataset(where: {id: $param_0}){createdAt description name rowCount id updatedAt}}';
const UPLOAD_FILE = 'mutation UploadFile($file: Upload!, $contentLength: Int!, $sign: Boolean) { uploadFile(file: $file, contentLength: $contentLength, sign: $sign) {url filename} }';
const UPSERT_DATA_ROWS =
  'mutation UpsertDataRowsPyApi($manifestUri: String!) { upsertDataRows(data: { manifestUri: $manifestUri }) { id createdAt updatedAt name status completionPercentage result errors type metadata } }';
const GET_USER = 'query GetUserPyApi{user{createdAt email isExternalUser isViewer lastLoginAt nickname name picture id updatedAt}}';
const GET_TASK =
  'query GetUserCreatedTasksPyApi($param_0: ID!, $param_1: ID!){user(where: {id: $param_1}){createdTasks(where: {id: $param_0} skip: 0 first: 100){completionPercentage createdAt errors metadata name result status status type id updatedAt}}}';
const FAILED_ROWS =
  'query FailedDataRowImportsPyApi($taskId: ID!, $first: Int, $from: String) { failedDataRowImports(data: { taskId: $taskId, first: $first, from: $from}) { after total results { message spec { externalId globalKey rowData metadata { schemaId value name } attachments { type value name } } } } }';

// GraphQL error codes that say the request itself is wrong (lbox/request_client.py
// raises them without retrying); sending it again cannot help.
const FINAL_CODES = new Set([
  'AUTHENTICATION_ERROR',
  'AUTHORIZATION_ERROR',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'MALFORMED_REQUEST',
  'RESOURCE_NOT_FOUND',
  'RESOURCE_CONFLICT',
  'OPERATION_NOT_ALLOWED',
]);

// Server messages for one row, to rowcheck's codes; the first match wins.
const ROW_CODES = [[/duplicate global key/i, 'GLOBAL_KEY_DUPLICATE']];

const OPTIONS = ['apiKey', 'datasetId', 'endpoint', 'pollIntervalMs', 'timeoutMs', 'taskTimeoutMs', 'fetch'];

/** One attempt that did not work out; `send` turns it into its outcome. */
class Failure extends Error {
  constructor(retry, status, reason, retryAfterMs) {
    super(reason);
    Object.assign(this, { retry, status, reason, retryAfterMs });
  }
}

/**
 * Create each chunk's rows in dataset `datasetId`: upload the rows file and a
 * manifest, run `upsertDataRows`, poll the task until it is done and read
 * its per-row errors, mapped to manifest rows in `rowErrors`.
 */
export function labelboxTransport(options) {
  const {
    apiKey,
    datasetId,
    endpoint = 'https://api.labelbox.com/graphql',
    pollIntervalMs = 2_000,
    timeoutMs = 60_000,
    taskTimeoutMs = 300_000,
    fetch: fetchImpl = globalThis.fetch,
  } = ownKeys(options, OPTIONS);
  if (typeof apiKey !== 'string' || apiKey === '') throw new RowcheckError('INVALID_OPTIONS', 'apiKey must be a Labelbox API key (a non-empty string)');
  if (typeof datasetId !== 'string' || datasetId === '') throw new RowcheckError('INVALID_OPTIONS', 'datasetId must be the id of an existing Labelbox dataset');
  if (typeof endpoint !== 'string' && !(endpoint instanceof URL)) throw new RowcheckError('INVALID_OPTIONS', 'endpoint must be the URL of the Labelbox GraphQL API');
  if (typeof fetchImpl !== 'function') throw new RowcheckError('INVALID_OPTIONS', 'fetch must be a function like globalThis.fetch');
  for (const [name, value] of [['pollIntervalMs', pollIntervalMs], ['timeoutMs', timeoutMs], ['taskTimeoutMs', taskTimeoutMs]]) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RowcheckError('INVALID_OPTIONS', `${name} must be a whole number of at least 1`);
  }

  // POST one GraphQL request; resolves to its `data` or throws a Failure.
  async function graphql(body, signal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' };
    // A FormData body gets its multipart Content-Type, boundary included, from fetch.
    if (typeof body === 'string') headers['Content-Type'] = 'application/json';
    let response;
    let text;
    try {
      response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      // Read the body inside the timeout: a server may stall after the headers.
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const reason = timeout.aborted ? `no answer from Labelbox within ${timeoutMs} ms` : `connection to Labelbox failed: ${error.cause?.code ?? error.message}`;
      throw new Failure(true, response?.status ?? 0, reason);
    }
    const { status } = response;
    const wait = retryAfter(response.headers.get('Retry-After'));
    if (retryableStatus(status)) throw new Failure(true, status, `Labelbox answered HTTP ${status}: ${text.slice(0, 300) || response.statusText}`, wait);
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Failure(false, status, `Labelbox answered HTTP ${status} with something that is not JSON (is endpoint the GraphQL URL?): ${text.slice(0, 200)}`);
    }
    if (typeof json?.message === 'string' && json.message.startsWith('You have exceeded')) throw new Failure(true, status, `Labelbox API limit: ${json.message}`, wait);
    const errors = Array.isArray(json?.errors) ? json.errors : [];
    if (errors.length > 0) {
      const final = errors.find((error) => FINAL_CODES.has(error?.extensions?.code) || [400, 422, 426].includes(Number(error?.extensions?.exception?.status)));
      const shown = final ?? errors[0];
      const code = shown?.extensions?.code ?? 'no code';
      const hint = code === 'AUTHENTICATION_ERROR' ? ' (check apiKey)' : code === 'AUTHORIZATION_ERROR' ? ' (the key may not write to this dataset)' : '';
      // INTERNAL_SERVER_ERROR and unknown codes may pass; the SDK retries those too.
      throw new Failure(!final && code === 'INTERNAL_SERVER_ERROR', status, `Labelbox refused the request${hint}: ${code}: ${shown?.message ?? JSON.stringify(shown)}`, wait);
    }
    if (status < 200 || status > 299 || json?.data == null) {
      throw new Failure(false, status, `Labelbox answered HTTP ${status} without data: ${json?.message ?? text.slice(0, 200)}`);
    }
    return json.data;
  }

  const query = (text, variables, signal) => graphql(JSON.stringify({ query: text, variables }), signal);

  // client.upload_data: the GraphQL multipart request (operations, map, file "1").
  async function uploadFile(json, filename, signal) {
    const bytes = new TextEncoder().encode(json);
    const form = new FormData();
    form.append('operations', JSON.stringify({ variables: { file: null, contentLength: bytes.length, sign: false }, query: UPLOAD_FILE }));
    form.append('map', JSON.stringify({ 1: ['variables.file'] }));
    form.append('1', new Blob([bytes], { type: 'application/json' }), filename);
    const data = await graphql(form, signal);
    const url = data?.uploadFile?.url;
    if (typeof url !== 'string') throw new Failure(false, 200, `Labelbox did not return the URL of the uploaded ${filename}`);
    return url;
  }

  // Checked once for all chunks, as client.get_dataset does before
  // create_data_rows: a wrong id fails every chunk with one clear reason.
  let dataset;
  const checkDataset = (signal) =>
    (dataset ??= query(GET_DATASET, { param_0: datasetId }, signal).then(
      (data) => {
        if (!data.dataset) throw new Failure(false, 200, `Labelbox has no dataset ${datasetId} that this API key can see`);
      },
      (error) => {
        // Only a final answer is kept; a passing fault is asked again by the next attempt.
        if (!(error instanceof Failure) || error.retry) dataset = undefined;
        throw error;
      },
    ));

  // Fetched at the first chunk with metadata, as the client caches it at the
  // first row with metadata, and shared by all chunks after it.
  let ontology;
  const loadOntology = (signal) =>
    (ontology ??= query(GET_ONTOLOGY, {}, signal).then(
      (data) => {
        try {
          return indexOntology(data.customMetadataOntology);
        } catch (error) {
          throw new Failure(false, 200, `Labelbox answered the metadata ontology query with something else: ${error.message}`);
        }
      },
      (error) => {
        ontology = undefined;
        throw error;
      },
    ));

  // _prepare_items_for_upload: each row converted, or left out and reported
  // by its position (where the SDK would raise and send nothing).
  async function prepare(rows, signal) {
    const convertAll = (index) => {
      const specs = [];
      const sent = [];
      const refused = [];
      for (const [position, row] of rows.entries()) {
        try {
          // DataRowCreateItem.build: the dataset id enforced, an AUTO key.
          specs.push({ id: { type: 'AUTO', value: '' }, payload: { ...convertRow(row, index), dataset_id: datasetId } });
          sent.push(position);
        } catch (error) {
          if (!(error instanceof RowProblem)) throw error;
          const globalKey = typeof row?.global_key === 'string' ? row.global_key : undefined;
          refused.push({ position, code: error.code, message: error.message, ...(globalKey !== undefined && { globalKey }) });
        }
      }
      return { specs, sent, refused };
    };
    if (!rows.some(hasMetadata)) return convertAll(null);
    const cached = ontology !== undefined;
    let prepared = convertAll(await loadOntology(signal));
    // A field or option added in Labelbox since the fetch: ask once more, as
    // the SDK refreshes its ontology for a schema id it does not know.
    if (cached && prepared.refused.some((error) => error.code === 'METADATA_UNKNOWN_FIELD')) {
      ontology = undefined;
      prepared = convertAll(await loadOntology(signal));
    }
    return prepared;
  }

  // Chunk key -> the task that holds its rows. A retry after the task exists
  // polls that task again: creating the rows twice is what must never happen.
  const tasks = new Map();

  async function createTask(specs, signal) {
    const chunkUris = await Promise.all(Array.from(chunkDown(specs), (json) => uploadFile(json, 'json_import.json', signal)));
    const manifest = JSON.stringify({ source: 'SDK', item_count: specs.length, chunk_uris: chunkUris });
    const manifestUri = await uploadFile(manifest, 'manifest.json', signal);
    const task = (await query(UPSERT_DATA_ROWS, { manifestUri }, signal)).upsertDataRows;
    if (typeof task?.id !== 'string') throw new Failure(false, 200, 'Labelbox did not return the task of upsertDataRows');
    return task;
  }

  // Task.wait_till_done: look at the status first, then sleep and refresh.
  async function settle(entry, signal) {
    entry.userId ??= (await query(GET_USER, {}, signal)).user?.id;
    if (typeof entry.userId !== 'string') throw new Failure(true, 200, 'Labelbox did not return the current user, needed to poll the task');
    while (entry.task.status === 'IN_PROGRESS') {
      if (Date.now() >= entry.deadline) {
        throw new Failure(false, 200, `Labelbox task ${entry.task.id} still IN_PROGRESS after ${taskTimeoutMs} ms; its rows may yet be created, so check the task in Labelbox before sending this chunk again`);
      }
      await sleep(pollIntervalMs, signal);
      const found = (await query(GET_TASK, { param_0: entry.task.id, param_1: entry.userId }, signal)).user?.createdTasks ?? [];
      if (found.length !== 1) throw new Failure(true, 200, `Labelbox did not list task ${entry.task.id} among the user's tasks`);
      entry.task = found[0];
    }
  }

  // DataUpsertTask.errors: every page of failedDataRowImports.
  async function failedRows(taskId, signal) {
    const failed = [];
    for (let from = null; ; ) {
      const page = (await query(FAILED_ROWS, { taskId, first: DOWNLOAD_RESULT_PAGE_SIZE, from }, signal)).failedDataRowImports;
      failed.push(...(page?.results ?? []));
      if (!page?.after) return failed;
      from = page.after;
    }
  }

  return {
    async send({ bytes, index, key, signal }) {
      try {
        let entry = tasks.get(key);
        if (!entry) {
          await checkDataset(signal);
          const { specs, sent, refused } = await prepare(parseRows(bytes, index), signal);
          // Every row refused here: there is nothing to create, and the rows are reported.
          if (specs.length === 0) return { ok: true, rowErrors: refused };
          const task = await createTask(specs, signal);
          entry = { task, sent, refused, deadline: Date.now() + taskTimeoutMs };
          tasks.set(key, entry);
        }
        await settle(entry, signal);
        const failures = await failedRows(entry.task.id, signal);
        tasks.delete(key);
        const rows = parseRows(bytes, index);
        const rowErrors = [...entry.refused, ...placeRowErrors(failures, entry.sent.map((position) => [position, rows[position]]))];
        if (entry.task.status === 'COMPLETE') return { ok: true, status: 200, ...(rowErrors.length > 0 && { rowErrors }) };
        // FAILED (or CANCELED): some rows may exist, so sending again could
        // duplicate them; the chunk is reported instead.
        const first = failures[0]?.message ? `: ${failures[0].message}` : '';
        return { ok: false, retry: false, status: 200, reason: `Labelbox task ${entry.task.id} ended ${entry.task.status}${first}`, ...(rowErrors.length > 0 && { rowErrors }) };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof Failure)) throw error;
        const { retry, status, reason, retryAfterMs } = error;
        return { ok: false, retry, status, reason, ...(retryAfterMs !== undefined && { retryAfterMs }) };
      }
    },
  };
}

function parseRows(bytes, index) {
  let rows;
  try {
    rows = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Failure(false, 0, `chunk ${index} is not JSON (${error.message}); pass the chunks split() made`);
  }
  if (!Array.isArray(rows)) throw new Failure(false, 0, `chunk ${index} is not a JSON array of rows; pass the chunks split() made`);
  return rows;
}

// DescriptorFileCreator._chunk_down_by_bytes: halve until each file fits.
function* chunkDown(specs) {
  const json = JSON.stringify(specs);
  if (specs.length <= 1 || new TextEncoder().encode(json).length <= UPSERT_CHUNK_SIZE_BYTES) {
    if (specs.length > 0) yield json;
    return;
  }
  const half = specs.length >> 1;
  yield* chunkDown(specs.slice(0, half));
  yield* chunkDown(specs.slice(half));
}

/**
 * The server names a failed row by its spec, not its position: find it by
 * global key, else by external id and row data, each row used once. `sent`
 * holds [position, row] for the rows in the task. A spec that matches no
 * row keeps `position: null`.
 */
function placeRowErrors(failures, sent) {
  if (failures.length === 0) return [];
  const rows = new Map(sent);
  const byKey = new Map();
  const byData = new Map();
  for (const [at, row] of sent) {
    if (typeof row?.global_key === 'string') push(byKey, row.global_key, at);
    push(byData, asText(row?.row_data), at);
  }
  const used = new Set();
  const take = (candidates, fits = () => true) => {
    const at = candidates?.find((i) => !used.has(i) && fits(rows.get(i)));
    if (at !== undefined) used.add(at);
    return at ?? null;
  };
  return failures.map(({ message, spec }) => {
    const globalKey = spec?.globalKey || undefined;
    const position = globalKey !== undefined ? take(byKey.get(globalKey)) : take(byData.get(asText(spec?.rowData)), (row) => !spec?.externalId || row.external_id === spec.externalId);
    const code = transportCode(ROW_CODES.find(([pattern]) => pattern.test(message ?? ''))?.[1] ?? 'SERVER_REJECTED');
    return { position, code, message: String(message ?? 'no message'), ...(globalKey !== undefined && { globalKey }) };
  });
}

function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const asText = (value) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
