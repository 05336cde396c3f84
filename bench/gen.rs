//! Writes a generated mixed manifest to a file, streaming, so bench/run.sh
//! can make the 10-million-row corpora without holding them in memory. The
//! rows are the ones the tests use (tests/support/manifest.rs).
//!
//! gen --rows N --format json|ndjson --seed S --out FILE [--planted FILE]
//!
//! `--planted` writes the rows made bad on purpose as JSON `[[row, "CODE"], …]`.

#[path = "../tests/support/manifest.rs"]
mod manifest;

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;

const USAGE: &str = "usage: gen --rows N --format json|ndjson --seed S --out FILE [--planted FILE]";

struct Args {
    rows: usize,
    ndjson: bool,
    seed: u64,
    out: String,
    planted: Option<String>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut rows, mut ndjson, mut seed, mut out, mut planted) = (None, None, None, None, None);
    while let Some(flag) = argv.next() {
        let value = argv.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rows" => rows = Some(value.parse().map_err(|_| format!("--rows takes a whole number, not {value:?}"))?),
            "--seed" => seed = Some(value.parse().map_err(|_| format!("--seed takes a whole number, not {value:?}"))?),
            "--format" => {
                ndjson = Some(match value.as_str() {
                    "json" => false,
                    "ndjson" => true,
                    _ => return Err(format!("--format is json or ndjson, not {value:?}")),
                })
            }
            "--out" => out = Some(value),
            "--planted" => planted = Some(value),
            _ => return Err(format!("unknown flag {flag:?}")),
        }
    }
    Ok(Args {
        rows: rows.ok_or("--rows is required")?,
        ndjson: ndjson.ok_or("--format is required")?,
        seed: seed.ok_or("--seed is required")?,
        out: out.ok_or("--out is required")?,
        planted,
    })
}

fn run(args: &Args) -> std::io::Result<usize> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&args.out)?);
    let bad = manifest::write_manifest(&mut out, args.rows, args.ndjson, args.seed)?;
    // On disk before any timing starts: writeback of gigabytes during a
    // measured run would be charged to whatever runs then.
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    if let Some(path) = &args.planted {
        let list: Vec<String> = bad.iter().map(|(row, code)| format!("[{row},\"{code}\"]")).collect();
        std::fs::write(path, format!("[{}]\n", list.join(",")))?;
    }
    Ok(bad.len())
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("gen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(planted) => {
            eprintln!("gen: {} rows ({planted} planted bad) -> {}", args.rows, args.out);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen: cannot write {}: {e}", args.out);
            ExitCode::FAILURE
        }
    }
}
