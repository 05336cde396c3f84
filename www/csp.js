// What the page's own Content-Security-Policy lets it connect to, so the
// upload panel can explain a blocked endpoint instead of failing with
// "Failed to fetch" after every retry.

function policy() {
  return document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '';
}

/** The connect-src sources, as written ('self' shown as this page's origin). */
export function connectSources() {
  const directive = policy().split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'connect-src');
  return (directive?.slice(1) ?? []).map((source) => (source === "'self'" ? location.origin : source));
}

/** Whether connect-src lets the page reach `origin` (scheme, exact origin, or a host with any port). */
export function allowsConnection(origin) {
  const target = new URL(origin);
  return connectSources().some((source) => {
    if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return target.protocol === source.toLowerCase();
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+)(?::(\d+|\*))?\/?$/i.exec(source);
    if (!match) return false;
    const [, scheme, host, port] = match;
    const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
    return target.protocol === `${scheme.toLowerCase()}:` && target.hostname === host.toLowerCase()
      && (port === '*' || (target.port || defaultPort) === (port ?? defaultPort));
  });
}
