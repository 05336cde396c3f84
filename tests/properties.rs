//! Properties over generated inputs: streaming equals whole-file checking
//! at any cut, normalization and fixing are idempotent, a fix changes
//! exactly what it lists, and chunking keeps every valid row exactly once,
//! in order, within limits.

#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/manifest.rs"]
mod manifest;

use proptest::prelude::*;
use rowcheck::Limits;

fn row_strategy() -> impl Strategy<Value = String> {
    let key = prop_oneof![Just("row_data"), Just("rowData")];
    let url = prop_oneof![
        Just("https://h.example/a.jpg".to_string()),
        Just("http://h.example/a b.png".to_string()),
        Just("s3://bucket/key/v.mp4".to_string()),
        Just("plain text row".to_string()),
        Just(" https://h.example/b c.jpg ".to_string()),
        Just("https:/h.example/d.jpg".to_string()),
        Just("https://h.example/e#f g.jpg".to_string()),
        Just("https://h.example/<h>\\t.jpg".to_string()),
        "[a-z]{1,8}".prop_map(|s| format!("https://h.example/{s}.PNG")),
    ];
    let media = prop_oneof![Just(None), Just(Some("IMAGE")), Just(Some("image")), Just(Some("TEXT")), Just(Some("VIDEO"))];
    let gk = prop_oneof![Just(None), "[a-zA-Z]{1,3}".prop_map(Some), Just(Some(" x".to_string())), Just(Some("x".to_string())), Just(Some("y  z\\t".to_string()))];
    // Date-times in the forms the SDK's parser reads, numbers as strings,
    // the `metadata` alias and several options of one enum: all rewritten.
    let datetime = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?|-W(0[1-9]|[1-4][0-9]|5[0-2])(-[1-7])?|-(0[0-9][1-9]|[12][0-9][0-9]|3[0-5][0-9])|(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8]))([T ]([01][0-9]|2[0-3])(:[0-5][0-9](:[0-5][0-9]([.,][0-9]{1,9})?)?)?([Zz]|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?)?";
    let md = prop_oneof![
        Just(String::new()),
        Just(r#","metadata_fields":[{"name":"captureDateTime","value":"2022-06-01T10:30:00+05:30"}]"#.to_string()),
        Just(r#","metadataFields":[{"name":"split","value":"train"},{"name":"tag","value":null}]"#.to_string()),
        datetime.prop_map(|d| format!(r#","metadata_fields":[{{"name":"captureDateTime","value":"{d}"}}]"#)),
        "[ ]?[0-9]{1,3}(_[0-9])?(\\.[0-9])?[ ]?".prop_map(|n| format!(r#","metadata_fields":[{{"name":"skipNFrames","value":"{n}"}},{{"name":"x","value":true}}]"#)),
        Just(r#","metadata":[{"name":"split","value":"train"},{"name":"split","value":"cko8sc2yr0004h2dk69aj5x63"}]"#.to_string()),
        Just(r#","embeddings":[{"embedding_id":"e","vector":[1.5,2],"note":1}]"#.to_string()),
    ];
    let att = prop_oneof![
        Just(""),
        Just(r#","attachments":[{"type":"TEXT","value":"note"},{"type":"TEXT","value":"https://h.example/t.txt","name":null}]"#),
        Just(r#","attachments":{"type":"IMAGE"}"#),
    ];
    (key, url, media, gk, md, att, any::<bool>()).prop_map(|(key, url, media, gk, md, att, spaced)| {
        let media = media.map_or(String::new(), |m| format!(r#","media_type":"{m}""#));
        let gk = gk.map_or(String::new(), |g| format!(r#","global_key":"{g}""#));
        let row = format!(r#"{{"{key}":"{url}"{media}{gk}{md}{att},"external_id":null}}"#);
        if spaced { row.replace(',', " ,\n  ") } else { row }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn streaming_matches_whole_file(rows in prop::collection::vec(row_strategy(), 0..12), cuts in prop::collection::vec(any::<usize>(), 0..8), array in any::<bool>()) {
        let input = if array { format!("[\n{}\n]", rows.join(",\n")) } else { rows.iter().map(|r| r.replace('\n', "") + "\n").collect() };
        invariants::check_invariants(input.as_bytes(), &cuts);
    }

    #[test]
    fn normalization_is_idempotent(rows in prop::collection::vec(row_strategy(), 1..10)) {
        let input = format!("[{}]", rows.join(","));
        let limits = Limits::default();
        let once = invariants::run(input.as_bytes(), &[], limits).normalized;
        let twice = invariants::run(&once, &[], limits).normalized;
        prop_assert_eq!(String::from_utf8_lossy(&once), String::from_utf8_lossy(&twice));
    }

    #[test]
    fn fixing_is_idempotent_and_changes_only_what_it_lists(rows in prop::collection::vec(row_strategy(), 1..10), array in any::<bool>()) {
        let input = if array { format!("[\n{}\n]", rows.join(",\n")) } else { rows.iter().map(|r| r.replace('\n', "") + "\n").collect() };
        let (once, report) = rowcheck::fix(input.as_bytes(), rowcheck::Options::default());
        let once = once.expect("the generated rows parse");
        let (twice, again) = rowcheck::fix(&once, rowcheck::Options::default());
        let twice = twice.expect("the fixed rows parse");
        prop_assert_eq!(String::from_utf8_lossy(&once), String::from_utf8_lossy(&twice));
        prop_assert!(again.fix.unwrap().changes.is_empty());
        let changes = report.fix.unwrap().changes;
        let listed: Vec<String> = sorted(changes.iter().map(|c| format!("{} {:?} {} {}", c.row, c.op, c.before, c.after)));
        // A spaced row may break a string (a date-time's `,`) and not parse.
        let Some(before) = rows_of(input.as_bytes(), array) else { return Ok(()) };
        let after = rows_of(&once, array).expect("rows that parsed still parse");
        let made = sorted(differences(&before, &after));
        prop_assert_eq!(made, listed);
    }

    #[test]
    fn chunks_hold_every_valid_row_once_in_order(n in 1usize..300, max_rows in 1u64..50, max_bytes in 200u64..5_000, seed in any::<u64>()) {
        let generated = manifest::generate(n, true, seed);
        let limits = Limits { max_rows: Some(max_rows), max_bytes };
        let out = invariants::run(&generated.bytes, &[], limits);
        let valid: Vec<serde_json::Value> = out.normalized.split(|&b| b == b'\n').filter(|l| !l.is_empty())
            .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok()).collect();
        let too_large: Vec<u64> = out.report.diagnostics.iter().filter(|d| d.code == rowcheck::Code::ROW_TOO_LARGE).map(|d| d.row.unwrap()).collect();
        let bad: std::collections::HashSet<usize> = generated.bad.iter().map(|b| b.0).chain(too_large.iter().map(|&r| r as usize)).collect();
        let expected: Vec<&serde_json::Value> = valid.iter().enumerate().filter(|(i, _)| !bad.contains(i)).map(|(_, v)| v).collect();
        let mut chunked = Vec::new();
        for (chunk, info) in out.chunks.iter().zip(&out.report.chunks) {
            prop_assert!(info.rows <= max_rows && info.bytes <= max_bytes);
            chunked.extend(serde_json::from_slice::<Vec<serde_json::Value>>(chunk).unwrap());
        }
        prop_assert_eq!(chunked.iter().collect::<Vec<_>>(), expected);
    }
}

#[test]
fn every_cut_of_small_files_gives_the_same_result() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for cut in (0..=bytes.len()).step_by(7) {
            invariants::check_invariants(&bytes, &[cut, cut / 2]);
        }
    }
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.collect();
    items.sort();
    items
}

fn rows_of(bytes: &[u8], array: bool) -> Option<Vec<Json>> {
    if array {
        return serde_json::from_slice(bytes).ok();
    }
    bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).ok()).collect()
}

/// JSON with every object's members in the order written (serde_json's
/// `Value` sorts them), so that a renamed key is found in its place.
#[derive(Debug)]
enum Json {
    Object(Vec<(String, Json)>),
    Array(Vec<Json>),
    Scalar(serde_json::Value),
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Scalar(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Json::Object(members))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What differs between the rows before and after a fix, as the changes
/// list it: a fix only splices tokens, so members keep their places, and a
/// key that differs is a rename, a scalar that differs a replacement.
fn differences(before: &[Json], after: &[Json]) -> impl Iterator<Item = String> {
    fn walk(row: usize, a: &Json, b: &Json, out: &mut Vec<String>) {
        match (a, b) {
            (Json::Object(a), Json::Object(b)) => {
                assert_eq!(a.len(), b.len(), "a fix added or removed a member");
                for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                    if ka != kb {
                        out.push(format!("{row} Rename {} {}", serde_json::Value::from(ka.as_str()), serde_json::Value::from(kb.as_str())));
                    }
                    walk(row, va, vb, out);
                }
            }
            (Json::Array(a), Json::Array(b)) => {
                assert_eq!(a.len(), b.len(), "a fix added or removed an element");
                a.iter().zip(b).for_each(|(x, y)| walk(row, x, y, out));
            }
            (Json::Scalar(a), Json::Scalar(b)) if a != b => out.push(format!("{row} Replace {a} {b}")),
            (Json::Scalar(_), Json::Scalar(_)) => {}
            _ => panic!("a fix replaced an object or an array: {a:?} {b:?}"),
        }
    }
    assert_eq!(before.len(), after.len(), "a fix dropped or added rows");
    let mut out = Vec::new();
    for (row, (a, b)) in before.iter().zip(after).enumerate() {
        walk(row, a, b, &mut out);
    }
    out.into_iter()
}
