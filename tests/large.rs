//! A generated 200,000-row mixed manifest: every planted error is found with
//! its code and row, nothing else is an error, and the chunks hold the rest.

#[path = "support/manifest.rs"]
mod manifest;

use rowcheck::{Options, Severity};

#[test]
fn two_hundred_thousand_mixed_rows() {
    for ndjson in [false, true] {
        let generated = manifest::generate(200_000, ndjson, 42);
        let report = rowcheck::check(&generated.bytes, Options::default());
        let mut errors: Vec<(usize, &str)> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.row.unwrap() as usize, d.code.as_str()))
            .collect();
        errors.sort();
        assert_eq!(errors, generated.bad, "ndjson={ndjson}");
        assert!(generated.bad.len() > 1_500 && generated.bad.len() < 2_500);
        let s = &report.summary;
        assert_eq!(s.rows, 200_000);
        assert_eq!(s.valid_rows as usize, 200_000 - generated.bad.len());
        assert_eq!(s.media_types.len(), 10, "{:?}", s.media_types);
        assert_eq!(report.chunks.iter().map(|c| c.rows).sum::<u64>(), s.valid_rows);
        assert!(report.chunks.iter().all(|c| c.rows <= 30_000 && c.bytes <= 10_000_000));
        assert_eq!(s.warnings, 0);
    }
}
