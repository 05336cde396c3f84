// `rowcheck probe`: check the manifest, then request every distinct asset
// URL it names, as the seed's "does it load in your browser" test would, and
// print the check's report with what the answers showed merged in. Which
// URLs, which request and what an answer means are the core's; this file
// reads the flags, shows progress and handles Ctrl-C.
import { openProber } from '../lib/core.js';
import { APP_ORIGIN, planOf, runProbe } from '../lib/probe.js';
import { plural } from './text.js';

/**
 * The probe's settings from the parsed flags (counts already numbers, with
 * the spec's defaults); `usage(message)` throws a usage error.
 */
export function probeSettings(values, usage) {
  const origin = values.origin;
  let parsed;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
    usage(`invalid value '${origin}' for '--origin <URL>': an origin such as ${APP_ORIGIN} is required`);
  }
  const timeoutMs = values['timeout-ms'];
  const sample = values.sample;
  return {
    dryRun: values['dry-run'],
    rules: { origin: parsed.origin, browser: false, ...(sample !== undefined && { sample }), seed: values.seed, timeoutMs },
    transport: {
      origin: parsed.origin,
      browser: false,
      concurrency: values.concurrency,
      perHost: values['per-host'],
      timeoutMs,
      retries: values.retries,
      backoffMs: 250,
      maxBackoffMs: 10_000,
    },
  };
}

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
      process.stderr.write(`\r${probed}/${plural(total, 'URL', 'URLs')}  ${rate.toFixed(0)} URLs/s${eta} `);
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
