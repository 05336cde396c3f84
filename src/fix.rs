//! `rowcheck fix`: the manifest with every safe fix applied.
//!
//! The output is the input, byte for byte, except the tokens a fix edits:
//! a row without an applicable fix, the whitespace between rows and the
//! container around them are copied as they are. Fixes come from the
//! findings the checks make ([`crate::report::Fix`]); the pipeline then
//! checks the output again, so what the report says is left is what a
//! check of the fixed file says.

use std::collections::VecDeque;

use crate::global_key::KeyIndex;
use crate::json::{Cursor, Kind};
use crate::reader::{Span, SpanKind};
use crate::report::{Change, Code, Edit, Finding, Op};

/// Where the rules find a URL-list line's URL in the row they check,
/// `{"row_data":LINE}`: the string token after the key.
const URL_ROW_VALUE: u32 = b"{\"row_data\":".len() as u32;

/// One edit to make, and the findings it fixes.
struct Planned<'f> {
    edit: &'f Edit,
    codes: Vec<Code>,
    pointer: &'f str,
}

/// A change made, waiting for its place in the output: the re-check of
/// the output knows where each row lands.
#[derive(Debug)]
pub(crate) struct Pending {
    row: u64,
    /// Where the new token starts in the fixed row's text.
    offset: usize,
    change: Change,
}

/// The first pass of a fix: sees every row in order with its findings,
/// and writes the output.
pub(crate) struct Fixer {
    /// Input not yet copied to the output, from absolute offset `base`.
    pending: Vec<u8>,
    base: u64,
    /// Absolute offset up to which the input is accounted for.
    copied: u64,
    out: Vec<u8>,
    changes: Vec<Pending>,
    /// The keys fixes gave rows, folded: a fixed key must not repeat one.
    fixed_keys: KeyIndex,
    rows_changed: u64,
    /// The file itself failed: nothing more is written.
    void: bool,
}

impl Fixer {
    pub(crate) fn new() -> Fixer {
        Fixer { pending: Vec::new(), base: 0, copied: 0, out: Vec::new(), changes: Vec::new(), fixed_keys: KeyIndex::default(), rows_changed: 0, void: false }
    }

    /// Input bytes, in order, before the reader sees them.
    pub(crate) fn input(&mut self, bytes: &[u8]) {
        if self.void {
            return;
        }
        let done = (self.copied - self.base) as usize;
        if done > 0 {
            self.pending.drain(..done);
            self.base = self.copied;
        }
        self.pending.extend_from_slice(bytes);
    }

    /// Copy the input up to absolute offset `to`.
    fn copy_to(&mut self, to: u64) {
        let (from, to) = ((self.copied - self.base) as usize, (to - self.base) as usize);
        self.out.extend_from_slice(&self.pending[from..to]);
        self.copied = self.base + to as u64;
    }

    /// A settled row: its fixes applied, or the row copied as it is.
    /// `keys` holds every earlier row's key as written (and the existing
    /// keys).
    pub(crate) fn row(&mut self, span: &Span<'_>, findings: &[Finding], keys: &KeyIndex) {
        if self.void {
            return;
        }
        self.copy_to(span.offset);
        let end = span.offset + span.bytes.len() as u64;
        let planned = self.plan(findings, keys);
        if planned.is_empty() {
            self.copy_to(end);
            return;
        }
        let text = std::str::from_utf8(span.bytes).expect("a row with findings to fix parsed as UTF-8");
        let before = self.changes.len();
        match span.kind {
            SpanKind::Json => self.splice(span.index, text, &planned),
            SpanKind::Url => self.url_line(span.index, text, &planned),
        }
        if self.changes.len() == before {
            self.copy_to(end);
            return;
        }
        self.copied = end;
        self.rows_changed += 1;
        for c in &self.changes[before..] {
            if let (true, serde_json::Value::String(key)) = (c.change.codes.contains(&Code::GLOBAL_KEY_WHITESPACE), &c.change.after) {
                self.fixed_keys.see(key, span.index);
            }
        }
    }

    /// The edits to make: every applicable fix once (one edit may fix
    /// several findings), in text order. A key fix is held back when the
    /// fixed key is already taken, and edits of one token that disagree
    /// are all held back: which one is right is not known.
    fn plan<'f>(&self, findings: &'f [Finding], keys: &KeyIndex) -> Vec<Planned<'f>> {
        let mut planned: Vec<Planned<'f>> = Vec::new();
        let mut conflicts = Vec::new();
        for f in findings {
            let Some(fix) = f.fix.as_ref().filter(|fix| fix.apply) else { continue };
            if f.code == Code::GLOBAL_KEY_WHITESPACE && self.key_taken(&fix.edit, keys) {
                continue;
            }
            match planned.iter_mut().find(|p| p.edit.at() == fix.edit.at()) {
                Some(p) if *p.edit == fix.edit => {
                    if !p.codes.contains(&f.code) {
                        p.codes.push(f.code);
                    }
                }
                Some(_) => conflicts.push(fix.edit.at()),
                None => planned.push(Planned { edit: &fix.edit, codes: vec![f.code], pointer: &f.pointer }),
            }
        }
        debug_assert!(conflicts.is_empty(), "fixes of one token disagree: {findings:?}");
        planned.retain(|p| !conflicts.contains(&p.edit.at()));
        crate::order::sort_by_key(&mut planned, |p| p.edit.at());
        planned
    }

    fn key_taken(&self, edit: &Edit, keys: &KeyIndex) -> bool {
        let Edit::Replace { json, .. } = edit else { return true };
        let Some(key) = crate::json::string_value(json) else { return true };
        // The fixed key has no whitespace to trim, so it is never the
        // written key of a row that a fix changed: `keys` holds it only
        // for a row that keeps it.
        keys.contains(&key) || self.fixed_keys.contains(&key)
    }

    /// A JSON row with the planned edits made.
    fn splice(&mut self, row: u64, text: &str, planned: &[Planned<'_>]) {
        let mut fixed = String::with_capacity(text.len() + 16);
        let mut from = 0;
        let mut made = Vec::with_capacity(planned.len());
        for p in planned {
            let at = p.edit.at() as usize;
            let Some(token) = token(text, at) else {
                debug_assert!(false, "no token at {at} of {text:?} for {:?}", p.edit);
                continue;
            };
            fixed.push_str(&text[from..at]);
            let (op, before, after, new) = match p.edit {
                Edit::Replace { json, .. } => (Op::Replace, value(token), value(json), json.as_str()),
                Edit::Rename { from, to, .. } => (Op::Rename, from.as_str().into(), to.as_str().into(), ""),
            };
            let offset = fixed.len();
            match p.edit {
                Edit::Replace { .. } => fixed.push_str(new),
                Edit::Rename { to, .. } => {
                    let mut key = Vec::with_capacity(to.len() + 2);
                    crate::json::write_string(&mut key, to);
                    fixed.push_str(std::str::from_utf8(&key).expect("written from a str"));
                }
            }
            from = at + token.len();
            made.push(Pending { row, offset, change: change(row, p, op, before, after) });
        }
        fixed.push_str(&text[from..]);
        self.out.extend_from_slice(fixed.as_bytes());
        self.changes.extend(made);
    }

    /// A URL-list line: the fixed URL is the line.
    fn url_line(&mut self, row: u64, line: &str, planned: &[Planned<'_>]) {
        let [p] = planned else { return };
        let Edit::Replace { at: URL_ROW_VALUE, json, .. } = p.edit else { return };
        let Some(url) = crate::json::string_value(json) else { return };
        // A line holds one URL: nothing that would end it or blank it.
        if url.is_empty() || url.contains(['\n', '\r']) || url.trim() != url {
            return;
        }
        self.out.extend_from_slice(url.as_bytes());
        self.changes.push(Pending { row, offset: 0, change: change(row, p, Op::Replace, line.into(), url.into()) });
    }

    /// Every row is settled: the rest of the input (the end of an array,
    /// trailing blanks).
    pub(crate) fn finish(&mut self) {
        if !self.void {
            let end = self.base + self.pending.len() as u64;
            self.copy_to(end);
        }
    }

    /// The file itself failed: no output, now or later.
    pub(crate) fn void(&mut self) {
        self.void = true;
        self.pending = Vec::new();
        self.out = Vec::new();
        self.changes.clear();
    }

    /// The output written since the last call, and the changes in it.
    pub(crate) fn take(&mut self) -> (Vec<u8>, Vec<Pending>) {
        (std::mem::take(&mut self.out), std::mem::take(&mut self.changes))
    }

    pub(crate) fn rows_changed(&self) -> u64 {
        self.rows_changed
    }
}

fn change(row: u64, p: &Planned<'_>, op: Op, before: serde_json::Value, after: serde_json::Value) -> Change {
    Change { row, pointer: p.pointer.to_string(), op, codes: p.codes.clone(), line: 0, column: 0, before, after }
}

/// The scalar JSON token (a value, or a key) that starts at `at`: fixes
/// never replace an object or an array.
fn token(text: &str, at: usize) -> Option<&str> {
    let mut cursor = Cursor::new(text.get(at..)?);
    let scalar = !matches!(cursor.peek().ok()?, Kind::Object | Kind::Array);
    scalar.then(|| cursor.value().ok().map(|raw| raw.text)).flatten()
}

fn value(json: &str) -> serde_json::Value {
    crate::json::to_value(&crate::json::whole(json).expect("a token of a parsed row, or JSON a fix wrote"))
}

/// The re-check's side: each change placed in the output as its row is
/// settled there.
#[derive(Debug, Default)]
pub(crate) struct Placed {
    waiting: VecDeque<Pending>,
    done: Vec<Change>,
}

impl Placed {
    pub(crate) fn expect(&mut self, changes: Vec<Pending>) {
        self.waiting.extend(changes);
    }

    /// `span` is settled in the output: the changes made in it get their
    /// line and column there.
    pub(crate) fn settle(&mut self, span: &Span<'_>, mut position: impl FnMut(usize) -> (u64, u64)) {
        while self.waiting.front().is_some_and(|p| p.row == span.index) {
            let mut p = self.waiting.pop_front().expect("just seen");
            (p.change.line, p.change.column) = match span.kind {
                SpanKind::Json => position(p.offset),
                SpanKind::Url => (span.line, span.column),
            };
            self.done.push(p.change);
        }
    }

    /// Every change, placed.
    pub(crate) fn finish(&mut self) -> Vec<Change> {
        debug_assert!(self.waiting.is_empty(), "changes in rows the output does not have: {:?}", self.waiting);
        std::mem::take(&mut self.done)
    }
}
