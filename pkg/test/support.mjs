// Shared by the suites: where things are, the manifests every surface must
// agree on, and each corpus file's CLI flags as JS options.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const corpus = join(root, 'tests/corpus');
const realworld = join(root, 'tests/realworld');
const isManifest = (f) => /\.(json|ndjson|txt)$/.test(f);

/** The newest native CLI build (cargo test builds debug; make run, release). */
export const native = ['release', 'debug']
  .map((p) => join(root, 'target', p, 'rowcheck'))
  .filter(existsSync)
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
assert.ok(native, 'build the native CLI first (cargo build)');

export const manifests = [
  ...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
  ...readdirSync(corpus).filter(isManifest).map((f) => join(corpus, f)),
  ...realWorldManifests(),
];

/**
 * The corpus files the file itself fails on (an error with no row in their
 * .expect): truncated, broken between rows, not UTF-8, not a manifest. No
 * surface may give normalized bytes or chunks for them.
 */
export const brokenManifests = readdirSync(corpus)
  .filter(isManifest)
  .map((f) => join(corpus, f))
  .filter((path) => /^error FILE_\w+ - /m.test(readFileSync(path.replace(/\.(json|ndjson|txt)$/, '.expect'), 'utf8')));
assert.ok(['file-truncated-row.json', 'file-truncated-line.ndjson', 'file-syntax-between.json'].every((name) => brokenManifests.some((p) => p.endsWith(name))));

/** The real-world corpus (tests/realworld/README.md). */
export function realWorldManifests() {
  return readdirSync(realworld).filter(isManifest).sort().map((f) => join(realworld, f));
}

/** The CLI flags of a corpus file (its .args) and the same as JS options. */
export function argsOf(path) {
  const argsFile = path.replace(/\.(json|ndjson|txt)$/, '.args');
  if (!existsSync(argsFile)) return { flags: [], options: {} };
  const lines = readFileSync(argsFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const flags = [];
  const options = {};
  const file = (name) => join(dirname(path), name);
  for (let i = 0; i < lines.length; i++) {
    const flag = lines[i];
    switch (flag) {
      case '--strict': flags.push(flag); options.strict = true; break;
      case '--existing-keys': flags.push(flag, file(lines[++i])); options.existingKeys = readFileSync(file(lines[i]), 'utf8').split('\n').filter(Boolean); break;
      case '--ontology': flags.push(flag, file(lines[++i])); options.ontology = JSON.parse(readFileSync(file(lines[i]), 'utf8')); break;
      case '--schema': flags.push(flag, file(lines[++i])); options.schema = JSON.parse(readFileSync(file(lines[i]), 'utf8')); break;
      case '--max-rows': flags.push(flag, lines[++i]); options.maxRows = Number(lines[i]); break;
      case '--max-bytes': flags.push(flag, lines[++i]); options.maxBytes = Number(lines[i]); break;
      case '--now': flags.push(flag, lines[++i]); options.now = lines[i]; break;
      case '--signed-url-min-days': flags.push(flag, lines[++i]); options.signedUrlMinDays = Number(lines[i]); break;
      default: throw new Error(`${argsFile}: unknown flag ${flag}`);
    }
  }
  return { flags, options };
}
