//! The pipeline every surface drives: bytes in (`push`, `finish`), report,
//! chunks, normalized or fixed manifest out.

use std::sync::Arc;

use crate::checker::{InOrder, Inline, Role, RowRules, Runner};
use crate::chunk::{Chunk, Chunker, Limits};
use crate::existing_keys::{ExistingKeys, KeyList};
use crate::global_key::KeyIndex;
use crate::metadata::Ontology;
use crate::reader::{Container, FileProblem, Reader, Sink, Span};
use crate::report::Report;
use crate::probe::Plan;
use crate::schema::UserSchema;
use crate::signed_url;

/// How a run is configured. Misuse (an unreadable ontology, say) is an
/// error for the caller; everything about the manifest is a diagnostic.
#[derive(Debug, Default)]
pub struct Options {
    /// `GLOBAL_KEY_CHARS` and `URL_SPACE` become errors.
    pub strict: bool,
    /// Keys that already exist in the organization.
    pub existing_keys: ExistingKeys,
    pub ontology: Option<Ontology>,
    pub schema: Option<UserSchema>,
    pub limits: Limits,
    /// Keep chunk bodies for [`Checker::take_chunk`].
    pub emit_chunks: bool,
    /// Build the normalized manifest for [`Checker::take_normalized`].
    pub emit_normalized: bool,
    /// Fix the manifest: build the fixed manifest for
    /// [`Checker::take_fixed`], check it, and make that check the report,
    /// with what was changed in [`Report::fix`]. Chunks and the normalized
    /// manifest are not made.
    pub emit_fixed: bool,
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
    /// List every info about a row in `diagnostics`; by default they are
    /// only counted, per code, in `summary.infos`.
    pub verbose: bool,
}

/// `--existing-keys` already in memory: one key per line, or a JSON array
/// of strings ([`KeyList`] reads one in pieces).
pub fn parse_key_list(bytes: &[u8]) -> Result<ExistingKeys, String> {
    let mut list = KeyList::default();
    list.push(bytes)?;
    list.finish()
}

pub struct Checker {
    reader: Reader,
    rows: Rows,
    finished: bool,
    /// A fix's check of its output, fed as the output is written.
    recheck: Option<Box<Checker>>,
    /// The fixed manifest not yet taken.
    fixed: Vec<u8>,
}

/// Where rows go once the reader has cut them out.
struct Rows {
    runner: Box<dyn Runner>,
    order: InOrder,
}

/// Rows on a pool of `threads`, or on the caller's thread.
fn runner(rules: RowRules, threads: Option<usize>) -> Box<dyn Runner> {
    match threads {
        #[cfg(not(target_arch = "wasm32"))]
        Some(threads) => Box::new(crate::parallel::Pool::new(threads, rules)),
        _ => Box::new(Inline(rules)),
    }
}

impl Checker {
    pub fn new(mut options: Options) -> Checker {
        let ontology = Arc::new(options.ontology.take().unwrap_or_default());
        let schema = options.schema.take().map(Arc::new);
        let existing = Arc::new(std::mem::take(&mut options.existing_keys));
        if !options.emit_fixed {
            return Checker::build(&options, ontology, schema, existing, Role::Check);
        }
        (options.emit_chunks, options.emit_normalized, options.collect_assets) = (false, false, false);
        // The output is checked as `check` would check it, with the same rules.
        let recheck = Checker::build(&options, Arc::clone(&ontology), schema.clone(), Arc::clone(&existing), Role::Recheck);
        Checker { recheck: Some(Box::new(recheck)), ..Checker::build(&options, ontology, schema, existing, Role::Fix) }
    }

    fn build(options: &Options, ontology: Arc<Ontology>, schema: Option<Arc<UserSchema>>, existing: Arc<ExistingKeys>, role: Role) -> Checker {
        let keys = KeyIndex::new(existing);
        let min_days = options.signed_url_min_days.unwrap_or(signed_url::DEFAULT_MIN_DAYS);
        let signed = options.now.map(|now| signed_url::Rule::new(now, min_days));
        let rules = RowRules::new(options.strict, ontology, signed, options.collect_assets);
        // wasm32-unknown-unknown has no threads; a Worker takes the page's
        // checks off its thread instead. Collecting assets, which only a
        // probe does, keeps rows on one thread too.
        let pooled = cfg!(not(target_arch = "wasm32")) && options.threads > 1 && !options.collect_assets;
        let runner = runner(rules, pooled.then_some(options.threads));
        let chunker = Chunker::new(options.limits, options.emit_chunks);
        let order = InOrder::new(schema, keys, chunker, options.emit_normalized, options.collect_assets, role, options.verbose);
        Checker { reader: Reader::new(), rows: Rows { runner, order }, finished: false, recheck: None, fixed: Vec::new() }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.rows.order.fix_input(bytes);
        self.reader.push(bytes, &mut self.rows);
        self.forward();
    }

    /// A fix's output written so far goes to its re-check, and to the caller.
    fn forward(&mut self) {
        let Some(recheck) = &mut self.recheck else { return };
        let (bytes, changes) = self.rows.order.take_fixed();
        recheck.rows.order.expect_changes(changes);
        recheck.push(&bytes);
        if self.fixed.is_empty() {
            self.fixed = bytes;
        } else {
            self.fixed.extend_from_slice(&bytes);
        }
    }

    /// The input has ended. Calling it again does nothing.
    pub fn finish(&mut self) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        self.reader.finish(&mut self.rows);
        self.rows.runner.drain(&mut self.rows.order);
        self.rows.order.finish(self.reader.container(), self.reader.rows());
        self.forward();
        if let Some(recheck) = &mut self.recheck {
            recheck.finish();
            let changes = recheck.rows.order.take_changes();
            self.rows.order.fixed(recheck.take_report(), changes);
        }
    }

    /// The fixed manifest produced since the last call (with
    /// `emit_fixed`); like chunks, void once [`Checker::file_failed`].
    pub fn take_fixed(&mut self) -> Vec<u8> {
        if self.file_failed() {
            self.fixed = Vec::new();
        }
        std::mem::take(&mut self.fixed)
    }

    /// The next complete chunk (with `emit_chunks`), in order.
    ///
    /// Chunks leave as they fill, before the end of the input is known to
    /// be sound: once [`Checker::file_failed`] is true there are no more,
    /// and the caller must discard those it took.
    pub fn take_chunk(&mut self) -> Option<Chunk> {
        self.rows.order.take_chunk()
    }

    /// The normalized manifest produced since the last call (with
    /// `emit_normalized`); like chunks, void once [`Checker::file_failed`].
    pub fn take_normalized(&mut self) -> Vec<u8> {
        self.rows.order.take_normalized()
    }

    /// The file itself could not be read as a manifest (truncated, broken
    /// between rows, not UTF-8, not a manifest): no chunk and no normalized
    /// byte of it may be used, including those already taken. It can turn
    /// true at any push and at `finish`.
    pub fn file_failed(&self) -> bool {
        self.rows.order.report().file_failed()
    }

    pub fn container(&self) -> Option<Container> {
        self.reader.container()
    }

    pub fn bytes_read(&self) -> u64 {
        self.reader.offset()
    }

    /// The report so far; with threads, rows still being checked are not in it yet.
    /// A fix's report is its output's: until `finish`, the output's so far.
    pub fn report(&self) -> &Report {
        match &self.recheck {
            Some(recheck) if !self.finished => recheck.report(),
            _ => self.rows.order.report(),
        }
    }

    pub fn into_report(self) -> Report {
        self.rows.order.into_report()
    }

    /// Every asset URL of the rows read so far (with `collect_assets`),
    /// deduplicated, for a [`probe::Prober`]; taken once.
    pub fn take_plan(&mut self) -> Option<Plan> {
        self.rows.order.take_plan()
    }

    /// The report, moved out (a prober takes it rather than a copy of a
    /// report that may hold every row's diagnostics); empty afterwards.
    pub fn take_report(&mut self) -> Report {
        self.rows.order.take_report()
    }
}

/// Check a whole manifest held in memory.
pub fn check(bytes: &[u8], options: Options) -> Report {
    let mut checker = Checker::new(options);
    checker.push(bytes);
    checker.finish();
    checker.into_report()
}

/// Fix a whole manifest held in memory: the fixed manifest (`None` when
/// the file itself failed) and its report, with what changed in
/// [`Report::fix`].
pub fn fix(bytes: &[u8], options: Options) -> (Option<Vec<u8>>, Report) {
    let mut checker = Checker::new(Options { emit_fixed: true, ..options });
    checker.push(bytes);
    checker.finish();
    let fixed = checker.take_fixed();
    let report = checker.into_report();
    (if report.file_failed() { None } else { Some(fixed) }, report)
}

impl Sink for Rows {
    fn file(&mut self, p: FileProblem) {
        // After every row before it, wherever those are being checked.
        self.runner.drain(&mut self.order);
        self.order.file_problem(p);
    }

    fn row(&mut self, span: Span<'_>) {
        self.runner.row(span, &mut self.order);
    }

    fn row_open(&mut self, text: &str, span: Span<'_>) -> Option<usize> {
        self.runner.row_open(text, span, &mut self.order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_fails_voids_its_output_wherever_the_failure_shows() {
        let rows: String = (0..6).map(|i| format!("{{\"row_data\":\"https://h.example/{i}.png\"}},\n")).collect();
        for (input, at_push) in [(format!("[\n{rows}{{\"row_data\":\"https://h.exa"), false), (format!("[\n{rows}]\n]"), true)] {
            let limits = Limits { max_rows: Some(2), ..Limits::default() };
            let mut checker = Checker::new(Options { limits, emit_chunks: true, emit_normalized: true, ..Options::default() });
            let (head, tail) = input.split_at(rows.len() / 2);
            checker.push(head.as_bytes());
            assert!(checker.take_chunk().is_some(), "chunks leave as they fill");
            assert!(!checker.take_normalized().is_empty());
            checker.push(tail.as_bytes());
            assert_eq!(checker.file_failed(), at_push, "{input}");
            checker.finish();
            assert!(checker.file_failed());
            assert!(checker.take_chunk().is_none() && checker.take_normalized().is_empty(), "nothing more after the failure");
            let report = checker.into_report();
            assert!(report.summary.file_failed && report.chunks.is_empty());
            assert_eq!(report.summary.valid_rows, 6, "the rows' own findings stay");
        }
    }
}
