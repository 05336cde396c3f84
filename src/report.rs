//! Diagnostics and the report every surface prints.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

macro_rules! codes {
    ($($name:ident),* $(,)?) => {
        /// Stable diagnostic codes (SPEC §9). Never renamed; new ones are
        /// appended and documented in the README's code table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(non_camel_case_types)]
        pub enum Code { $($name),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => stringify!($name)),* }
            }
        }
    };
}

codes! {
    FILE_SYNTAX, FILE_ENCODING, FILE_ROOT, FILE_EMPTY,
    ROW_NOT_OBJECT, ROW_DATA_MISSING, ROW_UNKNOWN_FIELD, ROW_DUPLICATE_FIELD,
    ROW_FIELD_ALIAS, ROW_TOO_LARGE, ROW_FIELD_TYPE,
    MEDIA_TYPE_UNKNOWN, MEDIA_TYPE_CASE, MEDIA_TYPE_MISMATCH, MEDIA_TYPE_INFERRED,
    MEDIA_EXTENSION, TEXT_TOO_LONG,
    TMS_TILE_TEMPLATE, TMS_BOUNDS, TMS_ZOOM, TMS_EPSG,
    CONVERSATION_INVALID,
    URL_INVALID, URL_SCHEME, URL_UNSUPPORTED_CHAR, URL_INSECURE, URL_TOO_LONG,
    GLOBAL_KEY_DUPLICATE, GLOBAL_KEY_EXISTS, GLOBAL_KEY_EMPTY, GLOBAL_KEY_LENGTH,
    GLOBAL_KEY_WHITESPACE, GLOBAL_KEY_CHARS,
    METADATA_SCHEMA_ID, METADATA_UNKNOWN_FIELD, METADATA_DUPLICATE, METADATA_VALUE,
    SCHEMA,
    ATTACHMENT_NOT_ARRAY, ATTACHMENT_TYPE, ATTACHMENT_VALUE, ATTACHMENT_TEXT_DEPRECATED,
    ATTACHMENT_OVERLAY_COUNT,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    pub chunks: Vec<ChunkInfo>,
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
