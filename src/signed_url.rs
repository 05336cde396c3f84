//! Signed URLs that lapse: the storage provider answers every labeler who
//! opens the asset after its expiry with an error, so an import of URLs
//! that expire before the labeling ends fails later and quietly. Read from
//! the URL alone (no network): each provider writes the expiry into the
//! query string.


use crate::datetime::{civil_from_days, days_from_civil, days_in_month};
use crate::report::{Code, Findings, quote};

/// A signed URL must stay valid at least this long after the check.
pub const DEFAULT_MIN_DAYS: u32 = 7;

/// The S3 ceiling on a SigV4 presigned URL's lifetime, for the hint.
const S3_MAX_SECONDS: i64 = 7 * 86_400;

/// Which provider's signature, named as users know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    GcsV4,
    S3V4,
    /// `Expires` as Unix seconds beside a `Signature`: GCS V2, S3 V2, CloudFront.
    Expires(&'static str),
    AzureSas,
}

impl Provider {
    fn describe(self) -> &'static str {
        match self {
            Provider::GcsV4 => "Google Cloud Storage V4: X-Goog-Date plus X-Goog-Expires",
            Provider::S3V4 => "S3 SigV4: X-Amz-Date plus X-Amz-Expires",
            Provider::Expires("GCS V2") => "Google Cloud Storage V2: Expires",
            Provider::Expires("S3 V2") => "S3 V2: Expires",
            Provider::Expires("CloudFront") => "CloudFront: Expires",
            Provider::Expires(_) => "Expires beside a Signature",
            Provider::AzureSas => "Azure shared access signature: se",
        }
    }
}

/// When a signed URL stops working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    pub provider: Provider,
    /// Unix seconds.
    pub expires_at: i64,
    /// How long it was signed for, when the URL says (V4 signatures).
    pub lifetime: Option<i64>,
}

/// The expiry of `url`'s signature, if its query carries one this module
/// reads; `None` for any other URL, or a signature it cannot read.
pub fn expiry(url: &str) -> Option<Signed> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let query = url.split_once('?')?.1;
    let mut p = Params::default();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let slot = match () {
            _ if is("X-Goog-Date") => &mut p.goog_date,
            _ if is("X-Goog-Expires") => &mut p.goog_expires,
            _ if is("X-Amz-Date") => &mut p.amz_date,
            _ if is("X-Amz-Expires") => &mut p.amz_expires,
            _ if is("Expires") => &mut p.expires,
            _ if is("Signature") => &mut p.signature,
            _ if is("GoogleAccessId") => &mut p.google_access_id,
            _ if is("AWSAccessKeyId") => &mut p.aws_access_key_id,
            _ if is("Key-Pair-Id") => &mut p.key_pair_id,
            // Azure's names are lower case and case-sensitive.
            _ if name == "se" => &mut p.se,
            _ if name == "sig" => &mut p.sig,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    let v4 = |provider, date: Option<&str>, expires: Option<&str>| {
        let start = basic_timestamp(date?)?;
        let lifetime: i64 = expires?.parse().ok()?;
        Some(Signed { provider, expires_at: start + lifetime, lifetime: Some(lifetime) })
    };
    if let Some(signed) = v4(Provider::GcsV4, p.goog_date, p.goog_expires) {
        return Some(signed);
    }
    if let Some(signed) = v4(Provider::S3V4, p.amz_date, p.amz_expires) {
        return Some(signed);
    }
    if let (Some(expires), Some(_)) = (p.expires, p.signature) {
        let provider = if p.google_access_id.is_some() {
            "GCS V2"
        } else if p.aws_access_key_id.is_some() {
            "S3 V2"
        } else if p.key_pair_id.is_some() {
            "CloudFront"
        } else {
            "signed"
        };
        let expires_at: i64 = expires.parse().ok()?;
        return Some(Signed { provider: Provider::Expires(provider), expires_at, lifetime: None });
    }
    if let (Some(se), Some(_)) = (p.se, p.sig) {
        return Some(Signed { provider: Provider::AzureSas, expires_at: azure_time(se)?, lifetime: None });
    }
    None
}

#[derive(Default)]
struct Params<'u> {
    goog_date: Option<&'u str>,
    goog_expires: Option<&'u str>,
    amz_date: Option<&'u str>,
    amz_expires: Option<&'u str>,
    expires: Option<&'u str>,
    signature: Option<&'u str>,
    google_access_id: Option<&'u str>,
    aws_access_key_id: Option<&'u str>,
    key_pair_id: Option<&'u str>,
    se: Option<&'u str>,
    sig: Option<&'u str>,
}

fn number(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Unix seconds of a calendar date and time, when it exists.
fn unix(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> Option<i64> {
    let valid = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day) && hour < 24 && minute < 60 && second < 60;
    valid.then(|| days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// `YYYYMMDDTHHMMSSZ`, the ISO 8601 basic form both V4 signatures use.
fn basic_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let n = |from: usize, len: usize| number(&s[from..from + len]);
    unix(n(0, 4)?, n(4, 2)?, n(6, 2)?, n(9, 2)?, n(11, 2)?, n(13, 2)?)
}

/// Azure's `se`: `YYYY-MM-DD`, `YYYY-MM-DDThh:mmZ` or `YYYY-MM-DDThh:mm:ssZ`,
/// in UTC, colons often percent-encoded.
fn azure_time(se: &str) -> Option<i64> {
    let text = se.replace("%3A", ":").replace("%3a", ":");
    let s = text.as_str();
    let n = |from: usize, len: usize| s.get(from..from + len).and_then(number);
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (n(0, 4)?, n(5, 2)?, n(8, 2)?);
    match &s[10..] {
        "" => unix(y, mo, d, 0, 0, 0),
        t if t.len() == 7 && t.starts_with('T') && t.ends_with('Z') && b[13] == b':' => unix(y, mo, d, n(11, 2)?, n(14, 2)?, 0),
        t if t.len() == 10 && t.starts_with('T') && t.ends_with('Z') && b[13] == b':' && b[16] == b':' => {
            unix(y, mo, d, n(11, 2)?, n(14, 2)?, n(17, 2)?)
        }
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a message.
pub fn format_time(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// The rule as a run configures it: the check's clock and how long a
/// signed URL must last after it.
#[derive(Clone)]
pub struct Rule {
    now: i64,
    min_days: u32,
}

impl Rule {
    pub fn new(now: i64, min_days: u32) -> Rule {
        Rule { now, min_days }
    }

    /// Whether the row's text may hold a signed URL at all: every provider's
    /// expiry parameter ends in `xpires=` but Azure's, which comes with a
    /// `sig=`. Both end in `=`, so one pass for that byte (vectorized, and
    /// fast in wasm too, unlike a substring search) decides most rows.
    pub fn may_apply(&self, text: &[u8]) -> bool {
        memchr::memchr_iter(b'=', text).any(|at| text[..at].ends_with(b"xpires") || text[..at].ends_with(b"sig"))
    }

    /// Check one URL; findings point at `pointer`/`offset` (its string token).
    pub fn check(&self, url: &str, pointer: &dyn Fn() -> String, offset: u32, findings: &mut Findings) {
        let Some(signed) = expiry(url) else { return };
        let at = format_time(signed.expires_at);
        let how = signed.provider.describe();
        let renew = if signed.provider == Provider::S3V4 && signed.lifetime.is_some_and(|l| l >= S3_MAX_SECONDS) {
            "S3 presigned URLs last at most 7 days: for longer, use delegated access (an IAM integration) instead"
        } else {
            "sign it again with a longer expiry, or use delegated access (an IAM integration) instead"
        };
        let left = signed.expires_at - self.now;
        if left <= 0 {
            findings.error(
                Code::SIGNED_URL_EXPIRED,
                pointer(),
                offset,
                // The check's clock stays out of the message: without --now it
                // is the current time, and one report must read the same twice.
                format!("the signed URL {} expired at {at} ({how}), so it no longer loads; {renew}", quote(url)),
            );
        } else if left < i64::from(self.min_days) * 86_400 {
            let days = self.min_days;
            findings.warning(
                Code::SIGNED_URL_EXPIRING,
                pointer(),
                offset,
                format!(
                    "the signed URL {} expires at {at} ({how}), less than {days} day{} after the check (--signed-url-min-days); labelers who open it later get an error: {renew}",
                    quote(url),
                    if days == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-01T00:00:00Z
    const NOW: i64 = 1_796_083_200;

    fn codes(url: &str) -> Vec<Code> {
        let mut f = Findings::default();
        Rule::new(NOW, DEFAULT_MIN_DAYS).check(url, &|| "/row_data".into(), 0, &mut f);
        f.list.iter().map(|f| f.code).collect()
    }

    const EXPIRED: &[Code] = &[Code::SIGNED_URL_EXPIRED];
    const EXPIRING: &[Code] = &[Code::SIGNED_URL_EXPIRING];

    #[test]
    fn gcs_v4() {
        let url = |date: &str, secs: u32| {
            format!(
                "https://storage.googleapis.com/b/a.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=x&X-Goog-Date={date}&X-Goog-Expires={secs}&X-Goog-SignedHeaders=host&X-Goog-Signature=ab"
            )
        };
        assert_eq!(codes(&url("20261124T000000Z", 604_800)), EXPIRED, "expires exactly at the check's time");
        assert_eq!(codes(&url("20261130T000000Z", 604_800)), EXPIRING);
        assert_eq!(codes(&url("20261130T000000Z", 900 * 86_400)), &[]);
        assert_eq!(expiry(&url("20261130T000000Z", 3600)).unwrap().expires_at, NOW - 86_400 + 3600);
    }

    #[test]
    fn s3_v4_and_its_seven_day_ceiling() {
        let url = |date: &str| {
            format!(
                "https://b.s3.amazonaws.com/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={date}&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"
            )
        };
        assert_eq!(codes(&url("20261101T120000Z")), EXPIRED);
        assert_eq!(codes(&url("20261130T120000Z")), EXPIRING);
        let mut f = Findings::default();
        Rule::new(NOW, DEFAULT_MIN_DAYS).check(&url("20261130T120000Z"), &|| "/p".into(), 0, &mut f);
        assert!(f.list[0].message.contains("expires at 2026-12-07T12:00:00Z"), "{}", f.list[0].message);
        assert!(f.list[0].message.contains("at most 7 days"), "{}", f.list[0].message);
        assert_eq!(codes(&url("20261301T000000Z")), &[], "no 13th month: not a signature this reads");
    }

    #[test]
    fn expires_parameter_needs_a_signature() {
        let v2 = |at: i64| format!("https://storage.googleapis.com/b/a.jpg?GoogleAccessId=x&Expires={at}&Signature=ab");
        assert_eq!(codes(&v2(NOW - 1)), EXPIRED);
        assert_eq!(codes(&v2(NOW + 3600)), EXPIRING);
        assert_eq!(codes(&v2(NOW + 30 * 86_400)), &[]);
        assert_eq!(expiry(&v2(NOW)).unwrap().provider, Provider::Expires("GCS V2"));
        let s3 = format!("https://b.s3.amazonaws.com/a.jpg?AWSAccessKeyId=x&Expires={}&Signature=ab", NOW - 10);
        assert_eq!(expiry(&s3).unwrap().provider, Provider::Expires("S3 V2"));
        let cloudfront = format!("https://d.cloudfront.net/a.jpg?Expires={}&Signature=ab&Key-Pair-Id=K", NOW + 60);
        assert_eq!(codes(&cloudfront), EXPIRING);
        assert_eq!(codes(&format!("https://h.example/a.jpg?expires={}", NOW - 10)), &[], "no signature: an ordinary parameter");
    }

    #[test]
    fn azure_sas() {
        let sas = |se: &str| format!("https://acct.blob.core.windows.net/c/a.jpg?sv=2022-11-02&se={se}&sr=b&sp=r&sig=ab%3D");
        assert_eq!(codes(&sas("2026-11-30T10%3A00%3A00Z")), EXPIRED);
        assert_eq!(codes(&sas("2026-12-03T10:00Z")), EXPIRING);
        assert_eq!(codes(&sas("2026-12-03")), EXPIRING);
        assert_eq!(codes(&sas("2027-06-01")), &[]);
        assert_eq!(codes(&sas("tomorrow")), &[]);
        assert_eq!(codes("https://acct.blob.core.windows.net/c/a.jpg?se=2020-01-01"), &[], "no sig: not a SAS");
    }

    #[test]
    fn the_minimum_is_an_option_and_the_fragment_is_not_the_query() {
        let url = format!("https://h.example/a.jpg?Expires={}&Signature=x", NOW + 2 * 86_400);
        let mut f = Findings::default();
        Rule::new(NOW, 1).check(&url, &|| "/p".into(), 0, &mut f);
        assert!(f.list.is_empty());
        Rule::new(NOW, 3).check(&url, &|| "/p".into(), 0, &mut f);
        assert_eq!(f.list.len(), 1);
        assert!(f.list[0].message.contains("less than 3 days after the check"), "{}", f.list[0].message);
        assert_eq!(expiry("https://h.example/a.jpg#?Expires=1&Signature=x"), None);
    }

    #[test]
    fn prefilter_sees_every_provider() {
        let rule = Rule::new(NOW, 7);
        for text in ["X-Goog-Expires=1", "x-amz-expires=1", "Expires=1", "sig=x"] {
            assert!(rule.may_apply(text.as_bytes()), "{text}");
        }
        assert!(!rule.may_apply(br#"{"row_data":"https://h.example/a.jpg?v=2"}"#));
    }

    #[test]
    fn times_read_back() {
        assert_eq!(format_time(NOW), "2026-12-01T00:00:00Z");
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
    }
}
