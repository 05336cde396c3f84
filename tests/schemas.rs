//! The published JSON Schemas and the Rust rules must agree.
//!
//! Every row of the examples, the corpus, the real-world corpus and a
//! generated manifest is checked alone by rowcheck and its normalized form
//! is validated against
//! `schemas/data-row.schema.json`. Wherever one calls a row valid and the
//! other invalid the test fails, except for the rules a schema cannot
//! express, listed once in [`SCHEMA_CANNOT_EXPRESS`] (and in
//! schemas/README.md).

#[path = "support/manifest.rs"]
mod manifest;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jsonschema::{Retrieve, Uri, Validator};
use rowcheck::{Checker, Options, Severity};
use serde_json::Value;

/// Rust errors the schemas cannot see: a whole code, or one rule of a code
/// recognized by its message.
const SCHEMA_CANNOT_EXPRESS: &[(&str, &str)] = &[
    ("GLOBAL_KEY_DUPLICATE", ""),
    ("GLOBAL_KEY_EXISTS", ""),
    ("ROW_DUPLICATE_FIELD", ""),
    ("METADATA_DUPLICATE", ""),
    ("METADATA_UNKNOWN_FIELD", ""),
    ("ROW_TOO_LARGE", ""),
    ("SCHEMA", ""),
    ("TMS_ZOOM", "is below min_zoom"),
    ("TMS_BOUNDS", "must differ on both axes"),
    ("CONVERSATION_INVALID", "repeats the id of message"),
    ("CONVERSATION_INVALID", "has no message with that id"),
    ("CONVERSATION_INVALID", "has no actor with that id"),
    ("CONVERSATION_INVALID", "form a cycle"),
    ("TMS_BOUNDS", "taking the missing ones from the top level"),
    ("TMS_BOUNDS", "neither this alternative layer nor the top level"),
    ("TMS_EPSG", "neither this alternative layer nor the top level"),
    ("CONVERSATION_INVALID", "is given twice"),
    ("METADATA_VALUE", "does not exist in the calendar"),
    ("METADATA_VALUE", "the year is out of range"),
    ("METADATA_VALUE", "was inferred as"),
    // Whether a URL parses is the WHATWG URL Standard's verdict (IPv4 and
    // IPv6 literals, percent-escapes in hosts, IDNA): no pattern makes it.
    ("URL_INVALID", ""),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Local(HashMap<String, Value>);

impl Retrieve for Local {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0.get(uri.as_str()).cloned().ok_or_else(|| format!("no schema with $id {uri}").into())
    }
}

fn schema_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            schema_files(&p, out);
        } else if p.to_string_lossy().ends_with(".schema.json") {
            out.push(p);
        }
    }
}

fn validator(name: &str) -> Validator {
    let mut files = Vec::new();
    schema_files(&root().join("schemas"), &mut files);
    let mut by_id = HashMap::new();
    for f in &files {
        let schema: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{} is not a valid 2020-12 schema: {e}", f.display()));
        by_id.insert(schema["$id"].as_str().expect("every schema has an $id").to_string(), schema);
    }
    assert!(by_id.len() >= 12, "schemas are missing");
    let main: Value = serde_json::from_slice(&std::fs::read(root().join("schemas").join(name)).unwrap()).unwrap();
    jsonschema::options().with_retriever(Local(by_id)).build(&main).unwrap()
}

/// Rows of a manifest file as JSON values (rows serde cannot read are skipped:
/// they are syntax errors, which no schema sees).
fn rows_of(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    match path.extension().and_then(|e| e.to_str()) {
        Some("txt") => text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| serde_json::json!({"row_data": l})).collect(),
        _ if text.trim_start().starts_with('[') => serde_json::from_str::<Vec<Value>>(text).unwrap_or_default(),
        _ => text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect(),
    }
}

/// Check one row alone: its normalized form and its error codes+messages.
fn rust_verdict(row: &Value) -> (Value, Vec<(String, String)>) {
    let line = format!("[{}]", serde_json::to_string(row).unwrap());
    let mut checker = Checker::new(Options { emit_normalized: true, ..Options::default() });
    checker.push(line.as_bytes());
    checker.finish();
    let normalized = checker.take_normalized();
    let errors = checker
        .report()
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code.as_str().to_string(), d.message.clone()))
        .collect();
    let normalized: Vec<Value> = serde_json::from_slice(&normalized).unwrap_or_default();
    (normalized.into_iter().next().unwrap_or(Value::Null), errors)
}

fn inexpressible(code: &str, message: &str) -> bool {
    SCHEMA_CANNOT_EXPRESS.iter().any(|(c, fragment)| *c == code && message.contains(fragment))
}

#[test]
fn shipped_examples_satisfy_the_schemas() {
    let manifest = validator("manifest.schema.json");
    for entry in std::fs::read_dir(root().join("examples")).unwrap().flatten() {
        let doc: Value = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
        let errors: Vec<String> = manifest.iter_errors(&doc).map(|e| format!("{} {e}", e.instance_path().as_str())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
    }
}

#[test]
fn schemas_and_rust_agree_on_every_corpus_row() {
    let row_schema = validator("data-row.schema.json");
    let mut files = Vec::new();
    for dir in ["examples", "tests/corpus", "tests/realworld"] {
        if let Ok(entries) = std::fs::read_dir(root().join(dir)) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| {
                matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "txt"))
                    && !p.to_string_lossy().contains("schema")
                    && !p.to_string_lossy().contains("ontology")
            }));
        }
    }
    let mut rows: Vec<(String, Value)> = Vec::new();
    for f in &files {
        for (i, row) in rows_of(f).into_iter().enumerate() {
            rows.push((format!("{} row {i}", f.display()), row));
        }
    }
    let generated = manifest::generate(2_000, true, 3);
    for (i, line) in generated.bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        rows.push((format!("generated row {i}"), serde_json::from_slice(line).unwrap()));
    }
    let mut disagreements = Vec::new();
    let (mut both_accept, mut both_reject) = (0, 0);
    for (name, row) in &rows {
        let (normalized, errors) = rust_verdict(row);
        let candidate = if errors.is_empty() { &normalized } else { row };
        let schema_errors: Vec<String> =
            row_schema.iter_errors(candidate).map(|e| format!("{}: {e}", e.instance_path().as_str())).collect();
        let rust_errors: Vec<&(String, String)> = errors.iter().filter(|(c, m)| !inexpressible(c, m)).collect();
        match (rust_errors.is_empty(), schema_errors.is_empty()) {
            (true, false) if errors.is_empty() => {
                disagreements.push(format!("{name}: rowcheck accepts, the schema rejects: {schema_errors:?}"))
            }
            (false, true) => disagreements.push(format!("{name}: rowcheck rejects {rust_errors:?}, the schema accepts")),
            (true, true) => both_accept += 1,
            (false, false) => both_reject += 1,
            _ => {}
        }
    }
    assert!(rows.len() > 2_000);
    // The comparison must have teeth: many rows on each side.
    assert!(both_accept > 1_000 && both_reject > 50, "accept {both_accept}, reject {both_reject}");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
