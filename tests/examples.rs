//! The seed's examples (bundled in examples/, and the originals beside the
//! project when present) check with no errors, and only the warnings and
//! infos the spec expects.

use std::path::{Path, PathBuf};

use rowcheck::{Options, Severity};

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("examples")];
    let shared = root.join("../shared/examples");
    if shared.is_dir() {
        dirs.push(shared);
    }
    dirs
}

fn findings(path: &Path) -> Vec<(Severity, String, Option<u64>, String)> {
    let bytes = std::fs::read(path).unwrap();
    let report = rowcheck::check(&bytes, Options::default());
    report.diagnostics.into_iter().map(|d| (d.severity, d.code.as_str().to_string(), d.row, d.pointer)).collect()
}

#[test]
fn every_example_checks_without_errors() {
    let mut seen = 0;
    for dir in example_dirs() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            seen += 1;
            let errors: Vec<_> = findings(&path).into_iter().filter(|f| f.0 == Severity::Error).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
    assert!(seen >= 5, "the examples are missing");
}

#[test]
fn the_bundled_copy_matches_the_seed() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples");
    if !shared.is_dir() {
        return; // a user's clone has only the bundled copy
    }
    for entry in std::fs::read_dir(&shared).unwrap() {
        let path = entry.unwrap().path();
        let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(path.file_name().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&ours).unwrap(), "{} differs", ours.display());
    }
}

#[test]
fn expected_warnings_and_infos() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let tms = findings(&dir.join("seed-tms-geo.json"));
    assert_eq!(tms, vec![(Severity::Warning, "GLOBAL_KEY_CHARS".into(), Some(0), "/global_key".into())]);
    for clean in ["seed-image.json", "seed-video.json", "seed-pdf.json"] {
        assert_eq!(findings(&dir.join(clean)), vec![], "{clean}");
    }
    let bulk = findings(&dir.join("seed-sdk-bulk-image.json"));
    let mut expected = Vec::new();
    for row in 0..5 {
        expected.push((Severity::Info, "MEDIA_TYPE_INFERRED".to_string(), Some(row), "/row_data".to_string()));
        expected.push((Severity::Warning, "ATTACHMENT_TEXT_DEPRECATED".into(), Some(row), "/attachments/3/type".into()));
        expected.push((Severity::Warning, "ATTACHMENT_TEXT_DEPRECATED".into(), Some(row), "/attachments/4/type".into()));
    }
    assert_eq!(bulk, expected);
}
