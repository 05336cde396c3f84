//! The seed's examples (in examples/, the platform page's own manifests)
//! check with no errors, and only the warnings and infos expected.

use std::path::Path;

use rowcheck::{Options, Severity};

fn findings(path: &Path) -> Vec<(Severity, String, Option<u64>, String)> {
    findings_with(path, Options::default())
}

fn findings_with(path: &Path, options: Options) -> Vec<(Severity, String, Option<u64>, String)> {
    let bytes = std::fs::read(path).unwrap();
    let report = rowcheck::check(&bytes, options);
    report.diagnostics.into_iter().map(|d| (d.severity, d.code.as_str().to_string(), d.row, d.pointer)).collect()
}

#[test]
fn every_example_checks_without_errors() {
    let mut seen = 0;
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        seen += 1;
        let errors: Vec<_> = findings(&path).into_iter().filter(|f| f.0 == Severity::Error).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    assert!(seen >= 5, "the examples are missing");
}

#[test]
fn expected_warnings_and_infos() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let tms = findings(&dir.join("seed-tms-geo.json"));
    assert_eq!(tms, vec![(Severity::Warning, "GLOBAL_KEY_CHARS".into(), Some(0), "/global_key".into())]);
    for clean in ["seed-image.json", "seed-video.json", "seed-pdf.json"] {
        assert_eq!(findings(&dir.join(clean)), vec![], "{clean}");
    }
    // The SDK's example names no media type: an info on every row, which
    // only --verbose lists one by one.
    let path = dir.join("seed-sdk-bulk-image.json");
    let (mut quiet, mut verbose) = (Vec::new(), Vec::new());
    for row in 0..5 {
        verbose.push((Severity::Info, "MEDIA_TYPE_INFERRED".to_string(), Some(row), "/row_data".to_string()));
        for pointer in ["/attachments/3/type", "/attachments/4/type"] {
            let warning = (Severity::Warning, "ATTACHMENT_TEXT_DEPRECATED".to_string(), Some(row), pointer.to_string());
            quiet.push(warning.clone());
            verbose.push(warning);
        }
    }
    assert_eq!(findings(&path), quiet);
    assert_eq!(findings_with(&path, Options { verbose: true, ..Options::default() }), verbose);
    let report = rowcheck::check(&std::fs::read(&path).unwrap(), Options::default());
    let infos: Vec<(&str, u64, &[u64])> = report.summary.infos.iter().map(|i| (i.code.as_str(), i.rows, &i.first_rows[..])).collect();
    assert_eq!(infos, vec![("MEDIA_TYPE_INFERRED", 5, &[0, 1, 2, 3, 4][..])]);
}
