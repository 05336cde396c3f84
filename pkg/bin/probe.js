// `rowcheck probe`: check the manifest, then request every distinct asset
// URL it names, as the seed's "does it load in your browser" test would, and
// print the check's report with what the answers showed merged in. Which
// URLs, which request and what an answer means are the core's; this file
// reads the flags, shows progress and handles Ctrl-C.
import { openProber } from '../lib/core.js';
import { APP_ORIGIN, planOf, runProbe } from '../lib/probe.js';

/** The probe's own flags, as node:util parseArgs takes them. */
export const PROBE_FLAGS = {
  origin: { type: 'string' },
  concurrency: { type: 'string' },
  'per-host': { type: 'string' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  sample: { type: 'string' },
  seed: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
};

export const PROBE_ABOUT = 'Check, then request every asset URL (HEAD or a ranged GET) and report the assets that will not load';

/** The help text; `common` is the check's options block. */
export function probeHelp(common) {
  return `${PROBE_ABOUT}

Usage: rowcheck probe [OPTIONS] <FILE>

Arguments:
  <FILE>  The manifest; \`-\` reads standard input

Each distinct http(s) URL (row_data, attachments, PDF text layers, one tile of
a tile layer) is requested once, from this machine, with Origin: ${APP_ORIGIN}
unless --origin says otherwise; gs:// URLs are listed but not requested.
--dry-run prints the hosts that would be contacted and contacts none.
Exit status: 0 no errors, 1 errors in the manifest or its assets, 2 usage or
I/O error, 130 interrupted (the report covers what was probed).

${common.replace('Options:\n', `Options:
      --origin <URL>          The labeling app's origin, sent as Origin and judged in CORS answers [default: ${APP_ORIGIN}]
      --concurrency <N>       Requests in flight at once [default: 16]
      --per-host <N>          Requests in flight to one host [default: 6]
      --timeout-ms <N>        Per request [default: 10000]
      --retries <N>           Retries for 408, 429, 5xx and dropped connections, honoring Retry-After [default: 2]
      --sample <N>            Probe only N of the distinct URLs, picked by --seed (the same N every run)
      --seed <N>              Which sample --sample picks [default: 0]
      --dry-run               List the hosts and URL counts; send nothing
`)}`;
}

/**
 * The probe's settings from parsed flags: `count(flag, min)` reads a whole
 * number, `usage(message)` throws a usage error.
 */
export function probeSettings(values, count, usage) {
  const origin = values.origin ?? APP_ORIGIN;
  let parsed;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
    usage(`invalid value '${origin}' for '--origin <URL>': an origin such as ${APP_ORIGIN} is required`);
  }
  const timeoutMs = count('timeout-ms', 1) ?? 10_000;
  const sample = count('sample', 1);
  return {
    dryRun: values['dry-run'],
    rules: { origin: parsed.origin, browser: false, ...(sample !== undefined && { sample }), seed: count('seed', 0) ?? 0, timeoutMs },
    transport: {
      origin: parsed.origin,
      browser: false,
      concurrency: count('concurrency', 1) ?? 16,
      perHost: count('per-host', 1) ?? 6,
      timeoutMs,
      retries: count('retries', 0) ?? 2,
      backoffMs: 250,
      maxBackoffMs: 10_000,
    },
  };
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "done/total URLs, rate, ETA" on stderr, only on a terminal. */
function probeBar() {
  if (!process.stderr.isTTY) return { update() {}, done() {} };
  const started = performance.now();
  let last = -Infinity;
  return {
    update({ probed, total }) {
      const now = performance.now();
      if (now - last < 200 && probed < total) return;
      last = now;
      const secs = Math.max((now - started) / 1000, 1e-3);
      const rate = probed / secs;
      const eta = rate > 0 ? `  ETA ${((total - probed) / rate).toFixed(0)}s` : '';
      process.stderr.write(`\r${probed}/${total} URLs  ${rate.toFixed(0)} URLs/s${eta} `);
    },
    done() {
      if (last !== -Infinity) process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Run the probe: `check(file)` resolves to a finished core checker opened
 * with `{ collectAssets: true }`; `name` is the file's name in text reports.
 * Resolves to the exit status.
 */
export async function runProbeCommand({ file, name, format, settings, check, Fatal }) {
  const core = await check(file);
  let prober;
  try {
    prober = openProber(core, settings.rules);
  } catch (e) {
    throw new Fatal(e.message);
  } finally {
    core.free();
  }
  const print = (interrupted) => process.stdout.write(format === 'json' ? prober.report(undefined, interrupted) + '\n' : prober.report(name, interrupted));
  try {
    if (prober.refused !== undefined) {
      print(false);
      process.stderr.write(`rowcheck: nothing was probed: ${prober.refused}\n`);
      return 1;
    }
    if (settings.dryRun) {
      const { hosts, urls, notProbed } = planOf(prober);
      const lines = [`rowcheck probe would request ${plural(urls, 'asset URL', 'asset URLs')} on ${plural(hosts.length, 'host', 'hosts')}, as ${settings.rules.origin}:`];
      for (const { origin, urls: n } of hosts) lines.push(`  ${origin}  ${plural(n, 'URL', 'URLs')}`);
      if (notProbed) lines.push(`and not request ${plural(notProbed, 'gs:// URL', 'gs:// URLs')} (they need the platform's Google Cloud integration)`);
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    const controller = new AbortController();
    const interrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    const bar = probeBar();
    let interrupted;
    try {
      ({ interrupted } = await runProbe(prober, { ...settings.transport, signal: controller.signal, onProgress: (p) => bar.update(p) }));
    } finally {
      process.off('SIGINT', interrupt);
      bar.done();
    }
    print(interrupted);
    if (interrupted) {
      process.stderr.write(`rowcheck: probe interrupted after ${prober.probed} of ${plural(prober.total, 'URL', 'URLs')}; the report covers those\n`);
      return 130;
    }
    return prober.errors > 0 ? 1 : 0;
  } finally {
    prober.free();
  }
}
