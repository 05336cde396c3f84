//! The pipeline every surface drives: bytes in (`push`, `finish`), report,
//! chunks and normalized manifest out.

use crate::attachment;
use crate::chunk::{Chunk, Chunker, Limits};
use crate::global_key::{self, KeyIndex, Seen};
use crate::json::{self, Kind};
use crate::media;
use crate::metadata::{self, Ontology};
use crate::normalize;
use crate::reader::{Container, FileProblem, Reader, Sink, Span, SpanKind};
use crate::report::{Code, Diagnostic, Findings, Report, quote};
use crate::row::{self, Field};
use crate::schema::UserSchema;

/// How a run is configured. Misuse (an unreadable ontology, say) is an
/// error for the caller; everything about the manifest is a diagnostic.
#[derive(Debug, Default)]
pub struct Options {
    /// `GLOBAL_KEY_CHARS` becomes an error.
    pub strict: bool,
    /// Keys that already exist in the organization.
    pub existing_keys: Vec<String>,
    pub ontology: Option<Ontology>,
    pub schema: Option<UserSchema>,
    pub limits: Limits,
    /// Keep chunk bodies for [`Checker::take_chunk`].
    pub emit_chunks: bool,
    /// Build the normalized manifest for [`Checker::take_normalized`].
    pub emit_normalized: bool,
}

/// `--existing-keys`: one key per line, or a JSON array of strings.
pub fn parse_key_list(bytes: &[u8]) -> Result<Vec<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the key list is not UTF-8: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text).map_err(|e| format!("the key list looks like JSON but is not an array of strings: {e}"));
    }
    Ok(text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).filter(|l| !l.is_empty()).map(str::to_string).collect())
}

pub struct Checker {
    reader: Reader,
    rows: RowChecker,
}

struct RowChecker {
    strict: bool,
    ontology: Ontology,
    schema: Option<UserSchema>,
    keys: KeyIndex,
    chunker: Chunker,
    report: Report,
    normalized: Option<Vec<u8>>,
    /// Reused per row.
    findings: Findings,
    metadata_seen: metadata::Seen,
    row_json: Vec<u8>,
    url_row: Vec<u8>,
}

impl Checker {
    pub fn new(options: Options) -> Checker {
        let mut keys = KeyIndex::default();
        for key in &options.existing_keys {
            keys.insert_existing(key);
        }
        Checker {
            reader: Reader::new(),
            rows: RowChecker {
                strict: options.strict,
                ontology: options.ontology.unwrap_or_default(),
                schema: options.schema,
                keys,
                chunker: Chunker::new(options.limits, options.emit_chunks),
                report: Report::new(),
                normalized: options.emit_normalized.then(Vec::new),
                findings: Findings::default(),
                metadata_seen: metadata::Seen::default(),
                row_json: Vec::new(),
                url_row: Vec::new(),
            },
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.reader.push(bytes, &mut self.rows);
    }

    /// The input has ended. Calling it again does nothing.
    pub fn finish(&mut self) {
        self.reader.finish(&mut self.rows);
        self.rows.chunker.finish();
        self.rows.report.chunks = self.rows.chunker.planned().to_vec();
        if let Some(out) = &mut self.rows.normalized {
            if self.reader.container() == Some(Container::JsonArray) {
                out.extend_from_slice(if self.reader.rows() == 0 { b"[]\n" } else { b"\n]\n" });
            }
        }
    }

    /// The next complete chunk (with `emit_chunks`), in order.
    pub fn take_chunk(&mut self) -> Option<Chunk> {
        self.rows.chunker.take_ready()
    }

    /// The normalized manifest produced so far (with `emit_normalized`).
    pub fn take_normalized(&mut self) -> Vec<u8> {
        self.rows.normalized.as_mut().map(std::mem::take).unwrap_or_default()
    }

    pub fn container(&self) -> Option<Container> {
        self.reader.container()
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.offset()
    }

    pub fn report(&self) -> &Report {
        &self.rows.report
    }

    pub fn into_report(self) -> Report {
        self.rows.report
    }

    /// Memory held by the duplicate-key index, for the benchmarks.
    pub fn key_index_bytes(&self) -> usize {
        self.rows.keys.heap_bytes()
    }
}

/// Check a whole manifest held in memory.
pub fn check(bytes: &[u8], options: Options) -> Report {
    let mut checker = Checker::new(options);
    checker.push(bytes);
    checker.finish();
    checker.into_report()
}

impl Sink for RowChecker {
    fn file(&mut self, p: FileProblem) {
        self.report.add(Diagnostic {
            code: p.code,
            severity: p.severity,
            row: None,
            pointer: String::new(),
            line: p.line,
            column: p.column,
            message: p.message,
            suggestion: None,
        });
    }

    fn row(&mut self, span: Span<'_>) {
        self.report.summary.rows += 1;
        self.findings.clear();
        let valid = match std::str::from_utf8(span.bytes) {
            Ok(text) => self.check_text(text, &span),
            Err(e) => {
                let at = e.valid_up_to();
                self.findings.error(
                    Code::FILE_ENCODING,
                    "",
                    at as u32,
                    format!("byte 0x{:02X} at file offset {} is not UTF-8; save the file as UTF-8", span.bytes[at], span.offset + at as u64),
                );
                false
            }
        };
        if valid {
            self.report.summary.valid_rows += 1;
        }
        self.write_normalized(&span, valid);
        self.flush_findings(&span);
    }
}

impl RowChecker {
    /// Check one row; `true` when it has no errors (its normalized JSON is
    /// then in `row_json` and it has been given to the chunker).
    fn check_text(&mut self, text: &str, span: &Span<'_>) -> bool {
        let result = match span.kind {
            SpanKind::Json => self.check_row(text, span.index),
            SpanKind::Url => {
                // A URL-list line is the row {"row_data": LINE}.
                let mut row = std::mem::take(&mut self.url_row);
                row.clear();
                row.extend_from_slice(b"{\"row_data\":");
                json::write_string(&mut row, text);
                row.push(b'}');
                let result = self.check_row(std::str::from_utf8(&row).expect("built from a str"), span.index);
                self.url_row = row;
                result
            }
        };
        result.unwrap_or_else(|e| {
            self.findings.error(Code::FILE_SYNTAX, "", e.offset as u32, format!("the row is not valid JSON: {}", e.message));
            false
        })
    }

    fn check_row(&mut self, text: &str, index: u64) -> json::Result<bool> {
        let findings = &mut self.findings;
        let Some(row) = row::parse(text, findings)? else { return Ok(false) };
        let resolved = media::check(&row, findings)?;
        if let Some(key) = row.string(Field::GlobalKey) {
            let value = key.value();
            global_key::check(&value, self.strict, key.offset, findings);
            if !value.is_empty() {
                match self.keys.see(&value, index) {
                    Seen::New => {}
                    Seen::Duplicate(first) => findings.error(
                        Code::GLOBAL_KEY_DUPLICATE,
                        "/global_key",
                        key.offset,
                        format!("global_key {} repeats row {first} (keys compare case-insensitively); keys must be unique", quote(&value)),
                    ),
                    Seen::Exists => findings.error(
                        Code::GLOBAL_KEY_EXISTS,
                        "/global_key",
                        key.offset,
                        format!("global_key {} already exists in the organization; choose another key or leave this row out", quote(&value)),
                    ),
                }
            }
        }
        let metadata = row.get(Field::MetadataFields).filter(|m| m.kind == Kind::Array);
        if let Some(raw) = metadata {
            metadata::check(raw, &self.ontology, resolved.media, &mut self.metadata_seen, findings)?;
        }
        if let Some(raw) = row.get(Field::Attachments) {
            attachment::check(raw, findings)?;
        }
        if let Some(media) = resolved.media {
            *self.report.summary.media_types.entry(media.name()).or_insert(0) += 1;
        }
        let mut valid = !findings.has_errors();
        self.row_json.clear();
        if valid {
            if findings.rewrite {
                normalize::row(&mut self.row_json, &row, resolved, &self.ontology)?;
            } else {
                if row.compact {
                    self.row_json.extend_from_slice(text.as_bytes());
                } else {
                    json::write_compact(&mut self.row_json, text);
                }
                // Every test run proves the shortcut equal to the full path.
                #[cfg(debug_assertions)]
                {
                    let mut full = Vec::new();
                    normalize::row(&mut full, &row, resolved, &self.ontology)?;
                    assert_eq!(String::from_utf8_lossy(&full), String::from_utf8_lossy(&self.row_json), "normalization shortcut");
                }
            }
        }
        if let Some(schema) = &self.schema {
            let instance = if valid { std::str::from_utf8(&self.row_json).unwrap_or(text) } else { text };
            schema.check(instance, text, findings);
            valid = valid && !findings.has_errors();
        }
        if valid && !self.chunker.limits().fits_alone(self.row_json.len()) {
            findings.error(
                Code::ROW_TOO_LARGE,
                "",
                row.offset,
                format!(
                    "the row is {} bytes as normalized JSON, over the {}-byte chunk limit; move large content to a hosted file",
                    self.row_json.len(),
                    self.chunker.limits().max_bytes
                ),
            );
            valid = false;
        }
        if valid {
            let has_metadata = metadata.is_some_and(|m| !m.text[1..].trim_start().starts_with(']'));
            self.chunker.add(index, &self.row_json, has_metadata);
        }
        Ok(valid)
    }

    fn write_normalized(&mut self, span: &Span<'_>, valid: bool) {
        let Some(out) = &mut self.normalized else { return };
        // Rows with errors are copied as written: nothing is lost, and the
        // report says what to fix.
        let body: &[u8] = if valid && span.kind == SpanKind::Json { &self.row_json } else { span.bytes };
        match span.container {
            Container::JsonArray => {
                out.extend_from_slice(if span.index == 0 { b"[\n" } else { b",\n" });
                out.extend_from_slice(body);
            }
            _ => {
                out.extend_from_slice(body);
                out.push(b'\n');
            }
        }
    }

    fn flush_findings(&mut self, span: &Span<'_>) {
        let synthetic = span.kind == SpanKind::Url;
        let mut list = std::mem::take(&mut self.findings.list);
        list.sort_by_key(|f| f.offset);
        for f in list.drain(..) {
            let (line, column) = if synthetic { (span.line, span.column) } else { position(span, f.offset as usize) };
            self.report.add(Diagnostic {
                code: f.code,
                severity: f.severity,
                row: Some(span.index),
                pointer: f.pointer,
                line,
                column,
                message: f.message,
                suggestion: f.suggestion,
            });
        }
        self.findings.list = list;
    }
}

/// Line and column of `offset` within a row that starts at the span.
fn position(span: &Span<'_>, offset: usize) -> (u64, u64) {
    let before = &span.bytes[..offset.min(span.bytes.len())];
    match memchr::memrchr(b'\n', before) {
        Some(last) => (span.line + memchr::memchr_iter(b'\n', before).count() as u64, 1 + json::chars(&before[last + 1..])),
        None => (span.line, span.column + json::chars(before)),
    }
}
