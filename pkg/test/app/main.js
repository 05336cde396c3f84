// A tiny app using the package as users do; the tests load it in headless
// Chromium unbundled (plain.html, an import map) and built by Vite (index.html).
import { RowcheckError, check, init, split } from 'rowcheck';

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
window.rowcheckResult = {
  beforeInit,
  summary: report.summary,
  codes: report.diagnostics.map((d) => d.code),
  chunks: chunks.map((c) => new TextDecoder().decode(c)),
};
document.body.textContent = `${report.summary.rows} rows, ${report.summary.errors} errors`;
