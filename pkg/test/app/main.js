// A tiny app using the package as users do; the tests load it in headless
// Chromium unbundled (plain.html, an import map) and built by Vite and
// webpack (index.html), which must also bundle rowcheck/worker's worker and
// the full build. It asks the server for /__mark before its first call with
// a schema or a probe, so the test sees which .wasm files were fetched
// before and after (a probe's plan needs only the core; the probe itself
// fetches the full build).
import { RowcheckError, check, init, probe, probePlan, split } from 'rowcheck';
import { checkFile, splitFile } from 'rowcheck/worker';

const manifest = JSON.stringify([
  { row_data: 'https://storage.example.com/a.jpg', global_key: 'a' },
  { row_data: 'https://storage.example.com/b c.jpg', global_key: 'b' },
  { row_data: 'https://storage.example.com/c.jpg', global_key: 'A' },
]);

let beforeInit = 'no error';
try {
  check(manifest);
} catch (e) {
  beforeInit = e instanceof RowcheckError ? e.code : String(e);
}
await Promise.all([init(), init()]);
const report = check(manifest);
const { chunks } = split(new TextEncoder().encode(manifest));
const plan = probePlan(manifest);
const progress = [];
const inWorker = await splitFile(new File([manifest], 'manifest.json'), { onProgress: (p) => progress.push(p) });
let schemaBeforeInit = 'no error';
const schema = { properties: { global_key: { type: 'string', pattern: '^[a-z]$' } } };
try {
  check(manifest, { schema });
} catch (e) {
  schemaBeforeInit = e instanceof RowcheckError ? e.code : String(e);
}
await fetch('/__mark');
// No asset URL, so no request: what the test sees is the build a probe loads.
const probed = await probe('[]');
await init({ schema: true });
const withSchema = check(manifest, { schema });
const inWorkerWithSchema = await checkFile(new File([manifest], 'manifest.json'), { schema: JSON.stringify(schema) });
window.rowcheckResult = {
  beforeInit,
  schemaBeforeInit,
  schemaCodes: withSchema.diagnostics.map((d) => d.code),
  workerSchemaCodes: inWorkerWithSchema.diagnostics.map((d) => d.code),
  summary: report.summary,
  codes: report.diagnostics.map((d) => d.code),
  chunks: chunks.map((c) => new TextDecoder().decode(c)),
  plan,
  probed: probed.summary,
  worker: {
    summary: inWorker.report.summary,
    chunks: inWorker.chunks.map((c) => new TextDecoder().decode(c)),
    bytesRead: progress.at(-1).bytesRead,
  },
};
document.body.textContent = `${report.summary.rows} rows, ${report.summary.errors} errors`;
