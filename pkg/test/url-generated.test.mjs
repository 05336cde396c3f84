// The npm CLI judges URLs as Node's WHATWG `new URL()` does: 12,000 URLs from
// a seeded generator (IPv4 and IPv6 forms, percent-escapes, IDN hosts,
// userinfo, ports, backslashes, odd schemes, whitespace) go through
// `rowcheck check` as manifest rows, and a row gets URL_INVALID exactly when
// `new URL()` throws on its URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './support.mjs';

const COUNT = 12_000;

/** xorshift64*, so a failure can be replayed from its seed. */
function rng(seed) {
  let s = BigInt(seed) | 1n;
  const mask = (1n << 64n) - 1n;
  return (n) => {
    s ^= s >> 12n;
    s ^= (s << 25n) & mask;
    s ^= s >> 27n;
    return Number(((s * 0x2545f4914f6cdd1dn) & mask) >> 33n) % n;
  };
}

const parts = {
  scheme: ['https://', 'http://', 'HTTPS://', 'https:/', 'https:', 'https:///', 'http:\\\\', 'https:/\\', 'gs://', 's3://', 's3:/', 'ftp://', 'ws://',
    'file:///', 'javascript:', 'data:', 'mailto:', 'foo+bar://', 'foo:', '1a://', 'a b://', '//', ''],
  ipv4: ['192.168.0.1', '192.168.0.257', '256.0.0.1', '0x7f.1', '0x7f.0.0.1', '017700000001', '4294967295', '4294967296', '1.2.3.4.5', '1.2.3.', '1.2.3.4.',
    '0xffffffff', '0x100000000', '08.1.1.1', '1.0x', '999999999999', '1..2', '0'],
  ipv6: ['[::1]', '[2001:db8::1]', '[::ffff:192.168.0.1]', '[::1.2.3.]', '[::1.2.3.4x]', '[1:2:3:4:5:6:7:8]', '[1:2:3:4:5:6:7:8:9]', '[::1%25eth0]',
    '[google.com]', '[::', '[:1]', '[1::2::3]', '[0:0:0:0:0:0:13.1.68.3]', '[ffff::]', '[::ffff:0x7f.1]'],
  // No right-to-left label: with one, UTS 46 (CheckBidi, which the URL
  // Standard sets) refuses labels such as `a-` or `-a` elsewhere in the host,
  // as the url crate does, while Node 20's parser takes them.
  label: ['example', 'com', 'storage', 'a', 'xn--nxasmq6b', 'xn--pokxncvks', 'xn--', 'xn--a', 'b\u00fccher', 'caf\u00e9', '\u65e5\u672c',
    'a\u200bb', 'a\u00adb', 'FOO', 'a_b', 'a-', '-a', 'a%41', '%41%42', 'ho%00st', 'a%40b', 'a%zz', '%', 'a^b', 'a|b', 'a{b}', 'a\u3002b', 'a\uff0eb',
    'x'.repeat(70), '\u2163', 'a~b', 'a!b', "a'b", 'a*b', 'a$b'],
  userinfo: ['', '', '', 'user@', 'user:pass@', ':@', 'a@b@', 'us er@', '%40@', 'user:p%40ss@', '@'],
  port: ['', '', '', ':0', ':80', ':443', ':8080', ':65535', ':65536', ':99999', ':00080', ':+80', ':-1', ':8a', ':'],
  path: ['/', '/a.jpg', '/a b.jpg', '/%2e%2e/a', '/./a', '/../a', '/a%zz', '/a%20b', '/\u00e9', '/{z}/{x}/{y}.png', '\\a\\b', '/a#frag', '/a?x=1&y=%',
    "/?q='", '/a<b>', '/a||b', '/a\tb', '/a\nb', '/a\u0000b', '/a\u007fb', '/a\u00a0b', '', '/a/', '?only', '#only', '/\u{1F600}'],
  blank: ['', '', '', '', ' ', '  ', '\t', '\n', '\u0000', '\u001f', '\u00a0', '\r\n'],
};

function generate(seed) {
  const below = rng(seed);
  const pick = (list) => list[below(list.length)];
  const host = () => {
    switch (below(4)) {
      case 0: return pick(parts.ipv4);
      case 1: return pick(parts.ipv6);
      default: return Array.from({ length: 1 + below(3) }, () => pick(parts.label)).join(pick(['.', '.', '.', '..', '\u3002']));
    }
  };
  const urls = [];
  while (urls.length < COUNT) {
    const url = pick(parts.blank) + pick(parts.scheme) + pick(parts.userinfo) + host() + pick(parts.port) + pick(parts.path) + pick(parts.blank);
    if (url !== '') urls.push(url);
  }
  return urls;
}

function invalid(url) {
  try {
    new URL(url);
    return false;
  } catch {
    return true;
  }
}

test("URL_INVALID from the npm CLI is exactly where Node's new URL() throws", () => {
  const urls = generate(20261201);
  const dir = mkdtempSync(join(tmpdir(), 'rowcheck-urls-'));
  try {
    const file = join(dir, 'urls.ndjson');
    writeFileSync(file, urls.map((u) => JSON.stringify({ row_data: u, media_type: 'IMAGE' })).join('\n') + '\n');
    const run = spawnSync(process.execPath, [join(root, 'pkg/bin/rowcheck.js'), 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const report = JSON.parse(run.stdout);
    assert.equal(report.summary.rows, urls.length);
    const flagged = new Set(report.diagnostics.filter((d) => d.code === 'URL_INVALID').map((d) => d.row));
    const disagreements = urls.flatMap((u, row) => (flagged.has(row) === invalid(u) ? [] : [`${JSON.stringify(u)}: new URL() ${invalid(u) ? 'throws' : 'parses'}`]));
    const refused = urls.filter(invalid).length;
    console.log(`generated URLs: ${urls.length}, ${refused} refused by new URL(), ${disagreements.length} disagreements with rowcheck`);
    // Teeth: plenty of URLs on each side.
    assert.ok(refused > COUNT / 10 && refused < COUNT - COUNT / 10, `${refused} refused`);
    assert.deepEqual(disagreements.slice(0, 20), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
