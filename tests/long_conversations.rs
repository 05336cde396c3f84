//! Rows with 200,000 messages check in linear time and report exactly their
//! problems: the message limit of version-1 conversations is found without
//! checking every message, and a multimodal chat graph of that size is
//! resolved and walked for cycles in one pass.

#[path = "support/long_rows.rs"]
mod long_rows;

use std::time::{Duration, Instant};

use rowcheck::{Limits, Options, Severity};

const MESSAGES: usize = 200_000;

/// Quadratic work on 200,000 messages takes minutes; the linear checks take
/// well under a second even unoptimized, so this bound leaves room for a
/// loaded machine without letting a quadratic check through.
const BOUND: Duration = Duration::from_secs(20);

fn check(row: &str) -> (Vec<(Severity, String, String)>, Duration) {
    // The rows are larger than one chunk: only their checks are measured.
    let options = Options { limits: Limits { max_rows: None, max_bytes: 64_000_000 }, ..Options::default() };
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
