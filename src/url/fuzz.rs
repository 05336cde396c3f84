//! Two bounded, seeded fuzzers for the URL rules, in the style of tests/fuzz.rs
//! (`ROWCHECK_FUZZ_SECS` sets each one's time budget, default 5 s;
//! `ROWCHECK_FUZZ_SEED` the sequence):
//!
//! - the fast path is sound: whenever `url::is_plain` takes a URL without
//!   the parser, the `url` crate accepts it and serializes it unchanged
//!   (but for the `{` `}` it percent-encodes in the path), and the findings
//!   are exactly the ones the parsed URL calls for;
//! - no suggestion fails the checks it is offered to fix: a URL finding's
//!   `suggestion` is itself checked and has no error, no character problem
//!   and needs no repair.

use std::time::{Duration, Instant};

use crate::report::{Code, Findings};
use crate::url;

// The generator's xorshift64*, so that one seeded sequence serves every fuzzer.
#[path = "../../tests/support/manifest.rs"]
mod manifest;
use manifest::Rng;

fn budget() -> (Instant, u64) {
    let secs = std::env::var("ROWCHECK_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let seed = std::env::var("ROWCHECK_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x2545_F491_4F6C_DD1Du64);
    (Instant::now() + Duration::from_secs(secs), seed | 1)
}

const SCHEMES: &[&str] =
    &["https://", "http://", "gs://", "HTTPS://", "https:/", "https:", "https:///", "s3://", "ftp://", " https://", "https:\\\\"];
const LABELS: &[&str] = &[
    "example",
    "com",
    "storage",
    "googleapis",
    "s3",
    "us-west-1",
    "amazonaws",
    "a",
    "b-c",
    "-x",
    "x-",
    "0",
    "1",
    "255",
    "256",
    "0x7f",
    "0X1",
    "xn--nxasmq6b",
    "xn--pokxncvks",
    "xn--",
    "Xn--a",
    "UPPER",
    "caf\u{e9}",
    "\u{3002}",
    "a_b",
    "%41",
    "",
    "1a",
    "a1",
    "1e5",
    "09",
];
const HOST_SEPS: &[&str] = &[".", ".", ".", "..", ":443", ":8080", "@", "[::1]", ""];
const PIECES: &[&str] = &[
    "/",
    "/",
    "/",
    "a",
    "img_01.jpg",
    "{z}",
    "{x}",
    "{y}",
    ".",
    "..",
    "%2e",
    "%2E%2e",
    "%20",
    "%zz",
    "%",
    "%4",
    "?",
    "?",
    "&",
    "=",
    "'",
    "\"",
    "#",
    "<",
    ">",
    "|",
    "||",
    "\\",
    "^",
    "`",
    "{",
    "}",
    " ",
    "\t",
    "\n",
    "\u{0}",
    "\u{7f}",
    "\u{a0}",
    "é",
    "日本",
    "~",
    "!",
    "$",
    "(",
    ")",
    "*",
    "+",
    ",",
    ";",
    ":",
    "@",
    "-",
    "_",
    "X-Goog-Signature=ab12",
    "AWSAccessKeyId=AKIA",
    "[",
    "]",
];

/// Half the URLs are built from tame parts only, so that the edge of the
/// fast path is walked from both sides.
fn generate(rng: &mut Rng) -> String {
    let tame = rng.below(2) == 0;
    let part = |rng: &mut Rng, from: &[&'static str], n: usize| if tame { from[rng.below(n.min(from.len()))] } else { from[rng.below(from.len())] };
    let mut s = String::from(part(rng, SCHEMES, 3));
    for i in 0..1 + rng.below(4) {
        if i > 0 {
            s.push_str(part(rng, HOST_SEPS, 3));
        }
        s.push_str(part(rng, LABELS, 14));
    }
    if rng.below(8) > 0 {
        s.push('/');
    }
    for _ in 0..rng.below(12) {
        s.push_str(part(rng, PIECES, 20));
    }
    if rng.below(10) == 0 {
        // A random byte-level edit, kept UTF-8.
        let at = rng.below(s.len() + 1);
        let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.insert(at, char::from(32 + rng.below(95) as u8));
    }
    s
}

/// What the parser must serialize a plain URL to: itself, with the path's
/// braces percent-encoded.
fn expected_serialization(url: &str) -> String {
    let (path, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    format!("{}{query}", path.replace('{', "%7B").replace('}', "%7D"))
}

#[test]
fn the_fast_path_only_takes_urls_the_parser_keeps_as_written() {
    let (deadline, seed) = budget();
    let mut rng = Rng(seed);
    let (mut runs, mut plain) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..256 {
            let input = generate(&mut rng);
            runs += 1;
            if !url::is_plain(&input) {
                continue;
            }
            plain += 1;
            let parsed = match ::url::Url::parse(&input) {
                Ok(parsed) => parsed,
                Err(e) => panic!("the fast path takes {input:?}, which the parser refuses: {e}"),
            };
            assert_eq!(parsed.as_str(), expected_serialization(&input), "the parser rewrites the plain URL {input:?}");
            // And its findings are the ones the parsed URL calls for.
            let mut f = Findings::default();
            url::check(&input, &|| "/row_data".into(), 0, &mut f);
            let got: Vec<Code> = f.list.iter().map(|f| f.code).collect();
            let mut want = Vec::new();
            if input.len() > url::MAX_URL_BYTES {
                want.push(Code::URL_TOO_LONG);
            }
            if parsed.scheme() == "http" {
                want.push(Code::URL_INSECURE);
            }
            if parsed.path().len() > 1 && parsed.path().ends_with('/') && parsed.query().is_none() {
                want.push(Code::URL_FOLDER);
            }
            assert_eq!(got, want, "{input:?}");
        }
    }
    println!("fast path: {plain} of {runs} generated URLs were plain, all kept as written by the parser");
    // Teeth: both sides of the fast path are exercised.
    assert!(plain > runs / 50 && plain < runs / 2, "{plain} plain of {runs}");
}

#[test]
fn no_suggestion_fails_the_checks_it_is_offered_to_fix() {
    let (deadline, seed) = budget();
    let mut rng = Rng(seed ^ 0xA5A5);
    let (mut runs, mut suggestions) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..256 {
            let input = generate(&mut rng);
            runs += 1;
            for strict in [false, true] {
                let mut f = Findings { strict, ..Findings::default() };
                url::check(&input, &|| "/row_data".into(), 0, &mut f);
                for finding in &f.list {
                    let Some(fix) = &finding.suggestion else { continue };
                    suggestions += 1;
                    let mut again = Findings { strict, ..Findings::default() };
                    url::check(fix, &|| "/row_data".into(), 0, &mut again);
                    let left: Vec<Code> = again.list.iter().map(|f| f.code).collect();
                    let still_broken = again.has_errors()
                        || left
                            .iter()
                            .any(|c| matches!(c, Code::URL_SPACE | Code::URL_REPAIRED | Code::URL_UNSUPPORTED_CHAR | Code::URL_INVALID))
                        || finding.code == Code::URL_INSECURE && left.contains(&Code::URL_INSECURE);
                    assert!(!still_broken, "{input:?}: the {:?} suggestion {fix:?} still gets {left:?}", finding.code);
                    assert!(::url::Url::parse(fix).is_ok(), "{input:?}: the suggestion {fix:?} does not parse");
                }
            }
        }
    }
    println!("suggestions: {suggestions} offered for {runs} generated URLs, every one passes");
    assert!(suggestions > runs / 20, "{suggestions} suggestions for {runs} URLs");
}
