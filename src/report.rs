//! Diagnostics and the report every surface prints.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

macro_rules! codes {
    ($($name:ident: $severity:literal, $fixes:ident $fix:literal, $meaning:literal;)*) => {
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

            /// Whether `rowcheck fix` applies this code's fixes.
            pub fn fixes(self) -> Fixes {
                match self { $(Code::$name => Fixes::$fixes),* }
            }

            /// What the fix is and why it is safe or only suggested, for
            /// the code reference (empty for a code with no fix).
            pub fn fix_doc(self) -> &'static str {
                match self { $(Code::$name => $fix),* }
            }
        }
    };
}

/// What becomes of a code's fixes, decided once per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    /// `rowcheck fix` applies them: the fixed value is what the platform
    /// (or the SDK) reads from the value as written, or the one reading of
    /// a value it refuses. A finding may still carry its edit only as a
    /// suggestion where that reading is in doubt ([`Findings::unsure`]).
    Safe,
    /// Offered in `suggestion` (and as an edit where it is mechanical),
    /// never applied: the fix is a guess, or changes what the row means.
    Suggested,
    /// The code has no fix.
    No,
}

codes! {
    FILE_SYNTAX: "error", No "", r#"JSON syntax error: between rows, or a row the file ends inside (reading stops, `row` null, no normalized output or chunks), or inside one row (`row` set, other rows still checked)"#;
    FILE_ENCODING: "error", No "", r#"not UTF-8 (a UTF-16 file, or invalid bytes inside a row)"#;
    FILE_ROOT: "error", No "", r#"not a manifest: a scalar root, one object spread over several lines, or a first line that is not a URL (CSV, `null`, broken JSON, plain text); the message says what the file looks like"#;
    FILE_EMPTY: "info", No "", r#"no rows (empty file, blank file, `[]`)"#;
    ROW_NOT_OBJECT: "error", No "", r#"a row that is not an object"#;
    ROW_DATA_MISSING: "error", No "", r#"`row_data` absent, null, `""` or `{}`; a PDF object without `pdf_url`"#;
    ROW_UNKNOWN_FIELD: "error", Suggested r#"a near miss of a row field (`Global_Key`) is renamed to it: the key may be a column the user meant to keep, and the value has never been checked as that field"#, r#"a key the row (or an attachment, metadata entry, TMS or PDF object) does not take; near misses like `Global_Key` get a suggestion"#;
    ROW_DUPLICATE_FIELD: "error", No "", r#"the same key twice in one object (a key and its camelCase alias count as the same)"#;
    ROW_FIELD_ALIAS: "warning", Safe r#"renamed to the snake_case field, as the SDK reads it and normalization writes it; not when the row also has the field (that is `ROW_DUPLICATE_FIELD`)"#, r#"an alias (`rowData`, `globalKey`, `externalId`, `mediaType`, `metadataFields`, `metadata`); normalization renames it"#;
    ROW_TOO_LARGE: "error", No "", r#"one row's normalized JSON does not fit in a chunk (`--max-bytes`)"#;
    ROW_FIELD_TYPE: "error", No "", r#"a field of the wrong JSON type"#;
    MEDIA_TYPE_UNKNOWN: "error", Suggested r#"the value of the SDK's member name (`DOCUMENT` is `PDF`): the media type decides how the platform shows the asset, and a user who wrote `DOCUMENT` may have meant a text document"#, r#"`media_type` not one of IMAGE, VIDEO, AUDIO, TEXT, HTML, DICOM, PDF, TMS_GEO, TMS_SIMPLE, CONVERSATIONAL; the SDK's member names `DOCUMENT`, `GEOSPATIAL_TILE`, `SIMPLE_TILE` get the value as a suggestion"#;
    MEDIA_TYPE_CASE: "warning", Safe r#"upper-cased, as normalization writes it"#, r#"`media_type` in lower case (added by rowcheck); normalization upper-cases it"#;
    MEDIA_TYPE_MISMATCH: "error", No "", r#"`row_data` of the wrong shape for its media type, or an object of no known shape"#;
    MEDIA_TYPE_INFERRED: "info", No "", r#"no `media_type`; the type was inferred from the row_data's shape or the URL's extension"#;
    MEDIA_EXTENSION: "warning", No "", r#"a URL extension the media type does not list"#;
    TEXT_TOO_LONG: "error", No "", r#"inline text over 65,536 characters"#;
    TMS_TILE_TEMPLATE: "error", No "", r#"`tile_layer_url` missing, or a tile template without `{z}`, `{x}` and `{y}` (a GeoTIFF / COG / NITF file URL needs none)"#;
    TMS_BOUNDS: "error", No "", r#"`bounds` missing from a tile template, malformed, degenerate, outside latitude/longitude range for an EPSG system, or a bad `version`"#;
    TMS_ZOOM: "error (warning for a fractional zoom or one above 24)", No "", r#"a zoom that is not a non-negative number, `min_zoom` > `max_zoom`, a bad `tile_size`; a fractional zoom or one above 24 is only a warning"#;
    TMS_EPSG: "error (warning for an EPSG system under TMS_SIMPLE)", Safe r#"a listed system written another way (`EPSG:4326`, `epsg4326`, the SDK's `SIMPLEPIXEL`) gets its listed spelling"#, r#"`epsg` missing from a tile template, or not one of EPSG4326, EPSG3857, EPSG3395, Simple"#;
    CONVERSATION_INVALID: "error (warning for a key the format does not list, a missing version, an undocumented actor role, or an id a draft leaves unresolved)", No "", r#"an inline conversation (version 1, multimodal chat version 2, legacy `conversationalData`) or LLM prompt row that breaks its format"#;
    URL_INVALID: "error", No "", r#"not a URL a browser can load (WHATWG URL parsing fails; the message gives the parser's reason), or a line of a URL list that is not a URL"#;
    URL_SCHEME: "error", Suggested r#"the virtual-hosted `https://BUCKET.s3.amazonaws.com/KEY` of an s3 URL: S3 answers 400 there for a bucket in a Region launched after March 2019, the certificate does not cover a bucket name with dots, and an s3 URL may name another S3-compatible store"#, r#"a scheme other than https, http, gs (`s3:` too: the SDK refuses it; the suggestion is the virtual-hosted https URL); `gs:` not as `gs://bucket/key`"#;
    URL_UNSUPPORTED_CHAR: "error", Safe r#"the URL browsers request: the character percent-encoded in the path, query or fragment (`||` too, which browsers send as it is: `%7C%7C` is the same path to a server that decodes percent-encoding), a tab or newline dropped, blanks around the URL removed; only suggested when the URL has a `#`, which may start a fragment rather than belong to the file name; none in the scheme or host"#, r#"`#`, `<`, `>`, `||` or a control character (tabs and newlines too), with its offset"#;
    URL_INSECURE: "warning", Suggested r#"the `https` URL: the host may not serve https, or not the same file"#, r#"`http://`"#;
    URL_TOO_LONG: "warning", No "", r#"over 16 KiB"#;
    GLOBAL_KEY_DUPLICATE: "error", No "", r#"a key repeated in the manifest (case-insensitive), on each repeat, naming the first row"#;
    GLOBAL_KEY_EXISTS: "error", No "", r#"a key listed in `--existing-keys`"#;
    GLOBAL_KEY_EMPTY: "error", No "", r#"`""`"#;
    GLOBAL_KEY_LENGTH: "error", No "", r#"over 200 characters"#;
    GLOBAL_KEY_WHITESPACE: "error", Safe r#"trimmed, each run of whitespace made one space; the row keeps its key when the fixed key is already an earlier row's (compared case-insensitively) or an existing key, and a later row with the fixed key is its `GLOBAL_KEY_DUPLICATE`"#, r#"leading, trailing or consecutive whitespace"#;
    GLOBAL_KEY_CHARS: "warning (error with `--strict`)", Suggested r#"each such character replaced by `_`: the key is the row's identity, and the platform takes it"#, r#"characters outside `A-Z a-z 0-9 space ! _ . * ' ( ) & $ @ = ; / : + , ? -`"#;
    METADATA_SCHEMA_ID: "error (warning for an id and a name that disagree)", No "", r#"a malformed schema id (not a 25-character cuid), an enum option's id given as the field's, no id or name; an id and a name that disagree only warn (the SDK goes by the id)"#;
    METADATA_UNKNOWN_FIELD: "error", No "", r#"a field not in `--ontology`"#;
    METADATA_DUPLICATE: "error", No "", r#"a field other than an enum twice in a row (by id or name), an enum option twice, or the same value twice for a field of unknown kind"#;
    METADATA_VALUE: "error (warning for a string over 1,024 characters, or a value for an embedding the platform computes)", Safe r#"an option name given for an enum named by `schema_id` becomes that option's id, when no other option of the field has the name; other values have no fix"#, r#"a value that does not fit its field's kind, enum options (an option id when the enum is named by id), length or media type"#;
    SCHEMA: "error", No "", r#"the row fails the `--schema` JSON Schema"#;
    ATTACHMENT_NOT_ARRAY: "error", No "", r#"`attachments` is not an array"#;
    ATTACHMENT_TYPE: "error", No "", r#"missing or unknown attachment type"#;
    ATTACHMENT_VALUE: "error", No "", r#"missing, empty or non-string value; an element that is not an object"#;
    ATTACHMENT_TEXT_DEPRECATED: "warning", Safe r#"`TEXT_URL` when the value is a URL, else `RAW_TEXT`, as normalization writes it"#, r#"type `TEXT`; normalized to `TEXT_URL` (URL value) or `RAW_TEXT`"#;
    ATTACHMENT_OVERLAY_COUNT: "warning", No "", r#"more than 9 `IMAGE_OVERLAY` attachments"#;
    MEDIA_TYPE_UNDOCUMENTED: "warning", No "", r#"a media type no current import page documents: `DICOM` (explicit, or a `.dcm` URL, which is then not inferred; the SDK dropped DICOM in 6.2.0) and `POINT_CLOUD` (no data-row format; only its URL is checked)"#;
    ROW_LEGACY_SHAPE: "warning", Suggested r#"in words only: how to write the current shape, which normalization writes"#, r#"a legacy row shape the platform still takes: a top-level tiled row (`tileLayerUrl`, `bounds`, … and no `row_data`) or a top-level `conversationalData` conversation; normalization rewrites it to the current shape"#;
    METADATA_NUMBER_COERCED: "warning", Safe r#"the number the SDK reads (`"2"` is `2.0`), as normalization writes it; a boolean for a field of unknown kind has none"#, r#"a number field given a string or boolean that Python's `float()` reads, as the SDK does (`"2"`, `" 2 "`, `"1_000"`, `true`); normalized to the number"#;
    EMBEDDING_VALUE: "error (warning for a key the SDK drops, or an embedding given twice)", No "", r#"a custom embedding that is not `{embedding_id, vector, clusters?}` with a vector of 1 to 2,048 finite numbers"#;
    ROW_FIELD_READ_ONLY: "warning", No "", r#"`created_at`, `updated_at` or `media_attributes`: set by the platform; the SDK passes them on, no import page documents them"#;
    URL_SPACE: "warning (error with `--strict`)", Safe r#"the space percent-encoded, as browsers send it; blanks around the URL removed (as for `URL_UNSUPPORTED_CHAR`, only suggested with a `#`; none in the host)"#, r#"a raw space (or another Unicode space) in a URL, or around it"#;
    URL_REPAIRED: "warning", Safe r#"the parser's reading, the URL browsers already load (only suggested with a `#`)"#, r#"a URL browsers load only after repairing it (`https:/x`, `https:x`, `https:///x`, backslashes); the suggestion is the parser's reading"#;
    URL_FOLDER: "warning", No "", r#"an asset URL whose path ends with `/`: a folder, not a file"#;
    ROW_DATA_LOCAL_PATH: "warning", No "", r#"a string `row_data` without a scheme that looks like a local file path (`images/a.png`, `C:\data\a.mp4`; under a URL media type only a rooted one): a file only the SDK uploads"#;
    SIGNED_URL_EXPIRED: "error", No "", r#"a signed URL (GCS `X-Goog-Date`+`X-Goog-Expires`, S3 `X-Amz-Date`+`X-Amz-Expires`, `Expires` with `Signature`, Azure SAS `se`) already expired at the check's time (`--now`)"#;
    SIGNED_URL_EXPIRING: "warning", No "", r#"a signed URL that expires within `--signed-url-min-days` (default 7) of the check's time"#;
    ASSET_FORBIDDEN: "error", No "", r#"`rowcheck probe`: the asset answered 401 or 403 (a private bucket without delegated access, or a bad or expired signature)"#;
    ASSET_NOT_FOUND: "error (warning for a computed tile)", No "", r#"`rowcheck probe`: the asset answered 404 or 410"#;
    ASSET_HTTP_ERROR: "error (warning for 429 and 5xx)", No "", r#"`rowcheck probe`: another 4xx status, or 429 or 5xx after every retry"#;
    ASSET_UNREACHABLE: "error", No "", r#"`rowcheck probe`: no answer: a timeout, a name that does not resolve, a refused or dropped connection, a failed TLS handshake"#;
    ASSET_CONTENT_TYPE: "error for text/html, else warning", No "", r#"`rowcheck probe`: a `Content-Type` that does not fit the row's media type (an HTML page for an image is almost always a login or expired-link page)"#;
    ASSET_TOO_LARGE: "error (warning for a PDF's automatic text layer)", No "", r#"`rowcheck probe`: over a published size limit (a video over 1024 MB; a PDF without a text layer over 20 MB)"#;
    ASSET_REDIRECT: "warning", No "", r#"`rowcheck probe`: the asset redirects to another host, or answers a redirect that was not followed"#;
    ASSET_CORS: "warning", No "", r#"`rowcheck probe`: `Access-Control-Allow-Origin` missing or not the labeling app's origin (`--origin`), so the editor cannot read the asset from the browser"#;
    ASSET_NOT_PROBED: "info", No "", r#"`rowcheck probe`: a `gs://` URL, which needs the platform's Google Cloud integration; not probed"#;
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
    /// Derived from `fix` when the finding has one.
    pub suggestion: Option<String>,
    pub fix: Option<Fix>,
}

/// A mechanical fix of one finding: an edit of the row's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub edit: Edit,
    /// `rowcheck fix` applies it: the code's fixes are [`Fixes::Safe`] and
    /// this one is not in doubt.
    pub apply: bool,
}

/// One token of a row's text replaced; `at` is the byte offset of the
/// token (a value, or a member's key) in the text the checks read.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The value at `at` becomes the JSON `json`.
    Replace { at: u32, json: String },
    /// The key at `at` (spelled `from`) becomes `to`.
    Rename { at: u32, from: String, to: String },
}

impl Edit {
    /// The value at `at` becomes the string `value`.
    pub fn string(at: u32, value: &str) -> Edit {
        let mut json = Vec::with_capacity(value.len() + 2);
        crate::json::write_string(&mut json, value);
        Edit::Replace { at, json: String::from_utf8(json).expect("written from a str") }
    }

    pub fn at(&self) -> u32 {
        match self {
            Edit::Replace { at, .. } | Edit::Rename { at, .. } => *at,
        }
    }

    /// The suggestion a person reads: the new value itself (a string
    /// without its quotes, so a URL's is exactly the URL to use), or the
    /// rename.
    pub fn suggestion(&self) -> String {
        match self {
            Edit::Replace { json, .. } => crate::json::string_value(json).unwrap_or_else(|| json.clone()),
            Edit::Rename { from, to, .. } => format!("rename {} to {}", quote(from), quote(to)),
        }
    }
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
    /// `--strict`: checks whose severity depends on it read it here. Set
    /// once per run; [`Findings::clear`] keeps it.
    pub strict: bool,
}

impl Findings {
    pub fn push(&mut self, code: Code, severity: Severity, pointer: impl Into<String>, offset: u32, message: String) {
        self.list.push(Finding { code, severity, pointer: pointer.into(), offset, message, suggestion: None, fix: None });
    }

    pub fn error(&mut self, code: Code, pointer: impl Into<String>, offset: u32, message: String) {
        self.push(code, Severity::Error, pointer, offset, message);
    }

    pub fn warning(&mut self, code: Code, pointer: impl Into<String>, offset: u32, message: String) {
        self.push(code, Severity::Warning, pointer, offset, message);
    }

    /// Attach a suggestion in words to the finding pushed last, for a fix
    /// no edit can make.
    pub fn suggest(&mut self, suggestion: String) {
        if let Some(last) = self.list.last_mut() {
            debug_assert!(last.code.fixes() != Fixes::No, "{:?} is documented as having no fix", last.code);
            last.suggestion = Some(suggestion);
        }
    }

    /// Attach to the finding pushed last the edit that fixes it, and the
    /// suggestion derived from it. `rowcheck fix` applies it when the
    /// code's fixes are safe.
    pub fn fix(&mut self, edit: Edit) {
        if let Some(last) = self.list.last_mut() {
            let fixes = last.code.fixes();
            debug_assert!(fixes != Fixes::No, "{:?} is documented as having no fix", last.code);
            last.suggestion = Some(edit.suggestion());
            last.fix = Some(Fix { edit, apply: fixes == Fixes::Safe });
        }
    }

    /// The edit of the finding pushed last is in doubt here: it stays a
    /// suggestion.
    pub fn unsure(&mut self) {
        if let Some(fix) = self.list.last_mut().and_then(|f| f.fix.as_mut()) {
            fix.apply = false;
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
    /// Where the row is in the input: its first byte (the opening brace of
    /// a JSON row, the first non-blank byte of a line) and its length in
    /// bytes, so a surface can read the row as written without scanning
    /// for it. For a problem with the file itself, the byte where it was
    /// found, and 0.
    pub offset: u64,
    pub length: u64,
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
    /// The file itself could not be read to its end as a manifest
    /// (truncated, broken between rows, not UTF-8, not a manifest): it has
    /// no normalized form and no chunks, whatever its rows say.
    pub file_failed: bool,
    pub media_types: BTreeMap<&'static str, u64>,
    /// Every info about a row, once per code, in the order the codes first
    /// appear. Unless the run is verbose these are the only trace of them:
    /// an info that holds for every row (an inferred media type) would
    /// otherwise drown the findings.
    pub infos: Vec<InfoCount>,
}

/// How many rows one info code was reported for, and the first of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfoCount {
    pub code: Code,
    /// Rows with at least one such info.
    pub rows: u64,
    /// The first [`INFO_FIRST_ROWS`] of them, in file order.
    pub first_rows: Vec<u64>,
    /// The row counted last.
    #[serde(skip)]
    last: u64,
}

/// How many rows an aggregated info lists.
pub const INFO_FIRST_ROWS: usize = 5;

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

/// What `rowcheck fix` changed. The report it comes with is the fixed
/// manifest's own: its diagnostics, positions and summary are those a check
/// of the output gives.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FixSummary {
    pub changes: Vec<Change>,
    /// Rows with at least one change.
    pub rows_changed: u64,
    /// Errors and warnings the manifest had before it was fixed.
    pub input_errors: u64,
    pub input_warnings: u64,
}

/// One edit `rowcheck fix` made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// 0-based row index (the same in the input and the output).
    pub row: u64,
    /// JSON Pointer of the value (or, for a rename, of the member) in the
    /// input row, as the finding it fixes names it: a field given by its
    /// alias (`mediaType`) is named by the field (`/media_type`).
    pub pointer: String,
    pub op: Op,
    /// The findings this edit fixes: one edit may fix several (a URL's
    /// percent-encoding fixes its `URL_UNSUPPORTED_CHAR` and its `URL_SPACE`).
    pub codes: Vec<Code>,
    /// 1-based line and column (in Unicode characters) of the new value, or
    /// of the new key, in the output.
    pub line: u64,
    pub column: u64,
    /// The value (for a rename, the key) before and after.
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// A value replaced.
    Replace,
    /// A member's key renamed; its value is kept.
    Rename,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic>,
    pub chunks: Vec<ChunkInfo>,
    /// Only in a fix's report: what was changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeSummary>,
    /// Infos about rows are listed one by one in `diagnostics`, not only
    /// counted in `summary.infos`.
    #[serde(skip)]
    pub verbose: bool,
}

impl Report {
    pub fn new(verbose: bool) -> Self {
        Report { version: 1, verbose, ..Default::default() }
    }

    pub fn add(&mut self, diagnostic: Diagnostic) {
        match (diagnostic.severity, diagnostic.row) {
            (Severity::Error, row) => {
                self.summary.errors += 1;
                self.summary.file_failed |= row.is_none();
            }
            (Severity::Warning, _) => self.summary.warnings += 1,
            (Severity::Info, Some(row)) => {
                self.count_info(diagnostic.code, row);
                if !self.verbose {
                    return;
                }
            }
            (Severity::Info, None) => {}
        }
        self.diagnostics.push(diagnostic);
    }

    /// One more row with info `code`; rows come in file order.
    fn count_info(&mut self, code: Code, row: u64) {
        let infos = &mut self.summary.infos;
        // A handful of info codes exist: a scan beats a map.
        let i = match infos.iter().position(|c| c.code == code) {
            Some(i) => i,
            None => {
                infos.push(InfoCount { code, rows: 0, first_rows: Vec::new(), last: 0 });
                infos.len() - 1
            }
        };
        let info = &mut infos[i];
        if info.rows > 0 && info.last == row {
            return;
        }
        info.rows += 1;
        info.last = row;
        if info.first_rows.len() < INFO_FIRST_ROWS {
            info.first_rows.push(row);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// The file itself could not be read to its end, so it has no faithful
    /// normalized form and no chunks: an error with no row.
    pub fn file_failed(&self) -> bool {
        self.summary.file_failed
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serializes")
    }

    /// One line per diagnostic in the compiler convention editors parse
    /// (`FILE:LINE:COL: severity CODE row N pointer: message`), a `help:`
    /// line under those with a suggestion, then the summary.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = String::new();
        // What a fix changed comes first, then what is left to do by hand.
        for c in self.fix.iter().flat_map(|f| &f.changes) {
            let codes: Vec<&str> = c.codes.iter().map(|c| c.as_str()).collect();
            let (before, after) = (shown(&c.before), shown(&c.after));
            let what = match c.op {
                Op::Replace => format!("{before} → {after}"),
                Op::Rename => format!("renamed {before} → {after}"),
            };
            let _ = writeln!(out, "{file}:{}:{}: fixed {} row {} {}: {what}", c.line, c.column, codes.join(","), c.row, c.pointer);
        }
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
        if let Some(f) = &self.fix {
            out.push_str(&f.line());
            out.push('\n');
        }
        if let Some(p) = &self.probe {
            out.push_str(&p.line());
            out.push('\n');
        }
        out
    }

    /// `2 rows (IMAGE 2), 2 valid; 0 errors, 1 warning; 1 chunk`, then,
    /// unless the infos were listed one by one, each info code with its
    /// count and first rows: `; infos: MEDIA_TYPE_INFERRED on 2 rows (0,
    /// 1); --verbose lists each`.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let types: Vec<String> = s.media_types.iter().map(|(t, n)| format!("{t} {n}")).collect();
        let types = if types.is_empty() { String::new() } else { format!(" ({})", types.join(", ")) };
        let mut line = format!(
            "{}{types}, {} valid; {}, {}; {}",
            plural(s.rows, "row", "rows"),
            s.valid_rows,
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(self.chunks.len() as u64, "chunk", "chunks")
        );
        if !self.verbose && !s.infos.is_empty() {
            let infos: Vec<String> = s.infos.iter().map(InfoCount::phrase).collect();
            let _ = write!(line, "; infos: {}; --verbose lists each", infos.join(", "));
        }
        line
    }
}

/// A value of a change, for a line of text: JSON, cut to 80 characters.
fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

impl FixSummary {
    /// One line under the report's summary.
    pub fn line(&self) -> String {
        format!(
            "fixed: {} in {}; before fixing, {} and {}",
            plural(self.changes.len() as u64, "change", "changes"),
            plural(self.rows_changed, "row", "rows"),
            plural(self.input_errors, "error", "errors"),
            plural(self.input_warnings, "warning", "warnings")
        )
    }
}

impl InfoCount {
    /// `MEDIA_TYPE_INFERRED on 10000 rows (0, 1, 2, 3, 4, …)`.
    fn phrase(&self) -> String {
        let rows: Vec<String> = self.first_rows.iter().map(u64::to_string).collect();
        let more = if self.rows > self.first_rows.len() as u64 { ", …" } else { "" };
        format!("{} on {} ({}{more})", self.code.as_str(), plural(self.rows, "row", "rows"), rows.join(", "))
    }
}

/// `1 row`, `2 rows`: a count with its noun.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl ProbeSummary {
    /// One line under the report's summary.
    pub fn line(&self) -> String {
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
        let mut r = Report::new(false);
        r.add(Diagnostic {
            code: Code::URL_INSECURE,
            severity: Severity::Warning,
            row: Some(0),
            pointer: "/row_data".into(),
            line: 2,
            column: 3,
            offset: 10,
            length: 20,
            message: "m".into(),
            suggestion: None,
        });
        r.summary.rows = 1;
        let json = r.to_json();
        assert!(json.starts_with(r#"{"version":1,"summary":{"rows":1,"valid_rows":0,"errors":0,"warnings":1,"file_failed":false,"media_types":{},"infos":[]},"diagnostics":[{"code":"URL_INSECURE","severity":"warning","row":0,"pointer":"/row_data","line":2,"column":3,"offset":10,"length":20,"message":"m"}],"chunks":[]}"#), "{json}");
    }
}
