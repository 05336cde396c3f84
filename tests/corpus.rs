//! The per-code corpus (tests/corpus/README.md): every manifest, run through
//! the CLI as a user would, must produce exactly the diagnostics its
//! `.expect` lists (severity, code, row, pointer) with `--verbose`, and the
//! matching exit code; without it, the same less the infos about rows,
//! which the summary counts.
//! The same file checked in arbitrary pieces must give the same report, and
//! `rowcheck fix` of it gives the output its `.fixed` lists.

#[path = "support/invariants.rs"]
mod invariants;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "txt")))
        .collect();
    files.sort();
    files
}

fn expected(path: &Path) -> Vec<String> {
    let expect = path.with_extension("expect");
    let text = std::fs::read_to_string(&expect).unwrap_or_else(|_| panic!("{} has no .expect", path.display()));
    let mut lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.replace(" \"\"", " ")).collect();
    lines.sort();
    lines
}

fn args(path: &Path) -> Vec<String> {
    match std::fs::read_to_string(path.with_extension("args")) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| if corpus().join(l).is_file() { corpus().join(l).to_string_lossy().into_owned() } else { l.to_string() })
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn every_corpus_file_gives_exactly_its_expected_diagnostics() {
    let mut failures = Vec::new();
    let mut codes = BTreeSet::new();
    for path in manifests() {
        let run = |verbose: bool| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_rowcheck"));
            command.arg("check").arg(&path).args(args(&path)).args(["--format", "json"]);
            if verbose {
                command.arg("--verbose");
            }
            let out = command.output().unwrap();
            serde_json::from_slice::<serde_json::Value>(&out.stdout)
                .map(|report| (report, out.status.code()))
                .map_err(|e| format!("{}: no JSON report ({e}); stderr: {}", path.display(), String::from_utf8_lossy(&out.stderr)))
        };
        let ((report, status), (quiet, quiet_status)) = match (run(true), run(false)) {
            (Ok(verbose), Ok(quiet)) => (verbose, quiet),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(e);
                continue;
            }
        };
        if let Err(e) = quiet_is_verbose_with_row_infos_counted(&report, &quiet) {
            failures.push(format!("{}: {e}", path.display()));
        }
        if quiet_status != status {
            failures.push(format!("{}: exit {quiet_status:?} without --verbose, {status:?} with it", path.display()));
        }
        let mut got: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                codes.insert(d["code"].as_str().unwrap().to_string());
                let row = d["row"].as_u64().map_or("-".to_string(), |r| r.to_string());
                format!("{} {} {} {}", d["severity"].as_str().unwrap(), d["code"].as_str().unwrap(), row, d["pointer"].as_str().unwrap())
                    .trim_end()
                    .to_string()
            })
            .collect();
        got.sort();
        let want: Vec<String> = expected(&path).into_iter().map(|l| l.trim_end().to_string()).collect();
        if got != want {
            let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
            let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
            failures.push(format!("{}:\n  missing {missing:?}\n  unexpected {extra:?}", path.display()));
        }
        let has_errors = report["summary"]["errors"].as_u64().unwrap() > 0;
        if status != Some(if has_errors { 1 } else { 0 }) {
            failures.push(format!("{}: exit {status:?} with errors={has_errors}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{} corpus failures:\n{}", failures.len(), failures.join("\n"));
    // A check has no network: the codes only `rowcheck probe` produces are
    // covered by the probe's tests (pkg/test/probe.test.mjs) instead.
    let missing: Vec<&str> = rowcheck::Code::ALL
        .iter()
        .filter(|c| !rowcheck::probe::CODES.contains(c))
        .map(|c| c.as_str())
        .filter(|c| !codes.contains(*c))
        .collect();
    assert!(missing.is_empty(), "codes no corpus file produces: {missing:?}");
    let produced: Vec<&str> = rowcheck::probe::CODES.iter().map(|c| c.as_str()).filter(|c| codes.contains(*c)).collect();
    assert!(produced.is_empty(), "a check produced codes listed as probe-only: {produced:?}");
}

/// Without `--verbose` the report is the verbose one less each info about
/// a row, which `summary.infos` counts per code instead: its rows, the
/// first five, in the order the codes first appear.
fn quiet_is_verbose_with_row_infos_counted(verbose: &serde_json::Value, quiet: &serde_json::Value) -> Result<(), String> {
    let all = verbose["diagnostics"].as_array().unwrap();
    let row_info = |d: &&serde_json::Value| d["severity"] == "info" && !d["row"].is_null();
    let kept: Vec<&serde_json::Value> = all.iter().filter(|d| !row_info(d)).collect();
    if quiet["diagnostics"].as_array().unwrap().iter().collect::<Vec<_>>() != kept {
        return Err("the quiet report's diagnostics are not the verbose ones less the row infos".into());
    }
    let mut infos: Vec<(String, Vec<u64>)> = Vec::new();
    for d in all.iter().filter(row_info) {
        let (code, row) = (d["code"].as_str().unwrap(), d["row"].as_u64().unwrap());
        match infos.iter_mut().find(|(c, _)| c == code) {
            Some((_, rows)) if rows.last() == Some(&row) => {}
            Some((_, rows)) => rows.push(row),
            None => infos.push((code.to_string(), vec![row])),
        }
    }
    let want: Vec<serde_json::Value> = infos
        .iter()
        .map(|(code, rows)| serde_json::json!({"code": code, "rows": rows.len(), "first_rows": &rows[..rows.len().min(5)]}))
        .collect();
    for report in [verbose, quiet] {
        if report["summary"]["infos"] != serde_json::Value::Array(want.clone()) {
            return Err(format!("summary.infos is {}, not {}", report["summary"]["infos"], serde_json::Value::Array(want)));
        }
    }
    let summary = |r: &serde_json::Value| r["summary"].clone();
    if summary(verbose) != summary(quiet) || verbose["chunks"] != quiet["chunks"] {
        return Err("the summary or the chunks depend on --verbose".into());
    }
    Ok(())
}

#[test]
fn corpus_files_stream_like_whole_files() {
    for path in manifests() {
        let bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        invariants::check_invariants(&bytes, &[n / 3, n / 2, n - n / 5]);
    }
}

#[test]
fn each_diagnostic_names_its_row_as_written() {
    let mut checked = 0;
    for path in manifests() {
        let input = std::fs::read(&path).unwrap();
        let report = rowcheck::check(&input, rowcheck::Options::default());
        // Where the file parses, the row each diagnostic names is that row's JSON.
        let rows: Option<Vec<serde_json::Value>> = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_slice(&input).ok(),
            Some("ndjson") => std::str::from_utf8(&input).ok().and_then(|t| t.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).ok()).collect()),
            _ => None,
        };
        for d in &report.diagnostics {
            let span = &input[d.offset as usize..(d.offset + d.length) as usize];
            match (d.row, &rows) {
                (Some(row), Some(rows)) => {
                    assert_eq!(serde_json::from_slice::<serde_json::Value>(span).ok().as_ref(), rows.get(row as usize), "{}: {d:?}", path.display());
                    checked += 1;
                }
                (Some(_), None) => assert!(!span.is_empty() && !span[0].is_ascii_whitespace() && !span[span.len() - 1].is_ascii_whitespace(), "{}: {d:?}", path.display()),
                (None, _) => assert_eq!(d.length, 0),
            }
        }
    }
    assert!(checked > 100, "{checked} rows compared");
}

/// `rowcheck fix FILE --format json -o OUT`: the report (standard error's
/// first line), the exit status, and the output when one was written.
fn fix(path: &Path, out: &Path) -> (serde_json::Value, Option<i32>, Option<Vec<u8>>) {
    let _ = std::fs::remove_file(out);
    let run = Command::new(env!("CARGO_BIN_EXE_rowcheck")).arg("fix").arg(path).args(args(path)).args(["--format", "json", "-o"]).arg(out).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    let report = serde_json::from_str(stderr.lines().next().unwrap_or_default()).unwrap_or_else(|e| panic!("{}: no JSON report ({e}): {stderr}", path.display()));
    (report, run.status.code(), std::fs::read(out).ok())
}

fn check_json(path: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_rowcheck")).arg("check").arg(path).args(args(path)).args(["--format", "json"]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every corpus file fixed: rows are never dropped, each change is of a
/// value a finding named with that code, the report is what a check of the
/// output says, a second fix changes nothing, and a `NAME.fixed` beside the
/// manifest is the output byte for byte, clean of every code it fixed.
/// Each code whose fixes are safe has such a case.
#[test]
fn fix_changes_only_what_findings_name_and_is_idempotent() {
    let dir = std::env::temp_dir().join(format!("rowcheck-corpus-fix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut fixed_codes = BTreeSet::new();
    let mut golden = 0;
    for path in manifests() {
        let ext = path.extension().unwrap().to_str().unwrap();
        let out = dir.join(format!("once.{ext}"));
        let (report, status, output) = fix(&path, &out);
        let errors = report["summary"]["errors"].as_u64().unwrap();
        assert_eq!(status, Some(i32::from(errors > 0)), "{}: exit status", path.display());
        let input = check_json(&path);
        let changes = report["fix"]["changes"].as_array().unwrap();
        if report["summary"]["file_failed"] == true {
            assert!(output.is_none() && changes.is_empty(), "{}: a failed file gets no output", path.display());
            assert_eq!(report["diagnostics"], input["diagnostics"], "{}", path.display());
            continue;
        }
        let output = output.unwrap_or_else(|| panic!("{}: no output", path.display()));
        assert_eq!(report["summary"]["rows"], input["summary"]["rows"], "{}: rows dropped", path.display());
        for c in changes {
            let named = input["diagnostics"].as_array().unwrap().iter().any(|d| {
                d["row"] == c["row"] && d["pointer"] == c["pointer"] && c["codes"].as_array().unwrap().contains(&d["code"])
            });
            assert!(named, "{}: {c} changes a value no finding of its codes names", path.display());
        }
        let fixed_path = dir.join(format!("fixed.{ext}"));
        std::fs::write(&fixed_path, &output).unwrap();
        let args_file = path.with_extension("args");
        if args_file.is_file() {
            std::fs::copy(&args_file, fixed_path.with_extension("args")).unwrap();
        } else {
            let _ = std::fs::remove_file(fixed_path.with_extension("args"));
        }
        let recheck = check_json(&fixed_path);
        assert_eq!(report["diagnostics"], recheck["diagnostics"], "{}: the report is not the output's", path.display());
        assert_eq!(report["summary"], recheck["summary"], "{}", path.display());
        let (again, _, twice) = fix(&fixed_path, &dir.join(format!("twice.{ext}")));
        assert_eq!(again["fix"]["changes"].as_array().unwrap().len(), 0, "{}: a second fix changed {}", path.display(), again["fix"]["changes"]);
        assert!(twice.as_deref() == Some(&output[..]), "{}: a second fix changed the bytes", path.display());
        if let Ok(want) = std::fs::read(path.with_extension("fixed")) {
            golden += 1;
            assert!(output == want, "{}: the output is not its .fixed:\n{}", path.display(), String::from_utf8_lossy(&output));
            let codes: BTreeSet<&str> = changes.iter().flat_map(|c| c["codes"].as_array().unwrap()).map(|c| c.as_str().unwrap()).collect();
            let left: Vec<&str> = report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).filter(|c| codes.contains(c)).collect();
            assert!(left.is_empty(), "{}: the fixed output still has {left:?}", path.display());
            fixed_codes.extend(codes.into_iter().map(str::to_string));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(golden >= 6, "{golden} .fixed cases");
    let missing: Vec<&str> = rowcheck::Code::ALL.iter().filter(|c| c.fixes() == rowcheck::Fixes::Safe).map(|c| c.as_str()).filter(|c| !fixed_codes.contains(*c)).collect();
    assert!(missing.is_empty(), "safe fixes no .fixed corpus case shows: {missing:?}");
}
