//! The wasm surface (src/wasm.rs) compiled to wasm32 and run by
//! wasm-bindgen-test, in Node and (WASM_BINDGEN_USE_BROWSER=1) in headless
//! Chromium: the examples check clean, hostile input becomes diagnostics
//! and never a trap, caller mistakes are errors, and any way of cutting the
//! input gives the same report. The Makefile runs it against both builds
//! the npm package ships: the core (`--features host-idna`, built from
//! pkg/scripts/core-workspace.mjs's workspace) and the full build
//! (`--features schema,probe`).
#![cfg(target_arch = "wasm32")]

use rowcheck::wasm::{Checker, KeyListReader};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// Options as a JavaScript caller gives them: an object (here from JSON), or none.
fn options(json: &str) -> JsValue {
    if json.is_empty() { JsValue::UNDEFINED } else { js_sys::JSON::parse(json).expect("the test's options are JSON") }
}

const EXAMPLES: [(&str, &[u8]); 5] = [
    ("seed-image", include_bytes!("../examples/seed-image.json")),
    ("seed-pdf", include_bytes!("../examples/seed-pdf.json")),
    ("seed-sdk-bulk-image", include_bytes!("../examples/seed-sdk-bulk-image.json")),
    ("seed-tms-geo", include_bytes!("../examples/seed-tms-geo.json")),
    ("seed-video", include_bytes!("../examples/seed-video.json")),
];

fn report_in_pieces(input: &[u8], options: &str, piece: usize) -> Value {
    let mut checker = Checker::new(self::options(options), None).expect("valid options");
    for part in input.chunks(piece.max(1)) {
        checker.push(part);
    }
    checker.finish();
    serde_json::from_str(&checker.report(None)).expect("the report is JSON")
}

fn report(input: &[u8]) -> Value {
    report_in_pieces(input, "", usize::MAX)
}

fn codes(report: &Value) -> Vec<&str> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[wasm_bindgen_test]
fn examples_check_without_errors() {
    for (name, bytes) in EXAMPLES {
        let r = report(bytes);
        assert_eq!(r["summary"]["errors"], 0, "{name}: {r}");
        assert!(r["summary"]["rows"].as_u64().unwrap() > 0, "{name}");
    }
}

/// Hosts that need Unicode IDNA tables. The full build maps them with the
/// `url` crate's; the core, which has none, asks the JavaScript engine here
/// (as in a browser before the full build is loaded; the npm package then
/// hands it the full build's). Either way the URL Standard's verdict; an
/// engine says only "invalid", so its reason is the general one.
#[wasm_bindgen_test]
fn unicode_hosts_are_judged_as_the_url_standard_does() {
    let rows = [
        ("https://münchen.de/a.jpg", true),
        ("https://xn--mnchen-3ya.de/a.jpg", true),
        ("https://%C3%BC.com/a.jpg", true),
        ("https://ＥＸＡＭＰＬＥ.com/a.jpg", true),
        ("https://例え.テスト/a.jpg", true),
        ("https://a\u{200D}b.com/a.jpg", false),
        ("https://xn--a.com/a.jpg", false),
        ("https://a.b.c.xn--pokxncvks/a.jpg", false),
        ("https://\u{AD}/a.jpg", false),
    ];
    for (url, valid) in rows {
        let r = report(format!(r#"[{{"row_data":{}}}]"#, serde_json::to_string(url).unwrap()).as_bytes());
        assert_eq!(codes(&r).contains(&"URL_INVALID"), !valid, "{url}: {r}");
    }
}

#[wasm_bindgen_test]
fn hostile_input_is_a_diagnostic_not_a_trap() {
    let deep = "[".repeat(200_000);
    let long_string = format!("[{{\"row_data\":\"https://h.example/{}.jpg\"}}]", "a".repeat(10_000_000));
    let cases: [(&str, &[u8], &str); 7] = [
        ("200,000 levels of nesting", deep.as_bytes(), "FILE_SYNTAX"),
        ("invalid UTF-8", b"[{\"row_data\":\"https://h.example/\xff.jpg\"}]", "FILE_ENCODING"),
        ("UTF-16", b"\xff\xfe[\x00]\x00", "FILE_ENCODING"),
        ("truncated", b"[{\"row_data\":\"https://h.exa", "FILE_SYNTAX"),
        ("duplicate keys", b"[{\"row_data\":\"https://h.example/a.jpg\",\"row_data\":\"x\"}]", "ROW_DUPLICATE_FIELD"),
        ("a number out of range", b"[{\"row_data\":\"https://h.example/a.jpg\",\"x\":1e999}]", "FILE_SYNTAX"),
        ("a lone surrogate", b"[{\"row_data\":\"https://h.example/\\ud800.jpg\"}]", "FILE_SYNTAX"),
    ];
    for (what, input, code) in cases {
        let r = report(input);
        assert!(codes(&r).contains(&code), "{what}: expected {code} in {r}");
        assert!(r["summary"]["errors"].as_u64().unwrap() > 0, "{what}");
    }
    let r = report(long_string.as_bytes());
    assert_eq!(r["summary"]["rows"], 1, "a 10 MB string is one row");
}

#[wasm_bindgen_test]
fn any_cut_of_the_input_gives_the_same_report() {
    let ndjson = b"{\"row_data\":\"https://h.example/a.jpg\",\"global_key\":\"k\"}\n{\"row_data\":\"https://h.example/b c.jpg\"}\n{\"row_data\":\"https://h.example/a.jpg\",\"global_key\":\"K\"}\n";
    for (_, bytes) in EXAMPLES.iter().take(2).chain([("ndjson", &ndjson[..])].iter()) {
        let whole = report(bytes);
        for piece in 1..=7 {
            assert_eq!(report_in_pieces(bytes, "", piece), whole, "pieces of {piece} bytes");
        }
    }
}

#[wasm_bindgen_test]
fn caller_mistakes_are_errors() {
    for (bad, code) in [
        ("42", "INVALID_OPTIONS"),
        ("[]", "INVALID_OPTIONS"),
        ("{\"bogus\":true}", "INVALID_OPTIONS"),
        ("{\"maxRows\":0}", "INVALID_OPTIONS"),
        ("{\"maxRows\":1.5}", "INVALID_OPTIONS"),
        ("{\"maxBytes\":2}", "INVALID_OPTIONS"),
        ("{\"strict\":\"yes\"}", "INVALID_OPTIONS"),
        ("{\"existingKeys\":[1, 2]}", "INVALID_OPTIONS"),
        ("{\"existingKeys\":\"[1, 2]\"}", "INVALID_OPTIONS"),
        ("{\"ontology\":{\"not\":\"a list\"}}", "INVALID_ONTOLOGY"),
        ("{\"ontology\":[{\"name\":\"a\",\"kind\":\"color\"}]}", "INVALID_ONTOLOGY"),
        ("{\"ontology\":\"not json\"}", "INVALID_ONTOLOGY"),
        // The core build refuses any schema with the same code, saying the full build has them.
        ("{\"schema\":{\"type\":12}}", "INVALID_SCHEMA"),
        ("{\"schema\":\"{\"}", "INVALID_SCHEMA"),
    ] {
        let error = Checker::new(options(bad), None).err().unwrap_or_else(|| panic!("{bad} must be refused"));
        assert!(error.is_instance_of::<js_sys::Error>(), "{bad}: an Error");
        let got = js_sys::Reflect::get(&error, &JsValue::from_str("code")).unwrap().as_string();
        assert_eq!(got.as_deref(), Some(code), "{bad}");
        let message = error.unchecked_into::<js_sys::Error>().message().as_string().unwrap();
        assert!(!message.is_empty() && !message.starts_with(code), "{bad}: the message is the message alone: {message}");
    }
    // Given as objects, the ontology and schema mean what their files mean.
    let ontology = "{\"ontology\":[{\"schema_id\":\"cl00000000000000000000001\",\"name\":\"camera\",\"kind\":\"string\"}]";
    let row = b"[{\"row_data\":\"https://h.example/a.jpg\",\"metadata_fields\":[{\"name\":\"lens\",\"value\":\"x\"}]}]";
    let r = report_in_pieces(row, &format!("{ontology}}}"), usize::MAX);
    assert!(codes(&r).contains(&"METADATA_UNKNOWN_FIELD"), "{r}");
    let with_schema = format!("{ontology},\"schema\":{{\"required\":[\"global_key\"]}}}}");
    if cfg!(feature = "schema") {
        let r = report_in_pieces(row, &with_schema, usize::MAX);
        assert!(codes(&r).contains(&"METADATA_UNKNOWN_FIELD") && codes(&r).contains(&"SCHEMA"), "{r}");
    } else {
        let error = Checker::new(options(&with_schema), None).err().expect("the core build has no schema support");
        let message = error.unchecked_into::<js_sys::Error>().message().as_string().unwrap();
        assert!(message.contains("full build"), "{message}");
    }
    let taken = b"[{\"row_data\":\"https://h.example/a.jpg\",\"global_key\":\"Taken\"}]";
    for keys in ["{\"existingKeys\":[\"taken\"]}", "{\"existingKeys\":\"other\\ntaken\\n\"}"] {
        assert!(codes(&report_in_pieces(taken, keys, usize::MAX)).contains(&"GLOBAL_KEY_EXISTS"), "{keys}");
    }
    // A key file streamed into a KeyList, cut anywhere, is the same list; a list that is not UTF-8 is refused.
    for piece in [1, 2, 5, usize::MAX] {
        let mut list = KeyListReader::new();
        for part in b"other\r\ntaken\n".chunks(piece) {
            list.push(part).expect("a valid key list");
        }
        let mut checker = Checker::new(JsValue::UNDEFINED, Some(list)).expect("valid options");
        checker.push(taken);
        checker.finish();
        let r: Value = serde_json::from_str(&checker.report(None)).unwrap();
        assert_eq!(codes(&r), ["GLOBAL_KEY_EXISTS"], "pieces of {piece}: {r}");
    }
    let mut bad = KeyListReader::new();
    // Refused as the bytes arrive, or at the latest when the checker takes the list.
    let error = match bad.push(b"ok\n\xff\n") {
        Err(error) => error,
        Ok(()) => Checker::new(JsValue::UNDEFINED, Some(bad)).err().expect("a key list that is not UTF-8 is refused"),
    };
    let got = js_sys::Reflect::get(&error, &JsValue::from_str("code")).unwrap().as_string();
    assert_eq!(got.as_deref(), Some("INVALID_OPTIONS"));
}

#[wasm_bindgen_test]
fn split_hands_out_every_valid_row_in_order() {
    let rows: Vec<String> = (0..25).map(|i| format!("{{\"row_data\":\"https://h.example/{i}.jpg\",\"global_key\":\"k{i}\"}}")).collect();
    let input = format!("[{}]", rows.join(","));
    let mut checker = Checker::new(options("{\"maxRows\":10,\"emitChunks\":true}"), None).unwrap();
    checker.push(input.as_bytes());
    checker.finish();
    let mut keys = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = checker.take_chunk() {
        let rows: Vec<Value> = serde_json::from_slice(&chunk).expect("a chunk is a JSON array");
        assert!(rows.len() <= 10);
        keys.extend(rows.iter().map(|r| r["global_key"].as_str().unwrap().to_string()));
        chunks += 1;
    }
    assert_eq!(chunks, 3);
    assert_eq!(keys, (0..25).map(|i| format!("k{i}")).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
fn normalize_and_text_report() {
    let input = b"[{\"rowData\":\"https://h.example/a.jpg\",\"media_type\":\"image\"}]";
    let mut checker = Checker::new(options("{\"emitNormalized\":true}"), None).unwrap();
    checker.push(input);
    checker.finish();
    let normalized = String::from_utf8(checker.take_normalized()).unwrap();
    assert!(normalized.contains("\"row_data\":\"https://h.example/a.jpg\""), "{normalized}");
    assert!(normalized.contains("\"media_type\":\"IMAGE\""), "{normalized}");
    assert!(!checker.file_failed());
    let text = checker.report(Some("in.json".into()));
    assert!(text.starts_with("in.json:1:3: warning ROW_FIELD_ALIAS"), "{text}");
    assert!(text.ends_with("\n1 row (IMAGE 1), 1 valid; 0 errors, 2 warnings; 1 chunk\n"), "{text}");
}
