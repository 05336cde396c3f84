//! Checking rows: the rules that look at one row alone ([`RowRules`]), what
//! must see the rows in file order ([`InOrder`]), and the [`Runner`]
//! between them, which checks rows on the caller's thread ([`Inline`]) or
//! on a pool (`parallel::Pool`) and hands each result to the one
//! [`InOrder::settle`], in order.

use std::collections::HashSet;
use std::sync::Arc;

use crate::attachment;
use crate::chunk::{Chunk, Chunker};
use crate::embedding;
use crate::fix::{Fixer, Pending, Placed};
use crate::global_key::{self, KeyIndex, Seen};
use crate::json::{self, Kind};
use crate::media::{self, MediaType};
use crate::metadata::{self, Ontology};
use crate::normalize;
use crate::probe::{self, Asset, Plan};
use crate::reader::{Container, FileProblem, Span, SpanKind};
use crate::report::{Change, Code, Diagnostic, FixSummary, Findings, Report, quote};
use crate::row::{self, Field};
use crate::schema::UserSchema;
use crate::signed_url;

/// Where the per-row checks run. Either way every row's result reaches
/// [`InOrder::settle`] in file order, so the results do not depend on it.
pub(crate) trait Runner {
    /// Check `span`; its result is settled into `order` now or by a later
    /// call, in file order.
    fn row(&mut self, span: Span<'_>, order: &mut InOrder);
    /// A row whose end is not known yet (see [`crate::reader::Sink::row_open`]):
    /// its length when it was taken. A pool needs each row's bytes before
    /// it checks them, so only the caller's thread takes rows this way.
    fn row_open(&mut self, _text: &str, _span: Span<'_>, _order: &mut InOrder) -> Option<usize> {
        None
    }
    /// Settle every row given so far.
    fn drain(&mut self, order: &mut InOrder);
}

/// Rows checked on the caller's thread, one at a time.
pub(crate) struct Inline(pub(crate) RowRules);

impl Runner for Inline {
    fn row(&mut self, span: Span<'_>, order: &mut InOrder) {
        let outcome = self.0.check(&span);
        order.settle(&span, outcome, &mut self.0.findings, &self.0.row_json);
        order.add_assets(&span, &mut self.0.assets);
    }

    fn row_open(&mut self, text: &str, span: Span<'_>, order: &mut InOrder) -> Option<usize> {
        let (outcome, len) = self.0.check_open(text)?;
        let span = Span { bytes: &span.bytes[..len], ..span };
        order.settle(&span, outcome, &mut self.0.findings, &self.0.row_json);
        order.add_assets(&span, &mut self.0.assets);
        Some(len)
    }

    fn drain(&mut self, _: &mut InOrder) {}
}

/// A URL-list line as the row it stands for, `{"row_data": LINE}`: what the
/// rules parse and what the schema sees.
fn url_row(out: &mut Vec<u8>, line: &str) {
    out.clear();
    out.extend_from_slice(b"{\"row_data\":");
    json::write_string(out, line);
    out.push(b'}');
}

/// The checks that look at one row alone. They need nothing from other
/// rows, so a pool of threads can run them on many rows at once.
pub(crate) struct RowRules {
    strict: bool,
    ontology: Arc<Ontology>,
    /// Reused per row.
    pub(crate) findings: Findings,
    metadata_seen: metadata::Seen,
    media_scratch: media::Scratch,
    embedding_seen: metadata::Seen,
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
/// chunks, the normalized manifest, a fix's output and the report.
pub(crate) struct InOrder {
    schema: Option<Arc<UserSchema>>,
    keys: KeyIndex,
    chunker: Chunker,
    report: Report,
    normalized: Option<Vec<u8>>,
    /// Scratch for a URL-list row the schema checks.
    url_row: Vec<u8>,
    /// Every asset URL so far, for a probe.
    plan: Option<Plan>,
    /// A fix's first pass: the output, written as rows settle.
    fixer: Option<Fixer>,
    /// A fix's re-check of its output: where each change landed.
    placed: Option<Placed>,
}

/// What an [`InOrder`] does besides checking.
pub(crate) enum Role {
    Check,
    /// Write the fixed manifest.
    Fix,
    /// Check a fix's output, placing its changes.
    Recheck,
}

impl RowRules {
    pub(crate) fn new(strict: bool, ontology: Arc<Ontology>, signed: Option<signed_url::Rule>, collect: bool) -> RowRules {
        RowRules {
            strict,
            ontology,
            findings: Findings { strict, ..Findings::default() },
            metadata_seen: metadata::Seen::default(),
            embedding_seen: metadata::Seen::default(),
            media_scratch: media::Scratch::default(),
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
            SpanKind::Json => self.check_row(text, true).map(|(outcome, _)| outcome),
            // A URL list holds URLs only: a line of text is an error, never a TEXT row.
            SpanKind::Url if !crate::url::looks_like_url(text) => {
                self.findings.error(Code::URL_INVALID, "/row_data", 0, crate::url::not_a_url_line(text));
                return Outcome::FAILED;
            }
            SpanKind::Url => {
                let mut row = std::mem::take(&mut self.url_row);
                url_row(&mut row, text);
                let result = self.check_row(std::str::from_utf8(&row).expect("built from a str"), true).map(|(outcome, _)| outcome);
                self.url_row = row;
                result
            }
        };
        result.unwrap_or_else(|e| {
            self.findings.error(Code::FILE_SYNTAX, "", e.offset as u32, format!("the row is not valid JSON: {}", e.message));
            Outcome::FAILED
        })
    }

    /// [`RowRules::check`] on the object at the start of `text`, which runs
    /// on past the row's end: the outcome and the row's length. `None` when
    /// the row does not parse, for the caller to find its end and check it
    /// again the usual way, which then makes the diagnostics.
    pub(crate) fn check_open(&mut self, text: &str) -> Option<(Outcome, usize)> {
        self.findings.clear();
        self.row_json.clear();
        self.assets.clear();
        self.check_row(text, false).ok()
    }

    /// The checks of one row's JSON text: with `whole`, `text` is the row;
    /// otherwise the row is the object `text` starts with. The outcome, and
    /// how long the row's text is.
    fn check_row(&mut self, text: &str, whole: bool) -> json::Result<(Outcome, usize)> {
        let findings = &mut self.findings;
        let Some(row) = row::parse(text, whole, findings)? else {
            return Ok((Outcome::FAILED, text.len()));
        };
        let text = &text[..row.end];
        let resolved = media::check(&row, &mut self.media_scratch, findings)?;
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
            metadata::check(raw, row.pointer(Field::MetadataFields), &self.ontology, resolved, &mut self.metadata_seen, findings)?;
        }
        if let Some(raw) = row.get(Field::Embeddings).filter(|e| e.kind == Kind::Array) {
            embedding::check(raw, row.pointer(Field::Embeddings), &mut self.embedding_seen, findings)?;
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
            // A set, as a row may hold 200,000 attachments with as many errors.
            let url_error = |f: &&crate::report::Finding| matches!(f.code, Code::URL_INVALID | Code::URL_SCHEME | Code::URL_UNSUPPORTED_CHAR);
            let refused: HashSet<&str> = findings.list.iter().filter(url_error).map(|f| f.pointer.as_str()).collect();
            assets.retain(|a| !refused.contains(a.pointer.as_str()));
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
        Ok((Outcome { valid, parsed: true, offset: row.offset, key, media: resolved.media, has_metadata }, text.len()))
    }
}

impl InOrder {
    pub(crate) fn new(schema: Option<Arc<UserSchema>>, keys: KeyIndex, chunker: Chunker, emit_normalized: bool, collect_assets: bool, role: Role, verbose: bool) -> InOrder {
        InOrder {
            schema,
            keys,
            chunker,
            report: Report::new(verbose),
            normalized: emit_normalized.then(Vec::new),
            url_row: Vec::new(),
            plan: collect_assets.then(Plan::default),
            fixer: matches!(role, Role::Fix).then(Fixer::new),
            placed: matches!(role, Role::Recheck).then(Placed::default),
        }
    }

    /// A fix's input, before the reader cuts it into rows.
    pub(crate) fn fix_input(&mut self, bytes: &[u8]) {
        if let Some(fixer) = &mut self.fixer {
            fixer.input(bytes);
        }
    }

    /// A fix's output written since the last call, and its changes.
    pub(crate) fn take_fixed(&mut self) -> (Vec<u8>, Vec<Pending>) {
        self.fixer.as_mut().map(Fixer::take).unwrap_or_default()
    }

    /// The changes in the output this re-check is about to read.
    pub(crate) fn expect_changes(&mut self, changes: Vec<Pending>) {
        if let Some(placed) = &mut self.placed {
            placed.expect(changes);
        }
    }

    /// The end of a fix: `recheck` is the output's report, with the
    /// changes placed in it. It becomes this run's report, unless the
    /// file itself failed (then the input's report stays, and nothing
    /// was fixed).
    pub(crate) fn fixed(&mut self, mut recheck: Report, changes: Vec<Change>) {
        let input = &self.report.summary;
        let (input_errors, input_warnings) = (input.errors, input.warnings);
        if self.report.file_failed() {
            self.report.fix = Some(FixSummary { input_errors, input_warnings, ..FixSummary::default() });
            return;
        }
        let rows_changed = self.fixer.as_ref().map_or(0, Fixer::rows_changed);
        recheck.fix = Some(FixSummary { changes, rows_changed, input_errors, input_warnings });
        self.report = recheck;
    }

    /// A re-check's changes, placed; taken once.
    pub(crate) fn take_changes(&mut self) -> Vec<Change> {
        self.placed.as_mut().map(Placed::finish).unwrap_or_default()
    }

    /// A settled row's asset URLs, into the probe's plan (when collecting).
    pub(crate) fn add_assets(&mut self, span: &Span<'_>, assets: &mut Vec<Asset<'static>>) {
        let Some(plan) = &mut self.plan else { return };
        let mut positions = Positions::new(span);
        for asset in assets.drain(..) {
            let (line, column) = if span.kind == SpanKind::Url { (span.line, span.column) } else { positions.of(asset.offset as usize) };
            plan.add(span.index, (span.offset, span.bytes.len() as u64), line, column, asset);
        }
    }

    pub(crate) fn take_plan(&mut self) -> Option<Plan> {
        self.plan.take()
    }

    /// The report, moved out; empty afterwards.
    pub(crate) fn take_report(&mut self) -> Report {
        std::mem::take(&mut self.report)
    }

    /// A problem with the file itself, once every row before it is settled.
    pub(crate) fn file_problem(&mut self, p: FileProblem) {
        self.report.add(Diagnostic {
            code: p.code,
            severity: p.severity,
            row: None,
            pointer: String::new(),
            line: p.line,
            column: p.column,
            offset: p.offset,
            length: 0,
            message: p.message,
            suggestion: None,
        });
        if self.report.file_failed() {
            // Output already taken cannot be recalled: the caller learns
            // from `file_failed` to discard it. What is still here goes.
            self.chunker.discard();
            self.normalized = None;
            if let Some(fixer) = &mut self.fixer {
                fixer.void();
            }
        }
    }

    /// Every row is settled: close the last chunk and the array.
    pub(crate) fn finish(&mut self, container: Option<Container>, rows: u64) {
        self.chunker.finish();
        self.report.chunks = self.chunker.planned().to_vec();
        if let (Some(out), Some(Container::JsonArray)) = (&mut self.normalized, container) {
            out.extend_from_slice(if rows == 0 { b"[]\n" } else { b"\n]\n" });
        }
        if let Some(fixer) = &mut self.fixer {
            fixer.finish();
        }
    }

    pub(crate) fn take_chunk(&mut self) -> Option<Chunk> {
        self.chunker.take_ready()
    }

    pub(crate) fn take_normalized(&mut self) -> Vec<u8> {
        self.normalized.as_mut().map(std::mem::take).unwrap_or_default()
    }

    pub(crate) fn report(&self) -> &Report {
        &self.report
    }

    pub(crate) fn into_report(self) -> Report {
        self.report
    }

    /// The checks that depend on earlier rows, then the row's output.
    /// `findings` and `row_json` are what [`RowRules::check`] left.
    pub(crate) fn settle(&mut self, span: &Span<'_>, outcome: Outcome, findings: &mut Findings, row_json: &[u8]) {
        debug_assert!(!self.report.file_failed(), "the reader hands on no row after a file-level error");
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
            // The JSON the rules parsed, rebuilt from the span wherever they ran.
            let text = std::str::from_utf8(span.bytes).expect("a parsed row is UTF-8");
            let text = match span.kind {
                SpanKind::Json => text,
                SpanKind::Url => {
                    url_row(&mut self.url_row, text);
                    std::str::from_utf8(&self.url_row).expect("built from a str")
                }
            };
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
        if let Some(fixer) = &mut self.fixer {
            fixer.row(span, &findings.list, &self.keys);
        }
        if let Some(placed) = &mut self.placed {
            let mut positions = Positions::new(span);
            placed.settle(span, |offset| positions.of(offset));
        }
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
        crate::order::sort_by_key(&mut findings.list, |f| f.offset);
        let mut positions = Positions::new(span);
        for f in findings.list.drain(..) {
            let (line, column) = if synthetic { (span.line, span.column) } else { positions.of(f.offset as usize) };
            self.report.add(Diagnostic {
                code: f.code,
                severity: f.severity,
                row: Some(span.index),
                pointer: f.pointer,
                line,
                column,
                offset: span.offset,
                length: span.bytes.len() as u64,
                message: f.message,
                suggestion: f.suggestion,
            });
        }
    }
}

/// Line and column of offsets within a row that starts at the span, each
/// found by walking on from the one asked for before: linear in the row when
/// the offsets come in order (a row may hold 200,000 findings or assets).
struct Positions<'s, 'b> {
    span: &'s Span<'b>,
    at: usize,
    line: u64,
    column: u64,
}

impl<'s, 'b> Positions<'s, 'b> {
    fn new(span: &'s Span<'b>) -> Self {
        Positions { span, at: 0, line: span.line, column: span.column }
    }

    fn of(&mut self, offset: usize) -> (u64, u64) {
        let offset = offset.min(self.span.bytes.len());
        if offset < self.at {
            *self = Positions::new(self.span);
        }
        let between = &self.span.bytes[self.at..offset];
        match memchr::memrchr(b'\n', between) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', between).count() as u64;
                self.column = 1 + json::chars(&between[last + 1..]);
            }
            None => self.column += json::chars(between),
        }
        self.at = offset;
        (self.line, self.column)
    }
}
