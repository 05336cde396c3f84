// A loopback stand-in for the Labelbox endpoints the Python SDK 7.17.0 uses
// to create data rows: GraphQL POSTs (the multipart `uploadFile` mutation
// included), GETs of the uploaded files, the upsert task and its polling,
// and the paginated per-row errors. It records every operation in order and
// the rows each upsert received, so a test can compare two clients.
import { createServer } from 'node:http';

const TASK_FIELDS = ['id', 'createdAt', 'updatedAt', 'name', 'status', 'completionPercentage', 'result', 'errors', 'type', 'metadata'];

const field = (id, name, kind, reserved, options = []) => ({ id, name, kind: `CustomMetadata${kind}`, reserved, options });
const option = (id, name, reserved) => ({ id, kind: 'CustomMetadataEnumOption', name, reserved });

/**
 * What `customMetadataOntology` answers for an organization: Labelbox's
 * reserved fields (their real ids) and one custom field of each kind.
 */
export const ONTOLOGY = [
  field('cko8s9r5v0001h2dk9elqdidh', 'tag', 'String', true),
  field('cko8sbczn0002h2dkdaxb5kal', 'split', 'Enum', true, [
    option('cko8sbscr0003h2dk04w86hof', 'train', true),
    option('cko8sc2yr0004h2dk69aj5x63', 'valid', true),
    option('cko8scbz70005h2dkastwhgqt', 'test', true),
  ]),
  field('cko8sdzv70006h2dk8jg64zvb', 'captureDateTime', 'DateTime', true),
  field('ckpyije740000yxdk81pbgjdc', 'embedding', 'Embedding', true),
  field('clnotes00000000000000000a', 'notes', 'String', false),
  field('clscore00000000000000000b', 'score', 'Number', false),
  field('clreview0000000000000000c', 'reviewedAt', 'DateTime', false),
  field('clquality000000000000000d', 'quality', 'Enum', false, [option('clqgood00000000000000000e', 'good', false), option('clqbad000000000000000000f', 'bad', false)]),
];

/**
 * `apiKey`: the only key accepted. `datasetId`: the one dataset that exists.
 * `existingKeys`: global keys already in the organization. `pollsUntilDone`:
 * task polls answered IN_PROGRESS before COMPLETE. `refusedRowData`: row
 * data the server cannot fetch, refused per row. `fault(op, count)`: an
 * optional hook returning { status, headers?, body? } to answer instead (count
 * is how many times op was asked before), or 'hang' to never answer.
 * `cors`: answer as a browser on another origin needs (preflights included).
 * `ontology`: the metadata fields `customMetadataOntology` answers; a test
 * may change the array between requests, as an admin adding a field would.
 */
export async function startStub({ apiKey, datasetId, existingKeys = [], refusedRowData = [], pollsUntilDone = 1, fault, cors = false, ontology = ONTOLOGY } = {}) {
  const operations = []; // { op, variables, at } in arrival order
  const upserts = []; // { taskId, specs } per upsertDataRows, specs parsed from the uploaded rows files
  const files = new Map(); // id -> { name, type, bytes }
  const tasks = new Map(); // id -> { record, polls, failed }
  const keys = new Set(existingKeys.map((key) => key.toLowerCase()));
  const asked = new Map();
  let base;

  const server = createServer(async (req, res) => {
    if (cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      if (req.method === 'OPTIONS') return res.writeHead(204).end();
    }
    const send = (status, body, headers = {}) => res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    try {
      const url = new URL(req.url, base);
      if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
        const file = files.get(url.pathname.slice('/files/'.length));
        return file ? res.writeHead(200, { 'Content-Type': file.type }).end(file.bytes) : res.writeHead(404).end('no such file');
      }
      if (req.method !== 'POST' || url.pathname !== '/graphql') return res.writeHead(404).end('not a Labelbox endpoint');
      const pieces = [];
      for await (const piece of req) pieces.push(piece);
      const body = Buffer.concat(pieces);
      const { query, variables, upload } = await parseGraphql(req.headers['content-type'] ?? '', body);
      const op = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
      operations.push({ op, query, variables, at: performance.now() });

      const count = asked.get(op) ?? 0;
      asked.set(op, count + 1);
      const injected = fault?.(op, count);
      if (injected === 'hang') return;
      if (injected) return send(injected.status, injected.body ?? {}, injected.headers);

      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return send(401, { errors: [{ message: 'Invalid API key', extensions: { code: 'AUTHENTICATION_ERROR' } }] });
      }
      const data = await answer(op, query, variables, upload);
      return send(200, data.errors ? data : { data });
    } catch (error) {
      return send(400, { errors: [{ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    }
  });

  async function answer(op, query, variables, upload) {
    switch (op) {
      case 'UploadFile': {
        if (!upload) throw new Error('uploadFile needs a multipart body with a file');
        if (upload.bytes.length !== variables.contentLength) throw new Error(`contentLength ${variables.contentLength} but ${upload.bytes.length} bytes`);
        const id = `f${files.size + 1}`;
        files.set(id, upload);
        return { uploadFile: { url: `${base}/files/${id}`, filename: upload.name } };
      }
      case 'GetDatasetPyApi':
        if (variables.param_0 !== datasetId) return { dataset: null };
        return { dataset: { id: datasetId, name: 'stub', description: '', rowCount: 0, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' } };
      case 'GetMetadataOntologyBetaPyApi':
        return { customMetadataOntology: structuredClone(ontology) };
      case 'GetUserPyApi':
        return { user: { id: 'user-1', email: 'stub@example.com', name: 'stub', nickname: null, picture: null, isExternalUser: false, isViewer: false, lastLoginAt: null, createdAt: null, updatedAt: null } };
      case 'UpsertDataRowsPyApi':
        return { upsertDataRows: await createTask(variables.manifestUri) };
      case 'GetUserCreatedTasksPyApi': {
        const task = tasks.get(variables.param_0);
        if (!task) return { user: { createdTasks: [] } };
        task.polls += 1;
        if (task.polls >= pollsUntilDone) Object.assign(task.record, { status: 'COMPLETE', completionPercentage: 100 });
        return { user: { createdTasks: [task.record] } };
      }
      case 'FailedDataRowImportsPyApi': {
        const task = tasks.get(variables.taskId);
        if (!task) throw new Error(`no task ${variables.taskId}`);
        const from = Number(variables.from ?? 0);
        const page = task.failed.slice(from, from + variables.first);
        const after = from + page.length < task.failed.length ? String(from + page.length) : null;
        return { failedDataRowImports: { after, total: task.failed.length, results: page } };
      }
      default:
        throw new Error(`the stub does not know ${op}: ${query.slice(0, 80)}`);
    }
  }

  // What Labelbox does with a manifest, reduced to what the tests look at:
  // rows whose global key is already taken fail with the server's message.
  async function createTask(manifestUri) {
    const manifest = JSON.parse(fileAt(manifestUri).bytes);
    const specs = manifest.chunk_uris.flatMap((uri) => JSON.parse(fileAt(uri).bytes));
    if (specs.length !== manifest.item_count) throw new Error(`item_count ${manifest.item_count} but ${specs.length} rows`);
    const id = `task-${tasks.size + 1}`;
    const failed = [];
    for (const { payload } of specs) {
      if (payload.dataset_id !== datasetId) throw new Error(`row for dataset ${payload.dataset_id}, not ${datasetId}`);
      const key = payload.global_key?.toLowerCase();
      const spec = { externalId: payload.external_id ?? null, globalKey: payload.global_key ?? null, rowData: payload.row_data, metadata: [], attachments: [] };
      if (key !== undefined && keys.has(key)) failed.push({ message: `Duplicate global key: '${payload.global_key}'`, spec });
      else if (refusedRowData.includes(payload.row_data)) failed.push({ message: `Could not fetch the asset at ${payload.row_data}`, spec });
      else if (key !== undefined) keys.add(key);
    }
    upserts.push({ taskId: id, specs });
    const record = Object.fromEntries(TASK_FIELDS.map((field) => [field, null]));
    Object.assign(record, { id, status: 'IN_PROGRESS', completionPercentage: 0, type: 'adv-upsert-data-rows', name: 'upsert data rows' });
    tasks.set(id, { record, polls: 0, failed });
    return { ...record };
  }

  function fileAt(uri) {
    const file = uri.startsWith(`${base}/files/`) && files.get(uri.slice(`${base}/files/`.length));
    if (!file) throw new Error(`${uri} was not uploaded here`);
    return file;
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    endpoint: `${base}/graphql`,
    operations,
    upserts,
    files,
    close: () => new Promise((resolve) => server.closeAllConnections() || server.close(resolve)),
  };
}

// A JSON GraphQL request, or a GraphQL multipart request (the `operations`
// and `map` fields and one file, as the SDK's upload_data sends).
async function parseGraphql(contentType, body) {
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'Content-Type': contentType } }).formData();
    const { query, variables } = JSON.parse(form.get('operations'));
    const map = JSON.parse(form.get('map'));
    const [[field, [path]]] = Object.entries(map);
    if (path !== 'variables.file') throw new Error(`map points at ${path}, not variables.file`);
    const file = form.get(field);
    if (typeof file === 'string') throw new Error(`multipart field ${field} is not a file`);
    return { query, variables, upload: { name: file.name, type: file.type, bytes: Buffer.from(await file.arrayBuffer()) } };
  }
  if (!contentType.startsWith('application/json')) throw new Error(`unexpected Content-Type ${contentType}`);
  return JSON.parse(body);
}
