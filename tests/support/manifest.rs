//! Deterministic generator of large mixed manifests: every media type,
//! metadata, attachments, and ~1% rows with one known error each. Shared by
//! the integration tests and the benchmarks (included with `#[path]`).

#![allow(dead_code)]

pub struct Generated {
    pub bytes: Vec<u8>,
    pub rows: usize,
    /// (row index, code) of every row made bad on purpose.
    pub bad: Vec<(usize, &'static str)>,
}

/// xorshift64*: tiny, fixed, and the same everywhere (the fuzzer draws
/// from it too).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const BAD_KINDS: [&str; 7] = [
    "URL_UNSUPPORTED_CHAR",
    "GLOBAL_KEY_DUPLICATE",
    "MEDIA_TYPE_UNKNOWN",
    "TMS_TILE_TEMPLATE",
    "METADATA_VALUE",
    "ATTACHMENT_TYPE",
    "URL_SCHEME",
];

fn good_row(i: usize, rng: &mut Rng) -> String {
    let host = "https://storage.example.com/datasets/batch-7";
    let key = format!("asset-{i:08}-{:x}", rng.next() & 0xffff_ffff);
    let tag = format!(r#"{{"schema_id":"cko8s9r5v0001h2dk9elqdidh","value":"tag-{}"}}"#, rng.below(50));
    let split = ["train", "valid", "test"][rng.below(3)];
    let metadata = format!(
        r#"[{tag},{{"name":"split","value":"{split}"}},{{"name":"captureDateTime","value":"2023-0{}-1{}T10:{}0:00Z"}}]"#,
        1 + rng.below(9),
        rng.below(10),
        rng.below(6)
    );
    let attachments = format!(
        r#"[{{"type":"IMAGE_OVERLAY","value":"{host}/overlays/{i}.png","name":"overlay"}},{{"type":"RAW_TEXT","value":"Field notes for asset {i}: clear sky, zone {}"}}]"#,
        rng.below(100)
    );
    match i % 10 {
        // DICOM warns (MEDIA_TYPE_UNDOCUMENTED) and is rare in today's
        // manifests: one such row in a thousand, the others scans as PNG.
        2 if (i / 10) % 100 == 0 => format!(r#"{{"row_data":"{host}/scans/ct_{i}.dcm","global_key":"{key}","media_type":"DICOM","metadata_fields":{metadata}}}"#),
        2 => format!(r#"{{"row_data":"{host}/scans/ct_{i}.png","global_key":"{key}","media_type":"IMAGE","metadata_fields":{metadata}}}"#),
        0 | 1 => format!(
            r#"{{"row_data":"{host}/images/img_{i:08}.jpg","global_key":"{key}","media_type":"IMAGE","metadata_fields":{metadata},"attachments":{attachments}}}"#
        ),
        3 => format!(r#"{{"row_data":"{host}/video/clip_{i}.mp4","global_key":"{key}","media_type":"VIDEO","external_id":"ext-{i}"}}"#),
        4 => format!(r#"{{"row_data":"{host}/audio/rec_{i}.wav","global_key":"{key}","metadata_fields":{metadata}}}"#),
        5 => format!(
            r#"{{"row_data":"Customer message {i}: the parcel arrived late and the box was damaged.","global_key":"{key}","media_type":"TEXT"}}"#
        ),
        6 => format!(
            r#"{{"row_data":{{"pdf_url":"{host}/docs/{i}.pdf","text_layer_url":"{host}/docs/{i}-layer.json"}},"global_key":"{key}","media_type":"PDF"}}"#
        ),
        7 if (i / 10) % 2 == 1 => format!(
            r#"{{"row_data":{{"tile_layer_url":"https://tiles.example.com/slide/{i}/{{z}}/{{x}}/{{y}}.png","bounds":[[0,0],[4096,3072]],"min_zoom":0,"max_zoom":6,"epsg":"Simple"}},"global_key":"{key}","media_type":"TMS_SIMPLE"}}"#
        ),
        7 => {
            let lat = 19.0 + (rng.below(1000) as f64) / 1000.0;
            format!(
                r#"{{"row_data":{{"tile_layer_url":"https://tiles.example.com/city/{{z}}/{{x}}/{{y}}.png","bounds":[[{lat},-99.21],[{},-99.20]],"min_zoom":12,"max_zoom":20,"epsg":"EPSG4326"}},"global_key":"{key}","media_type":"TMS_GEO"}}"#,
                lat + 0.01
            )
        }
        8 => format!(
            r#"{{"row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":[{{"messageId":"m1","content":"Hello, I need help with order {i}.","user":{{"userId":"u1","name":"Customer"}},"align":"left","canLabel":true}},{{"messageId":"m2","content":"Sure, let me look.","user":{{"userId":"a1","name":"Agent"}},"align":"right","canLabel":false}}]}},"global_key":"{key}","media_type":"CONVERSATIONAL"}}"#
        ),
        _ => format!(r#"{{"row_data":"{host}/pages/{i}.html","global_key":"{key}","media_type":"HTML","attachments":{attachments}}}"#),
    }
}

fn bad_row(i: usize, kind: &str, first_key: &str) -> String {
    let host = "https://storage.example.com/datasets/batch-7";
    match kind {
        "URL_UNSUPPORTED_CHAR" => format!(r#"{{"row_data":"{host}/images/img_{i}#1.jpg","global_key":"bad-{i}","media_type":"IMAGE"}}"#),
        "GLOBAL_KEY_DUPLICATE" => format!(r#"{{"row_data":"{host}/images/dup_{i}.jpg","global_key":"{}","media_type":"IMAGE"}}"#, first_key.to_uppercase()),
        "MEDIA_TYPE_UNKNOWN" => format!(r#"{{"row_data":"{host}/images/{i}.jpg","global_key":"bad-{i}","media_type":"PICTURE"}}"#),
        "TMS_TILE_TEMPLATE" => format!(
            r#"{{"row_data":{{"tile_layer_url":"https://tiles.example.com/{{z}}/{{x}}.png","bounds":[[19.4,-99.21],[19.5,-99.2]],"min_zoom":1,"max_zoom":2,"epsg":"EPSG4326"}},"global_key":"bad-{i}","media_type":"TMS_GEO"}}"#
        ),
        "METADATA_VALUE" => format!(r#"{{"row_data":"{host}/images/{i}.jpg","global_key":"bad-{i}","media_type":"IMAGE","metadata_fields":[{{"name":"split","value":"holdout"}}]}}"#),
        "ATTACHMENT_TYPE" => format!(r#"{{"row_data":"{host}/images/{i}.jpg","global_key":"bad-{i}","media_type":"IMAGE","attachments":[{{"type":"NOTE","value":"x"}}]}}"#),
        _ => format!(r#"{{"row_data":"s3:/bucket-{i}","global_key":"bad-{i}","media_type":"IMAGE"}}"#),
    }
}

/// `rows` rows as NDJSON (`ndjson`) or a pretty-ish JSON array, with
/// about one row in a hundred bad.
pub fn generate(rows: usize, ndjson: bool, seed: u64) -> Generated {
    let mut bytes = Vec::with_capacity(rows * 600);
    let bad = write_manifest(&mut bytes, rows, ndjson, seed).expect("writing to a Vec cannot fail");
    Generated { bytes, rows, bad }
}

/// The same manifest as `generate`, written row by row to `out`, so the
/// benchmarks can make multi-gigabyte files without holding them. Every
/// global key is distinct except on the planted `GLOBAL_KEY_DUPLICATE` rows.
/// Returns the planted rows as `(row index, code)`.
pub fn write_manifest(out: &mut impl std::io::Write, rows: usize, ndjson: bool, seed: u64) -> std::io::Result<Vec<(usize, &'static str)>> {
    let mut rng = Rng(seed | 1);
    let mut bad = Vec::new();
    let mut first_key = String::new();
    if !ndjson {
        out.write_all(b"[\n")?;
    }
    for i in 0..rows {
        let row = if i > 0 && rng.below(100) == 0 {
            let kind = BAD_KINDS[bad.len() % BAD_KINDS.len()];
            bad.push((i, kind));
            bad_row(i, kind, &first_key)
        } else {
            let row = good_row(i, &mut rng);
            if i == 0 {
                let start = row.find("\"global_key\":\"").unwrap() + 14;
                first_key = row[start..start + row[start..].find('"').unwrap()].to_string();
            }
            row
        };
        if !ndjson && i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(row.as_bytes())?;
        if ndjson {
            out.write_all(b"\n")?;
        }
    }
    if !ndjson {
        out.write_all(b"\n]\n")?;
    }
    Ok(bad)
}

/// A one-row JSON array whose row has `entries` metadata entries: distinct
/// fields of unknown kind (each may appear once), plus, with `planted`,
/// three repeats (pointers returned) and a numeric-string number field.
pub fn wide_metadata_row(entries: usize, planted: bool) -> (Vec<u8>, Vec<String>) {
    let mut row = String::with_capacity(entries * 40 + 200);
    row.push_str(r#"[{"row_data":"https://storage.example.com/videos/wide.mp4","media_type":"VIDEO","metadata_fields":["#);
    let mut repeats = Vec::new();
    for i in 0..entries {
        if i > 0 {
            row.push(',');
        }
        match i {
            // The entry before it again, an option twice, a string field twice.
            _ if planted && i == entries / 2 => row.push_str(&format!(r#"{{"name":"field-{}","value":"value {}"}}"#, i - 1, i - 1)),
            _ if planted && i == entries - 2 => row.push_str(r#"{"name":"split","value":"train"}"#),
            _ if planted && i == entries - 1 => row.push_str(r#"{"schema_id":"cko8sbczn0002h2dkdaxb5kal","value":"cko8sbscr0003h2dk04w86hof"}"#),
            _ if planted && i == 1 => row.push_str(r#"{"name":"skipNFrames","value":" 2 "}"#),
            _ => row.push_str(&format!(r#"{{"name":"field-{i}","value":"value {i}"}}"#)),
        }
        if planted && (i == entries / 2 || i == entries - 1) {
            repeats.push(format!("/metadata_fields/{i}"));
        }
    }
    row.push_str("]}]\n");
    (row.into_bytes(), repeats)
}
