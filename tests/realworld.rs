//! The real-world corpus (tests/realworld/README.md): rows other people
//! wrote, each file with the public source it was transcribed from and what
//! that source shows the platform does with its rows. Rows the source shows
//! accepted must get no error; rows it shows refused must get exactly the
//! error codes listed for them. Run through the CLI as a user would.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rowcheck::MediaType;

/// Rows the corpus must hold at least.
const MIN_ROWS: u64 = 250;


fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld")
}

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "ndjson" | "txt")
            )
        })
        .collect();
    files.sort();
    files
}

/// What the source shows: `refused` maps a row index (or `file`) to the
/// error codes rowcheck must give it; every other row was accepted.
struct Source {
    refused: BTreeMap<String, BTreeSet<String>>,
    args: Vec<String>,
}

fn source(path: &Path) -> Result<Source, String> {
    let about = path.with_extension("source");
    let text = std::fs::read_to_string(&about)
        .map_err(|_| format!("{} has no .source file", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", about.display()))?;
    for field in ["source", "shows", "substituted"] {
        if value[field].as_str().is_none_or(|s| s.trim().is_empty()) {
            return Err(format!(
                "{}: \"{field}\" must be a non-empty string",
                about.display()
            ));
        }
    }
    let mut refused = BTreeMap::new();
    if let Some(map) = value["refused"].as_object() {
        for (row, codes) in map {
            let codes = codes.as_array().ok_or_else(|| {
                format!(
                    "{}: refused.{row} must be an array of codes",
                    about.display()
                )
            })?;
            let codes: BTreeSet<String> = codes
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect();
            if codes.is_empty() {
                return Err(format!("{}: refused.{row} lists no code", about.display()));
            }
            refused.insert(row.clone(), codes);
        }
    }
    let args = match std::fs::read_to_string(path.with_extension("args")) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                if folder().join(l).is_file() {
                    folder().join(l).to_string_lossy().into_owned()
                } else {
                    l.to_string()
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(Source { refused, args })
}

/// The whole corpus run once, shared by the tests below.
#[derive(Default)]
struct Run {
    failures: Vec<String>,
    rows: u64,
    false_alarms: u64,
    misses: u64,
    /// Rows per media type, over the rows the sources show accepted.
    media_types: BTreeMap<String, u64>,
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let mut run = Run::default();
        for path in manifests() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let source = match source(&path) {
                Ok(s) => s,
                Err(e) => {
                    run.failures.push(e);
                    continue;
                }
            };
            check_file(&path, &name, &source, &mut run);
        }
        run
    })
}

fn check_file(path: &Path, name: &str, source: &Source, run: &mut Run) {
    let out = Command::new(env!("CARGO_BIN_EXE_rowcheck"))
        .arg("check")
        .arg(path)
        .args(&source.args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(r) => r,
        Err(e) => {
            run.failures.push(format!(
                "{name}: no JSON report ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            return;
        }
    };
    run.rows += report["summary"]["rows"].as_u64().unwrap();
    let mut errors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut messages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
    {
        let row = d["row"]
            .as_u64()
            .map_or("file".to_string(), |r| r.to_string());
        let code = d["code"].as_str().unwrap().to_string();
        messages.entry(row.clone()).or_default().push(format!(
            "{code} {}: {}",
            d["pointer"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        ));
        errors.entry(row).or_default().insert(code);
    }
    // The summary counts every row; a file with refused rows is counted
    // again row by row, without them.
    let mut types: BTreeMap<String, u64> = report["summary"]["media_types"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(t, n)| (t.clone(), n.as_u64().unwrap()))
        .collect();
    if !source.refused.is_empty() {
        types = accepted_media_types(path, source, &report);
    }
    for (t, n) in types {
        *run.media_types.entry(t).or_default() += n;
    }
    let places: BTreeSet<&String> = errors.keys().chain(source.refused.keys()).collect();
    for place in places {
        let got = errors.get(place).cloned().unwrap_or_default();
        let want = source.refused.get(place).cloned().unwrap_or_default();
        if got == want {
            continue;
        }
        if want.is_empty() {
            run.false_alarms += 1;
            run.failures.push(format!(
                "{name} row {place}: accepted by the platform, but rowcheck says {:?}",
                messages[place]
            ));
        } else {
            run.misses += 1;
            run.failures.push(format!("{name} row {place}: the source shows it refused ({want:?}), rowcheck gives {got:?} {:?}", messages.get(place)));
        }
    }
    let has_errors = report["summary"]["errors"].as_u64().unwrap() > 0;
    if out.status.code() != Some(if has_errors { 1 } else { 0 }) {
        run.failures.push(format!(
            "{name}: exit {:?} with errors={has_errors}",
            out.status.code()
        ));
    }
}

/// Media types of the rows a file's source shows accepted: the rows are
/// checked alone (as JSON) and the refused ones left out.
fn accepted_media_types(
    path: &Path,
    source: &Source,
    report: &serde_json::Value,
) -> BTreeMap<String, u64> {
    let rows = report["summary"]["rows"].as_u64().unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let values: Vec<serde_json::Value> = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(&text).unwrap(),
        Some("ndjson") => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        _ => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::json!({ "row_data": l.trim() }))
            .collect(),
    };
    assert_eq!(values.len() as u64, rows, "{}", path.display());
    let mut types = BTreeMap::new();
    for (i, row) in values.iter().enumerate() {
        if source.refused.contains_key(&i.to_string()) {
            continue;
        }
        let one = rowcheck::check(format!("[{row}]").as_bytes(), rowcheck::Options::default());
        for (t, n) in one.summary.media_types {
            *types.entry(t.to_string()).or_default() += n;
        }
    }
    types
}

#[test]
fn real_world_rows_check_as_their_sources_show() {
    let run = run();
    println!(
        "real-world corpus: {} rows, {} false alarms, {} misses; media types {:?}",
        run.rows, run.false_alarms, run.misses, run.media_types
    );
    assert!(
        run.failures.is_empty(),
        "{} real-world failures:\n{}",
        run.failures.len(),
        run.failures.join("\n")
    );
}

#[test]
fn the_corpus_is_large_and_reaches_every_media_type() {
    let run = run();
    assert!(
        run.rows >= MIN_ROWS,
        "the real-world corpus has {} rows, fewer than {MIN_ROWS}",
        run.rows
    );
    let missing: Vec<&str> =
        MediaType::ALL.iter().map(|m| m.name()).filter(|name| run.media_types.get(*name).is_none_or(|n| *n == 0)).collect();
    assert!(missing.is_empty(), "no accepted real-world row is of media type {missing:?}");
}
