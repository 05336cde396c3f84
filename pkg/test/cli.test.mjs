// The package's `rowcheck` command against the native CLI, spawned as a user
// would: for every corpus file and example the same stdout, stderr, exit
// code and files, for check (json and text), split, normalize and fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { argsOf, brokenManifests, manifests, native, root } from './support.mjs';

const bin = join(root, 'pkg/bin/rowcheck.js');

async function run(command, args, input) {
  const child = promisify(execFile)(command, args, { maxBuffer: 1 << 28, encoding: 'buffer' });
  if (input !== undefined) child.child.stdin.end(input);
  try {
    const { stdout, stderr } = await child;
    return { status: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const node = (args, input) => run(process.execPath, [bin, ...args], input);
const rust = (args, input) => run(native, args, input);

/** Both CLIs on the same arguments; they must agree byte for byte. */
async function same(args, what, input) {
  const [ours, theirs] = await Promise.all([node(args, input), rust(args, input)]);
  assert.equal(ours.status, theirs.status, `${what}: exit status; stderr: ${ours.stderr}`);
  assert.equal(ours.stdout.toString(), theirs.stdout.toString(), `${what}: stdout`);
  return { ours, theirs };
}

const dir = mkdtempSync(join(tmpdir(), 'rowcheck-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('check --format json and text: byte-identical to the native CLI on every corpus file', async () => {
  for (const path of manifests) {
    const { flags } = argsOf(path);
    const { theirs } = await same(['check', path, ...flags, '--format', 'json'], `check ${path}`);
    assert.ok(theirs.status === 0 || theirs.status === 1);
    await same(['check', path, ...flags], `check --format text ${path}`);
  }
});

test('split writes the same chunks and report.json; normalize the same bytes and report', async () => {
  for (const [i, path] of manifests.entries()) {
    const { flags } = argsOf(path);
    const outs = [join(dir, `n${i}`), join(dir, `r${i}`)];
    const [ours, theirs] = await Promise.all([
      node(['split', path, '--out', outs[0], ...flags, '--format', 'json']),
      rust(['split', path, '--out', outs[1], ...flags, '--format', 'json']),
    ]);
    assert.equal(ours.status, theirs.status, `split ${path}`);
    assert.equal(ours.stdout.toString(), theirs.stdout.toString(), `split ${path}`);
    const files = readdirSync(outs[1]).sort();
    assert.deepEqual(readdirSync(outs[0]).sort(), files, `split ${path}: files`);
    for (const f of files) assert.ok(readFileSync(join(outs[0], f)).equals(readFileSync(join(outs[1], f))), `split ${path}: ${f}`);

    const normalized = await same(['normalize', path, ...flags, '--format', 'json'], `normalize ${path}`);
    assert.equal(normalized.ours.stderr.toString(), normalized.theirs.stderr.toString(), `normalize ${path}: stderr`);
  }
});

test('fix: the same fixed bytes, report (json and text) and exit status as the native CLI; each .fixed case', async () => {
  for (const [i, path] of manifests.entries()) {
    const { flags } = argsOf(path);
    const json = await same(['fix', path, ...flags, '--format', 'json'], `fix ${path}`);
    assert.equal(json.ours.stderr.toString(), json.theirs.stderr.toString(), `fix ${path}: stderr`);
    const fixed = path.replace(/\.(json|ndjson|txt)$/, '.fixed');
    if (existsSync(fixed)) assert.ok(json.ours.stdout.equals(readFileSync(fixed)), `fix ${path}: not its .fixed`);
    const outs = [join(dir, `fix-n${i}`), join(dir, `fix-r${i}`)];
    const [ours, theirs] = await Promise.all([node(['fix', path, ...flags, '-o', outs[0]]), rust(['fix', path, ...flags, '-o', outs[1]])]);
    assert.equal(ours.status, theirs.status, `fix -o ${path}`);
    assert.equal(ours.stderr.toString().replaceAll(outs[0], 'OUT'), theirs.stderr.toString().replaceAll(outs[1], 'OUT'), `fix -o ${path}: text report`);
    assert.equal(existsSync(outs[0]), existsSync(outs[1]), `fix -o ${path}: output written`);
    if (existsSync(outs[1])) assert.ok(readFileSync(outs[0]).equals(readFileSync(outs[1])), `fix -o ${path}: output`);
  }
});

test('a file that fails: normalize and fix write nothing, split leaves report.json alone, both say why', async () => {
  for (const [i, path] of brokenManifests.entries()) {
    const normalized = await node(['normalize', path]);
    assert.equal(normalized.status, 1, path);
    assert.equal(normalized.stdout.length, 0, `${path}: no normalized bytes`);
    assert.match(normalized.stderr.toString(), /not writing a normalized manifest: the file itself has errors/, path);
    const fixed = await node(['fix', path]);
    assert.equal(fixed.status, 1, path);
    assert.equal(fixed.stdout.length, 0, `${path}: no fixed bytes`);
    assert.match(fixed.stderr.toString(), /not writing a fixed manifest: the file itself has errors/, path);
    const output = join(dir, `broken-${i}.out`);
    assert.equal((await node(['normalize', path, '-o', output])).status, 1, path);
    assert.equal(existsSync(output), false, `${path}: no output file`);

    // One row a chunk: chunks fill (and are written) before the break shows.
    const out = join(dir, `broken-${i}`);
    const split = await node(['split', path, '--out', out, '--max-rows', '1', '--format', 'json']);
    assert.equal(split.status, 1, path);
    assert.match(split.stderr.toString(), /no chunks written: the file itself has errors/, path);
    assert.deepEqual(readdirSync(out), ['report.json'], `${path}: no chunks`);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.summary.file_failed, true, path);
    assert.deepEqual(report.chunks, [], path);
  }
});

test('standard input, --output, and the split directory rule', async () => {
  const example = join(root, 'examples/seed-image.json');
  const input = readFileSync(example);
  await same(['check', '-'], 'check -', input);
  const outputs = [join(dir, 'ours.json'), join(dir, 'theirs.json')];
  await node(['normalize', example, '-o', outputs[0]]);
  await rust(['normalize', example, '-o', outputs[1]]);
  assert.ok(readFileSync(outputs[0]).equals(readFileSync(outputs[1])));
  const full = join(dir, 'full');
  writeFileSync(join(dir, 'placeholder'), '');
  const refused = await node(['split', example, '--out', dir]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr.toString(), /is not empty/);
  assert.equal((await node(['split', example, '--out', full])).status, 0);
});

test('--existing-keys is streamed: a list read in many pieces, keys across their edges, agrees with the native CLI', async () => {
  // Over 3 MiB, so the file arrives in several 1 MiB pieces; the padding puts a key across each edge.
  const keys = Array.from({ length: 120_000 }, (_, i) => `org-key-${String(i).padStart(9, '0')}-${'x'.repeat(i % 13)}`);
  const list = join(dir, 'keys.list');
  writeFileSync(list, keys.join('\r\n') + '\r\n');
  const manifest = join(dir, 'keys-manifest.ndjson');
  const wanted = [0, 33_333, 61_111, 119_999].map((i) => keys[i].toUpperCase());
  writeFileSync(manifest, [...wanted, 'org-key-new'].map((k) => JSON.stringify({ row_data: 'https://h.example/a.jpg', global_key: k })).join('\n') + '\n');
  for (const format of ['text', 'json']) {
    const { ours } = await same(['check', manifest, '--existing-keys', list, '--format', format], `check --format ${format}`);
    if (format === 'json') assert.deepEqual(JSON.parse(ours.stdout).diagnostics.map((d) => [d.row, d.code]), wanted.map((_, row) => [row, 'GLOBAL_KEY_EXISTS']));
  }
  // A bad byte far into the list: the same message, naming its offset in the file.
  const bad = join(dir, 'bad-keys.list');
  writeFileSync(bad, Buffer.concat([readFileSync(list), Buffer.from('bad\xff\n', 'latin1')]));
  const [ours, theirs] = await Promise.all([node(['check', manifest, '--existing-keys', bad]), rust(['check', manifest, '--existing-keys', bad])]);
  assert.equal(ours.status, 2);
  assert.equal(ours.stderr.toString(), theirs.stderr.toString());
  assert.match(ours.stderr.toString(), /^rowcheck: \S+: the key list is not UTF-8: invalid utf-8 sequence of 1 bytes from index \d{7}\n$/);
  const missing = await node(['check', manifest, '--existing-keys', join(dir, 'missing-keys.list')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr.toString(), /^rowcheck: cannot read the existing-keys file \S+missing-keys\.list: /);
});

test('usage and I/O errors exit 2 with a message, like the native CLI', async () => {
  const cases = [
    [],
    ['bogus'],
    ['check'],
    ['check', join(dir, 'missing.json')],
    ['check', join(root, 'examples/seed-image.json'), '--format', 'xml'],
    ['check', join(root, 'examples/seed-image.json'), '--max-rows', '0'],
    ['check', join(root, 'examples/seed-image.json'), '--max-bytes', 'lots'],
    ['check', join(root, 'examples/seed-image.json'), '--ontology', join(dir, 'missing.ontology')],
    ['check', join(root, 'examples/seed-image.json'), '--schema', join(root, 'examples/seed-image.json')],
    ['split', join(root, 'examples/seed-image.json')],
  ];
  for (const args of cases) {
    const [ours, theirs] = await Promise.all([node(args), rust(args)]);
    assert.equal(theirs.status, 2, `native ${args.join(' ')}`);
    assert.equal(ours.status, 2, `node ${args.join(' ')}: ${ours.stderr}`);
    assert.match(ours.stderr.toString(), /^rowcheck: \S/, args.join(' '));
  }
  const help = await node(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout.toString(), /Usage: rowcheck <COMMAND>/);
  // One definition of the flags: the same help, word for word, from both.
  const spec = JSON.parse(readFileSync(join(root, 'pkg/cli.json'), 'utf8'));
  for (const args of [['--help'], ...spec.commands.filter((c) => c.native).map((c) => [c.name, '--help'])]) {
    const [ours, theirs] = await Promise.all([node(args), rust(args)]);
    assert.equal(theirs.status, 0, args.join(' '));
    assert.equal(ours.stdout.toString(), theirs.stdout.toString(), args.join(' '));
  }
  for (const command of spec.commands.filter((c) => !c.native)) {
    assert.equal((await node([command.name, '--help'])).stdout.toString(), `${spec.help[command.name]}\n`, command.name);
    const native = await rust([command.name]);
    assert.equal(native.status, 2);
    assert.match(native.stderr.toString(), new RegExp(`npx rowcheck ${command.name}`));
  }
  const version = await node(['--version']);
  assert.equal(version.stdout.toString(), `rowcheck ${JSON.parse(readFileSync(join(root, 'pkg/package.json'))).version}\n`);
});

test('a progress bar on a terminal for files over 64 MB, and silence otherwise', async () => {
  const line = '{"row_data":"https://storage.example.com/images/abcdefghijklmnopqrstuvwxyz0123456789/img.jpg"}\n';
  const big = join(dir, 'big.ndjson');
  writeFileSync(big, line.repeat(Math.ceil((65 << 20) / line.length)));
  for (const command of [`'${process.execPath}' '${bin}'`, `'${native}'`]) {
    // `script` gives the command a terminal; its output is what the terminal showed.
    const shown = await run('script', ['-qec', `${command} check '${big}' --format json > /dev/null`, '/dev/null']);
    const text = shown.stdout.toString();
    assert.match(text, /^\r\s*\d+\.\d% +\d+\/\d+ MB +\d+ rows +\d+ rows\/s +ETA \d+s/, `${command}: ${JSON.stringify(text.slice(0, 200))}`);
    assert.ok(text.endsWith('\r\x1b[2K'), `${command}: the bar is cleared at the end`);
  }
  const quiet = await node(['check', big, '--format', 'json']);
  assert.equal(quiet.stderr.length, 0, 'no bar when stderr is not a terminal');
});
