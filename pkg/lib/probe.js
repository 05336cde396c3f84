// The requests of a probe of the assets, and nothing else: which URLs to
// ask for, when a HEAD answer needs a ranged GET, and what every answer
// means are the core's (src/probe.rs, through a wasm Prober). Here: HEAD
// first, `Range: bytes=0-1023` GET when the core asks, timeouts, retries on
// 408, 429 and 5xx with backoff that honors Retry-After (lib/retry.js), a
// limit overall and per host, and a host whose first requests all fail is
// not asked again. No wasm here: the Worker and the page share it.
import { retryAfter, retryableStatus, sleep } from './retry.js';
import { RowcheckError, ownKeys } from './options.js';

/** The labeling app's origin, which Node's requests claim so its CORS answer can be judged. */
export const APP_ORIGIN = 'https://app.labelbox.com';

export const PROBE_OPTIONS = ['origin', 'concurrency', 'perHost', 'timeoutMs', 'retries', 'backoffMs', 'maxBackoffMs', 'sample', 'seed', 'signal', 'onProgress'];

/** Response headers the core reads. */
const HEADERS = ['content-type', 'content-length', 'content-range', 'location', 'access-control-allow-origin', 'retry-after'];
/** Failures that say the host is not there (as opposed to one bad answer). */
const HOST_DOWN = new Set(['timeout', 'dns', 'refused', 'tls', 'network']);
/** A host whose first this-many answers were all HOST_DOWN is not asked again. */
const DEAD_AFTER = 3;

/** In a browser (or a worker) requests go through its fetch, in CORS mode, from the page's origin. */
export function inBrowser() {
  return typeof globalThis.process?.versions?.node !== 'string';
}

/**
 * Split a probe's options into the check's (`known` keys), the rules' (for
 * the core's Prober) and the transport's, each checked.
 */
export function probeOptions(options, known, { browser }) {
  const all = ownKeys(options, [...known, ...PROBE_OPTIONS]);
  const check = {};
  const given = {};
  for (const [key, value] of Object.entries(all)) (PROBE_OPTIONS.includes(key) ? given : check)[key] = value;
  const { origin, concurrency = 16, perHost = 6, timeoutMs = 10_000, retries = 2, backoffMs = 250, maxBackoffMs = 10_000, sample, seed = 0, signal, onProgress } = given;
  const wrong = (message) => new RowcheckError('INVALID_OPTIONS', message);
  for (const [name, value, min] of [['concurrency', concurrency, 1], ['perHost', perHost, 1], ['timeoutMs', timeoutMs, 1], ['retries', retries, 0], ['backoffMs', backoffMs, 0], ['maxBackoffMs', maxBackoffMs, 0], ['sample', sample ?? 1, 1], ['seed', seed, 0]]) {
    if (!Number.isSafeInteger(value) || value < min) throw wrong(`${name} must be a whole number of at least ${min}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw wrong('signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw wrong('onProgress must be a function');
  if (origin !== undefined && typeof origin !== 'string') throw wrong('origin must be a string such as https://app.labelbox.com');
  if (browser && origin !== undefined) {
    throw wrong("origin is for Node: in a browser, requests come from this page's origin, and the browser enforces CORS for it");
  }
  const claimed = browser ? globalThis.location?.origin : (origin ?? APP_ORIGIN);
  return {
    check,
    rules: { origin: claimed, browser, ...(sample !== undefined && { sample }), seed, timeoutMs },
    transport: { origin: claimed, browser, concurrency, perHost, timeoutMs, retries, backoffMs, maxBackoffMs, signal, onProgress },
  };
}

/** What a prober will do before it does it: the hosts it will contact, and how many URLs. */
export function planOf(prober) {
  return { hosts: JSON.parse(prober.hosts()), urls: prober.total, notProbed: prober.notProbed, ...(prober.refused !== undefined && { refused: prober.refused }) };
}

/**
 * Request every URL `prober.targets()` lists and hand each answer back.
 * Resolves to `{ interrupted }` once every URL is judged or, after
 * `signal` aborts, once the requests in flight have stopped.
 */
export function runProbe(prober, transport) {
  const { origin, browser, concurrency, perHost, timeoutMs, retries, backoffMs, maxBackoffMs, signal, onProgress, fetch: send = globalThis.fetch } = transport;
  const hosts = new Map();
  const targets = JSON.parse(prober.targets());
  for (const [id, url, host] of targets) {
    if (!hosts.has(host)) hosts.set(host, { queue: [], active: 0, answered: 0, down: 0, dead: undefined });
    hosts.get(host).queue.push([id, url]);
  }
  const total = targets.length;
  // One listener on the caller's signal for every request in flight.
  const inFlight = new Set();
  signal?.addEventListener('abort', () => inFlight.forEach((c) => c.abort(signal.reason)), { once: true });

  /**
   * One request, its outcome as the core reads it. Throws only
   * `signal.reason`. Its own controller and timer, both let go when it
   * settles: AbortSignal.timeout and AbortSignal.any would keep a signal
   * per request alive for the whole run.
   */
  async function once(url, method) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    inFlight.add(controller);
    const headers = method === 'GET' ? { Range: 'bytes=0-1023' } : {};
    if (!browser) headers.Origin = origin;
    const init = { method, headers, signal: controller.signal, redirect: 'follow', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
    if (browser) init.mode = 'cors';
    try {
      const response = await send(url, init);
      const got = {};
      for (const name of HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) got[name] = value;
      }
      // The headers say all the core needs: the body is let go unread.
      await response.body?.cancel().catch(() => {});
      return { method, status: response.status, headers: got, ...(response.redirected && { url: response.url }) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) return { method, failure: 'timeout' };
      return { method, ...(browser ? await browserFailure(url, error) : nodeFailure(error)) };
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
  }

  /**
   * A browser tells a page nothing about a failed request. An opaque answer
   * to the same URL without CORS means the server is there and its CORS
   * answer is what failed.
   */
  async function browserFailure(url, error) {
    try {
      await send(url, { method: 'HEAD', mode: 'no-cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(timeoutMs) });
      return { failure: 'cors' };
    } catch {
      return { failure: 'network', detail: String(error?.message ?? error) };
    }
  }

  /** `method` for `url` until it answers something not worth another attempt. */
  async function request(url, method, host) {
    for (let attempt = 1; ; attempt++) {
      const answer = await once(url, method);
      answer.attempts = attempt;
      const { status } = answer;
      if (status !== undefined) host.answered += 1;
      else if (HOST_DOWN.has(answer.failure) && ++host.down >= DEAD_AFTER && host.answered === 0) {
        host.dead = { failure: answer.failure, ...(answer.detail && { detail: answer.detail }) };
      }
      const again = status !== undefined ? retryableStatus(status) : answer.failure === 'reset';
      if (!again || attempt > retries || host.dead) return answer;
      const asked = status === 429 || status === 503 ? retryAfter(answer.headers['retry-after'] ?? null) : undefined;
      // A host asking for longer than the probe waits is reported as it answered.
      if (asked !== undefined && asked > maxBackoffMs) return answer;
      const backoff = Math.random() * Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
      await sleep(Math.max(backoff, asked ?? 0), signal);
    }
  }

  async function probeOne(id, url, host) {
    const ask = (method) => (host.dead ? { method, ...host.dead, skipped: true } : request(url, method, host));
    if (prober.answer(id, JSON.stringify(await ask('HEAD'))) === 'get') prober.answer(id, JSON.stringify(await ask('GET')));
  }

  return new Promise((resolve, reject) => {
    const ready = [...hosts.values()];
    let cursor = 0;
    let active = 0;
    let probed = 0;
    let failed;
    // Round-robin over hosts with work, so a large host cannot hold the others back.
    const pick = () => {
      for (let seen = 0; seen < ready.length; ) {
        if (cursor >= ready.length) cursor = 0;
        const host = ready[cursor];
        if (host.queue.length === 0) {
          ready.splice(cursor, 1);
          continue;
        }
        cursor += 1;
        seen += 1;
        if (host.active < perHost) return host;
      }
      return undefined;
    };
    const settle = () => {
      if (active > 0) return;
      if (failed) reject(failed);
      else if (signal?.aborted || ready.every((h) => h.queue.length === 0)) resolve({ interrupted: Boolean(signal?.aborted) && probed < total });
    };
    const pump = () => {
      while (!signal?.aborted && !failed && active < concurrency) {
        const host = pick();
        if (!host) break;
        const [id, url] = host.queue.shift();
        host.active += 1;
        active += 1;
        probeOne(id, url, host)
          .then(
            () => onProgress?.({ probed: ++probed, total }),
            (error) => {
              if (!signal?.aborted) failed ??= error;
            },
          )
          .finally(() => {
            host.active -= 1;
            active -= 1;
            pump();
          });
      }
      settle();
    };
    signal?.addEventListener('abort', settle, { once: true });
    pump();
  });
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** Node's fetch names the cause: a DNS, connection or TLS failure. */
function nodeFailure(error) {
  const cause = error?.cause;
  const code = String(cause?.code ?? '');
  const detail = code || String(cause?.message ?? error?.message ?? error);
  if (DNS.has(code)) return { failure: 'dns', detail };
  if (code === 'ECONNREFUSED') return { failure: 'refused', detail };
  if (RESET.has(code)) return { failure: 'reset', detail };
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return { failure: 'timeout' };
  if (/CERT|SSL|TLS/.test(code)) return { failure: 'tls', detail };
  return { failure: 'network', detail };
}
