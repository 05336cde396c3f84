//! Asset URL rules (SPEC §6).
//!
//! Not a general URL parser: it answers the questions the platform's
//! loader cares about (is it absolute, is the scheme one the platform can
//! read, which characters break loading) without pulling a WHATWG parser
//! and its IDNA tables into the wasm build.

use crate::report::{Code, Findings, quote};

pub const MAX_URL_BYTES: usize = 16 * 1024;

/// Does this string claim to be a URL (as opposed to raw text)? Used to
/// tell a TEXT row's URL from its inline text.
pub fn looks_like_url(s: &str) -> bool {
    const SCHEMES: [&str; 7] = ["javascript", "data", "file", "s3", "gs", "http", "https"];
    match split_at(s, b':') {
        Some((scheme, rest)) => {
            rest.starts_with("//") && is_scheme(scheme) || SCHEMES.iter().any(|k| k.eq_ignore_ascii_case(scheme))
        }
        None => false,
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
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
    pub scheme: &'u str,
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
    Some(Parts { scheme, path })
}

/// The extension of the URL's last path segment, if any, as written.
pub fn extension(url: &str) -> Option<&str> {
    let parts = split(url)?;
    let segment = rsplit_at(parts.path, b'/').map_or(parts.path, |(_, last)| last);
    let (stem, ext) = rsplit_at(segment, b'.')?;
    (!stem.is_empty() && !ext.is_empty()).then_some(ext)
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
    let Some((scheme, rest)) = split_at(url, b':').filter(|(s, _)| is_scheme(s)) else {
        findings.error(
            Code::URL_INVALID,
            pointer(),
            offset,
            format!("{} is not an absolute URL; it needs a scheme such as https://", quote(url)),
        );
        return;
    };
    check_characters(url, pointer, offset, findings);
    let is = |name: &str| scheme.eq_ignore_ascii_case(name);
    match () {
        _ if is("https") => check_authority(url, rest, pointer, offset, findings),
        _ if is("http") => {
            findings.warning(
                Code::URL_INSECURE,
                pointer(),
                offset,
                format!("{} uses http; prefer https so assets load on https pages", quote(url)),
            );
            findings.suggest(format!("https:{rest}"));
            check_authority(url, rest, pointer, offset, findings);
        }
        _ if is("gs") || is("s3") => check_bucket_url(url, scheme, rest, pointer, offset, findings),
        _ => findings.error(
            Code::URL_SCHEME,
            pointer(),
            offset,
            format!("scheme \"{scheme}:\" in {} is not supported; use https://, gs:// or s3://bucket/key", quote(url)),
        ),
    }
}

fn check_authority(url: &str, rest: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    let Some(after) = rest.strip_prefix("//") else {
        findings.error(Code::URL_INVALID, pointer(), offset, format!("{} lacks \"//host\" after the scheme", quote(url)));
        return;
    };
    let authority = until(after, b"/?#");
    let host_port = rsplit_at(authority, b'@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[').and_then(|r| r.find(']')) {
        // An IPv6 literal: only a port may follow the bracket.
        Some(end) => {
            let after = &host_port[end + 2..];
            if !after.is_empty() && !after.starts_with(':') {
                findings.error(Code::URL_INVALID, pointer(), offset, format!("{} has text after its IPv6 address", quote(url)));
                return;
            }
            (&host_port[..end + 2], after.strip_prefix(':'))
        }
        None => match rsplit_at(host_port, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    let host_ok = !host.is_empty()
        && (host.starts_with('[') && host.ends_with(']')
            || host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '%' | '~')));
    if !host_ok {
        findings.error(Code::URL_INVALID, pointer(), offset, format!("{} has no valid host name", quote(url)));
        return;
    }
    if let Some(port) = port {
        let valid = port.bytes().all(|b| b.is_ascii_digit()) && (port.is_empty() || port.parse::<u16>().is_ok());
        if !valid {
            findings.error(Code::URL_INVALID, pointer(), offset, format!("{} has an invalid port {}", quote(url), quote(port)));
        }
    }
}

fn check_bucket_url(url: &str, scheme: &str, rest: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    let well_formed = rest
        .strip_prefix("//")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(bucket, key)| !bucket.is_empty() && !key.is_empty());
    if !well_formed {
        let lower = scheme.to_ascii_lowercase();
        findings.error(
            Code::URL_SCHEME,
            pointer(),
            offset,
            format!("{} is not a {lower}:// URL the platform can read; write it as {lower}://bucket/key", quote(url)),
        );
    }
}

/// The characters the platform's loader cannot fetch (SPEC §6).
fn unsupported_at(url: &str, i: usize, c: char) -> Option<usize> {
    match c {
        '#' | '<' | '>' => Some(1),
        '|' if url[i + 1..].starts_with('|') => Some(2),
        c if c.is_whitespace() || c.is_control() => Some(c.len_utf8()),
        _ => None,
    }
}

fn check_characters(url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
    let fast_clean = url.bytes().all(|b| b > b' ' && !matches!(b, b'#' | b'<' | b'>' | b'|' | 0x7F) && b < 0x80);
    if fast_clean {
        return;
    }
    let mut first: Option<(usize, &str)> = None;
    let mut count = 0;
    let mut fixed = String::with_capacity(url.len() + 8);
    let mut iter = url.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        match unsupported_at(url, i, c) {
            Some(len) => {
                let bad = &url[i..i + len];
                if first.is_none() {
                    first = Some((url[..i].chars().count(), bad));
                }
                count += 1;
                for b in bad.bytes() {
                    fixed.push_str(&format!("%{b:02X}"));
                }
                if len == 2 && c == '|' {
                    iter.next();
                }
            }
            None => fixed.push(c),
        }
    }
    let Some((at, bad)) = first else { return };
    let more = if count > 1 { format!(" and {} more", count - 1) } else { String::new() };
    findings.error(
        Code::URL_UNSUPPORTED_CHAR,
        pointer(),
        offset,
        format!("{} contains {} at character {at}{more}, which the platform cannot load; percent-encode it", quote(url), describe(bad)),
    );
    findings.suggest(fixed);
}

fn describe(bad: &str) -> String {
    match bad {
        " " => "a space".to_string(),
        "||" => "\"||\"".to_string(),
        s if s.chars().all(|c| c.is_control() || c.is_whitespace()) => {
            format!("the character U+{:04X}", s.chars().next().map_or(0, |c| c as u32))
        }
        s => format!("\"{s}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(url: &str) -> Vec<Code> {
        let mut f = Findings::default();
        check(url, &|| "/row_data".into(), 0, &mut f);
        f.list.iter().map(|f| f.code).collect()
    }

    #[test]
    fn schemes() {
        assert!(codes("https://example.com/a.jpg").is_empty());
        assert_eq!(codes("http://example.com/a.jpg"), vec![Code::URL_INSECURE]);
        assert!(codes("gs://bucket/a.jpg").is_empty());
        assert!(codes("s3://bucket/key/a.jpg").is_empty());
        assert_eq!(codes("s3:/x"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("s3://bucket"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("javascript:alert(1)"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("data:image/png;base64,AAAA"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("file:///etc/passwd"), vec![Code::URL_SCHEME]);
        assert_eq!(codes("not a url"), vec![Code::URL_INVALID]);
        assert_eq!(codes("https://"), vec![Code::URL_INVALID]);
        assert_eq!(codes("https://host:99999/x"), vec![Code::URL_INVALID]);
        assert!(codes("https://[::1]:8080/x").is_empty());
        assert_eq!(codes("https://[::1]x/"), vec![Code::URL_INVALID]);
        assert_eq!(codes("https://h.example:+80/"), vec![Code::URL_INVALID]);
        assert!(codes("https://user@host.example:8080/x").is_empty());
    }

    #[test]
    fn unsupported_characters_get_a_fix() {
        let mut f = Findings::default();
        check("https://h.example/a b#c||d<e>.jpg", &|| "/p".into(), 0, &mut f);
        assert_eq!(f.list.len(), 1);
        assert_eq!(f.list[0].code, Code::URL_UNSUPPORTED_CHAR);
        assert!(f.list[0].message.contains("a space at character 19 and 4 more"), "{}", f.list[0].message);
        assert_eq!(f.list[0].suggestion.as_deref(), Some("https://h.example/a%20b%23c%7C%7Cd%3Ce%3E.jpg"));
        assert!(codes("https://h.example/a|b.jpg").is_empty());
        assert!(codes("https://h.example/{z}/{x}/{y}.png").is_empty());
        assert!(codes("https://h.example/caf\u{e9}.png").is_empty());
    }

    #[test]
    fn text_or_url() {
        assert!(looks_like_url("https://x"));
        assert!(looks_like_url("s3:/x"));
        assert!(looks_like_url("custom+x://y"));
        assert!(!looks_like_url("Note: hello"));
        assert!(!looks_like_url("hello world"));
    }

    #[test]
    fn extensions() {
        assert_eq!(extension("https://h/a/b.JPG?x=1.png"), Some("JPG"));
        assert_eq!(extension("https://h/a/b"), None);
        assert_eq!(extension("https://h.example"), None);
        assert_eq!(extension("gs://bucket/x.mp4"), Some("mp4"));
        assert_eq!(extension("https://h/.hidden"), None);
    }
}
