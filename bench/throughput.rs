//! Throughput of the native CLI and the library on a generated 200,000-row
//! mixed manifest, as ratios against `serde_json::from_slice::<Value>` on the
//! same bytes in the same run. `cargo bench --bench throughput` prints the
//! figures and rewrites bench/RESULTS.md.

#[path = "../tests/support/manifest.rs"]
mod manifest;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROWS: usize = 200_000;
const RUNS: usize = 5;

/// Best of `RUNS`: the least disturbed run is the closest to the cost.
fn best(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    format!("{cpu}, {cores} cores; {rustc}; release profile (lto, codegen-units=1)")
}

fn main() {
    let generated = manifest::generate(ROWS, false, 42);
    let bytes = &generated.bytes;
    let mb = bytes.len() as f64 / 1e6;
    let dir = std::env::temp_dir().join(format!("rowcheck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mixed-200k.json");
    std::fs::write(&file, bytes).unwrap();

    let serde = best(|| {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        std::hint::black_box(v);
    });
    let library = best(|| {
        std::hint::black_box(rowcheck::check(bytes, rowcheck::Options::default()));
    });
    let cli = best(|| {
        let status = Command::new(env!("CARGO_BIN_EXE_rowcheck"))
            .args(["check", "--format", "json"])
            .arg(&file)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "the manifest has planted errors");
    });
    let _ = std::fs::remove_dir_all(&dir);

    let rate = |d: Duration| mb / d.as_secs_f64();
    let rows = [
        ("serde_json::from_slice::<Value> (reference)", serde),
        ("rowcheck library: check()", library),
        ("rowcheck CLI: check --format json (process, file read, report)", cli),
    ];
    let mut table = String::from("| what | time (best of 5) | MB/s | × reference |\n|---|---|---|---|\n");
    for (name, d) in rows {
        table.push_str(&format!(
            "| {name} | {:.1} ms | {:.0} | {:.2} |\n",
            d.as_secs_f64() * 1e3,
            rate(d),
            serde.as_secs_f64() / d.as_secs_f64()
        ));
    }
    println!("{ROWS} rows, {mb:.1} MB, {} planted bad rows\n{table}", generated.bad.len());
    let results = format!(
        "# Benchmark results\n\nWritten by `cargo bench --bench throughput` (bench/throughput.rs). Ratios are taken in one run\n\
         on the same bytes, so they hold across machines better than the MB/s do.\n\n\
         ## Native throughput: 200,000-row mixed manifest\n\n\
         Input: {ROWS} rows, {mb:.1} MB JSON array, every media type, metadata and attachments,\n\
         {} rows (~1%) with one planted error each (tests/support/manifest.rs, seed 42).\n\
         Machine: {}.\n\n{table}",
        generated.bad.len(),
        machine()
    );
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/RESULTS.md"), results).unwrap();
}
