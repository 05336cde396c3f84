// Copy what the package ships from the repository around it: the JSON
// Schemas (schemas/, so editors can point at node_modules/rowcheck/schemas/…)
// and the docs (docs/, which README.md links to). Run at prepack; both
// folders are generated here and not committed in pkg/.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
for (const folder of ['schemas', 'docs']) {
  rmSync(join(pkg, folder), { recursive: true, force: true });
  cpSync(join(pkg, '..', folder), join(pkg, folder), { recursive: true });
}
