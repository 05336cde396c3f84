//! rowcheck judges URLs as browsers do: the URL test data of
//! web-platform-tests (`urltestdata.json`, the WHATWG URL Standard's own
//! cases), read from `../shared/peer-suites/wpt-url/` beside the repository
//! and never copied into it. Every entry that has no base, or whose input
//! is an absolute `http:`/`https:` URL (the base then plays no part),
//! becomes a manifest row; rowcheck reports `URL_INVALID` on exactly the
//! rows whose entry says `failure`. A checkout without the folder skips,
//! and says so. pkg/test/wpt-url.test.mjs holds the wasm build to the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rowcheck::{Code, Options};
use serde_json::Value;

/// The entries to check, as `(input, failure)`.
fn entries() -> Option<Vec<(String, bool)>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-suites/wpt-url/urltestdata.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is absent (it sits beside the repository, not in it)", path.display());
        return None;
    };
    let data: Vec<Value> = serde_json::from_str(&text).expect("urltestdata.json is JSON");
    let absolute_http = |input: &str| {
        // What the parser strips before it reads the scheme.
        let s: String = input.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let lower = s.to_ascii_lowercase();
        ["http:", "https:"].iter().any(|scheme| {
            lower.strip_prefix(scheme).is_some_and(|rest| rest.chars().take(2).filter(|c| matches!(c, '/' | '\\')).count() == 2)
        })
    };
    Some(
        data.iter()
            .filter_map(|e| {
                let input = e.get("input")?.as_str()?;
                let no_base = e.get("base").is_none_or(Value::is_null);
                (no_base || absolute_http(input)).then(|| (input.to_string(), e.get("failure").and_then(Value::as_bool).unwrap_or(false)))
            })
            .collect(),
    )
}

#[test]
fn url_invalid_is_exactly_the_whatwg_failures() {
    let Some(entries) = entries() else { return };
    let mut manifest = String::new();
    for (input, _) in &entries {
        manifest.push_str(&serde_json::json!({"row_data": input, "media_type": "IMAGE"}).to_string());
        manifest.push('\n');
    }
    let report = rowcheck::check(manifest.as_bytes(), Options::default());
    let mut codes: BTreeMap<u64, BTreeSet<Code>> = BTreeMap::new();
    for d in &report.diagnostics {
        codes.entry(d.row.expect("no file-level finding")).or_default().insert(d.code);
    }
    let mut disagreements = Vec::new();
    let mut agree = 0;
    for (row, (input, failure)) in entries.iter().enumerate() {
        let got = codes.get(&(row as u64)).cloned().unwrap_or_default();
        if input.is_empty() {
            // The one input no URL check sees: an empty row_data is refused first.
            assert!(*failure && got.contains(&Code::ROW_DATA_MISSING), "{got:?}");
            continue;
        }
        if got.contains(&Code::URL_INVALID) == *failure {
            agree += 1;
        } else {
            disagreements.push(format!("{input:?}: failure {failure}, rowcheck {got:?}"));
        }
    }
    let checked = entries.iter().filter(|e| !e.0.is_empty());
    println!(
        "WHATWG URL test data: {agree} of {} entries agree ({} of them failures)",
        checked.clone().count(),
        checked.filter(|e| e.1).count()
    );
    assert!(entries.len() > 600, "only {} entries", entries.len());
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
