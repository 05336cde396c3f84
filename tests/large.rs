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
        // The one warning of the generated rows: DICOM, which the SDK dropped.
        let warnings: Vec<&str> = report.diagnostics.iter().filter(|d| d.severity == Severity::Warning).map(|d| d.code.as_str()).collect();
        assert!(warnings.iter().all(|c| *c == "MEDIA_TYPE_UNDOCUMENTED"), "{warnings:?}");
        assert_eq!(s.warnings, s.media_types["DICOM"]);
    }
}

/// One row of 200,000 metadata entries (about 7 MB, under the chunk limit):
/// checked in linear time, every repeat reported where it is, and the valid
/// form of the row still fits one chunk.
#[test]
fn one_row_of_two_hundred_thousand_metadata_entries() {
    let (bytes, repeats) = manifest::wide_metadata_row(200_000, true);
    let started = std::time::Instant::now();
    let report = rowcheck::check(&bytes, Options::default());
    let elapsed = started.elapsed();
    let found: Vec<(&str, &str, Severity)> = report.diagnostics.iter().map(|d| (d.code.as_str(), d.pointer.as_str(), d.severity)).collect();
    let mut want = vec![("METADATA_NUMBER_COERCED", "/metadata_fields/1/value", Severity::Warning)];
    want.extend(repeats.iter().map(|p| ("METADATA_DUPLICATE", p.as_str(), Severity::Error)));
    assert_eq!(found, want);
    // A quadratic scan of 200,000 entries takes minutes.
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");

    let (bytes, _) = manifest::wide_metadata_row(200_000, false);
    assert!(bytes.len() > 6_000_000 && bytes.len() < 10_000_000, "{}", bytes.len());
    let report = rowcheck::check(&bytes, Options::default());
    assert!(report.diagnostics.is_empty(), "{:?}", &report.diagnostics[..1]);
    assert_eq!((report.summary.valid_rows, report.chunks.len()), (1, 1));
}

/// Everything a run produces, pushed in 64 KiB pieces.
fn run(bytes: &[u8], threads: usize, existing_keys: &[String]) -> (rowcheck::Report, Vec<u8>, Vec<u8>) {
    run_with(bytes, Options { threads, existing_keys: rowcheck::ExistingKeys::from_keys(existing_keys), ..Options::default() })
}

fn run_with(bytes: &[u8], options: Options) -> (rowcheck::Report, Vec<u8>, Vec<u8>) {
    let options = Options { emit_chunks: true, emit_normalized: true, ..options };
    let mut checker = rowcheck::Checker::new(options);
    let (mut chunks, mut normalized) = (Vec::new(), Vec::new());
    for piece in bytes.chunks(64 * 1024) {
        checker.push(piece);
        while let Some(chunk) = checker.take_chunk() {
            chunks.extend_from_slice(&chunk.bytes);
        }
        normalized.extend(checker.take_normalized());
    }
    checker.finish();
    while let Some(chunk) = checker.take_chunk() {
        chunks.extend_from_slice(&chunk.bytes);
    }
    normalized.extend(checker.take_normalized());
    (checker.into_report(), chunks, normalized)
}

#[test]
fn threads_change_nothing() {
    for ndjson in [false, true] {
        // Rows repeated further on (duplicates across batches), then a
        // broken row (NDJSON) or text after the array (a file-level problem).
        let generated = manifest::generate(60_000, true, 7);
        let text = String::from_utf8(generated.bytes).unwrap();
        let mut rows: Vec<&str> = text.lines().collect();
        rows.extend_from_within(..rows.len() / 2);
        let bytes = if ndjson {
            format!("{}\n{{\"row_data\": \"https://example.com/a.jpg\"\n", rows.join("\n")).into_bytes()
        } else {
            format!("[\n{}\n] trailing text", rows.join(",\n")).into_bytes()
        };
        // Some keys of the file already exist (in another case).
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let existing: Vec<String> =
            text.split("\"global_key\":\"").skip(1).step_by(997).map(|rest| rest[..rest.find('"').unwrap()].to_uppercase()).collect();
        assert!(existing.len() > 10);
        let one = run(&bytes, 1, &existing);
        assert!(one.0.diagnostics.iter().any(|d| d.code.as_str() == "GLOBAL_KEY_EXISTS"));
        assert!(one.0.diagnostics.iter().any(|d| d.code.as_str() == "GLOBAL_KEY_DUPLICATE"));
        assert!(one.0.summary.rows >= 60_000);
        let file_level = one.0.diagnostics.iter().any(|d| d.row.is_none());
        assert!(one.0.diagnostics.iter().any(|d| d.code.as_str() == "FILE_SYNTAX") && (ndjson || file_level));
        for threads in [2, 3] {
            let many = run(&bytes, threads, &existing);
            assert!(one.0 == many.0, "ndjson={ndjson} threads={threads}: reports differ");
            // Output handed out before a file-level failure is void, and
            // how much there was depends on timing; the report says so.
            assert_eq!(one.0.file_failed(), !ndjson);
            if !ndjson {
                continue;
            }
            assert!(one.1 == many.1, "ndjson={ndjson} threads={threads}: chunks differ");
            assert!(one.2 == many.2, "ndjson={ndjson} threads={threads}: normalized manifests differ");
        }
    }
}

#[test]
fn the_schema_sees_the_same_rows_on_any_number_of_threads() {
    // A URL list: each line is checked, and shown to the schema, as {"row_data": LINE}.
    let lines: String = (0..30_000).map(|i| if i % 7 == 3 { format!("http://h.example/{i}.jpg\n") } else { format!("https://h.example/{i}.jpg\n") }).collect();
    let schema = br#"{"properties": {"row_data": {"pattern": "^https://"}}, "required": ["row_data", "media_type"]}"#;
    let with = |threads| run_with(lines.as_bytes(), Options { threads, schema: Some(rowcheck::UserSchema::from_json(schema).unwrap()), ..Options::default() });
    let one = with(1);
    let schema_rows = one.0.diagnostics.iter().filter(|d| d.code.as_str() == "SCHEMA").count();
    // Normalization adds the inferred media_type, so only the http rows (every 7th) fail.
    assert_eq!(schema_rows, 30_000 / 7 + 1, "{:?}", one.0.diagnostics.iter().find(|d| d.code.as_str() == "SCHEMA"));
    for threads in [2, 3] {
        let many = with(threads);
        assert!(one.0 == many.0, "threads={threads}: reports differ");
        assert!(one.1 == many.1 && one.2 == many.2, "threads={threads}: output differs");
    }
}
