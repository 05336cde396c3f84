//! Rows with 200,000 messages or attachments check in linear time and
//! report exactly their problems: the message limit of version-1
//! conversations is found without checking every message, a multimodal
//! chat graph of that size is resolved and walked for cycles in one pass,
//! each attachment is checked once, with the asset URLs a probe collects
//! among them, and 200,000 findings in one row get their lines and columns
//! in one pass. (Rows of 200,000 metadata entries: `tests/large.rs`.)

#[path = "support/long_rows.rs"]
mod long_rows;

use std::time::{Duration, Instant};

use rowcheck::{Limits, Options, Severity};

const MESSAGES: usize = 200_000;
const ATTACHMENTS: usize = 200_000;

/// Quadratic work on 200,000 messages takes minutes; the linear checks take
/// well under a second even unoptimized, so this bound leaves room for a
/// loaded machine without letting a quadratic check through.
const BOUND: Duration = Duration::from_secs(20);

fn check(row: &str) -> (Vec<(Severity, String, String)>, Duration) {
    check_with(row, Options::default())
}

fn check_with(row: &str, options: Options) -> (Vec<(Severity, String, String)>, Duration) {
    // The rows are larger than one chunk: only their checks are measured.
    let options = Options { limits: Limits { max_rows: None, max_bytes: 64_000_000 }, ..options };
    let start = Instant::now();
    let report = rowcheck::check(row.as_bytes(), options);
    let took = start.elapsed();
    (report.diagnostics.into_iter().map(|d| (d.severity, d.pointer, d.message)).collect(), took)
}

#[test]
fn a_conversation_of_200_000_messages_is_one_problem_found_early() {
    let row = long_rows::conversation(MESSAGES);
    assert!(row.len() > 5_000_000, "{} bytes", row.len());
    let (found, took) = check(&row);
    let pointers: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(pointers, vec!["/row_data/messages", "/row_data/messages/3/align"], "{found:?}");
    assert!(found[0].2.contains("this one has 200000"), "{}", found[0].2);
    assert!(found.iter().all(|f| f.0 == Severity::Error));
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn a_chat_graph_of_200_000_messages_is_resolved_and_walked_once() {
    let (found, took) = check(&long_rows::chat_chain(MESSAGES, false));
    assert!(found.is_empty(), "{found:?}");
    assert!(took < BOUND, "{took:?}");
    let (found, took) = check(&long_rows::chat_chain(MESSAGES, true));
    let pointers: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(pointers, vec!["/row_data/messages/m5/childMessageIds/1", "/row_data/messages/m199999/childMessageIds/0"], "{found:?}");
    assert!(found[1].2.contains("form a cycle"), "{}", found[1].2);
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn a_row_of_200_000_attachments_is_checked_once_each() {
    let row = long_rows::attachments(ATTACHMENTS);
    assert!(row.len() > 5_000_000, "{} bytes", row.len());
    // In file order: the overlay count is reported at the array's start.
    let want = vec![
        (Severity::Warning, "/attachments".to_string()),
        (Severity::Error, "/attachments/3/type".to_string()),
        (Severity::Error, "/attachments/1000/value".to_string()),
        (Severity::Error, format!("/attachments/{}/value", ATTACHMENTS / 2)),
    ];
    // Collecting the assets for a probe leaves out those the check refused.
    for collect_assets in [false, true] {
        let (found, took) = check_with(&row, Options { collect_assets, ..Options::default() });
        let got: Vec<(Severity, String)> = found.iter().map(|f| (f.0, f.1.clone())).collect();
        assert_eq!(got, want, "{found:?}");
        // Every tenth is an overlay, but for the two planted at 1000 and n / 2.
        assert!(found[0].2.starts_with(&format!("{} IMAGE_OVERLAY attachments", ATTACHMENTS / 10 - 2)), "{}", found[0].2);
        assert!(took < BOUND, "{took:?}");
    }
}

#[test]
fn a_row_of_200_000_errors_is_positioned_in_one_pass() {
    // Each finding's line and column are counted on from the one before,
    // not from the row's start again.
    // The first item's "BOGUS" is at column 16 + 8 of the row's second line.
    let item = r#"{"type":"BOGUS","value":"x"}"#;
    let row = format!("[{{\"row_data\":\"https://storage.example.com/a.jpg\",\n\"attachments\":[{}]}}]", vec![item; ATTACHMENTS].join(","));
    let options = Options { limits: Limits { max_rows: None, max_bytes: 64_000_000 }, ..Options::default() };
    let start = Instant::now();
    let report = rowcheck::check(row.as_bytes(), options);
    let took = start.elapsed();
    assert_eq!(report.summary.errors, ATTACHMENTS as u64);
    let last = report.diagnostics.last().unwrap();
    assert_eq!(last.pointer, format!("/attachments/{}/type", ATTACHMENTS - 1));
    assert_eq!((last.line, last.column), (2, 16 + (ATTACHMENTS as u64 - 1) * (item.len() as u64 + 1) + 8));
    assert!(took < BOUND, "{took:?}");
}
