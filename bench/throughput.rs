//! The serde reference: rowcheck's library `check()` against merely parsing
//! the same bytes into `serde_json::Value`, best of N, in one process.
//!
//! `cargo bench --bench throughput` generates the 200,000-row mixed manifest
//! and prints a table. bench/run.sh passes its own corpus and `--json` and
//! folds the figures into bench/RESULTS.md.
//!
//! It also times one row with 200,000 metadata entries, where per-row work
//! must stay linear.
//!
//! throughput [--json] [--runs N] [FILE]

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

    // One row that is wide rather than many rows: per-row sets must stay
    // linear (a 200,000-entry row was once 22 s).
    let (wide, _) = manifest::wide_metadata_row(200_000, true);
    let wide_serde = best(runs, || {
        let v: serde_json::Value = serde_json::from_slice(&wide).unwrap();
        std::hint::black_box(v);
    });
    let wide_check = best(runs, || {
        std::hint::black_box(rowcheck::check(&wide, rowcheck::Options::default()));
    });

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    if json {
        println!(
            r#"{{"bytes":{},"runs":{runs},"serde_value_ms":{:.3},"check_ms":{:.3},"wide_metadata_bytes":{},"wide_metadata_serde_value_ms":{:.3},"wide_metadata_check_ms":{:.3}}}"#,
            bytes.len(),
            ms(serde),
            ms(library),
            wide.len(),
            ms(wide_serde),
            ms(wide_check)
        );
        return;
    }
    let mb = bytes.len() as f64 / 1e6;
    println!("{} ({mb:.1} MB), best of {runs}", file.as_deref().unwrap_or("generated 200,000-row mixed manifest, seed 42"));
    println!("| what | ms | MB/s | × serde_json::Value |\n|---|---:|---:|---:|");
    for (name, d) in [("serde_json::from_slice::<Value>", serde), ("rowcheck::check()", library)] {
        println!("| {name} | {:.1} | {:.0} | {:.2} |", ms(d), mb / d.as_secs_f64(), serde.as_secs_f64() / d.as_secs_f64());
    }
    let wide_mb = wide.len() as f64 / 1e6;
    println!("\none row with 200,000 metadata entries ({wide_mb:.1} MB), best of {runs}");
    println!("| what | ms | MB/s | × serde_json::Value |\n|---|---:|---:|---:|");
    for (name, d) in [("serde_json::from_slice::<Value>", wide_serde), ("rowcheck::check()", wide_check)] {
        println!("| {name} | {:.1} | {:.0} | {:.2} |", ms(d), wide_mb / d.as_secs_f64(), wide_serde.as_secs_f64() / d.as_secs_f64());
    }
}
