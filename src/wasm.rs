//! The JavaScript surface, and the only file that knows wasm-bindgen.
//!
//! One class: bytes go in through `push`, compact results come out: the
//! report as one JSON (or text) string, chunks and the normalized manifest
//! as byte buffers. Options arrive as one JSON string the JS layer builds,
//! so no JS object is walked from Rust and none is made per row.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::probe::{self, Answer, Failure, Method, Next};
use crate::report::quote;
use crate::{Limits, Ontology, Options, UserSchema, parse_key_list};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsOptions {
    #[serde(default)]
    strict: bool,
    existing_keys: Option<KeyList>,
    ontology: Option<Value>,
    schema: Option<Value>,
    max_rows: Option<u64>,
    max_bytes: Option<u64>,
    #[serde(default)]
    emit_chunks: bool,
    #[serde(default)]
    emit_normalized: bool,
    /// The check's clock, a date-time the JS layer fills in when the caller gives none.
    now: Option<String>,
    signed_url_min_days: Option<u32>,
    #[serde(default)]
    collect_assets: bool,
}

/// Existing keys as a list, or as the text of a key-list file (one key per
/// line or a JSON array), read exactly as the native CLI reads one.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    Keys(Vec<String>),
    FileText(String),
}

/// A caller's mistake: the JS layer turns `CODE: message` into a
/// `RowcheckError` with that code.
fn misuse(code: &str, message: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{code}: {message}"))
}

/// An ontology or schema given as a JSON value, or as the text of its file
/// (then its errors read exactly as the native CLI's).
fn json_text(value: Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

fn options(json: &str) -> Result<Options, JsError> {
    let o: JsOptions = if json.is_empty() {
        JsOptions::default()
    } else {
        serde_json::from_str(json).map_err(|e| misuse("INVALID_OPTIONS", e))?
    };
    let existing_keys = match o.existing_keys {
        None => Vec::new(),
        Some(KeyList::Keys(keys)) => keys,
        Some(KeyList::FileText(text)) => parse_key_list(text.as_bytes()).map_err(|e| misuse("INVALID_OPTIONS", e))?,
    };
    let ontology = match o.ontology {
        Some(v) => Some(Ontology::from_json(&json_text(v)).map_err(|e| misuse("INVALID_ONTOLOGY", e))?),
        None => None,
    };
    let schema = match o.schema {
        Some(v) => Some(UserSchema::from_json(&json_text(v)).map_err(|e| misuse("INVALID_SCHEMA", e))?),
        None => None,
    };
    let now = match o.now {
        Some(text) => Some(
            crate::datetime::parse(&text)
                .map(|t| t.unix_seconds())
                .map_err(|e| misuse("INVALID_OPTIONS", format!("now {}: {e}", quote(&text))))?,
        ),
        None => None,
    };
    if o.max_rows == Some(0) || o.max_bytes.is_some_and(|b| b < 3) {
        return Err(misuse("INVALID_OPTIONS", "maxRows must be at least 1 and maxBytes at least 3"));
    }
    Ok(Options {
        strict: o.strict,
        existing_keys,
        ontology,
        schema,
        limits: Limits { max_rows: o.max_rows, max_bytes: o.max_bytes.unwrap_or(crate::chunk::MAX_BYTES) },
        emit_chunks: o.emit_chunks,
        emit_normalized: o.emit_normalized,
        // wasm32-unknown-unknown has no threads; a Worker is the way off the page's thread.
        threads: 1,
        now,
        signed_url_min_days: o.signed_url_min_days,
        collect_assets: o.collect_assets,
    })
}

/// The pipeline, fed in pieces of any size.
#[wasm_bindgen]
pub struct Checker {
    inner: crate::Checker,
    /// Where the chunk `takeChunk` last returned sits in the manifest.
    taken: Option<crate::ChunkInfo>,
}

#[wasm_bindgen]
impl Checker {
    /// `options_json`: `{strict, existingKeys, ontology, schema, maxRows,
    /// maxBytes, emitChunks, emitNormalized}`, every field optional.
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> Result<Checker, JsError> {
        Ok(Checker { inner: crate::Checker::new(options(options_json)?), taken: None })
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.inner.push(bytes);
    }

    /// The input has ended; idempotent.
    pub fn finish(&mut self) {
        self.inner.finish();
    }

    /// The next complete chunk (a JSON array), in order; `undefined` when
    /// none is ready.
    #[wasm_bindgen(js_name = takeChunk)]
    pub fn take_chunk(&mut self) -> Option<Vec<u8>> {
        let chunk = self.inner.take_chunk()?;
        self.taken = Some(chunk.info);
        Some(chunk.bytes)
    }

    /// `[index, firstRow, rows]` of the chunk `takeChunk` last returned, so
    /// a streaming upload can say which rows each chunk carries before the
    /// report exists; empty before the first.
    #[wasm_bindgen(getter, js_name = takenChunk)]
    pub fn taken_chunk(&self) -> Vec<f64> {
        self.taken.map_or_else(Vec::new, |c| vec![c.index as f64, c.first_row as f64, c.rows as f64])
    }

    /// The normalized manifest produced since the last call.
    #[wasm_bindgen(js_name = takeNormalized)]
    pub fn take_normalized(&mut self) -> Vec<u8> {
        self.inner.take_normalized()
    }

    /// The report so far as JSON (SPEC §10), or as text naming `file`.
    pub fn report(&self, text_for_file: Option<String>) -> String {
        let report = self.inner.report();
        match text_for_file {
            Some(file) => report.to_text(&file),
            None => report.to_json(),
        }
    }

    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.bytes_read() as f64
    }

    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> f64 {
        self.inner.report().summary.rows as f64
    }

    #[wasm_bindgen(getter)]
    pub fn errors(&self) -> f64 {
        self.inner.report().summary.errors as f64
    }

    /// The file itself could not be read to its end (so no normalized
    /// manifest should be written).
    #[wasm_bindgen(getter, js_name = fileFailed)]
    pub fn file_failed(&self) -> bool {
        self.inner.report().file_failed()
    }

    /// After `finish`, with `collectAssets`: a probe of the manifest's asset
    /// URLs, which takes the report along (this checker's is empty after).
    /// `options_json`: `{origin, browser, sample, seed, timeoutMs}`.
    pub fn prober(&mut self, options_json: &str) -> Result<Prober, JsError> {
        let options = probe_options(options_json)?;
        let plan = self
            .inner
            .take_plan()
            .ok_or_else(|| misuse("INVALID_STATE", "prober() needs a Checker made with collectAssets, and gives one prober"))?;
        Ok(Prober { inner: probe::Prober::new(plan, self.inner.take_report(), options) })
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsProbeOptions {
    origin: Option<String>,
    #[serde(default)]
    browser: bool,
    sample: Option<u64>,
    #[serde(default)]
    seed: u64,
    timeout_ms: Option<u64>,
}

fn probe_options(json: &str) -> Result<probe::Options, JsError> {
    let o: JsProbeOptions =
        if json.is_empty() { JsProbeOptions::default() } else { serde_json::from_str(json).map_err(|e| misuse("INVALID_OPTIONS", e))? };
    let defaults = probe::Options::default();
    let origin = match o.origin {
        Some(given) => probe::origin_of(&given).filter(|o| *o == given.trim_end_matches('/').to_ascii_lowercase()).ok_or_else(|| {
            misuse("INVALID_OPTIONS", format!("origin {} is not an origin such as {}", quote(&given), probe::APP_ORIGIN))
        })?,
        None => defaults.origin,
    };
    Ok(probe::Options { origin, browser: o.browser, sample: o.sample, seed: o.seed, timeout_ms: o.timeout_ms.unwrap_or(defaults.timeout_ms) })
}

/// One request's outcome as `lib/probe.js` saw it; header names as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsAnswer {
    method: String,
    status: Option<u16>,
    failure: Option<String>,
    detail: Option<String>,
    #[serde(default)]
    headers: JsHeaders,
    url: Option<String>,
    #[serde(default)]
    attempts: u32,
    #[serde(default)]
    skipped: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsHeaders {
    #[serde(rename = "content-type")]
    content_type: Option<String>,
    #[serde(rename = "content-length")]
    content_length: Option<String>,
    #[serde(rename = "content-range")]
    content_range: Option<String>,
    location: Option<String>,
    #[serde(rename = "access-control-allow-origin")]
    allow_origin: Option<String>,
    #[serde(rename = "retry-after")]
    retry_after: Option<String>,
}

fn answer(json: &str) -> Result<Answer, JsError> {
    let a: JsAnswer = serde_json::from_str(json).map_err(|e| misuse("INVALID_INPUT", e))?;
    let method = match a.method.as_str() {
        "HEAD" => Method::Head,
        "GET" => Method::Get,
        other => return Err(misuse("INVALID_INPUT", format!("method {} is neither HEAD nor GET", quote(other)))),
    };
    let failure = match a.failure.as_deref() {
        None => None,
        Some("timeout") => Some(Failure::Timeout),
        Some("dns") => Some(Failure::Dns),
        Some("refused") => Some(Failure::Refused),
        Some("reset") => Some(Failure::Reset),
        Some("tls") => Some(Failure::Tls),
        Some("network") => Some(Failure::Network),
        Some("cors") => Some(Failure::Cors),
        Some(other) => return Err(misuse("INVALID_INPUT", format!("unknown failure {}", quote(other)))),
    };
    let h = a.headers;
    Ok(Answer {
        method: Some(method),
        status: a.status,
        failure,
        detail: a.detail,
        content_type: h.content_type,
        content_length: h.content_length.and_then(|l| l.trim().parse().ok()),
        content_range: h.content_range,
        location: h.location,
        allow_origin: h.allow_origin,
        retry_after: h.retry_after,
        final_url: a.url,
        attempts: a.attempts,
        skipped: a.skipped,
    })
}

/// The probe of a checked manifest's assets: JavaScript sends the
/// requests `targets` lists and hands each answer to `answer`, which says
/// whether to ask again with a GET; `report` is the check's report with the
/// findings merged in.
#[wasm_bindgen]
pub struct Prober {
    inner: probe::Prober,
}

#[wasm_bindgen]
impl Prober {
    /// `[[id, url, origin], …]` of the URLs to request, in manifest order.
    pub fn targets(&self) -> String {
        let list: Vec<(u32, &str, &str)> = self.inner.targets().collect();
        serde_json::to_string(&list).expect("strings always serialize")
    }

    /// `[{origin, urls}, …]`: every host that will be contacted, most URLs first.
    pub fn hosts(&self) -> String {
        let list: Vec<Value> =
            self.inner.hosts().into_iter().map(|(origin, urls)| serde_json::json!({ "origin": origin, "urls": urls })).collect();
        Value::Array(list).to_string()
    }

    /// Judge the answer for URL `id`: `"get"` to ask again with a ranged
    /// GET, `"done"` when it is judged.
    pub fn answer(&mut self, id: u32, answer_json: &str) -> Result<String, JsError> {
        let next = self.inner.answer(id, &answer(answer_json)?).map_err(|e| misuse("INVALID_STATE", e))?;
        Ok(match next {
            Next::Get => "get",
            Next::Done => "done",
        }
        .to_string())
    }

    /// The merged report as JSON, or as text naming `file`.
    pub fn report(&self, text_for_file: Option<String>, interrupted: bool) -> String {
        let report = self.inner.report(interrupted);
        match text_for_file {
            Some(file) => report.to_text(&file),
            None => report.to_json(),
        }
    }

    /// URLs to request.
    #[wasm_bindgen(getter)]
    pub fn total(&self) -> f64 {
        self.inner.total() as f64
    }

    /// URLs judged so far.
    #[wasm_bindgen(getter)]
    pub fn probed(&self) -> f64 {
        self.inner.probed() as f64
    }

    /// Errors in the merged report, the check's and the probe's so far.
    #[wasm_bindgen(getter)]
    pub fn errors(&self) -> f64 {
        self.inner.errors() as f64
    }

    /// `gs://` URLs, listed but not requested.
    #[wasm_bindgen(getter, js_name = notProbed)]
    pub fn not_probed(&self) -> f64 {
        self.inner.not_probed() as f64
    }

    /// Why nothing is probed, when nothing is.
    #[wasm_bindgen(getter)]
    pub fn refused(&self) -> Option<String> {
        self.inner.refused().map(str::to_string)
    }
}
