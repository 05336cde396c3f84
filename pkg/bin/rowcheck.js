#!/usr/bin/env node
// The package's command line: the native CLI's subcommands, flags, output
// and exit codes (0 clean, 1 errors found, 2 usage or I/O error), over the
// wasm core. Input is streamed; split writes each chunk as it fills.
import { createReadStream, existsSync, fstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../lib/node.js';
import { RowcheckError, openChecker, takeReadyChunks } from '../lib/core.js';
import { runUpload, transportFrom } from './upload.js';
import { originOf, serve } from './serve.js';
import { PROBE_ABOUT, PROBE_FLAGS, probeHelp, probeSettings, runProbeCommand } from './probe.js';

const COMMANDS = {
  check: 'Check a manifest and print every finding',
  split: 'Check, then write the valid rows as upload chunks plus report.json',
  normalize: 'Write the normalized manifest, in the same container as the input',
  upload: 'Check, split and send the valid rows to an HTTP endpoint, with retries and resume',
  probe: PROBE_ABOUT,
  serve: 'Serve the checker page (check, fix and upload in a browser) on this machine',
};

const COMMON = `Options:
      --format <FORMAT>       Report format [default: text] [possible values: text, json]
      --strict                Treat global-key characters outside the recommended set as errors
      --existing-keys <FILE>  Keys that already exist in the organization: one per line, or a JSON array
      --ontology <FILE>       The organization's metadata schema: JSON [{schema_id, name, kind, options?}]
      --schema <FILE>         An extra JSON Schema every (normalized) row must satisfy
      --max-rows <N>          Rows per chunk, overriding 150,000 (30,000 with metadata)
      --threads <N>           Accepted as the native CLI takes it; this command checks on one thread
      --max-bytes <N>         Bytes of JSON per chunk [default: 10000000]
      --now <TIME>            The check's clock for signed-URL expiry, e.g. 2026-12-01T00:00:00Z [default: the current time]
      --signed-url-min-days <DAYS>
                              A signed URL that expires within this many days of --now is a warning [default: 7]
  -h, --help                  Print help`;

const HELP = {
  top: `Validate, normalize and chunk data-row import manifests

Usage: rowcheck <COMMAND>

Commands:
${Object.entries(COMMANDS).map(([c, about]) => `  ${c.padEnd(10)} ${about}`).join('\n')}

Options:
  -h, --help     Print help
  -V, --version  Print version

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.`,
  check: `${COMMANDS.check}

Usage: rowcheck check [OPTIONS] <FILE>

Arguments:
  <FILE>  The manifest (JSON array, NDJSON or URL list); \`-\` reads standard input

${COMMON}`,
  split: `${COMMANDS.split}

Usage: rowcheck split [OPTIONS] --out <OUT> <FILE>

Arguments:
  <FILE>  The manifest; \`-\` reads standard input

${COMMON.replace('Options:\n', 'Options:\n      --out <OUT>             Directory for chunk-0001.json, … and report.json; must be new or empty\n')}`,
  normalize: `${COMMANDS.normalize}

Usage: rowcheck normalize [OPTIONS] <FILE>

Arguments:
  <FILE>  The manifest; \`-\` reads standard input

${COMMON.replace('Options:\n', 'Options:\n  -o, --output <OUTPUT>       Output file (default: standard output); the report goes to standard error\n')}`,
  upload: `${COMMANDS.upload}

Usage: rowcheck upload [OPTIONS] --endpoint <URL> <FILE>
       rowcheck upload [OPTIONS] --labelbox-dataset <ID> <FILE>

Arguments:
  <FILE>  The manifest (a file: it is checked whole before anything is sent, then read again to send)

With --endpoint, each chunk is POSTed as a JSON array with an Idempotency-Key (the SHA-256 of its bytes).
With --labelbox-dataset, each chunk's rows are created in that Labelbox dataset as the official SDK does;
the API key is read from LABELBOX_API_KEY, and --endpoint, if given, replaces Labelbox's API URL.
A manifest with errors is not uploaded at all unless --skip-invalid is given.
Exit status: 0 every valid row acknowledged, 1 errors in the manifest (nothing sent), chunks that failed
or rows the server refused, 2 usage or I/O error, 130 interrupted.

${COMMON.replace('Options:\n', `Options:
      --endpoint <URL>        Where chunks are POSTed
      --header <HEADER>       An HTTP header for every request, 'Name: value'; repeat for more
      --labelbox-dataset <ID> Create the rows in this existing Labelbox dataset (key: LABELBOX_API_KEY)
      --concurrency <N>       Chunks in flight at once [default: 4]
      --retries <N>           Retries per chunk for 408, 429, 5xx, timeouts and dropped connections [default: 6]
      --timeout-ms <N>        Per attempt, body and answer included [default: 60000]
      --resume <FILE>         Record acknowledged chunks in FILE and skip those it already holds
      --skip-invalid          Upload the valid rows of a manifest that has errors; the report lists the skipped rows
`)}`,
  probe: probeHelp(COMMON),
  serve: `${COMMANDS.serve}

Usage: rowcheck serve [OPTIONS]

Files are checked in the browser tab; nothing is sent anywhere unless you
press Upload (or Check that assets load). The page may connect only to this
server and to localhost, unless --allow-origin adds an upload endpoint, or
--allow-probe lets it request assets from any host.

Options:
      --port <N>              Port to listen on; 0 picks a free one [default: 8080]
      --host <HOST>           Address to listen on [default: 127.0.0.1]
      --allow-origin <URL>    An upload endpoint's origin the page may connect to (repeatable)
      --allow-probe           Let the page request the manifest's assets from any http(s) host, when you press its button
  -h, --help                  Print help`,
};

/** A failure that is the caller's or the system's, not the manifest's: exit 2. */
class Fatal extends Error {}

function usage(message, command) {
  const help = command ? `rowcheck ${command} --help` : 'rowcheck --help';
  throw new Fatal(`${message}\n\nFor more information, try '${help}'.`);
}

function version() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

function parse(argv) {
  const [command, ...rest] = argv;
  if (command === undefined) usage('a command is required: check, split, normalize, upload, probe or serve');
  if (command === '-h' || command === '--help' || command === 'help') return { help: HELP[rest[0]] ?? HELP.top };
  if (command === '-V' || command === '--version') return { help: `rowcheck ${version()}` };
  if (!(command in COMMANDS)) usage(`unrecognized subcommand '${command}'`);
  if (command === 'serve') return parseServe(rest);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
        'existing-keys': { type: 'string' },
        ontology: { type: 'string' },
        schema: { type: 'string' },
        'max-rows': { type: 'string' },
        'max-bytes': { type: 'string' },
        threads: { type: 'string' },
        now: { type: 'string' },
        'signed-url-min-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(command === 'split' && { out: { type: 'string' } }),
        ...(command === 'normalize' && { output: { type: 'string', short: 'o' } }),
        ...(command === 'upload' && {
          endpoint: { type: 'string' },
          header: { type: 'string', multiple: true },
          concurrency: { type: 'string' },
          retries: { type: 'string' },
          'timeout-ms': { type: 'string' },
          resume: { type: 'string' },
          'skip-invalid': { type: 'boolean', default: false },
          'labelbox-dataset': { type: 'string' },
        }),
        ...(command === 'probe' && PROBE_FLAGS),
      },
    });
  } catch (e) {
    usage(e.message.replace(/\. To specify a positional.*$/s, ''), command);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: HELP[command] };
  if (positionals.length !== 1) usage(positionals.length ? `unexpected argument '${positionals[1]}'` : 'the manifest <FILE> is required', command);
  if (!['text', 'json'].includes(values.format)) usage(`invalid value '${values.format}' for '--format <FORMAT>' [possible values: text, json]`, command);
  if (command === 'split' && values.out === undefined) usage("the argument '--out <OUT>' is required", command);
  const count = (flag, min) => {
    const text = values[flag];
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      usage(`invalid value '${text}' for '--${flag} <N>': a whole number of at least ${min} is required`, command);
    }
    return Number(text);
  };
  count('threads', 1);
  if (values.now !== undefined) checkNow(values.now, command);
  const file = positionals[0];
  if (command === 'upload') {
    if (file === '-') usage('upload reads the manifest twice (it is checked whole before anything is sent), so it needs a <FILE>, not standard input', command);
    values.concurrency = count('concurrency', 1) ?? 4;
    values.retries = count('retries', 0) ?? 6;
    values.timeoutMs = count('timeout-ms', 1) ?? 60_000;
    values.transport = transportFrom(values, process.env, (message) => usage(message, command));
  }
  if (command === 'probe') values.probe = probeSettings(values, count, (message) => usage(message, command));
  return { command, file, values, maxRows: count('max-rows', 1), maxBytes: count('max-bytes', 3), signedUrlMinDays: count('signed-url-min-days', 0) };
}

/** `--now`, read by the core as the check will read it, so a bad one is a usage error. */
function checkNow(text, command) {
  try {
    openChecker({ now: text }).free();
  } catch (e) {
    if (!(e instanceof RowcheckError)) throw e;
    usage(`invalid value '${text}' for '--now <TIME>': ${e.message.replace(/^now "[^"]*": /, '')}`, command);
  }
}

function parseServe(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-origin': { type: 'string', multiple: true, default: [] },
        'allow-probe': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    usage(e.message.replace(/\. To specify a positional.*$/s, ''), 'serve');
  }
  if (values.help) return { help: HELP.serve };
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) usage(`invalid value '${values.port}' for '--port <N>': a port number from 0 to 65535 is required`, 'serve');
  const allowOrigins = values['allow-origin'].map((text) => {
    const origin = originOf(text);
    if (!origin) usage(`invalid value '${text}' for '--allow-origin <URL>': an http:// or https:// URL is required`, 'serve');
    return origin;
  });
  return { command: 'serve', port, host: values.host, allowOrigins, allowProbe: values['allow-probe'] };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function optionFile(path, what) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Fatal(`cannot read the ${what} file ${path}: ${e.message}`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new Fatal(`${path}: the ${what} file is not UTF-8`);
  }
}

function options({ values, maxRows, maxBytes, signedUrlMinDays }) {
  const options = { strict: values.strict };
  if (values.now !== undefined) options.now = values.now;
  if (signedUrlMinDays !== undefined) options.signedUrlMinDays = signedUrlMinDays;
  if (values['existing-keys'] !== undefined) options.existingKeys = optionFile(values['existing-keys'], 'existing-keys');
  if (values.ontology !== undefined) options.ontology = optionFile(values.ontology, 'ontology');
  if (values.schema !== undefined) options.schema = optionFile(values.schema, 'schema');
  if (maxRows !== undefined) options.maxRows = maxRows;
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return options;
}

/** Which option file a core error is about, so the message names it like the native CLI. */
const OPTION_FILE = { INVALID_OPTIONS: 'existing-keys', INVALID_ONTOLOGY: 'ontology', INVALID_SCHEMA: 'schema' };

function open(args, emit) {
  try {
    return openChecker(options(args), emit);
  } catch (e) {
    if (e instanceof RowcheckError && OPTION_FILE[e.code]) throw new Fatal(`${args.values[OPTION_FILE[e.code]]}: ${e.message}`);
    throw e;
  }
}

const PROGRESS_MIN_BYTES = 64 << 20;

/** A one-line progress bar on stderr, only for large files on a terminal. */
function progress(total) {
  if (!process.stderr.isTTY || (total !== undefined && total < PROGRESS_MIN_BYTES)) return { update() {}, done() {} };
  const started = performance.now();
  let last = -Infinity; // the first piece draws the bar at once
  return {
    update(checker) {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      const done = checker.bytesRead;
      const secs = Math.max((now - started) / 1000, 1e-3);
      const rows = checker.rows;
      const rate = Math.max(done / secs, 1);
      const line = total
        ? `\r${((done * 100) / total).toFixed(1).padStart(5)}%  ${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB  ${rows} rows  ${(rows / secs).toFixed(0)} rows/s  ETA ${((total - done) / rate).toFixed(0)}s `
        : `\r${(done / 1e6).toFixed(0)} MB  ${rows} rows  ${(rows / secs).toFixed(0)} rows/s `;
      process.stderr.write(line);
    },
    done() {
      if (last !== -Infinity) process.stderr.write('\r\x1b[2K');
    },
  };
}

/** The input's pieces, and its size when it is a file. */
async function openInput(file) {
  if (file === '-') return { stream: process.stdin, total: undefined };
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  await new Promise((resolve, reject) => {
    stream.once('open', resolve);
    stream.once('error', reject);
  }).catch((e) => {
    throw new Fatal(`cannot read ${file}: ${e.message}`);
  });
  return { stream, total: fstatSync(stream.fd).size };
}

/** The input's pieces, with read errors as Fatal. */
async function* inputPieces(file) {
  const { stream } = await openInput(file);
  try {
    yield* stream;
  } catch (e) {
    throw new Fatal(`cannot read ${file}: ${e.message}`);
  } finally {
    stream.destroy();
  }
}

/** Stream the input into the checker, calling `afterPiece` after each piece. */
async function feed(file, checker, afterPiece) {
  const { stream, total } = await openInput(file);
  const bar = progress(total);
  try {
    for await (const piece of stream) {
      checker.push(piece);
      afterPiece(checker);
      bar.update(checker);
    }
  } catch (e) {
    throw new Fatal(`cannot read ${file}: ${e.message}`);
  }
  checker.finish();
  afterPiece(checker);
  bar.done();
}

function report(checker, args) {
  return args.values.format === 'json' ? checker.report() + '\n' : checker.report(args.file === '-' ? '<stdin>' : args.file);
}

function write(path, bytes) {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new Fatal(`cannot write ${path}: ${e.message}`);
  }
}

function prepareOutDir(out) {
  if (existsSync(out) && readdirSync(out).length > 0) {
    throw new Fatal(`the output directory ${out} is not empty; remove it or choose another, so old chunks cannot mix with new ones`);
  }
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new Fatal(`cannot create ${out}: ${e.message}`);
  }
}

/** Serve the checker page until interrupted. */
async function runServe({ port, host, allowOrigins, allowProbe }) {
  let server;
  try {
    server = await serve({ port, host, allowOrigins, allowProbe });
  } catch (e) {
    throw new Fatal(`cannot serve the checker page on ${host}:${port}: ${e.message}`);
  }
  const { port: actual } = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`;
  process.stdout.write(`rowcheck: serving the checker page on ${url} (Ctrl-C to stop)\n`);
  if (allowOrigins.length) process.stdout.write(`rowcheck: the page may upload to ${allowOrigins.join(', ')}\n`);
  if (allowProbe) process.stdout.write('rowcheck: the page may request assets from any http(s) host when you press "Check that assets load" (--allow-probe)\n');
  await new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, resolve);
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** Run one command; resolves to the exit status. */
async function run(args) {
  if (args.command === 'serve') {
    await runServe(args);
    return 0;
  }
  if (args.command === 'check') {
    const checker = open(args, {});
    await feed(args.file, checker, () => {});
    process.stdout.write(report(checker, args));
    return checker.errors > 0 ? 1 : 0;
  }
  if (args.command === 'probe') {
    return runProbeCommand({
      file: args.file,
      name: args.file === '-' ? '<stdin>' : args.file,
      format: args.values.format,
      settings: args.values.probe,
      check: async (file) => {
        const checker = open(args, { collectAssets: true });
        await feed(file, checker, () => {});
        return checker;
      },
      Fatal,
    });
  }
  if (args.command === 'upload') {
    return runUpload({
      file: args.file,
      values: args.values,
      transport: args.values.transport,
      check: async (file) => {
        const checker = open(args, {});
        await feed(file, checker, () => {});
        return checker;
      },
      open: () => open(args, { emitChunks: true }),
      read: inputPieces,
      printReport: (checker, upload) => {
        if (args.values.format === 'json') {
          const json = JSON.parse(checker.report());
          process.stdout.write(JSON.stringify(upload ? { ...json, upload } : json) + '\n');
        } else {
          process.stdout.write(report(checker, args));
        }
      },
      Fatal,
    });
  }
  if (args.command === 'split') {
    prepareOutDir(args.values.out);
    const checker = open(args, { emitChunks: true });
    let index = 0;
    await feed(args.file, checker, (c) => {
      for (const chunk of takeReadyChunks(c)) {
        write(join(args.values.out, `chunk-${String(++index).padStart(4, '0')}.json`), chunk);
      }
    });
    write(join(args.values.out, 'report.json'), checker.report() + '\n');
    process.stdout.write(report(checker, args));
    return checker.errors > 0 ? 1 : 0;
  }
  const checker = open(args, { emitNormalized: true });
  const pieces = [];
  await feed(args.file, checker, (c) => pieces.push(c.takeNormalized()));
  process.stderr.write(report(checker, args));
  // A file that could not be read to its end has no faithful normalized
  // form: write nothing rather than part of it.
  if (checker.fileFailed) {
    process.stderr.write('rowcheck: not writing a normalized manifest: the file itself has errors (see above)\n');
    return 1;
  }
  const normalized = Buffer.concat(pieces);
  if (args.values.output !== undefined) write(args.values.output, normalized);
  else process.stdout.write(normalized);
  return checker.errors > 0 ? 1 : 0;
}

try {
  const args = parse(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(args.help + '\n');
  } else {
    process.exitCode = await run(args);
  }
} catch (e) {
  if (!(e instanceof Fatal)) throw e;
  process.stderr.write(`rowcheck: ${e.message}\n`);
  process.exitCode = 2;
}
