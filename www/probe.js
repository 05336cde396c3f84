// The "Check that assets load" step: after a check, the hosts a probe would
// contact are listed (worked out in the worker, with no request); pressing
// the button requests each asset URL with this browser's own fetch in CORS
// mode, from a worker, and the results join the check's diagnostics. The
// page's Content-Security-Policy decides which hosts it may reach: the
// button is off, and says why, while any host is outside it.
import { probeFile, probePlanFile } from './lib/worker.js';
import { allowsConnection, connectSources } from './csp.js';
import { plural } from './summary.js';

/** Whether the policy lets the page reach any http(s) host: `rowcheck serve --allow-probe`. */
function anyHost() {
  const sources = connectSources();
  return sources.includes('https:') && sources.includes('http:');
}

export class ProbePanel {
  #els;
  #job;
  #onReport;
  #controller;
  #generation = 0;

  /** `onReport(report)` shows the merged report in place of the check's. */
  constructor(els, onReport) {
    this.#els = els;
    this.#onReport = onReport;
    els.start.addEventListener('click', () => this.#start());
    els.stop.addEventListener('click', () => this.#controller?.abort());
    els.policy.hidden = !anyHost();
    els.policy.textContent = 'This page was started with "rowcheck serve --allow-probe": it may connect to any http or https host, and does so only when you press the button below.';
  }

  /** A new check: work out which hosts a probe would contact. */
  async setJob(job) {
    this.#controller?.abort();
    this.#controller = undefined;
    this.#els.stop.hidden = true;
    this.#job = job;
    const generation = ++this.#generation;
    const els = this.#els;
    els.start.disabled = true;
    els.hosts.replaceChildren();
    els.status.textContent = '';
    els.progress.hidden = true;
    els.intro.textContent = 'Listing the hosts a probe would contact…';
    let plan;
    try {
      plan = await probePlanFile(job.file, job.options);
    } catch (e) {
      if (generation === this.#generation) els.intro.textContent = `The probe cannot be planned: ${e?.message ?? e}`;
      return;
    }
    if (generation !== this.#generation) return;
    this.#show(plan);
  }

  #show(plan) {
    const els = this.#els;
    if (plan.refused) {
      els.intro.textContent = `Nothing can be probed: ${plan.refused}.`;
      return;
    }
    const gs = plan.notProbed ? `${plural(plan.notProbed, 'gs:// URL needs', 'gs:// URLs need')} the platform's Google Cloud integration and will not be requested` : '';
    if (plan.urls === 0) {
      els.intro.textContent = `The manifest names no http or https asset URL to request${gs ? `; ${gs}` : ''}.`;
      return;
    }
    els.intro.textContent = `Pressing the button sends one HEAD request (or a GET of the first 1,024 bytes) from this browser for each of the ${plural(plan.urls, 'asset URL', 'asset URLs')}${gs ? ` (${gs})` : ''}, to exactly these ${plural(plan.hosts.length, 'host', 'hosts')}, and nowhere else:`;
    els.hosts.replaceChildren(
      ...plan.hosts.map(({ origin, urls }) => {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = origin;
        li.append(code, ` ${plural(urls, 'URL', 'URLs')}`);
        return li;
      }),
    );
    const blocked = plan.hosts.map((h) => h.origin).filter((origin) => !allowsConnection(origin));
    els.start.disabled = blocked.length > 0;
    els.status.textContent = blocked.length
      ? `The button is off: this page may only connect to ${connectSources().join(', ')}, so it cannot reach ${blocked.slice(0, 3).join(', ')}${blocked.length > 3 ? ` and ${blocked.length - 3} more` : ''}. Start it with "rowcheck serve --allow-probe" to check assets on any host, or run "npx rowcheck probe FILE" on the command line.`
      : '';
  }

  async #start() {
    const els = this.#els;
    const { file, options } = this.#job;
    const seconds = Number(els.timeout.value);
    const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? Math.max(1, Math.round(seconds * 1000)) : 10_000;
    const controller = (this.#controller = new AbortController());
    els.start.disabled = true;
    els.stop.hidden = false;
    els.progress.hidden = false;
    els.progress.value = 0;
    els.status.textContent = 'Requesting the assets…';
    const started = performance.now();
    try {
      const report = await probeFile(file, {
        ...options,
        timeoutMs,
        signal: controller.signal,
        onProgress: ({ probe }) => {
          if (!probe) return;
          els.progress.value = probe.total ? probe.probed / probe.total : 1;
          els.status.textContent = `${probe.probed} of ${plural(probe.total, 'asset URL', 'asset URLs')} probed…`;
        },
      });
      if (controller !== this.#controller) return;
      const { probed, requested, interrupted } = report.probe;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      els.status.textContent = interrupted
        ? `Stopped after ${probed} of ${plural(requested, 'asset URL', 'asset URLs')}; the diagnostics above include those.`
        : `Probed ${plural(probed, 'asset URL', 'asset URLs')} in ${secs} s; what they showed is in the diagnostics above (codes ASSET_…), next to the check's.`;
      els.progress.value = 1;
      this.#onReport(report);
    } catch (e) {
      if (controller === this.#controller) els.status.textContent = `The probe failed: ${e?.message ?? e}`;
    } finally {
      if (controller === this.#controller) {
        this.#controller = undefined;
        els.start.disabled = false;
        els.stop.hidden = true;
      }
    }
  }
}
