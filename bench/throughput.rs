//! The serde reference: rowcheck's library `check()` against merely parsing
//! the same bytes into `serde_json::Value`, best of N, in one process.
//!
//! `cargo bench --bench throughput` generates the 200,000-row mixed manifest
//! and prints a table, then one for single rows of 200,000 messages, metadata
//! entries or attachments (linear time on huge rows). bench/run.sh passes its own corpus and `--json` and
//! folds the figures into bench/RESULTS.md.
//!
//! throughput [--json] [--runs N] [FILE]

#[path = "../tests/support/long_rows.rs"]
mod long_rows;
#[path = "../tests/support/manifest.rs"]
mod manifest;

use std::time::{Duration, Instant};

const ROWS: usize = 200_000;

/// Best of `runs`: the least disturbed run is the closest to the cost.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let (mut json, mut runs, mut file) = (false, 5, None);
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--runs" => runs = argv.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).expect("--runs takes a whole number of at least 1"),
            // cargo bench passes --bench to every bench binary.
            "--bench" => {}
            _ => file = Some(arg),
        }
    }
    let bytes = match &file {
        Some(path) => std::fs::read(path).unwrap_or_else(|e| panic!("cannot read the corpus {path}: {e}")),
        None => manifest::generate(ROWS, false, 42).bytes,
    };

    let serde = best(runs, || {
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        std::hint::black_box(v);
    });
    let library = best(runs, || {
        std::hint::black_box(rowcheck::check(&bytes, rowcheck::Options::default()));
    });

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    if json {
        println!(
            r#"{{"bytes":{},"runs":{runs},"serde_value_ms":{:.3},"check_ms":{:.3}}}"#,
            bytes.len(),
            ms(serde),
            ms(library)
        );
        return;
    }
    let mb = bytes.len() as f64 / 1e6;
    println!("{} ({mb:.1} MB), best of {runs}", file.as_deref().unwrap_or("generated 200,000-row mixed manifest, seed 42"));
    println!("| what | ms | MB/s | × serde_json::Value |\n|---|---:|---:|---:|");
    for (name, d) in [("serde_json::from_slice::<Value>", serde), ("rowcheck::check()", library)] {
        println!("| {name} | {:.1} | {:.0} | {:.2} |", ms(d), mb / d.as_secs_f64(), serde.as_secs_f64() / d.as_secs_f64());
    }
    if file.is_none() {
        long_rows(runs);
    }
}

/// One row each, far over any real row's size: the checks must stay linear.
fn long_rows(runs: usize) {
    // Larger than a chunk: only the checks are measured.
    let options = |collect_assets| rowcheck::Options {
        limits: rowcheck::Limits { max_rows: None, max_bytes: 64_000_000 },
        collect_assets,
        ..rowcheck::Options::default()
    };
    let attachments = long_rows::attachments(200_000).into_bytes();
    let rows = [
        ("conversation, 200,000 messages (250 allowed)", long_rows::conversation(200_000).into_bytes(), false),
        ("multimodal chat, 200,000 messages in one chain", long_rows::chat_chain(200_000, false).into_bytes(), false),
        ("200,000 metadata entries, every field named once but two", manifest::wide_metadata_row(200_000, true).0, false),
        ("200,000 attachments, 20,000 of them overlays", attachments.clone(), false),
        ("the same, collecting their URLs for a probe", attachments, true),
    ];
    println!("\nsingle huge rows, best of {runs}\n| row | MB | serde ms | check ms | × serde_json::Value |\n|---|---:|---:|---:|---:|");
    for (name, row, collect_assets) in rows {
        let bytes = &row[..];
        let serde = best(runs, || {
            let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            std::hint::black_box(v);
        });
        let check = best(runs, || {
            std::hint::black_box(rowcheck::check(bytes, options(collect_assets)));
        });
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!("| {name} | {:.1} | {:.1} | {:.1} | {:.2} |", bytes.len() as f64 / 1e6, ms(serde), ms(check), serde.as_secs_f64() / check.as_secs_f64());
    }
}
