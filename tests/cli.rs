//! The native CLI, run as a user would: exit codes, formats, split and
//! normalize outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rowcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rowcheck")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rowcheck-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn exit_codes() {
    assert_eq!(rowcheck(&["check", "examples/seed-image.json"]).status.code(), Some(0));
    assert_eq!(rowcheck(&["check", "examples/seed-tms-geo.json"]).status.code(), Some(0), "warnings alone pass");
    assert_eq!(rowcheck(&["check", "--strict", "examples/seed-tms-geo.json"]).status.code(), Some(1));
    assert_eq!(rowcheck(&["check", "no/such/file.json"]).status.code(), Some(2));
    assert_eq!(rowcheck(&["check"]).status.code(), Some(2));
    assert_eq!(rowcheck(&["check", "--max-rows", "0", "examples/seed-image.json"]).status.code(), Some(2));
    assert_eq!(rowcheck(&["frobnicate"]).status.code(), Some(2));
    let upload = rowcheck(&["upload", "examples/seed-image.json", "--endpoint", "http://127.0.0.1:9/"]);
    assert_eq!(upload.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&upload.stderr).contains("npx rowcheck upload"), "points to the npm command");
    let dir = scratch("bad-options");
    std::fs::write(dir.join("ontology.json"), "{not json").unwrap();
    let out = rowcheck(&["check", "--ontology", dir.join("ontology.json").to_str().unwrap(), "examples/seed-image.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ontology"));
}

#[test]
fn json_report_has_the_spec_shape() {
    let out = rowcheck(&["check", "--format", "json", "examples/seed-tms-geo.json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["rows"], 1);
    assert_eq!(report["summary"]["valid_rows"], 1);
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["summary"]["media_types"]["TMS_GEO"], 1);
    let d = &report["diagnostics"][0];
    for key in ["code", "severity", "row", "pointer", "line", "column", "message"] {
        assert!(d.get(key).is_some(), "diagnostic lacks {key}");
    }
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(29), Some(19)));
    assert_eq!(report["chunks"][0], serde_json::json!({"index":0,"first_row":0,"rows":1,"bytes":out_chunk_bytes()}));
}

fn out_chunk_bytes() -> u64 {
    let dir = scratch("tms-split");
    let out = dir.join("out");
    assert_eq!(rowcheck(&["split", "examples/seed-tms-geo.json", "--out", out.to_str().unwrap()]).status.code(), Some(0));
    std::fs::metadata(out.join("chunk-0001.json")).unwrap().len()
}

#[test]
fn text_report_uses_the_compiler_convention() {
    let out = rowcheck(&["check", "examples/seed-tms-geo.json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("examples/seed-tms-geo.json:29:19: warning GLOBAL_KEY_CHARS row 0 /global_key: "),
        "{first}"
    );
    assert!(text.lines().last().unwrap().starts_with("1 row (TMS_GEO 1), 1 valid; 0 errors, 1 warning; 1 chunk"));
}

#[test]
fn a_clean_url_list_prints_its_summary_and_nothing_else() {
    let dir = scratch("quiet");
    let list: String = (0..10_000).map(|i| format!("https://h.example/img/{i}.png\n")).collect();
    let file = dir.join("urls.txt");
    std::fs::write(&file, list).unwrap();
    let file = file.to_str().unwrap();
    let out = rowcheck(&["check", file]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "10000 rows (IMAGE 10000), 10000 valid; 0 errors, 0 warnings; 1 chunk; infos: MEDIA_TYPE_INFERRED on 10000 rows (0, 1, 2, 3, 4, …); --verbose lists each\n"
    );
    let json: serde_json::Value = serde_json::from_slice(&rowcheck(&["check", "--format", "json", file]).stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert_eq!(json["summary"]["infos"], serde_json::json!([{"code": "MEDIA_TYPE_INFERRED", "rows": 10000, "first_rows": [0, 1, 2, 3, 4]}]));
    // Asked for, each info has its line, and the summary no longer counts them.
    let verbose = String::from_utf8(rowcheck(&["check", "--verbose", file]).stdout).unwrap();
    assert_eq!(verbose.lines().count(), 10_001);
    assert!(verbose.starts_with(&format!("{file}:1:1: info MEDIA_TYPE_INFERRED row 0 /row_data: ")), "{verbose}");
    assert!(verbose.ends_with("\n10000 rows (IMAGE 10000), 10000 valid; 0 errors, 0 warnings; 1 chunk\n"), "{verbose}");
    // Warnings and errors stay one per row.
    std::fs::write(dir.join("two.txt"), "http://h.example/a.png\nhttp://h.example/b.png\n").unwrap();
    let two = String::from_utf8(rowcheck(&["check", dir.join("two.txt").to_str().unwrap()]).stdout).unwrap();
    assert_eq!(two.lines().filter(|l| l.contains(" warning URL_INSECURE row ")).count(), 2, "{two}");
    assert!(two.ends_with("; 0 errors, 2 warnings; 1 chunk; infos: MEDIA_TYPE_INFERRED on 2 rows (0, 1); --verbose lists each\n"), "{two}");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let out = Command::new(env!("CARGO_BIN_EXE_rowcheck"))
        .args(["check", "-"])
        .stdin(std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed-video.json")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("2 rows (VIDEO 2)"));
}

#[test]
fn split_writes_chunks_that_hold_every_valid_row_in_order() {
    let dir = scratch("split");
    let manifest = dir.join("m.ndjson");
    let mut text = String::new();
    for i in 0..25 {
        if i == 7 {
            text.push_str("{\"row_data\":\"https://h.example/bad #.jpg\"}\n");
        } else {
            text.push_str(&format!("{{\"row_data\":\"https://h.example/{i}.jpg\",\"global_key\":\"k{i}\"}}\n"));
        }
    }
    std::fs::write(&manifest, &text).unwrap();
    let out = dir.join("chunks");
    let run = rowcheck(&["split", manifest.to_str().unwrap(), "--out", out.to_str().unwrap(), "--max-rows", "10"]);
    assert_eq!(run.status.code(), Some(1), "a bad row means exit 1");
    let mut keys = Vec::new();
    for n in 1..=3 {
        let chunk: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(out.join(format!("chunk-{n:04}.json"))).unwrap()).unwrap();
        keys.extend(chunk.iter().map(|r| r["global_key"].as_str().unwrap().to_string()));
    }
    let expected: Vec<String> = (0..25).filter(|i| *i != 7).map(|i| format!("k{i}")).collect();
    assert_eq!(keys, expected);
    assert!(!out.join("chunk-0004.json").exists());
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["valid_rows"], 24);
    assert_eq!(report["chunks"].as_array().unwrap().len(), 3);
    // A second split into the same directory must not mix old and new chunks.
    let again = rowcheck(&["split", manifest.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn normalize_keeps_the_container_and_is_idempotent() {
    let dir = scratch("normalize");
    let once = dir.join("once.json");
    let twice = dir.join("twice.json");
    let run = rowcheck(&["normalize", "examples/seed-sdk-bulk-image.json", "-o", once.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0));
    let first = std::fs::read(&once).unwrap();
    assert!(first.starts_with(b"[\n{\"row_data\""));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&first).unwrap();
    assert_eq!(rows[0]["media_type"], "IMAGE");
    assert_eq!(rows[0]["attachments"][3]["type"], "RAW_TEXT");
    assert_eq!(rows[0]["attachments"][4]["type"], "TEXT_URL");
    assert_eq!(rows[0]["metadata_fields"][0]["value"], "2022-06-01T10:30:00Z");
    assert_eq!(rowcheck(&["normalize", once.to_str().unwrap(), "-o", twice.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(first, std::fs::read(&twice).unwrap());

    let ndjson = dir.join("m.ndjson");
    std::fs::write(&ndjson, "{\"rowData\":\"https://h.example/a.png\"}\n\n{\"row_data\":\"x\",\"oops\":1}\n").unwrap();
    let out = rowcheck(&["normalize", ndjson.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "{\"row_data\":\"https://h.example/a.png\",\"media_type\":\"IMAGE\"}\n{\"row_data\":\"x\",\"oops\":1}\n",
        "rows with errors are copied as written"
    );

}

/// Files that cannot be read to their end as a manifest, each after rows
/// enough to fill chunks (at two rows a chunk) before the break.
fn broken_files() -> Vec<(&'static str, Vec<u8>)> {
    let rows: String = (0..7).map(|i| format!("{{\"row_data\":\"https://h.example/{i}.png\"}},\n")).collect();
    let lines = rows.replace("},\n", "}\n");
    vec![
        ("cut-between-rows.json", format!("[\n{rows}").into_bytes()),
        ("cut-inside-a-row.json", format!("[\n{rows}{{\"row_data\":\"https://h.exa").into_bytes()),
        ("cut-inside-a-line.ndjson", format!("{lines}{{\"row_data\":\"https://h.exa").into_bytes()),
        ("missing-comma.json", format!("[\n{}\n{{\"row_data\":\"https://h.example/x.png\"}}]", rows.trim_end_matches(",\n")).into_bytes()),
        ("text-after-the-array.json", format!("[\n{}]\nmore", rows.trim_end_matches(",\n")).into_bytes()),
        ("utf16.json", b"\xFF\xFE[\x00{\x00".to_vec()),
        ("scalar.json", b"\"https://h.example/a.png\"".to_vec()),
    ]
}

#[test]
fn a_broken_file_gets_no_normalized_manifest_and_no_chunks() {
    let dir = scratch("broken");
    for (name, bytes) in broken_files() {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.to_str().unwrap();

        let out = rowcheck(&["normalize", path]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}: no partial manifest on standard output");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not writing a normalized manifest"), "{name}");
        let target = dir.join(format!("{name}.normalized"));
        assert_eq!(rowcheck(&["normalize", path, "-o", target.to_str().unwrap()]).status.code(), Some(1));
        assert!(!target.exists(), "{name}: no output file");

        let out_dir = dir.join(format!("{name}.chunks"));
        let run = rowcheck(&["split", path, "--out", out_dir.to_str().unwrap(), "--max-rows", "2", "--format", "json"]);
        assert_eq!(run.status.code(), Some(1), "{name}");
        assert!(String::from_utf8_lossy(&run.stderr).contains("no chunks written"), "{name}");
        let files: Vec<String> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(files, vec!["report.json"], "{name}: the report and nothing else");
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).unwrap()).unwrap();
        assert_eq!(report["summary"]["file_failed"], true, "{name}");
        assert_eq!(report["chunks"], serde_json::json!([]), "{name}");
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&run.stdout).unwrap(), report, "{name}");
    }
}

#[test]
fn split_names_its_chunks_only_once_the_file_is_read_to_its_end() {
    // Chunks are written as they fill; a good file ends with every one named.
    let dir = scratch("split-names");
    let path = dir.join("m.ndjson");
    let rows: String = (0..7).map(|i| format!("{{\"row_data\":\"https://h.example/{i}.png\"}}\n")).collect();
    std::fs::write(&path, rows).unwrap();
    let out = dir.join("out");
    assert_eq!(rowcheck(&["split", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--max-rows", "2"]).status.code(), Some(0));
    let mut files: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["chunk-0001.json", "chunk-0002.json", "chunk-0003.json", "chunk-0004.json", "report.json"]);
}

#[test]
fn hostile_inputs_get_a_diagnostic_and_exit_1() {
    let dir = scratch("hostile");
    let huge_text = format!("[{{\"row_data\":\"{}\",\"media_type\":\"TEXT\"}}]", "x".repeat(100 << 20));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deep.json", format!("[{}{}]", "[".repeat(200_000), "]".repeat(200_000)).into_bytes(), "FILE_SYNTAX"),
        ("deep-object.ndjson", format!("{}{}", "{\"a\":".repeat(200_000), "}".repeat(200_000)).into_bytes(), "FILE_SYNTAX"),
        ("huge-string.json", huge_text.into_bytes(), "TEXT_TOO_LONG"),
        ("not-utf8.json", b"[{\"row_data\":\"https://h.example/\xC3\x28.jpg\"}]".to_vec(), "FILE_ENCODING"),
        ("utf16.json", b"\xFF\xFE[\x00{\x00".to_vec(), "FILE_ENCODING"),
        ("truncated.json", b"[{\"row_data\":\"https://h.exa".to_vec(), "FILE_SYNTAX"),
        ("dup-keys.json", b"[{\"row_data\":\"https://h.example/a.jpg\",\"row_data\":\"x\"}]".to_vec(), "ROW_DUPLICATE_FIELD"),
        ("huge-number.json", b"[{\"row_data\":\"https://h.example/a.jpg\",\"embeddings\":[1e999]}]".to_vec(), "FILE_SYNTAX"),
        ("garbage.json", b"[{\"row_data\":\"https://h.example/a.jpg\"}] trailing".to_vec(), "FILE_SYNTAX"),
    ];
    for (name, bytes, code) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = rowcheck(&["check", "--format", "json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let codes: Vec<&str> = report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&code), "{name}: expected {code}, got {codes:?}");
        std::fs::remove_file(&path).unwrap();
    }
}

/// The README's worked example is what the command prints.
#[test]
fn the_readme_example_is_what_rowcheck_prints() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let example = &readme[readme.find("## A worked example").unwrap()..];
    let block = |lang: &str, from: usize| -> (String, usize) {
        let open = format!("```{lang}\n");
        let start = example[from..].find(&open).unwrap() + from + open.len();
        let end = example[start..].find("```\n").unwrap() + start;
        (example[start..end].to_string(), end)
    };
    let (manifest, at) = block("json", 0);
    let (check, at) = block("console", at);
    let (split, at) = block("console", at);
    let (fix, _) = block("console", at);
    let dir = scratch("readme");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_rowcheck")).args(args).current_dir(&dir).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    assert_eq!(format!("$ rowcheck check manifest.json\n{}", run(&["check", "manifest.json"])), check);
    std::fs::write(dir.join("manifest.json"), manifest.replace("\"training\"", "\"train\"").replace("\"CAT-1\"", "\"cat-3\"")).unwrap();
    let printed = run(&["split", "manifest.json", "--out", "chunks"]);
    let chunk = std::fs::read_to_string(dir.join("chunks/chunk-0001.json")).unwrap();
    assert_eq!(format!("$ rowcheck split manifest.json --out chunks\n{printed}$ cat chunks/chunk-0001.json\n{chunk}\n"), split);
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rowcheck")).args(["fix", "manifest.json", "-o", "fixed.json"]).current_dir(&dir).output().unwrap();
    let fixed = std::fs::read_to_string(dir.join("fixed.json")).unwrap();
    assert_eq!(format!("$ rowcheck fix manifest.json -o fixed.json\n{}$ cat fixed.json\n{fixed}", String::from_utf8(out.stderr).unwrap()), fix);
}
