//! The pipeline every surface drives: bytes in (`push`, `finish`), report,
//! chunks and normalized manifest out.

use std::sync::Arc;

use crate::attachment;
use crate::chunk::{Chunk, Chunker, Limits};
use crate::global_key::{self, KeyIndex, Seen};
use crate::json::{self, Kind};
use crate::media::{self, MediaType};
use crate::metadata::{self, Ontology};
use crate::normalize;
use crate::probe::{self, Asset, Plan};
use crate::reader::{Container, FileProblem, Reader, Sink, Span, SpanKind};
use crate::report::{Code, Diagnostic, Findings, Report, quote};
use crate::row::{self, Field};
use crate::schema::UserSchema;
use crate::signed_url;

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
    /// Threads that check rows (native builds; 0 or 1 checks on the
    /// caller's thread). Results are the same for any number.
    pub threads: usize,
    /// The check's clock, in Unix seconds, for the signed-URL rule. `None`
    /// leaves that rule off: the CLIs and the JS layer pass the current
    /// time unless told another (`--now`), so a library caller decides.
    pub now: Option<i64>,
    /// A signed URL expiring sooner than this many days after `now` is a
    /// warning (`None`: [`signed_url::DEFAULT_MIN_DAYS`]).
    pub signed_url_min_days: Option<u32>,
    /// Collect every asset URL for a probe ([`Checker::take_plan`]).
    pub collect_assets: bool,
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

/// Where rows go once the reader has cut them out.
struct RowChecker {
    /// Checks rows here, one at a time, when there is no pool.
    rules: RowRules,
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<crate::parallel::Pool>,
    order: InOrder,
}

/// The checks that look at one row alone. They need nothing from other
/// rows, so a pool of threads can run them on many rows at once.
pub(crate) struct RowRules {
    strict: bool,
    ontology: Arc<Ontology>,
    /// Reused per row.
    pub(crate) findings: Findings,
    metadata_seen: metadata::Seen,
    /// The row's normalized JSON, when it passed the per-row checks.
    pub(crate) row_json: Vec<u8>,
    url_row: Vec<u8>,
    signed: Option<signed_url::Rule>,
    /// Collect the row's asset URLs into `assets`, for a probe.
    collect: bool,
    assets: Vec<Asset<'static>>,
}

/// What the per-row checks learned that the in-order part needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    /// No errors so far (the key may still turn out to be a duplicate).
    valid: bool,
    /// The row is a JSON object without syntax errors.
    parsed: bool,
    /// Offset of the row's opening brace.
    offset: u32,
    key: Option<KeyAt>,
    media: Option<MediaType>,
    has_metadata: bool,
}

impl Outcome {
    /// Not UTF-8, not JSON, or not an object: nothing further to check.
    const FAILED: Outcome = Outcome { valid: false, parsed: false, offset: 0, key: None, media: None, has_metadata: false };
}

/// A non-empty global key, as a place in the row's text.
#[derive(Debug, Clone, Copy)]
struct KeyAt {
    /// Offset of the string token, for the diagnostic.
    offset: u32,
    start: u32,
    end: u32,
    escaped: bool,
}

/// What must see rows in file order: duplicate keys, the user's schema,
/// chunks, the normalized manifest and the report.
pub(crate) struct InOrder {
    schema: Option<UserSchema>,
    keys: KeyIndex,
    chunker: Chunker,
    report: Report,
    normalized: Option<Vec<u8>>,
    plan: Option<Plan>,
}

impl Checker {
    pub fn new(options: Options) -> Checker {
        let mut keys = KeyIndex::default();
        for key in &options.existing_keys {
            keys.insert_existing(key);
        }
        let min_days = options.signed_url_min_days.unwrap_or(signed_url::DEFAULT_MIN_DAYS);
        let signed = options.now.map(|now| signed_url::Rule::new(now, min_days));
        let rules = RowRules::new(options.strict, Arc::new(options.ontology.unwrap_or_default()), signed, options.collect_assets);
        // The schema check sees the row as settled (duplicate keys known),
        // so it keeps rows on one thread; so does collecting assets, which
        // only a probe does, in wasm, where there are no threads anyway.
        #[cfg(not(target_arch = "wasm32"))]
        let pool = (options.threads > 1 && options.schema.is_none() && !options.collect_assets)
            .then(|| crate::parallel::Pool::new(options.threads, &rules));
        Checker {
            reader: Reader::new(),
            rows: RowChecker {
                rules,
                #[cfg(not(target_arch = "wasm32"))]
                pool,
                order: InOrder {
                    schema: options.schema,
                    keys,
                    chunker: Chunker::new(options.limits, options.emit_chunks),
                    report: Report::new(),
                    normalized: options.emit_normalized.then(Vec::new),
                    plan: options.collect_assets.then(Plan::default),
                },
            },
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.reader.push(bytes, &mut self.rows);
    }

    /// The input has ended. Calling it again does nothing.
    pub fn finish(&mut self) {
        self.reader.finish(&mut self.rows);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = &mut self.rows.pool {
            pool.drain(&mut self.rows.order);
        }
        let order = &mut self.rows.order;
        order.chunker.finish();
        order.report.chunks = order.chunker.planned().to_vec();
        if let Some(out) = &mut order.normalized {
            if self.reader.container() == Some(Container::JsonArray) {
                out.extend_from_slice(if self.reader.rows() == 0 { b"[]\n" } else { b"\n]\n" });
            }
        }
    }

    /// The next complete chunk (with `emit_chunks`), in order.
    pub fn take_chunk(&mut self) -> Option<Chunk> {
        self.rows.order.chunker.take_ready()
    }

    /// The normalized manifest produced so far (with `emit_normalized`).
    pub fn take_normalized(&mut self) -> Vec<u8> {
        self.rows.order.normalized.as_mut().map(std::mem::take).unwrap_or_default()
    }

    pub fn container(&self) -> Option<Container> {
        self.reader.container()
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.offset()
    }

    /// The report so far; with threads, rows still being checked are not in it yet.
    pub fn report(&self) -> &Report {
        &self.rows.order.report
    }

    pub fn into_report(self) -> Report {
        self.rows.order.report
    }

    /// Every asset URL of the rows read so far (with `collect_assets`),
    /// deduplicated, for a [`probe::Prober`]; taken once.
    pub fn take_plan(&mut self) -> Option<Plan> {
        self.rows.order.plan.take()
    }

    /// The report, moved out (a prober takes it rather than a copy of a
    /// report that may hold every row's diagnostics); empty afterwards.
    pub fn take_report(&mut self) -> Report {
        std::mem::take(&mut self.rows.order.report)
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
        // After every row before it, wherever those are being checked.
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = &mut self.pool {
            pool.drain(&mut self.order);
        }
        self.order.report.add(Diagnostic {
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
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = &mut self.pool {
            pool.row(span, &mut self.order);
            return;
        }
        let outcome = self.rules.check(&span);
        let parsed_text = if span.kind == SpanKind::Url { &self.rules.url_row } else { span.bytes };
        self.order.settle(&span, outcome, &mut self.rules.findings, &self.rules.row_json, parsed_text);
        if let Some(plan) = &mut self.order.plan {
            for asset in self.rules.assets.drain(..) {
                let (line, column) = if span.kind == SpanKind::Url { (span.line, span.column) } else { position(&span, asset.offset as usize) };
                plan.add(span.index, line, column, asset);
            }
        }
    }
}

impl RowRules {
    pub(crate) fn new(strict: bool, ontology: Arc<Ontology>, signed: Option<signed_url::Rule>, collect: bool) -> RowRules {
        RowRules {
            strict,
            ontology,
            findings: Findings::default(),
            metadata_seen: metadata::Seen::default(),
            row_json: Vec::new(),
            url_row: Vec::new(),
            signed,
            collect,
            assets: Vec::new(),
        }
    }

    /// The same rules with scratch space of their own, for another thread.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn for_another_thread(&self) -> RowRules {
        RowRules::new(self.strict, Arc::clone(&self.ontology), self.signed.clone(), self.collect)
    }

    /// Every check that needs only this row. Findings are left in
    /// `findings` and, when the row passed, its normalized JSON in `row_json`.
    pub(crate) fn check(&mut self, span: &Span<'_>) -> Outcome {
        self.findings.clear();
        self.row_json.clear();
        self.assets.clear();
        let text = match std::str::from_utf8(span.bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.valid_up_to();
                self.findings.error(
                    Code::FILE_ENCODING,
                    "",
                    at as u32,
                    format!("byte 0x{:02X} at file offset {} is not UTF-8; save the file as UTF-8", span.bytes[at], span.offset + at as u64),
                );
                return Outcome::FAILED;
            }
        };
        let result = match span.kind {
            SpanKind::Json => self.check_row(text),
            SpanKind::Url => {
                // A URL-list line is the row {"row_data": LINE}.
                let mut row = std::mem::take(&mut self.url_row);
                row.clear();
                row.extend_from_slice(b"{\"row_data\":");
                json::write_string(&mut row, text);
                row.push(b'}');
                let result = self.check_row(std::str::from_utf8(&row).expect("built from a str"));
                self.url_row = row;
                result
            }
        };
        result.unwrap_or_else(|e| {
            self.findings.error(Code::FILE_SYNTAX, "", e.offset as u32, format!("the row is not valid JSON: {}", e.message));
            Outcome::FAILED
        })
    }

    fn check_row(&mut self, text: &str) -> json::Result<Outcome> {
        let findings = &mut self.findings;
        let Some(row) = row::parse(text, findings)? else {
            return Ok(Outcome::FAILED);
        };
        let resolved = media::check(&row, findings)?;
        let mut key = None;
        if let Some(token) = row.string(Field::GlobalKey) {
            let value = token.value();
            global_key::check(&value, self.strict, token.offset, findings);
            if !value.is_empty() {
                let start = token.offset + 1;
                key = Some(KeyAt { offset: token.offset, start, end: start + token.raw.len() as u32, escaped: token.escaped });
            }
        }
        let metadata = row.get(Field::MetadataFields).filter(|m| m.kind == Kind::Array);
        if let Some(raw) = metadata {
            metadata::check(raw, &self.ontology, resolved.media, &mut self.metadata_seen, findings)?;
        }
        if let Some(raw) = row.get(Field::Attachments) {
            attachment::check(raw, findings)?;
        }
        // Rows without an expiry parameter anywhere in their text skip the rule.
        if let Some(rule) = self.signed.as_ref().filter(|r| r.may_apply(text.as_bytes())) {
            let mut assets = Vec::new();
            probe::assets(&row, resolved.media, false, &mut assets)?;
            for a in &assets {
                rule.check(&a.url, &|| a.pointer.clone(), a.offset, findings);
            }
        }
        if self.collect {
            let mut assets = Vec::new();
            probe::assets(&row, resolved.media, true, &mut assets)?;
            // A URL the check refused is not requested: its error says enough.
            let refused = |a: &Asset<'_>| {
                let url_error = |f: &&crate::report::Finding| matches!(f.code, Code::URL_INVALID | Code::URL_SCHEME | Code::URL_UNSUPPORTED_CHAR);
                findings.list.iter().filter(url_error).any(|f| f.pointer == a.pointer)
            };
            assets.retain(|a| !refused(a));
            self.assets.extend(assets.into_iter().map(Asset::into_owned));
        }
        let valid = !findings.has_errors();
        if valid {
            if findings.rewrite {
                normalize::row(&mut self.row_json, &row, resolved, &self.ontology)?;
            } else if row.compact {
                self.row_json.extend_from_slice(text.as_bytes());
            } else {
                json::write_compact(&mut self.row_json, text);
            }
            // Every test run proves the shortcut equal to the full path.
            #[cfg(debug_assertions)]
            if !findings.rewrite {
                let mut full = Vec::new();
                normalize::row(&mut full, &row, resolved, &self.ontology)?;
                assert_eq!(String::from_utf8_lossy(&full), String::from_utf8_lossy(&self.row_json), "normalization shortcut");
            }
        }
        let has_metadata = metadata.is_some_and(|m| !m.text[1..].trim_start().starts_with(']'));
        Ok(Outcome { valid, parsed: true, offset: row.offset, key, media: resolved.media, has_metadata })
    }
}

impl InOrder {
    /// The checks that depend on earlier rows, then the row's output.
    /// `findings` and `row_json` are what [`RowRules::check`] left;
    /// `parsed_text` is the JSON it parsed (only the schema reads it).
    pub(crate) fn settle(&mut self, span: &Span<'_>, outcome: Outcome, findings: &mut Findings, row_json: &[u8], parsed_text: &[u8]) {
        self.report.summary.rows += 1;
        let mut valid = outcome.valid;
        if let Some(key) = outcome.key {
            valid &= self.see_key(span, key, findings);
        }
        if let Some(media) = outcome.media {
            *self.report.summary.media_types.entry(media.name()).or_insert(0) += 1;
        }
        let row_json: &[u8] = if valid { row_json } else { &[] };
        if let (Some(schema), true) = (&self.schema, outcome.parsed) {
            let text = std::str::from_utf8(parsed_text).expect("a parsed row is UTF-8");
            let instance = if valid { std::str::from_utf8(row_json).expect("normalized JSON is UTF-8") } else { text };
            schema.check(instance, text, findings);
            valid = valid && !findings.has_errors();
        }
        if valid && !self.chunker.limits().fits_alone(row_json.len()) {
            findings.error(
                Code::ROW_TOO_LARGE,
                "",
                outcome.offset,
                format!(
                    "the row is {} bytes as normalized JSON, over the {}-byte chunk limit; move large content to a hosted file",
                    row_json.len(),
                    self.chunker.limits().max_bytes
                ),
            );
            valid = false;
        }
        if valid {
            self.report.summary.valid_rows += 1;
            self.chunker.add(span.index, row_json, outcome.has_metadata);
        }
        self.write_normalized(span, valid, row_json);
        self.flush_findings(span, findings);
    }

    /// Record the key; `false` when it repeats one seen before or already exists.
    fn see_key(&mut self, span: &Span<'_>, key: KeyAt, findings: &mut Findings) -> bool {
        let raw = std::str::from_utf8(&span.bytes[key.start as usize..key.end as usize]).expect("checked as UTF-8");
        let value = json::Str { raw, offset: key.offset, escaped: key.escaped }.value();
        let (code, message) = match self.keys.see(&value, span.index) {
            Seen::New => return true,
            Seen::Duplicate(first) => (
                Code::GLOBAL_KEY_DUPLICATE,
                format!("global_key {} repeats row {first} (keys compare case-insensitively); keys must be unique", quote(&value)),
            ),
            Seen::Exists => (
                Code::GLOBAL_KEY_EXISTS,
                format!("global_key {} already exists in the organization; choose another key or leave this row out", quote(&value)),
            ),
        };
        findings.error(code, "/global_key", key.offset, message);
        false
    }

    fn write_normalized(&mut self, span: &Span<'_>, valid: bool, row_json: &[u8]) {
        let Some(out) = &mut self.normalized else { return };
        // Rows with errors are copied as written: nothing is lost, and the
        // report says what to fix.
        let body: &[u8] = if valid && span.kind == SpanKind::Json { row_json } else { span.bytes };
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

    fn flush_findings(&mut self, span: &Span<'_>, findings: &mut Findings) {
        let synthetic = span.kind == SpanKind::Url;
        // Stable: findings at one offset keep the order the checks made them.
        findings.list.sort_by_key(|f| f.offset);
        for f in findings.list.drain(..) {
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
