//! Asset URLs: does a browser load it (the WHATWG URL Standard, judged by
//! the `url` crate), and does it follow the platform's rules on top
//! (schemes, characters the platform cannot load, spaces, length, folders).
//!
//! Most URLs of a manifest are plain `https://host/path`. [`is_plain`]
//! decides those byte by byte; parsing every URL would cost about as much
//! as all the other checks of a row. Everything else goes to the parser.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::OnceLock;

use url::{ParseError, SyntaxViolation, Url};

use crate::report::{Code, Edit, Findings, Severity, quote};

pub const MAX_URL_BYTES: usize = 16 * 1024;

/// Is this string a URL rather than inline text? A row's string is a URL
/// when it starts (after the blanks a browser ignores) with a scheme and:
/// `//` (any scheme: `ftp://`, `file:///`, `s3://`, `gs://`); or one of the
/// schemes `http`, `https`, `s3`, `gs`, `javascript` followed by anything
/// but a blank (`https:/x`, `s3:/bucket/key`); or `file:` and a slash;
/// or `data:` and a media type, `;` or `,`. So `Data: 5 rows`,
/// `HTTP: 200` and `Note:hello` are text, and a broken URL is still a URL
/// (reported as one) rather than silently becoming a TEXT row.
pub fn looks_like_url(s: &str) -> bool {
    let s = s.trim_start_matches(|c: char| c <= ' ');
    let Some((scheme, rest)) = scheme_of(s) else {
        return false;
    };
    if rest.starts_with("//") {
        return true;
    }
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        return false;
    }
    let is = |name: &str| scheme.eq_ignore_ascii_case(name);
    if ["http", "https", "s3", "gs", "javascript"].into_iter().any(is) {
        return true;
    }
    if is("file") {
        return rest.starts_with(['/', '\\']);
    }
    is("data") && is_data_head(rest)
}

/// The scheme and what follows its colon, when `s` starts with a scheme
/// name (a letter, then letters, digits, `+`, `-`, `.`).
fn scheme_of(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let n = b.iter().position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))?;
    (b[n] == b':').then(|| (&s[..n], &s[n + 1..]))
}

/// `data:` URLs open with a media type (`image/png`), `;` or `,`.
fn is_data_head(rest: &str) -> bool {
    let b = rest.as_bytes();
    if matches!(b.first(), Some(b',' | b';')) {
        return true;
    }
    let token = b.iter().take_while(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(c)).count();
    token > 0 && b.get(token) == Some(&b'/')
}

/// Asset extensions a bare file name (`a.jpg`, no folder) must end with to
/// count as a local path.
const FILE_EXTENSIONS: [&str; 22] = [
    "jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp", "mp4", "mov", "avi", "mp3", "wav", "m4a", "dcm", "pdf", "html", "htm",
    "txt", "json", "ndjson", "csv",
];

/// Does text (no scheme) look like a path on someone's disk? One line that
/// is rooted (`/home/me/a.jpg`, `./x.png`, `~/a.mp3`, `C:\data\a.mp4`,
/// `\\server\a.png`) and either names a file with an extension or is one
/// word of two or more segments (`/tmp/tmpk3j2x9ab`, a temporary file); or
/// has folders and names a file (`images/a.png`); or is one word naming a
/// media file (`a.jpg`).
pub fn looks_like_local_path(s: &str) -> bool {
    if s.is_empty() || s.len() > 4096 || s.contains(['\n', '\r']) {
        return false;
    }
    let b = s.as_bytes();
    let drive = b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\');
    let rooted = drive || ["/", "./", "../", "~/", ".\\", "..\\", "~\\", "\\\\"].iter().any(|p| s.starts_with(p));
    let one_word = !s.contains(char::is_whitespace);
    let segments = s.split(['/', '\\']).filter(|seg| !seg.is_empty()).count();
    let name = s.rsplit(['/', '\\']).next().unwrap_or(s);
    let ext = name.rsplit_once('.').filter(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && ext.bytes().any(|b| b.is_ascii_alphabetic())
    });
    match ext {
        Some(_) if rooted || s.contains(['/', '\\']) => true,
        Some((_, ext)) => one_word && FILE_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)),
        None => rooted && one_word && segments > 1 && !name.is_empty(),
    }
}

/// A local path rooted on a disk (`/content/a.mp4`, `./a.png`, `~/a.jpg`,
/// `C:\data\a.png`): never a URL missing its scheme, as `example.com/a.jpg`
/// may be, nor a scheme-relative `//host/a.jpg` or a share `\\host\a.jpg`.
pub fn looks_like_rooted_local_path(s: &str) -> bool {
    let b = s.as_bytes();
    let drive = b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\');
    let rooted = drive
        || (s.starts_with('/') && !s.starts_with("//"))
        || ["./", "../", "~/", ".\\", "..\\", "~\\"].iter().any(|p| s.starts_with(p));
    rooted && looks_like_local_path(s)
}

/// Bytes a plain URL's path and query may hold as they are: the parser
/// neither encodes nor rewrites them (`'` only in the path: the parser
/// encodes it in the query of an http(s) URL; `{` `}` are checked apart).
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let allowed = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?%";
    let mut i = 0;
    while i < allowed.len() {
        t[allowed[i] as usize] = true;
        i += 1;
    }
    t
};

/// The fast path: `https://`, `http://` or `gs://`, a host of lower-case
/// ASCII labels (letters, digits, `-`; none punycode, `xn--`), the last
/// starting with a letter so it cannot be read as an IPv4 number, then a
/// `/` path (for `gs://`, one naming an object) and optional query of
/// [`PLAIN`] bytes, `%` only before two hex digits, no `.` or `..` segment,
/// and `{` `}` only in the path. The parser accepts such a URL and
/// serializes it unchanged, except that it percent-encodes the path's `{`
/// `}` (tile templates): tests/url_fuzz.rs holds it to that. No port, user,
/// fragment, upper-case host or non-ASCII byte: those go to the parser.
pub fn is_plain(url: &str) -> bool {
    let b = url.as_bytes();
    let Some(rest) = [&b"https://"[..], b"http://", b"gs://"].into_iter().find_map(|p| b.strip_prefix(p)) else {
        return false;
    };
    let Some(host_end) = memchr::memchr(b'/', rest) else {
        return false;
    };
    let path = &rest[host_end..];
    // A gs:// URL without a key is the parser's case: it gets URL_SCHEME there.
    let names_object = b[0] != b'g' || path.len() > 1 && path[1] != b'?';
    names_object && plain_host(&rest[..host_end]) && plain_path(path)
}

fn plain_host(host: &[u8]) -> bool {
    let mut last_start = 0;
    for label in host.split(|&c| c == b'.') {
        let ok = !label.is_empty()
            && label.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && !label.starts_with(b"xn--");
        if !ok {
            return false;
        }
        last_start = label[0];
    }
    last_start.is_ascii_lowercase()
}

fn plain_path(path: &[u8]) -> bool {
    let mut in_query = false;
    let mut segment = 0;
    let mut i = 0;
    while i < path.len() {
        let c = path[i];
        match c {
            b'/' | b'?' if !in_query => {
                if is_dot_segment(&path[segment..i]) {
                    return false;
                }
                segment = i + 1;
                in_query = c == b'?';
            }
            b'%' => {
                let hex = |j: usize| path.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 2;
            }
            b'\'' if in_query => return false,
            b'{' | b'}' if !in_query => {}
            _ if PLAIN[c as usize] => {}
            _ => return false,
        }
        i += 1;
    }
    in_query || !is_dot_segment(&path[segment..])
}

/// `.` and `..`, also percent-encoded: the parser resolves them away.
fn is_dot_segment(segment: &[u8]) -> bool {
    matches!(segment.first(), Some(b'.' | b'%'))
        && [&b"."[..], b"..", b"%2e", b".%2e", b"%2e.", b"%2e%2e"].iter().any(|d| segment.eq_ignore_ascii_case(d))
}

/// Check one URL; findings point at `pointer`/`offset` (the string token).
pub fn check(url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    if url.len() > MAX_URL_BYTES {
        findings.warning(
            Code::URL_TOO_LONG,
            pointer(),
            offset,
            format!("URL is {} bytes, over {MAX_URL_BYTES}; this is almost always a generation bug", url.len()),
        );
    }
    if !is_plain(url) {
        check_parsed(url, pointer, offset, findings);
        return;
    }
    if url.as_bytes()[4] == b':' {
        insecure(url, pointer, offset, findings);
        findings.fix(Edit::string(offset, &format!("https{}", &url[4..])));
    }
    // A plain URL has a path, so a `/` at its very end ends the path. The
    // searches run only then: every URL of every row comes through here.
    if url.ends_with('/') && !url.contains('?') {
        let path = &url[url.find("//").map_or(0, |i| i + 2)..];
        if path.find('/').is_some_and(|i| i + 1 < path.len()) {
            folder(url, pointer, offset, findings);
        }
    }
}

/// A character that keeps the platform from loading a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    /// `#`, `<`, `>`, `||`, control characters: an error.
    Unsupported,
    /// A space (or another Unicode space): a warning, an error with `--strict`.
    Space,
}

#[derive(Debug, Clone, Copy)]
struct Problem<'u> {
    /// Byte offset in the URL.
    at: usize,
    text: &'u str,
    kind: Bad,
}

fn problems(url: &str) -> Vec<Problem<'_>> {
    let mut out = Vec::new();
    let mut chars = url.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let (len, kind) = match c {
            '#' | '<' | '>' => (1, Bad::Unsupported),
            '|' if chars.peek().is_some_and(|&(_, n)| n == '|') => {
                chars.next();
                (2, Bad::Unsupported)
            }
            c if c.is_control() => (c.len_utf8(), Bad::Unsupported),
            c if c.is_whitespace() => (c.len_utf8(), Bad::Space),
            _ => continue,
        };
        out.push(Problem { at, text: &url[at..at + len], kind });
    }
    out
}

/// What the parser made of a URL.
struct Parsed {
    url: Result<Url, ParseError>,
    /// It parsed only because the parser rewrote its structure.
    repairs: Repairs,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Repairs {
    slashes: bool,
    backslash: bool,
}

impl Repairs {
    fn any(self) -> bool {
        self.slashes || self.backslash
    }
}

fn parse(url: &str) -> Parsed {
    parse_mapped(url, HOST_IDNA.get().copied())
}

/// Maps a URL's host to ASCII as the URL Standard's "domain to ASCII" does
/// (percent-decoding first): `None` when the host is not a valid domain. Its
/// input is the host as written, percent escapes and all.
pub type HostToAscii = fn(&str) -> Option<String>;

static HOST_IDNA: OnceLock<HostToAscii> = OnceLock::new();

/// The npm package's core wasm build leaves the Unicode IDNA tables out
/// (its `url` crate is built ASCII-only, pkg/scripts/core-workspace.mjs): it maps
/// the few hosts that need them through `map`, which asks the full build
/// or the JavaScript engine (src/wasm.rs). Natively nothing sets it, and
/// the `url` crate maps every host itself. Only the first call counts.
#[cfg(feature = "host-idna")]
pub fn map_hosts_with(map: HostToAscii) {
    let _ = HOST_IDNA.set(map);
}

/// The URL Standard's domain to ASCII, as the `url` crate runs it on a
/// special URL's host: what [`HostToAscii`] must answer. The full wasm
/// build answers the core's with it (src/wasm.rs).
#[cfg(not(feature = "host-idna"))]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn host_to_ascii(host: &str) -> Option<String> {
    let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode_str(host).into();
    idna::domain_to_ascii_from_cow(decoded, idna::AsciiDenyList::URL).ok().map(Cow::into_owned)
}

fn parse_mapped(url: &str, host_idna: Option<HostToAscii>) -> Parsed {
    let mapped;
    let url = match host_idna.map_or(Mapped::AsWritten, |map| map_host(url, map)) {
        Mapped::AsWritten => url,
        Mapped::To(ascii) => {
            mapped = ascii;
            &mapped
        }
        // The host is parsed before anything after it, so its failure is the URL's.
        Mapped::Fails(e) => return Parsed { url: Err(e), repairs: Repairs::default() },
    };
    let repairs = Cell::new(Repairs::default());
    let note = |v: SyntaxViolation| {
        let mut r = repairs.get();
        match v {
            SyntaxViolation::ExpectedDoubleSlash => r.slashes = true,
            SyntaxViolation::Backslash => r.backslash = true,
            // Tabs, newlines, spaces and the rest are character findings,
            // or changes that keep the URL as written (encoding, case).
            _ => {}
        }
        repairs.set(r);
    };
    let parsed = Url::options().syntax_violation_callback(Some(&note)).parse(url);
    let parsed = parsed.and_then(|u| if backslash_in_port(url, &u) { Err(ParseError::InvalidPort) } else { Ok(u) });
    Parsed { url: parsed, repairs: repairs.get() }
}

enum Mapped {
    /// The parser maps the host with no Unicode data.
    AsWritten,
    /// The URL with its host mapped to ASCII.
    To(String),
    Fails(ParseError),
}

/// Finds a special URL's host as the URL Standard's parser does (after the
/// blanks around the URL and every tab and newline are dropped) and, when
/// mapping it needs Unicode data (a non-ASCII byte once percent-decoded, or
/// a Punycode `xn--` label to validate), gives the URL with the host `map`
/// maps it to. An ASCII-only `url` crate then parses that exactly as one
/// with its IDNA tables parses the URL as written: the mapped host is ASCII
/// and already valid, and an empty one or a failure is the error the
/// parser would give.
fn map_host(url: &str, map: HostToAscii) -> Mapped {
    let b = url.as_bytes();
    let no_escape_or_break = !b.iter().any(|c| matches!(c, b'%' | b'\t' | b'\n' | b'\r'));
    if url.is_ascii() && no_escape_or_break && !b.windows(4).any(|w| w.eq_ignore_ascii_case(b"xn--")) {
        return Mapped::AsWritten;
    }
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let clean: Cow<'_, str> =
        if trimmed.contains(['\t', '\n', '\r']) { trimmed.replace(['\t', '\n', '\r'], "").into() } else { trimmed.into() };
    let Some((scheme, rest)) = scheme_of(&clean) else {
        return Mapped::AsWritten;
    };
    let is = |name: &str| scheme.eq_ignore_ascii_case(name);
    let (start, host) = if is("file") {
        // file: and two slashes (either way round) open a host, up to the path.
        let b = rest.as_bytes();
        if b.len() < 2 || !matches!(b[0], b'/' | b'\\') || !matches!(b[1], b'/' | b'\\') {
            return Mapped::AsWritten;
        }
        (scheme.len() + 3, until(&rest[2..], b"/\\?#"))
    } else if ["http", "https", "ws", "wss", "ftp"].into_iter().any(is) {
        // Any run of slashes, then the authority; the host follows its last `@`
        // and ends at a `:` outside brackets.
        let slashes = rest.len() - rest.trim_start_matches(['/', '\\']).len();
        let authority = until(&rest[slashes..], b"/\\?#");
        let at = authority.rfind('@').map_or(0, |i| i + 1);
        let mut brackets = false;
        let end = authority[at..]
            .bytes()
            .position(|c| {
                brackets = match c {
                    b'[' => true,
                    b']' => false,
                    _ => brackets,
                };
                c == b':' && !brackets
            })
            .unwrap_or(authority.len() - at);
        (scheme.len() + 1 + slashes + at, &authority[at..at + end])
    } else {
        return Mapped::AsWritten;
    };
    let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode_str(host).into();
    if host.starts_with('[') || decoded.is_ascii() && !has_punycode_label(&decoded) {
        return Mapped::AsWritten;
    }
    match map(host) {
        None => Mapped::Fails(ParseError::IdnaError),
        Some(ascii) if ascii.is_empty() => Mapped::Fails(ParseError::EmptyHost),
        Some(ascii) => Mapped::To(format!("{}{ascii}{}", &clean[..start], &clean[start + host.len()..])),
    }
}

/// Does a label of this host start with `xn--`, in any case?
fn has_punycode_label(host: &[u8]) -> bool {
    host.split(|&c| c == b'.').any(is_punycode_label)
}

/// A label IDNA decodes as Punycode: `xn--` in any case, then the encoding.
#[cfg_attr(not(feature = "host-idna"), allow(dead_code))]
pub fn is_punycode_label(label: &[u8]) -> bool {
    label.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"xn--"))
}

/// The `url` crate (2.5.8) ends the port of a non-special URL at a
/// backslash and reads `gs://bucket:\key` as valid; the URL Standard (and
/// browsers) fail it: outside http(s), ws(s), ftp and file a backslash is
/// no separator.
fn backslash_in_port(input: &str, u: &Url) -> bool {
    if u.is_special() || !u.has_host() || !input.contains('\\') {
        return false;
    }
    let s: String = input.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let Some(after) = scheme_of(&s).and_then(|(_, rest)| rest.strip_prefix("//")) else { return false };
    let authority = until(after, b"/?#");
    let host_port = rsplit_at(authority, b'@').map_or(authority, |(_, h)| h);
    let host_end = if host_port.starts_with('[') { host_port.find(']').unwrap_or(host_port.len()) } else { 0 };
    host_port[host_end..].find(':').is_some_and(|colon| host_port[host_end + colon..].contains('\\'))
}

/// Blanks and control characters around a URL: the parser drops some of
/// them, the platform cannot load any.
fn is_edge(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Where a character problem sits, for the message and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before or after the URL: remove it.
    Edge,
    /// In the scheme, user or host: no encoding makes that a URL.
    Authority,
    /// In the path, query or fragment: percent-encode it.
    Path,
}

/// Byte offset in `url` where its path, query or fragment starts (after
/// `scheme:`, the slashes and the authority); `None` without a scheme.
fn authority_end(url: &str) -> Option<usize> {
    let (scheme, rest) = scheme_of(url)?;
    let special = ["http", "https", "ws", "wss", "ftp", "file"].iter().any(|s| scheme.eq_ignore_ascii_case(s));
    let slash = |c: char| c == '/' || special && c == '\\';
    let after = rest.trim_start_matches(slash);
    if after.len() == rest.len() && !special {
        return Some(scheme.len() + 1);
    }
    let authority = after.find(|c: char| slash(c) || c == '?' || c == '#').unwrap_or(after.len());
    Some(url.len() - after.len() + authority)
}

fn place(url: &str, problem: &Problem<'_>) -> Place {
    let start = url.len() - url.trim_start_matches(is_edge).len();
    let end = url.trim_end_matches(is_edge).len();
    if problem.at < start || problem.at >= end {
        return Place::Edge;
    }
    match authority_end(&url[start..end]) {
        Some(path) if problem.at - start >= path => Place::Path,
        _ => Place::Authority,
    }
}

/// The URL with its character problems and structural repairs fixed:
/// blanks and controls around it removed, tabs and newlines inside it
/// removed (what the parser does), other characters percent-encoded in the
/// path, query or fragment, and the parser's repair written out. `None`
/// when that would mean touching the scheme or host, or when the result
/// still fails a check: a suggestion is only ever a URL that passes.
fn fix(url: &str) -> Option<String> {
    let start = url.len() - url.trim_start_matches(is_edge).len();
    let inner = url[start..].trim_end_matches(is_edge);
    let path = authority_end(inner)?;
    let mut out = String::with_capacity(inner.len() + 8);
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let bad = match c {
            '\t' | '\n' | '\r' => continue,
            '#' | '<' | '>' => c.len_utf8(),
            '|' if chars.peek().is_some_and(|&(_, n)| n == '|') => {
                chars.next();
                2
            }
            c if c.is_control() || c.is_whitespace() => c.len_utf8(),
            _ => {
                out.push(c);
                continue;
            }
        };
        if i < path {
            return None;
        }
        for b in inner[i..i + bad].bytes() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    let parsed = parse(&out);
    if parsed.repairs.any() {
        out = restore_braces(parsed.url.ok()?.as_str(), &out);
    }
    passes(&out).then_some(out)
}

/// The parser's serialization percent-encodes `{` and `}` in a path; put
/// them back as written, so a repaired tile template stays a template (the
/// two spellings are the same URL).
fn restore_braces(serialized: &str, written: &str) -> String {
    let written_encoded = ["%7B", "%7D"].iter().any(|e| written.to_ascii_uppercase().contains(e));
    if written_encoded || !written.contains(['{', '}']) {
        return serialized.to_string();
    }
    serialized.replace("%7B", "{").replace("%7D", "}")
}

/// Does a candidate suggestion pass the checks it is offered to fix: it
/// parses without repair, has no character problem and a scheme the
/// platform loads?
fn passes(candidate: &str) -> bool {
    if is_plain(candidate) {
        return true;
    }
    if !problems(candidate).is_empty() {
        return false;
    }
    let parsed = parse(candidate);
    match parsed.url {
        Ok(u) => !parsed.repairs.any() && scheme_problem(&u).is_none(),
        Err(_) => false,
    }
}

/// The platform's rule on a parsed URL's scheme, as a message tail.
fn scheme_problem(u: &Url) -> Option<&'static str> {
    match u.scheme() {
        "https" | "http" => None,
        "gs" if u.host_str().is_some_and(|h| !h.is_empty()) && u.path().len() > 1 => None,
        "gs" => Some("bucket"),
        _ => Some("scheme"),
    }
}

fn check_parsed(url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    let parsed = parse(url);
    let trimmed = url.trim_matches(is_edge);
    let raw_scheme = scheme_of(trimmed).map(|(s, _)| s);
    if let Err(e) = &parsed.url {
        findings.error(Code::URL_INVALID, pointer(), offset, invalid_message(url, *e));
    }
    // One fix serves every finding that offers it; made only when needed.
    let mut cache: Option<Option<String>> = None;
    let mut fixed = || cache.get_or_insert_with(|| fix(url)).clone();
    // A `#` may start a fragment rather than belong to the file name: its
    // encoding is only ever suggested.
    let fragment = url.contains('#');
    // Text with no scheme is no URL at all: its characters are beside the point.
    let problems = if raw_scheme.is_none() && parsed.url.is_err() { Vec::new() } else { problems(url) };
    for kind in [Bad::Unsupported, Bad::Space] {
        let mut of_kind = problems.iter().filter(|p| p.kind == kind);
        let Some(first) = of_kind.next() else {
            continue;
        };
        let more = match of_kind.count() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let place = place(url, first);
        let at = url[..first.at].chars().count();
        let what = describe(first.text);
        let how = match (place, first.text) {
            (Place::Edge, _) | (_, "\t" | "\n" | "\r") => "remove it",
            (Place::Authority, _) => "it is in the scheme or host, where no encoding helps: correct the address",
            (Place::Path, _) => "percent-encode it",
        };
        let (code, severity, why) = match kind {
            Bad::Unsupported => (Code::URL_UNSUPPORTED_CHAR, Severity::Error, "which the platform cannot load"),
            Bad::Space if findings.strict => (Code::URL_SPACE, Severity::Error, "which storage links often break on"),
            Bad::Space => (Code::URL_SPACE, Severity::Warning, "which storage links often break on"),
        };
        findings.push(code, severity, pointer(), offset, format!("{} contains {what} at character {at}{more}, {why}; {how}", quote(url)));
        if let Some(fix) = fixed() {
            findings.fix(Edit::string(offset, &fix));
            if fragment {
                findings.unsure();
            }
        }
    }
    if raw_scheme.is_some_and(|s| s.eq_ignore_ascii_case("s3")) {
        findings.error(
            Code::URL_SCHEME,
            pointer(),
            offset,
            format!(
                "{} is an s3 path, which the platform's SDK refuses (s3 assets must start with https); give the object's https URL",
                quote(url)
            ),
        );
        if let Some(https) = s3_https(trimmed) {
            findings.fix(Edit::string(offset, &https));
        }
        return;
    }
    let Ok(u) = &parsed.url else { return };
    if parsed.repairs.any() {
        let what = match parsed.repairs {
            Repairs { slashes: true, backslash: true } => "its scheme is not followed by exactly \"//\" and it has a backslash for a slash",
            Repairs { slashes: true, .. } => "its scheme is not followed by exactly \"//\"",
            _ => "it has a backslash for a slash",
        };
        findings.warning(
            Code::URL_REPAIRED,
            pointer(),
            offset,
            format!("{} loads only because browsers repair it ({what}); write it as the parser reads it", quote(url)),
        );
        if let Some(fix) = fixed() {
            findings.fix(Edit::string(offset, &fix));
            if fragment {
                findings.unsure();
            }
        }
    }
    match scheme_problem(u) {
        None if u.scheme() == "http" => {
            insecure(url, pointer, offset, findings);
            let rest = raw_scheme.map(|s| &trimmed[s.len() + 1..]);
            if let Some(https) = rest.and_then(|rest| fix(&format!("https:{rest}"))) {
                findings.fix(Edit::string(offset, &https));
            }
        }
        None => {}
        Some("bucket") => findings.error(
            Code::URL_SCHEME,
            pointer(),
            offset,
            format!("{} is not a gs:// URL the platform can read; write it as gs://bucket/key", quote(url)),
        ),
        Some(_) => findings.error(
            Code::URL_SCHEME,
            pointer(),
            offset,
            format!(
                "scheme \"{}:\" in {} is not one the platform loads; use https:// (or gs://bucket/key with delegated access)",
                u.scheme(),
                quote(url)
            ),
        ),
    }
    if scheme_problem(u).is_none() && u.path().len() > 1 && u.path().ends_with('/') && u.query().is_none() {
        folder(url, pointer, offset, findings);
    }
}

fn invalid_message(url: &str, e: ParseError) -> String {
    let hint = match e {
        ParseError::RelativeUrlWithoutBase if looks_like_local_path(url.trim()) => {
            "it looks like a local file path, which a JSON upload cannot read: upload the file and give its https:// URL"
        }
        ParseError::RelativeUrlWithoutBase => "give the whole URL, starting with its scheme, such as https://",
        ParseError::EmptyHost => "add the host name after the \"//\"",
        ParseError::InvalidPort => "a port is a number from 0 to 65535",
        ParseError::InvalidIpv4Address | ParseError::InvalidIpv6Address => "correct the IP address",
        ParseError::IdnaError | ParseError::InvalidDomainCharacter => "correct the host name",
        _ => "correct it",
    };
    format!("{} is not a URL a browser can load ({e}); {hint}", quote(url))
}

/// The message for a line of a URL list that is not a URL.
pub fn not_a_url_line(line: &str) -> String {
    let hint = if looks_like_local_path(line) {
        "it looks like a local file path, which a JSON upload cannot read: upload the file and list its https:// URL"
    } else {
        "a URL list holds one URL per line; put rows of inline text in a JSON array such as [{\"row_data\": \"…\"}]"
    };
    format!("the line {} is not a URL; {hint}", quote(line))
}

fn insecure(url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    findings.warning(
        Code::URL_INSECURE,
        pointer(),
        offset,
        format!("{} uses http; prefer https so assets load on https pages", quote(url)),
    );
}

fn folder(url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    findings.warning(
        Code::URL_FOLDER,
        pointer(),
        offset,
        format!(
            "{} ends with \"/\", so it names a folder, not a file; give the URL of one file (each file of a folder is its own row)",
            quote(url)
        ),
    );
}

/// `s3://BUCKET/KEY` (or `s3:/…`) as the virtual-hosted
/// `https://BUCKET.s3.amazonaws.com/KEY`, the form the import pages name.
fn s3_https(trimmed: &str) -> Option<String> {
    let (_, rest) = scheme_of(trimmed)?;
    let (bucket, key) = rest.trim_start_matches('/').split_once('/')?;
    if bucket.is_empty() || key.is_empty() {
        return None;
    }
    fix(&format!("https://{bucket}.s3.amazonaws.com/{key}"))
}

fn describe(bad: &str) -> String {
    match bad {
        " " => "a space".to_string(),
        "||" => "\"||\"".to_string(),
        s if s.chars().all(char::is_control) => format!("the control character U+{:04X}", s.chars().next().map_or(0, |c| c as u32)),
        s if s.chars().all(char::is_whitespace) => format!("the space character U+{:04X}", s.chars().next().map_or(0, |c| c as u32)),
        s => format!("\"{s}\""),
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

// URLs are short and their delimiters ASCII: byte searches cost a fraction
// of `str`'s char patterns here, and an ASCII byte is always a char boundary.

fn split_at(s: &str, delimiter: u8) -> Option<(&str, &str)> {
    memchr::memchr(delimiter, s.as_bytes()).map(|i| (&s[..i], &s[i + 1..]))
}

fn rsplit_at(s: &str, delimiter: u8) -> Option<(&str, &str)> {
    memchr::memrchr(delimiter, s.as_bytes()).map(|i| (&s[..i], &s[i + 1..]))
}

/// `s` up to the first of the `stops`, or all of it.
fn until<'s>(s: &'s str, stops: &[u8]) -> &'s str {
    &s[..s.bytes().position(|b| stops.contains(&b)).unwrap_or(s.len())]
}

/// The parts of an absolute URL the checks need.
pub struct Parts<'u> {
    /// After `scheme://authority`, up to `?` or `#`.
    pub path: &'u str,
}

pub fn split(url: &str) -> Option<Parts<'_>> {
    let (scheme, rest) = split_at(url, b':')?;
    if !is_scheme(scheme) {
        return None;
    }
    let rest = rest.strip_prefix("//").map_or(rest, |r| memchr::memchr(b'/', r.as_bytes()).map_or("", |i| &r[i..]));
    let path = until(rest, b"?#");
    Some(Parts { path })
}

/// The extension of the URL's last path segment, if any, as written.
pub fn extension(url: &str) -> Option<&str> {
    // Blanks around a URL are their own finding, not part of the extension.
    let parts = split(url.trim_matches(is_edge))?;
    let segment = rsplit_at(parts.path, b'/').map_or(parts.path, |(_, last)| last);
    let (stem, ext) = rsplit_at(segment, b'.')?;
    (!stem.is_empty() && !ext.is_empty()).then_some(ext)
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    /// The core wasm build maps a host that needs Unicode tables first and
    /// parses the result with an ASCII-only `url` crate. Here both sides
    /// have the tables, so a difference can only be the mapping's: where it
    /// finds the host, what it puts back, which error it gives.
    #[test]
    fn mapping_hosts_first_parses_as_the_parser_does() {
        let hosts = [
            "münchen.de", "MÜNCHEN.de", "xn--mnchen-3ya.de", "XN--MNCHEN-3YA.DE", "xn--a.com", "xn--.com", "a.xn--ls8h",
            "a%C3%BC.com", "%C3%BC", "%zz.com", "%ff.com", "%F0%9F%92%A9.com", "ü%2e.com", "faß.de", "ﬁ.com", "\u{AD}",
            "a\u{200D}b.com", "１２７.0.0.1", "０x7f.0.0.1", "١٢٣.com", "☃.net", "例え.テスト", "ü.com.", "a..ü", "ü[", "[::1]",
            "ü\tx.com", "user:pass@ü.de", "a@b@ü.de", "ü:8080", "ü:x", "example.com", "",
        ];
        let heads = ["https://", "HTTP:\\\\", "https:", "https:///", " wss://", "ftp://", "file://", "file:\\\\", "file:///", "gs://", "mailto:"];
        let tails = ["", "/a.jpg", ":443/x", "?q=ü#f", "\\x", "#ü"];
        let mut inputs = Vec::new();
        for h in heads {
            for host in hosts {
                inputs.extend(tails.iter().map(|t| format!("{h}{host}{t}")));
            }
        }
        let wpt = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-suites/wpt-url/urltestdata.json");
        if let Ok(text) = std::fs::read_to_string(wpt) {
            let data: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
            inputs.extend(data.iter().filter_map(|e| Some(e.get("input")?.as_str()?.to_string())));
        }
        let outcome = |p: Parsed| p.url.map(|u| (u.to_string(), p.repairs));
        let mut mapped = 0;
        for input in &inputs {
            if !matches!(map_host(input, host_to_ascii), Mapped::AsWritten) {
                mapped += 1;
            }
            assert_eq!(outcome(parse_mapped(input, Some(host_to_ascii))), outcome(parse_mapped(input, None)), "{input:?}");
        }
        assert!(mapped > 1000, "only {mapped} of {} inputs had a host to map", inputs.len());
        assert!(matches!(map_host("https://münchen.de/a.jpg", host_to_ascii), Mapped::To(u) if u == "https://xn--mnchen-3ya.de/a.jpg"));
        assert!(matches!(map_host("https://xn--a.com/a.jpg", host_to_ascii), Mapped::Fails(ParseError::IdnaError)));
        assert!(matches!(map_host("https://\u{AD}/a.jpg", host_to_ascii), Mapped::Fails(ParseError::EmptyHost)));
    }

    fn run(url: &str, strict: bool) -> Vec<(Code, Severity, Option<String>)> {
        let mut f = Findings { strict, ..Findings::default() };
        check(url, &|| "/row_data".into(), 0, &mut f);
        f.list.into_iter().map(|f| (f.code, f.severity, f.suggestion)).collect()
    }

    fn codes(url: &str) -> Vec<Code> {
        run(url, false).into_iter().map(|(c, _, _)| c).collect()
    }

    fn suggestion(url: &str, code: Code) -> Option<String> {
        run(url, false).into_iter().find(|(c, _, _)| *c == code).and_then(|(_, _, s)| s)
    }

    #[test]
    fn schemes() {
        assert!(codes("https://example.com/a.jpg").is_empty());
        assert_eq!(codes("http://example.com/a.jpg"), vec![Code::URL_INSECURE]);
        assert_eq!(suggestion("http://example.com/a.jpg", Code::URL_INSECURE).as_deref(), Some("https://example.com/a.jpg"));
        assert_eq!(suggestion("HTTP://Example.com/a.jpg", Code::URL_INSECURE).as_deref(), Some("https://Example.com/a.jpg"));
        assert!(codes("gs://bucket/a.jpg").is_empty());
        assert_eq!(codes("gs://bucket"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("gs:/bucket/a.jpg"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("s3://bucket/key/a.jpg"), vec![Code::URL_SCHEME]);
        assert_eq!(suggestion("s3://bucket/key/a.jpg", Code::URL_SCHEME).as_deref(), Some("https://bucket.s3.amazonaws.com/key/a.jpg"));
        assert_eq!(suggestion("s3:/my.bucket/a b.jpg", Code::URL_SCHEME).as_deref(), Some("https://my.bucket.s3.amazonaws.com/a%20b.jpg"));
        assert_eq!(suggestion("S3://bucket", Code::URL_SCHEME), None);
        assert_eq!(codes("s3://bucket:99999/k"), vec![Code::URL_INVALID, Code::URL_SCHEME]);
        assert_eq!(codes("gs://bucket^/k"), vec![Code::URL_INVALID]);
        assert_eq!(codes("javascript:alert(1)"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("data:image/png;base64,AAAA"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("file:///etc/passwd"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("ftp://example.com/a.jpg"), vec![Code::URL_SCHEME]);
    }

    #[test]
    fn validity_is_the_parsers() {
        for bad in [
            "not a url",
            "https://",
            "https://host:99999/x",
            "https://[::1]x/",
            "https://h.example:+80/",
            "http://192.168.0.257",
            "https://256.0.0.1/a",
            "http://[google.com]",
            "http://[::1.2.3.]",
            "http://ho%00st/",
            "http://a%40b.com/",
            "https://xn--pokxncvks/a.jpg",
            "https://ex ample.com/a.jpg",
            "gs://bucket:\\k",
            "gs://bucket:1\\k",
        ] {
            assert!(codes(bad).contains(&Code::URL_INVALID), "{bad}: {:?}", codes(bad));
        }
        for good in [
            "https://[::1]:8080/x",
            "https://user@host.example:8080/x",
            "http://www.foo\u{3002}bar.com/a.jpg",
            "https://a\u{200B}b.example/a.jpg",
            "https://EXAMPLE.com/A.JPG",
            "https://h_1.example/a.jpg",
            "https://xn--nxasmq6b.example/a.jpg",
            "https://caf\u{e9}.example/caf\u{e9}.png",
            "https://192.168.0.1/a.jpg",
            "https://h.example/a|b.jpg",
            "https://h.example/%zz",
            "gs://bucket\\x@b/k",
        ] {
            assert!(!codes(good).contains(&Code::URL_INVALID), "{good}: {:?}", codes(good));
        }
        let mut f = Findings::default();
        check("https://host:99999/x", &|| "/p".into(), 0, &mut f);
        assert!(f.list[0].message.contains("(invalid port number)"), "{}", f.list[0].message);
        let mut f = Findings::default();
        check("images/a.png", &|| "/p".into(), 0, &mut f);
        assert!(f.list[0].message.contains("local file path"), "{}", f.list[0].message);
    }

    #[test]
    fn unsupported_characters_get_a_fix_outside_the_host() {
        let mut f = Findings::default();
        check("https://h.example/a b#c||d<e>.jpg", &|| "/p".into(), 0, &mut f);
        let got: Vec<_> = f.list.iter().map(|f| (f.code, f.severity, f.suggestion.as_deref())).collect();
        let fixed = Some("https://h.example/a%20b%23c%7C%7Cd%3Ce%3E.jpg");
        assert_eq!(got, vec![(Code::URL_UNSUPPORTED_CHAR, Severity::Error, fixed), (Code::URL_SPACE, Severity::Warning, fixed)]);
        assert!(f.list[0].message.contains("\"#\" at character 21 and 3 more"), "{}", f.list[0].message);
        assert!(f.list[1].message.contains("a space at character 19,"), "{}", f.list[1].message);
        assert!(codes("https://h.example/{z}/{x}/{y}.png").is_empty());
        assert!(codes("https://{s}.tile.example.org/{z}/{x}/{y}.png").is_empty());
        // In the host no encoding helps, so there is no suggestion.
        assert_eq!(suggestion("https://h#x.example/a.jpg", Code::URL_UNSUPPORTED_CHAR), None);
        assert_eq!(run("https://ex ample.com/a.jpg", false)[1].2, None);
        // Tabs and newlines are dropped, as the parser drops them.
        assert_eq!(suggestion("https://h\tx.example/a.jpg", Code::URL_UNSUPPORTED_CHAR).as_deref(), Some("https://hx.example/a.jpg"));
        assert_eq!(suggestion("https://h.example/a\tb\n.jpg", Code::URL_UNSUPPORTED_CHAR).as_deref(), Some("https://h.example/ab.jpg"));
    }

    #[test]
    fn spaces_and_blanks_around_a_url() {
        assert_eq!(run("https://h.example/a b.jpg", false)[0].1, Severity::Warning);
        assert_eq!(run("https://h.example/a b.jpg", true)[0].1, Severity::Error);
        assert_eq!(codes(" https://h.example/a.jpg "), vec![Code::URL_SPACE]);
        assert_eq!(suggestion(" https://h.example/a.jpg ", Code::URL_SPACE).as_deref(), Some("https://h.example/a.jpg"));
        assert_eq!(codes("https://h.example/a.jpg\n"), vec![Code::URL_UNSUPPORTED_CHAR]);
        assert_eq!(codes("\u{0}https://h.example/a.jpg"), vec![Code::URL_UNSUPPORTED_CHAR]);
        assert_eq!(codes("\u{a0}https://h.example/a.jpg"), vec![Code::URL_INVALID, Code::URL_SPACE]);
        assert_eq!(suggestion("\u{a0}https://h.example/a.jpg", Code::URL_SPACE).as_deref(), Some("https://h.example/a.jpg"));
    }

    #[test]
    fn repaired_urls_warn_with_the_parsers_reading() {
        for (written, read) in [
            ("https:/h.example/a.jpg", "https://h.example/a.jpg"),
            ("https:h.example/a.jpg", "https://h.example/a.jpg"),
            ("https:///h.example/a.jpg", "https://h.example/a.jpg"),
            ("https:\\\\h.example\\a.jpg", "https://h.example/a.jpg"),
            ("https://h.example\\a\\b.jpg", "https://h.example/a/b.jpg"),
            ("https:/tiles.example/{z}/{x}/{y}.png", "https://tiles.example/{z}/{x}/{y}.png"),
        ] {
            assert_eq!(codes(written), vec![Code::URL_REPAIRED], "{written}");
            assert_eq!(suggestion(written, Code::URL_REPAIRED).as_deref(), Some(read), "{written}");
        }
        assert_eq!(suggestion("http:/h.example/a.jpg", Code::URL_INSECURE).as_deref(), Some("https://h.example/a.jpg"));
    }

    #[test]
    fn folders_and_lengths() {
        assert_eq!(codes("https://h.example/images/"), vec![Code::URL_FOLDER]);
        assert_eq!(codes("gs://bucket/images/"), vec![Code::URL_FOLDER]);
        assert_eq!(codes("https://H.example/images/"), vec![Code::URL_FOLDER]);
        assert!(codes("https://h.example/").is_empty());
        assert!(codes("https://h.example/images/?list=1").is_empty());
        let long = format!("https://h.example/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(codes(&long), vec![Code::URL_TOO_LONG]);
    }

    #[test]
    fn the_fast_path_takes_plain_urls_only() {
        assert!(is_plain("https://storage.example.com/datasets/a_1.jpg?X-Goog-Signature=ab%2Fc&x=1"));
        assert!(is_plain("http://h/"));
        assert!(is_plain("https://tiles.example.com/{z}/{x}/{y}.png"));
        assert!(is_plain("gs://my-bucket/a/b.png"));
        assert!(!is_plain("gs://my-bucket/"));
        assert!(!is_plain("gs://my-bucket/?x"));
        for slow in [
            "https://h",
            "https://H/x",
            "https://h:443/x",
            "https://u@h/x",
            "https://xn--nxasmq6b/x",
            "https://1.2.3.4/x",
            "https://h.0x7f/x",
            "https://a..b/x",
            "https://h/a/../b",
            "https://h/a/%2E/b",
            "https://h/a b",
            "https://h/a#b",
            "https://h/?a'b",
            "https://h/%g0",
            "https://h/caf\u{e9}",
            "https://h/a\\b",
        ] {
            assert!(!is_plain(slow), "{slow}");
        }
    }

    #[test]
    fn the_fast_path_finds_what_the_parser_path_finds() {
        let all = |url: &str, fast: bool| {
            let mut f = Findings::default();
            if fast {
                check(url, &|| "/p".into(), 0, &mut f);
            } else {
                check_parsed(url, &|| "/p".into(), 0, &mut f);
            }
            f.list.into_iter().map(|f| (f.code, f.severity, f.message, f.suggestion)).collect::<Vec<_>>()
        };
        for url in [
            "https://h.example/a.jpg",
            "http://h.example/a.jpg?x=1",
            "http://h.example/images/",
            "https://h.example/images/",
            "https://h.example/",
            "gs://bucket/a/b.png",
            "gs://bucket/folder/",
            "gs://bucket//",
            "https://tiles.example/{z}/{x}/{y}.png?key=a%2Fb",
        ] {
            assert!(is_plain(url), "{url}");
            assert_eq!(all(url, true), all(url, false), "{url}");
        }
    }

    #[test]
    fn text_or_url() {
        for url in [
            "https://x",
            "s3:/x",
            "S3://bucket/k",
            "custom+x://y",
            "https:x",
            " https://x",
            "javascript:alert(1)",
            "data:image/png;base64,AA",
            "file:///a",
            "gs://b/k",
        ] {
            assert!(looks_like_url(url), "{url}");
        }
        for text in [
            "Note: hello",
            "hello world",
            "Data: 5 rows",
            "File: notes",
            "HTTP: 200",
            "S3: bucket",
            "data:5 rows",
            "C:\\data\\a.mp4",
            "10:30 meeting",
            "",
        ] {
            assert!(!looks_like_url(text), "{text}");
        }
    }

    #[test]
    fn local_paths() {
        for path in [
            "/home/me/a.jpg",
            "images/a.png",
            "C:\\data\\a.mp4",
            "./x.png",
            "~/a.mp3",
            "\\\\server\\share\\a.png",
            "a.JPG",
            "My Photos/IMG 1.jpg",
            "/tmp/tmpk3j2x9ab",
            "/home/me/data",
        ] {
            assert!(looks_like_local_path(path), "{path}");
        }
        for text in ["hello world", "Node.js", "version 1.2", "the end.", "see a.jpg now", "/s", "/home/me/", "/ and more", "a.jpg\nb.jpg"]
        {
            assert!(!looks_like_local_path(text), "{text}");
        }
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("https://h/a/b.JPG?x=1.png"), Some("JPG"));
        assert_eq!(extension("https://h/a/b"), None);
        assert_eq!(extension("https://h.example"), None);
        assert_eq!(extension("gs://bucket/x.mp4"), Some("mp4"));
        assert_eq!(extension("https://h/.hidden"), None);
        assert_eq!(extension("https://h/a.jpg \n"), Some("jpg"));
    }
}
