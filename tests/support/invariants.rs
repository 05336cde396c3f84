//! What must hold for any input whatsoever; shared by the stable fuzz test
//! and the cargo-fuzz target (included with `#[path]`).

#![allow(dead_code)]

use rowcheck::{Checker, Limits, Options, Report, Severity};

pub struct Outcome {
    pub report: Report,
    pub chunks: Vec<Vec<u8>>,
    pub normalized: Vec<u8>,
}

pub fn options(limits: Limits) -> Options {
    Options { limits, emit_chunks: true, emit_normalized: true, ..Options::default() }
}

/// Run the whole pipeline, feeding `input` in pieces cut at `cuts`.
pub fn run(input: &[u8], cuts: &[usize], limits: Limits) -> Outcome {
    let mut checker = Checker::new(options(limits));
    let mut chunks = Vec::new();
    let mut normalized = Vec::new();
    let mut from = 0;
    let mut sorted: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    sorted.sort_unstable();
    let mut take = |checker: &mut Checker| {
        let failed = checker.file_failed();
        let before = (chunks.len(), normalized.len());
        while let Some(c) = checker.take_chunk() {
            chunks.push(c.bytes);
        }
        normalized.extend(checker.take_normalized());
        assert!(!failed || before == (chunks.len(), normalized.len()), "output after the file failed");
    };
    for cut in sorted.into_iter().chain([input.len()]) {
        checker.push(&input[from..cut.max(from)]);
        from = cut.max(from);
        take(&mut checker);
    }
    checker.finish();
    take(&mut checker);
    Outcome { report: checker.into_report(), chunks, normalized }
}

/// Check every invariant of one input; panics with a reason if one fails.
pub fn check_invariants(input: &[u8], cuts: &[usize]) {
    let limits = Limits { max_rows: Some(3), max_bytes: 2_000 };
    let whole = run(input, &[], limits);
    let pieces = run(input, cuts, limits);
    assert_eq!(whole.report, pieces.report, "streaming changed the report");
    let r = &whole.report;
    if r.file_failed() {
        // A file that fails has no output: none is handed out once the
        // failure shows (`run` asserts it), and what was handed out before
        // is void, as the report says.
        assert!(r.chunks.is_empty(), "chunks planned for a file that failed");
        assert!(r.diagnostics.iter().any(|d| d.row.is_none() && d.severity == Severity::Error));
    } else {
        assert_eq!(whole.chunks, pieces.chunks, "streaming changed the chunks");
        assert_eq!(whole.normalized, pieces.normalized, "streaming changed the normalized manifest");
    }

    let s = &r.summary;
    assert!(s.valid_rows <= s.rows);
    assert_eq!(s.errors, r.diagnostics.iter().filter(|d| d.severity == Severity::Error).count() as u64);
    let lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    for d in &r.diagnostics {
        assert!(d.line >= 1 && d.line <= lines && d.column >= 1, "bad position {d:?}");
        assert!(d.row.is_none_or(|row| row < s.rows), "row out of range {d:?}");
        assert!(d.offset + d.length <= input.len() as u64 && (d.row.is_some() || d.length == 0), "bad row span {d:?}");
        assert!(!d.message.is_empty());
    }
    let mut chunk_rows = 0;
    let mut next_first = 0;
    if r.file_failed() {
        return;
    }
    for (chunk, info) in whole.chunks.iter().zip(&r.chunks) {
        assert_eq!(chunk.len() as u64, info.bytes);
        assert!(info.bytes <= limits.max_bytes && info.rows <= 3);
        assert!(info.first_row >= next_first, "chunks out of order");
        next_first = info.first_row + 1;
        let rows: Vec<serde_json::Value> = serde_json::from_slice(chunk).expect("a chunk is a JSON array");
        assert_eq!(rows.len() as u64, info.rows);
        assert!(rows.iter().all(|row| row.is_object() && row.get("row_data").is_some()));
        chunk_rows += info.rows;
    }
    assert_eq!(whole.chunks.len(), r.chunks.len());
    assert_eq!(chunk_rows, s.valid_rows, "every valid row is in exactly one chunk");
}
