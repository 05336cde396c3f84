#!/usr/bin/env node
// The package's command line: the native CLI's subcommands, flags, output
// and exit codes (0 clean, 1 errors found, 2 usage or I/O error), over the
// wasm core. Input is streamed; split writes each chunk as it fills.
import { createReadStream, existsSync, fstatSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../lib/node.js';
import { RowcheckError, chunkFileName, openChecker, outDirRefusal, parseCount, parseTime, partialSuffix, progressLine, readKeyList, reportFileName, takeReadyChunks } from '../lib/core.js';
import { runUpload, transportFrom } from './upload.js';
import { originOf, serve } from './serve.js';
import { probeSettings, runProbeCommand } from './probe.js';

// Commands, flags and help are defined once, in the core (src/cli.rs), and
// shipped as cli.json: this file parses by it and prints its help.
const CLI = JSON.parse(readFileSync(new URL('../cli.json', import.meta.url), 'utf8'));
const COMMANDS = new Map(CLI.commands.map((c) => [c.name, c]));

/** A failure that is the caller's or the system's, not the manifest's: exit 2. */
class Fatal extends Error {}

function usage(message, command) {
  const help = command ? `rowcheck ${command} --help` : 'rowcheck --help';
  throw new Fatal(`${message}\n\nFor more information, try '${help}'.`);
}

function version() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

const shown = (flag) => (flag.kind === 'switch' ? `--${flag.long}` : `--${flag.long} <${flag.value_name}>`);

/** The command line as the spec reads it: `{ command, file, values }`, each value by its long name, counts as numbers. */
function parse(argv) {
  const [name, ...rest] = argv;
  if (name === undefined) usage(`a command is required: ${[...COMMANDS.keys()].join(', ')}`);
  if (name === '-h' || name === '--help' || name === 'help') return { help: CLI.help[rest[0]] ?? CLI.help.top };
  if (name === '-V' || name === '--version') return { help: `rowcheck ${version()}` };
  const command = COMMANDS.get(name);
  if (command === undefined) usage(`unrecognized subcommand '${name}'`);
  const options = { help: { type: 'boolean', short: 'h' } };
  for (const flag of command.flags) {
    options[flag.long] = { type: flag.kind === 'switch' ? 'boolean' : 'string', ...(flag.short && { short: flag.short }), ...(flag.repeatable && { multiple: true }) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: command.file !== null, options });
  } catch (e) {
    usage(e.message.replace(/\. To specify a positional.*$/s, ''), name);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: CLI.help[name] };
  const wanted = command.file === null ? 0 : 1;
  if (positionals.length > wanted) usage(`unexpected argument '${positionals[wanted]}'`, name);
  if (positionals.length < wanted) usage('the manifest <FILE> is required', name);
  for (const flag of command.flags) {
    const given = values[flag.long];
    if (given === undefined) {
      if (flag.required) usage(`the argument '${shown(flag)}' is required`, name);
      if (flag.kind === 'switch') values[flag.long] = false;
      else if (flag.repeatable) values[flag.long] = [];
      else if (flag.default !== null) values[flag.long] = flag.default;
      continue;
    }
    if (flag.kind === 'choice' && !flag.choices.includes(given)) {
      usage(`invalid value '${given}' for '${shown(flag)}' [possible values: ${flag.choices.join(', ')}]`, name);
    }
    if (flag.kind === 'count') {
      try {
        values[flag.long] = parseCount(given, flag.min, flag.max ?? undefined);
      } catch (e) {
        usage(`invalid value '${given}' for '${shown(flag)}': ${e.message}`, name);
      }
    }
    // Kept as text, which the core reads again; read here only to refuse a bad one as the native CLI does.
    if (flag.kind === 'time') {
      try {
        parseTime(given);
      } catch (e) {
        usage(`invalid value '${given}' for '${shown(flag)}': ${e.message}`, name);
      }
    }
  }
  const args = { command: name, file: positionals[0], values };
  if (name === 'serve') {
    values['allow-origin'] = values['allow-origin'].map((text) => {
      const origin = originOf(text);
      if (!origin) usage(`invalid value '${text}' for '--allow-origin <URL>': an http:// or https:// URL is required`, name);
      return origin;
    });
  }
  if (name === 'upload') {
    if (args.file === '-') usage('upload reads the manifest twice (it is checked whole before anything is sent), so it needs a <FILE>, not standard input', name);
    values.transport = transportFrom(values, process.env, (message) => usage(message, name));
  }
  if (name === 'probe') values.probe = probeSettings(values, (message) => usage(message, name));
  return args;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function optionBytes(path, what) {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Fatal(`cannot read the ${what} file ${path}: ${e.message}`);
  }
}

/** An option file's pieces as they are read, with read errors as Fatal. */
async function* optionPieces(path, what) {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    yield* stream;
  } catch (e) {
    throw new Fatal(`cannot read the ${what} file ${path}: ${e.message}`);
  } finally {
    stream.destroy();
  }
}

function optionFile(path, what) {
  const bytes = optionBytes(path, what);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new Fatal(`${path}: the ${what} file is not UTF-8`);
  }
}

function options({ values }) {
  const options = { strict: values.strict, verbose: values.verbose, maxBytes: values['max-bytes'] };
  if (values.ontology !== undefined) options.ontology = optionFile(values.ontology, 'ontology');
  if (values.schema !== undefined) options.schema = optionFile(values.schema, 'schema');
  if (values['max-rows'] !== undefined) options.maxRows = values['max-rows'];
  if (values.now !== undefined) options.now = values.now;
  options.signedUrlMinDays = values['signed-url-min-days'];
  return options;
}

/** Which option file a core error is about, so the message names it like the native CLI. */
const OPTION_FILE = { INVALID_OPTIONS: 'existing-keys', INVALID_ONTOLOGY: 'ontology', INVALID_SCHEMA: 'schema' };

/**
 * A checker for the command (`probing`: one whose prober judges answers, the full build's); the
 * existing-keys file is streamed into it (an organization's list can be larger than the memory it is worth).
 */
async function open(args, emit, probing = false) {
  const path = args.values['existing-keys'];
  try {
    // Read first, as the native CLI reads it: its errors come before the other option files'.
    const keys = path === undefined ? undefined : await readKeyList(optionPieces(path, 'existing-keys'), { schema: args.values.schema }, probing);
    return openChecker(options(args), emit, { probing, keys });
  } catch (e) {
    if (e instanceof RowcheckError && OPTION_FILE[e.code]) throw new Fatal(`${args.values[OPTION_FILE[e.code]]}: ${e.message}`);
    throw e;
  }
}

/** A one-line progress bar on stderr, only for large files on a terminal; when and how is the core's (cli.json, progressLine). */
function progress(total) {
  const { min_bytes: minBytes, interval_ms: intervalMs } = CLI.progress;
  if (!process.stderr.isTTY || (total !== undefined && total < minBytes)) return { update() {}, done() {} };
  const started = performance.now();
  let last = -Infinity; // the first piece draws the bar at once
  return {
    update(checker) {
      const now = performance.now();
      if (now - last < intervalMs) return;
      last = now;
      process.stderr.write(progressLine(checker.bytesRead, total, checker.rows, (now - started) / 1000));
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

const inputName = (args) => (args.file === '-' ? '<stdin>' : args.file);

/** The report as --format asks; text names `name` (the input's, unless said otherwise). */
function report(checker, args, name = inputName(args)) {
  return args.values.format === 'json' ? checker.report() + '\n' : checker.report(name);
}

/**
 * Write a manifest made from the input (normalized or fixed) to -o or
 * standard output: nothing, and say so, when the input could not be read
 * to its end (it has no faithful form, only part of one).
 */
function writeOutput(checker, args, pieces, what) {
  if (checker.fileFailed) {
    process.stderr.write(`rowcheck: not writing a ${what} manifest: the file itself has errors (see above)\n`);
    return;
  }
  const bytes = Buffer.concat(pieces);
  if (args.values.output !== undefined) write(args.values.output, bytes);
  else process.stdout.write(bytes);
}

function write(path, bytes) {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new Fatal(`cannot write ${path}: ${e.message}`);
  }
}

function partialName(index) {
  return chunkFileName(index) + partialSuffix();
}

function prepareOutDir(out) {
  const refusal = existsSync(out) ? outDirRefusal(out, readdirSync(out).length === 0) : undefined;
  if (refusal !== undefined) throw new Fatal(refusal);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new Fatal(`cannot create ${out}: ${e.message}`);
  }
}

/** Serve the checker page until interrupted. */
async function runServe({ values: { port, host, 'allow-origin': allowOrigins, 'allow-probe': allowProbe } }) {
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
    const checker = await open(args, {});
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
        const checker = await open(args, { collectAssets: true }, true);
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
        const checker = await open(args, {});
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
    const out = args.values.out;
    prepareOutDir(out);
    const checker = await open(args, { emitChunks: true });
    // Written as they fill, under a name that says they are not finished:
    // they get theirs only once the whole file is read and sound.
    const written = [];
    await feed(args.file, checker, (c) => {
      for (const { bytes, index } of takeReadyChunks(c, true)) {
        write(join(out, partialName(index)), bytes);
        written.push(index);
      }
    });
    for (const index of written) {
      const partial = join(out, partialName(index));
      try {
        if (checker.fileFailed) unlinkSync(partial);
        else renameSync(partial, join(out, chunkFileName(index)));
      } catch (e) {
        throw new Fatal(`cannot finish ${partial}: ${e.message}`);
      }
    }
    write(join(out, reportFileName()), checker.report() + '\n');
    process.stdout.write(report(checker, args));
    if (checker.fileFailed) process.stderr.write('rowcheck: no chunks written: the file itself has errors (see above)\n');
    return checker.errors > 0 ? 1 : 0;
  }
  if (args.command === 'fix') {
    const checker = await open(args, { emitFixed: true });
    const pieces = [];
    await feed(args.file, checker, (c) => pieces.push(c.takeFixed()));
    // The report is the output's, so its positions are there; a file that
    // failed has no output, and its report is the input's.
    process.stderr.write(report(checker, args, checker.fileFailed ? inputName(args) : (args.values.output ?? '<stdout>')));
    writeOutput(checker, args, pieces, 'fixed');
    return checker.errors > 0 ? 1 : 0;
  }
  const checker = await open(args, { emitNormalized: true });
  const pieces = [];
  await feed(args.file, checker, (c) => pieces.push(c.takeNormalized()));
  process.stderr.write(report(checker, args));
  writeOutput(checker, args, pieces, 'normalized');
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
