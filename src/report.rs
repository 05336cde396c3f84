//! Diagnostics and the report every surface prints.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

macro_rules! codes {
    ($($name:ident: $severity:literal, $meaning:literal;)*) => {
        /// Stable diagnostic codes. Never renamed; new ones are appended.
        /// This list is the one definition: `docs/codes.md` and the
        /// package's TypeScript `Code` union are generated from it
        /// (`ROWCHECK_BLESS=1 cargo test --test contracts`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(non_camel_case_types)]
        pub enum Code { $($name),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => stringify!($name)),* }
            }

            /// The severity as the code reference states it (some codes
            /// depend on an option or on the value).
            pub fn severity_doc(self) -> &'static str {
                match self { $(Code::$name => $severity),* }
            }

            /// One line on what the code means, for the code reference.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$name => $meaning),* }
            }
        }
    };
}

codes! {
    FILE_SYNTAX: "error", r#"JSON syntax error: between rows (reading stops, `row` null) or inside one row (`row` set, other rows still checked)"#;
    FILE_ENCODING: "error", r#"not UTF-8 (a UTF-16 file, or invalid bytes inside a row)"#;
    FILE_ROOT: "error", r#"not a manifest: a scalar root, or one object spread over several lines"#;
    FILE_EMPTY: "info", r#"no rows (empty file, blank file, `[]`)"#;
    ROW_NOT_OBJECT: "error", r#"a row that is not an object"#;
    ROW_DATA_MISSING: "error", r#"`row_data` absent, null, `""` or `{}`; a PDF object without `pdf_url`"#;
    ROW_UNKNOWN_FIELD: "error", r#"a key the row (or an attachment, metadata entry, TMS or PDF object) does not take; near misses like `Global_Key` get a suggestion"#;
    ROW_DUPLICATE_FIELD: "error", r#"the same key twice in one object (a key and its camelCase alias count as the same)"#;
    ROW_FIELD_ALIAS: "warning", r#"a camelCase alias (`rowData`, `globalKey`, `externalId`, `mediaType`, `metadataFields`); normalization renames it"#;
    ROW_TOO_LARGE: "error", r#"one row's normalized JSON does not fit in a chunk (`--max-bytes`)"#;
    ROW_FIELD_TYPE: "error", r#"a field of the wrong JSON type"#;
    MEDIA_TYPE_UNKNOWN: "error", r#"`media_type` not one of IMAGE, VIDEO, AUDIO, TEXT, HTML, DICOM, PDF, TMS_GEO, TMS_SIMPLE, CONVERSATIONAL"#;
    MEDIA_TYPE_CASE: "warning", r#"`media_type` in lower case (added by rowcheck); normalization upper-cases it"#;
    MEDIA_TYPE_MISMATCH: "error", r#"`row_data` of the wrong shape for its media type, or an object of no known shape"#;
    MEDIA_TYPE_INFERRED: "info", r#"no `media_type`; the type was inferred from the row_data's shape or the URL's extension"#;
    MEDIA_EXTENSION: "warning", r#"a URL extension the media type does not list"#;
    TEXT_TOO_LONG: "error", r#"inline text over 65,536 characters"#;
    TMS_TILE_TEMPLATE: "error", r#"`tile_layer_url` missing or without `{z}`, `{x}` and `{y}`"#;
    TMS_BOUNDS: "error", r#"`bounds` missing, malformed, degenerate, out of range for EPSG4326, or a bad `version`"#;
    TMS_ZOOM: "error (warning for a zoom above 24)", r#"zooms not non-negative integers, `min_zoom` > `max_zoom`, bad `tile_size`; a zoom above 24 is only a warning"#;
    TMS_EPSG: "error", r#"`epsg` missing, unknown, or not matching TMS_GEO / TMS_SIMPLE"#;
    CONVERSATION_INVALID: "error", r#"an inline conversation that breaks its format"#;
    URL_INVALID: "error", r#"not an absolute URL, or no valid host"#;
    URL_SCHEME: "error", r#"a scheme other than https, http, gs, s3; `s3:`/`gs:` not as `scheme://bucket/key`"#;
    URL_UNSUPPORTED_CHAR: "error", r#"`#`, `<`, `>`, `||`, whitespace or control characters"#;
    URL_INSECURE: "warning", r#"`http://`"#;
    URL_TOO_LONG: "warning", r#"over 16 KiB"#;
    GLOBAL_KEY_DUPLICATE: "error", r#"a key repeated in the manifest (case-insensitive), on each repeat, naming the first row"#;
    GLOBAL_KEY_EXISTS: "error", r#"a key listed in `--existing-keys`"#;
    GLOBAL_KEY_EMPTY: "error", r#"`""`"#;
    GLOBAL_KEY_LENGTH: "error", r#"over 200 characters"#;
    GLOBAL_KEY_WHITESPACE: "error", r#"leading or trailing whitespace"#;
    GLOBAL_KEY_CHARS: "warning (error with `--strict`)", r#"characters outside `A-Z a-z 0-9 space ! _ . * ' ( ) & $ @ = ; / : + , ? -`"#;
    METADATA_SCHEMA_ID: "error", r#"a malformed schema id (not a 25-character cuid), no id or name, or an id and name that disagree"#;
    METADATA_UNKNOWN_FIELD: "error", r#"a field not in `--ontology`"#;
    METADATA_DUPLICATE: "error", r#"one field twice in a row (by id or name)"#;
    METADATA_VALUE: "error", r#"a value that does not fit its field's kind, enum options, length or media type"#;
    SCHEMA: "error", r#"the row fails the `--schema` JSON Schema"#;
    ATTACHMENT_NOT_ARRAY: "error", r#"`attachments` is not an array"#;
    ATTACHMENT_TYPE: "error", r#"missing or unknown attachment type"#;
    ATTACHMENT_VALUE: "error", r#"missing, empty or non-string value; an element that is not an object"#;
    ATTACHMENT_TEXT_DEPRECATED: "warning", r#"type `TEXT`; normalized to `TEXT_URL` (URL value) or `RAW_TEXT`"#;
    ATTACHMENT_OVERLAY_COUNT: "warning", r#"more than 9 `IMAGE_OVERLAY` attachments"#;
    SIGNED_URL_EXPIRED: "error", r#"a signed URL (GCS `X-Goog-Date`+`X-Goog-Expires`, S3 `X-Amz-Date`+`X-Amz-Expires`, `Expires` with `Signature`, Azure SAS `se`) already expired at the check's time (`--now`)"#;
    SIGNED_URL_EXPIRING: "warning", r#"a signed URL that expires within `--signed-url-min-days` (default 7) of the check's time"#;
    ASSET_FORBIDDEN: "error", r#"`rowcheck probe`: the asset answered 401 or 403 (a private bucket without delegated access, or a bad or expired signature)"#;
    ASSET_NOT_FOUND: "error (warning for a computed tile)", r#"`rowcheck probe`: the asset answered 404 or 410"#;
    ASSET_HTTP_ERROR: "error (warning for 429 and 5xx)", r#"`rowcheck probe`: another 4xx status, or 429 or 5xx after every retry"#;
    ASSET_UNREACHABLE: "error", r#"`rowcheck probe`: no answer: a timeout, a name that does not resolve, a refused or dropped connection, a failed TLS handshake"#;
    ASSET_CONTENT_TYPE: "error for text/html, else warning", r#"`rowcheck probe`: a `Content-Type` that does not fit the row's media type (an HTML page for an image is almost always a login or expired-link page)"#;
    ASSET_TOO_LARGE: "error (warning for a PDF's automatic text layer)", r#"`rowcheck probe`: over a published size limit (a video over 1024 MB; a PDF without a text layer over 20 MB)"#;
    ASSET_REDIRECT: "warning", r#"`rowcheck probe`: the asset redirects to another host, or answers a redirect that was not followed"#;
    ASSET_CORS: "warning", r#"`rowcheck probe`: `Access-Control-Allow-Origin` missing or not the labeling app's origin (`--origin`), so the editor cannot read the asset from the browser"#;
    ASSET_NOT_PROBED: "info", r#"`rowcheck probe`: a `gs://` URL, which needs the platform's Google Cloud integration; not probed"#;
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a check found inside one row, positioned by byte offset in the
/// row's text; the pipeline turns it into a [`Diagnostic`] with line and
/// column while the row's bytes are still at hand.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub pointer: String,
    pub offset: u32,
    pub message: String,
    pub suggestion: Option<String>,
}

/// The findings of one row, in the order the checks make them.
#[derive(Debug, Default)]
pub struct Findings {
    pub list: Vec<Finding>,
    /// Something normalization would change was seen (an alias, a `null`,
    /// an escaped key, a lower-case or inferred media type, a deprecated
    /// attachment type, a non-canonical date-time). When it stays false, a
    /// valid row's normalized form is its own text without whitespace.
    pub rewrite: bool,
}

impl Findings {
    pub fn push(&mut self, code: Code, severity: Severity, pointer: impl Into<String>, offset: u32, message: String) {
        self.list.push(Finding { code, severity, pointer: pointer.into(), offset, message, suggestion: None });
    }

    pub fn error(&mut self, code: Code, pointer: impl Into<String>, offset: u32, message: String) {
        self.push(code, Severity::Error, pointer, offset, message);
    }

    pub fn warning(&mut self, code: Code, pointer: impl Into<String>, offset: u32, message: String) {
        self.push(code, Severity::Warning, pointer, offset, message);
    }

    /// Attach a suggested fix to the finding pushed last.
    pub fn suggest(&mut self, suggestion: String) {
        if let Some(last) = self.list.last_mut() {
            last.suggestion = Some(suggestion);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn clear(&mut self) {
        self.list.clear();
        self.rewrite = false;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// 0-based row index; `None` for file-level findings.
    pub row: Option<u64>,
    pub pointer: String,
    /// 1-based line in the input.
    pub line: u64,
    /// 1-based column, counted in Unicode characters.
    pub column: u64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub rows: u64,
    pub valid_rows: u64,
    pub errors: u64,
    pub warnings: u64,
    pub media_types: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChunkInfo {
    /// 0-based; `rowcheck split` writes chunk `i` to `chunk-{i+1:04}.json`.
    pub index: u64,
    pub first_row: u64,
    pub rows: u64,
    pub bytes: u64,
}

/// What a probe of the assets did (`rowcheck probe` reports only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProbeSummary {
    /// Distinct http(s) asset URLs in the manifest.
    pub urls: u64,
    /// Of those, the ones to request (all, or a sample).
    pub requested: u64,
    /// Requests answered (or failed) and judged.
    pub probed: u64,
    /// Hosts contacted.
    pub hosts: u64,
    /// `gs://` URLs, left to the platform's integration.
    pub not_probed: u64,
    /// The origin whose CORS answer was judged.
    pub origin: String,
    /// Stopped before every URL was probed.
    pub interrupted: bool,
    /// Why nothing was probed, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    pub chunks: Vec<ChunkInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeSummary>,
}

impl Report {
    pub fn new() -> Self {
        Report { version: 1, ..Default::default() }
    }

    pub fn add(&mut self, diagnostic: Diagnostic) {
        match diagnostic.severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Info => {}
        }
        self.diagnostics.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// The file itself could not be read to its end, so it has no faithful
    /// normalized form.
    pub fn file_failed(&self) -> bool {
        self.diagnostics.iter().any(|d| d.row.is_none() && d.severity == Severity::Error)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serializes")
    }

    /// One line per diagnostic in the compiler convention editors parse
    /// (`FILE:LINE:COL: severity CODE row N pointer: message`), a `help:`
    /// line under those with a suggestion, then the summary.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let row = d.row.map_or_else(|| "-".to_string(), |r| r.to_string());
            let pointer = if d.pointer.is_empty() { "(row)" } else { &d.pointer };
            let pointer = if d.row.is_none() { "(file)" } else { pointer };
            let _ = writeln!(
                out,
                "{file}:{}:{}: {} {} row {row} {pointer}: {}",
                d.line,
                d.column,
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            );
            if let Some(s) = &d.suggestion {
                let _ = writeln!(out, "    help: {s}");
            }
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        if let Some(p) = &self.probe {
            out.push_str(&p.line());
            out.push('\n');
        }
        out
    }

    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let types: Vec<String> = s.media_types.iter().map(|(t, n)| format!("{t} {n}")).collect();
        let types = if types.is_empty() { String::new() } else { format!(" ({})", types.join(", ")) };
        format!(
            "{} rows{types}, {} valid; {} errors, {} warnings; {} chunks",
            s.rows,
            s.valid_rows,
            s.errors,
            s.warnings,
            self.chunks.len()
        )
    }
}

impl ProbeSummary {
    /// One line under the report's summary.
    pub fn line(&self) -> String {
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if let Some(why) = &self.refused {
            return format!("probe: nothing probed: {why}");
        }
        let of = if self.requested < self.urls { format!(" (a sample of the {})", self.urls) } else { String::new() };
        let stopped = if self.interrupted { "; interrupted" } else { "" };
        let gs = if self.not_probed > 0 { format!("; {} not probed", plural(self.not_probed, "gs:// URL", "gs:// URLs")) } else { String::new() };
        format!(
            "probe: {} of {}{of} on {} answered, as {}{gs}{stopped}",
            self.probed,
            plural(self.requested, "asset URL", "asset URLs"),
            plural(self.hosts, "host", "hosts"),
            self.origin
        )
    }
}

/// Quote a value for a message: JSON-escaped, cut to 80 characters.
pub fn quote(value: &str) -> String {
    let mut cut: String = value.chars().take(80).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    serde_json::to_string(&cut).expect("strings always serialize")
}

/// A JSON Pointer to an array element, formatted only when a finding needs
/// it: checks run on every row, findings are rare.
#[derive(Debug, Clone, Copy)]
pub struct Item<'p> {
    pub array: &'p str,
    pub index: usize,
}

impl std::fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.array, self.index)
    }
}

/// `{parent}/{leaf}`, formatted only when a finding needs it.
pub struct Child<'p>(pub &'p dyn std::fmt::Display, pub &'p str);

impl std::fmt::Display for Child<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

/// Escape one JSON Pointer segment (RFC 6901).
pub fn pointer_segment(key: &str) -> String {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1") } else { key.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_screaming_snake() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_uppercase() || c == '_')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn quote_truncates_and_escapes() {
        assert_eq!(quote("a\"b"), r#""a\"b""#);
        let long = "x".repeat(100);
        assert_eq!(quote(&long).chars().count(), 80 + 1 + 2);
    }

    #[test]
    fn report_json_has_the_spec_shape() {
        let mut r = Report::new();
        r.add(Diagnostic {
            code: Code::URL_INSECURE,
            severity: Severity::Warning,
            row: Some(0),
            pointer: "/row_data".into(),
            line: 2,
            column: 3,
            message: "m".into(),
            suggestion: None,
        });
        r.summary.rows = 1;
        let json = r.to_json();
        assert!(json.starts_with(r#"{"version":1,"summary":{"rows":1,"valid_rows":0,"errors":0,"warnings":1,"media_types":{}},"diagnostics":[{"code":"URL_INSECURE","severity":"warning","row":0,"pointer":"/row_data","line":2,"column":3,"message":"m"}],"chunks":[]}"#), "{json}");
    }
}
