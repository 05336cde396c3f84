//! A bounded, seeded mutation fuzzer that runs on the stable toolchain:
//! corpus and generated manifests, mutated at the byte and token level,
//! through the whole pipeline whole and in random pieces. Any panic, or any
//! broken invariant (see support/invariants.rs), fails the test.
//! `ROWCHECK_FUZZ_SECS` sets the time budget (default 20 s) and
//! `ROWCHECK_FUZZ_SEED` the sequence of mutations; the deeper
//! coverage-guided run is `fuzz/` (cargo-fuzz).

#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/manifest.rs"]
mod manifest;

use std::time::{Duration, Instant};

const TOKENS: [&[u8]; 24] = [
    b"{", b"}", b"[", b"]", b",", b":", b"\"", b"\\", b"\\u", b"\\ud800", b"\n", b"\xEF\xBB\xBF", b"\xFF", b"\xC3",
    b"null", b"1e999", b"-0.0", b"\"row_data\"", b"\"rowData\"", b"\"global_key\":\"K\"", b"#", b" ", b"\"media_type\":\"TMS_GEO\"", b"{z}",
];

fn seeds() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![manifest::generate(20, false, 7).bytes, manifest::generate(20, true, 9).bytes, b"https://a.example/x.jpg\nhttp://b\n".to_vec()];
    for dir in ["examples", "tests/corpus"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                let p = e.path();
                if matches!(p.extension().and_then(|x| x.to_str()), Some("json" | "ndjson" | "txt")) {
                    out.push(std::fs::read(p).unwrap());
                }
            }
        }
    }
    out
}

fn mutate(rng: &mut manifest::Rng, input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(input.len() + 1);
        match rng.below(6) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, t.iter().copied());
            }
            2 if !input.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(input.len());
                input.drain(at.min(end)..end);
            }
            3 if !input.is_empty() => {
                let from = rng.below(input.len());
                let end = (from + 1 + rng.below(64)).min(input.len());
                let piece: Vec<u8> = input[from..end].to_vec();
                input.splice(at..at, piece);
            }
            4 => input.truncate(at),
            _ => {}
        }
    }
}

#[test]
fn fuzz_pipeline_never_panics_and_keeps_invariants() {
    let secs = std::env::var("ROWCHECK_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let seeds = seeds();
    let seed = std::env::var("ROWCHECK_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    let mut rng = manifest::Rng(seed | 1);
    let mut executions = 0u64;
    while Instant::now() < deadline {
        let mut input = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &mut input);
        let cuts = [rng.below(input.len() + 1), rng.below(input.len() + 1), rng.below(input.len() + 1)];
        let result = std::panic::catch_unwind(|| invariants::check_invariants(&input, &cuts));
        if result.is_err() {
            let path = std::env::temp_dir().join("rowcheck-fuzz-crash.bin");
            std::fs::write(&path, &input).unwrap();
            panic!("fuzz input failed (saved to {}), cuts {cuts:?}", path.display());
        }
        executions += 1;
    }
    println!("fuzz: {executions} executions in {secs} s without a failure");
    assert!(executions > 0);
}
