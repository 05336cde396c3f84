//! rowcheck reads JSON as RFC 8259 defines it: Nicolas Seriot's
//! JSONTestSuite (`test_parsing`), read from
//! `../shared/peer-suites/JSONTestSuite/` beside the repository and never
//! copied into it. A `y_` text must parse and an `n_` text must not; `i_`
//! texts may go either way but must not panic, and give one answer however
//! the file is cut into pieces. Each text is tried as a row (the element of
//! a JSON array manifest) and as a value inside a row, where the grammar is
//! all that decides; and as a file by itself, where rowcheck must also tell
//! what kind of file it is. A checkout without the folder skips, and says
//! so. pkg/test/json-test-suite.test.mjs holds the wasm build to the same.

use std::path::Path;

use rowcheck::{Code, Options, Report, Severity};

fn cases() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-suites/JSONTestSuite");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent (it sits beside the repository, not in it)", dir.display());
        return None;
    };
    let mut cases: Vec<(String, Vec<u8>)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    cases.sort();
    assert!(cases.len() > 300, "JSONTestSuite has {} texts; expected its whole test_parsing set", cases.len());
    Some(cases)
}

/// The text as the only row of a JSON array manifest.
fn as_row(text: &[u8]) -> Vec<u8> {
    [b"[".as_slice(), text, b"]"].concat()
}

/// The text as the value of a field of a row.
fn as_value(text: &[u8]) -> Vec<u8> {
    [br#"[{"row_data":"https://h.example/a.png","global_key":"#.as_slice(), text, b"}]"].concat()
}

/// A report that says the bytes are not JSON (or not UTF-8) somewhere.
fn refused(report: &Report) -> bool {
    report.diagnostics.iter().any(|d| matches!(d.code, Code::FILE_SYNTAX | Code::FILE_ENCODING))
}

fn checked(bytes: &[u8]) -> Report {
    let whole = rowcheck::check(bytes, Options::default());
    // Cut in two at 64 places or so: the verdict cannot depend on where a read ends.
    for cut in (1..bytes.len()).step_by((bytes.len() / 64).max(1)) {
        let mut checker = rowcheck::Checker::new(Options::default());
        checker.push(&bytes[..cut]);
        checker.push(&bytes[cut..]);
        checker.finish();
        assert_eq!(checker.report().to_json(), whole.to_json(), "cut at {cut} of {:?}", String::from_utf8_lossy(bytes));
    }
    whole
}

#[test]
fn json_grammar_is_rfc_8259() {
    let Some(cases) = cases() else { return };
    let mut wrong = Vec::new();
    let (mut accepted, mut refused_texts, mut either) = (0, 0, 0);
    for (name, text) in &cases {
        let blank = text.iter().all(|b| b.is_ascii_whitespace());
        for (form, bytes) in [("as a row", as_row(text)), ("as a value", as_value(text))] {
            // Nothing at all is no value, but inside brackets it is an empty array.
            if blank && form == "as a row" {
                continue;
            }
            let verdict = refused(&checked(&bytes));
            match &name[..2] {
                "y_" if verdict => wrong.push(format!("{name} {form}: refused")),
                "n_" if !verdict => wrong.push(format!("{name} {form}: accepted")),
                _ => {}
            }
        }
        match &name[..2] {
            "y_" => accepted += 1,
            "n_" => refused_texts += 1,
            _ => either += 1,
        }
    }
    println!("JSONTestSuite: {accepted} y_, {refused_texts} n_, {either} i_ texts; {} disagreements", wrong.len());
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn each_text_as_a_file_by_itself() {
    let Some(cases) = cases() else { return };
    let mut wrong = Vec::new();
    for (name, text) in &cases {
        let report = checked(text);
        let error = report.diagnostics.iter().any(|d| d.severity == Severity::Error);
        let empty = report.diagnostics.iter().any(|d| d.code == Code::FILE_EMPTY);
        match &name[..2] {
            // Valid JSON may still not be a manifest (a lone number is FILE_ROOT), but it is never a syntax error.
            "y_" if refused(&report) => wrong.push(format!("{name}: {}", report.to_json())),
            // Not JSON: an error, or nothing to read at all (a blank file has no rows).
            "n_" if !error && !empty => wrong.push(format!("{name}: {}", report.to_json())),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
