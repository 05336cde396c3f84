//! The JavaScript surface, and the only file that knows wasm-bindgen.
//!
//! One class: bytes go in through `push`, compact results come out: the
//! report as one JSON (or text) string, chunks and the normalized manifest
//! as byte buffers. Options come in as the JavaScript object the caller
//! gave, read field by field ([`Fields`]); a caller's mistake goes out as a
//! JavaScript `Error` whose `code` says which.

#[cfg(feature = "probe")]
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::probe;
#[cfg(feature = "probe")]
use crate::probe::{Answer, Failure, Method, Next};
use crate::report::quote;
use crate::{ExistingKeys, KeyList, Limits, Ontology, Options, UserSchema, parse_key_list};

/// The check options' keys: any other is refused, not ignored.
const OPTION_KEYS: [&str; 13] = [
    "strict",
    "existingKeys",
    "ontology",
    "schema",
    "maxRows",
    "maxBytes",
    "emitChunks",
    "emitNormalized",
    "emitFixed",
    "now",
    "signedUrlMinDays",
    "collectAssets",
    "verbose",
];

/// A caller's mistake, as a JavaScript `Error` with a `code` (the JS layer
/// makes it a `RowcheckError` with that code).
fn misuse(code: &str, message: impl std::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    // An Error takes any property. (No expect: its message would link the
    // float formatting that a JsValue's Debug needs into the core build.)
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// A value given as the text of its file (read exactly as the native CLI
/// reads that file), or as the value itself; `None` when not given.
enum Given {
    Text(String),
    Value(JsValue),
}

fn given(value: JsValue) -> Option<Given> {
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(match value.as_string() {
        Some(text) => Given::Text(text),
        None => Given::Value(value),
    })
}

/// The fields of a JavaScript options object, each read as its type; a
/// field of another type is the caller's mistake, named. Read by hand
/// rather than by serde-wasm-bindgen: serde's deserializing code and its
/// error messages were 14 KiB of the core build's gzipped bytes.
struct Fields<'v>(&'v JsValue);

impl Fields<'_> {
    /// A field given and not null.
    fn get(&self, key: &str) -> Option<JsValue> {
        if self.0.is_undefined() {
            return None;
        }
        let value = js_sys::Reflect::get(self.0, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    fn value(&self, key: &str) -> JsValue {
        self.get(key).unwrap_or(JsValue::UNDEFINED)
    }

    fn flag(&self, key: &str) -> Result<bool, JsValue> {
        self.get(key).map_or(Ok(false), |v| v.as_bool().ok_or_else(|| wrong(key, "true or false")))
    }

    /// A whole number from 0 to `max`, or to 2^53 - 1 (the most a JavaScript number holds exactly).
    fn count(&self, key: &str, max: Option<u32>) -> Result<Option<u64>, JsValue> {
        let top = max.map_or(9_007_199_254_740_991.0, f64::from);
        let whole = |n: &f64| n.fract() == 0.0 && (0.0..=top).contains(n);
        let refused = || wrong(key, &format!("a whole number of at least 0{}", max.map_or(String::new(), |max| format!(" and at most {max}"))));
        self.get(key).map(|v| v.as_f64().filter(whole).map(|n| n as u64).ok_or_else(refused)).transpose()
    }

    fn text(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key).map(|v| v.as_string().ok_or_else(|| wrong(key, "a string"))).transpose()
    }
}

fn wrong(key: &str, what: &str) -> JsValue {
    misuse("INVALID_OPTIONS", format!("{key} must be {what}"))
}

/// `value` is undefined, or an object holding only `keys`.
fn only_keys(value: &JsValue, keys: &[&str]) -> Result<(), JsValue> {
    if value.is_undefined() {
        return Ok(());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(misuse("INVALID_OPTIONS", "options must be an object"));
    }
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()) {
        let key = key.as_string().unwrap_or_default();
        if !keys.contains(&key.as_str()) {
            return Err(misuse("INVALID_OPTIONS", format!("unknown option \"{key}\"; the options are {}", keys.join(", "))));
        }
    }
    Ok(())
}

fn options(value: JsValue) -> Result<Options, JsValue> {
    only_keys(&value, &OPTION_KEYS)?;
    let o = Fields(&value);
    let existing_keys = match given(o.value("existingKeys")) {
        None => ExistingKeys::default(),
        Some(Given::Text(text)) => parse_key_list(text.as_bytes()).map_err(|e| misuse("INVALID_OPTIONS", e))?,
        Some(Given::Value(bytes)) if bytes.is_instance_of::<js_sys::Uint8Array>() => {
            key_list_bytes(bytes.unchecked_into()).map_err(|e| misuse("INVALID_OPTIONS", e))?
        }
        Some(Given::Value(keys)) => ExistingKeys::from_keys(
            strings(&keys).ok_or_else(|| misuse("INVALID_OPTIONS", "existingKeys must be strings, or the text of a key-list file"))?,
        ),
    };
    let ontology = match given(o.value("ontology")) {
        None => None,
        Some(Given::Text(text)) => Some(Ontology::from_json(text.as_bytes())),
        // Its JSON, read as the ontology file's text is: one reader for both.
        Some(Given::Value(entries)) => Some(match js_sys::JSON::stringify(&entries).ok().and_then(|json| json.as_string()) {
            Some(json) => Ontology::from_json(json.as_bytes()),
            None => Err(Ontology::not_a_list("it has no JSON form")),
        }),
    };
    let ontology = ontology.transpose().map_err(|e| misuse("INVALID_ONTOLOGY", e))?;
    let schema = self::schema(o.value("schema")).transpose().map_err(|e| misuse("INVALID_SCHEMA", e))?;
    let limits = Limits::new(o.count("maxRows", None)?, o.count("maxBytes", None)?).map_err(|e| misuse("INVALID_OPTIONS", e))?;
    let now = match o.text("now")? {
        Some(text) => Some(crate::cli::parse_time(&text).map_err(|e| misuse("INVALID_OPTIONS", format!("now {}: {e}", quote(&text))))?),
        None => None,
    };
    Ok(Options {
        strict: o.flag("strict")?,
        existing_keys,
        ontology,
        schema,
        limits,
        emit_chunks: o.flag("emitChunks")?,
        emit_normalized: o.flag("emitNormalized")?,
        emit_fixed: o.flag("emitFixed")?,
        // wasm32-unknown-unknown has no threads; a Worker is the way off the page's thread.
        threads: 1,
        now,
        signed_url_min_days: o.count("signedUrlMinDays", Some(u32::MAX))?.map(|n| n as u32),
        collect_assets: o.flag("collectAssets")?,
        verbose: o.flag("verbose")?,
    })
}

/// An array of strings, or `None`.
fn strings(value: &JsValue) -> Option<Vec<String>> {
    if !js_sys::Array::is_array(value) {
        return None;
    }
    value.unchecked_ref::<js_sys::Array>().iter().map(|key| key.as_string()).collect()
}

/// A key-list file's bytes, read into the index a piece at a time: an
/// organization's list is never copied whole into wasm memory.
fn key_list_bytes(bytes: js_sys::Uint8Array) -> Result<ExistingKeys, String> {
    let mut list = KeyList::default();
    in_pieces(&bytes, |part| list.push(part))?;
    list.finish()
}

/// `each` on the bytes of `array`, copied into wasm memory 1 MiB at a time.
fn in_pieces(array: &js_sys::Uint8Array, mut each: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
    const PIECE: u32 = 1 << 20;
    let mut piece = vec![0; PIECE.min(array.length()) as usize];
    let mut at = 0;
    while at < array.length() {
        let end = array.length().min(at + PIECE);
        let part = &mut piece[..(end - at) as usize];
        array.subarray(at, end).copy_to(part);
        each(part)?;
        at = end;
    }
    Ok(())
}

#[cfg(feature = "schema")]
fn schema(value: JsValue) -> Option<Result<UserSchema, String>> {
    Some(match given(value)? {
        Given::Text(text) => UserSchema::from_json(text.as_bytes()),
        Given::Value(schema) => serde_wasm_bindgen::from_value::<serde_json::Value>(schema)
            .map_err(|e| format!("the schema is not a JSON value: {e}"))
            .and_then(|schema| UserSchema::from_value(&schema)),
    })
}

/// The core build reads no schema (the JavaScript layer gives it to the full build).
#[cfg(not(feature = "schema"))]
fn schema(value: JsValue) -> Option<Result<UserSchema, String>> {
    given(value).map(|_| Err(crate::schema::UNAVAILABLE.to_string()))
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
    /// `options`: `{strict, existingKeys, ontology, schema, maxRows,
    /// maxBytes, emitChunks, emitNormalized, emitFixed, now,
    /// signedUrlMinDays, collectAssets, verbose}`, every field optional.
    /// `keys`, a key list read from a stream, replaces `existingKeys` (it
    /// is taken: the JavaScript object is spent).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, keys: Option<KeyListReader>) -> Result<Checker, JsValue> {
        #[cfg(feature = "host-idna")]
        host_idna::install();
        let mut options = self::options(options)?;
        if let Some(keys) = keys {
            options.existing_keys = keys.inner.finish().map_err(|e| misuse("INVALID_OPTIONS", e))?;
        }
        Ok(Checker { inner: crate::Checker::new(options), taken: None })
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

    /// With `emitFixed`, the fixed manifest produced since the last call.
    #[wasm_bindgen(js_name = takeFixed)]
    pub fn take_fixed(&mut self) -> Vec<u8> {
        self.inner.take_fixed()
    }

    /// The report so far as JSON, or as text naming `file` (with
    /// `emitFixed`, after `finish`, the fixed manifest's, naming it).
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
    /// `options`: `{origin, browser, sample, seed, timeoutMs}`, each optional.
    pub fn prober(&mut self, options: JsValue) -> Result<Prober, JsValue> {
        let options = probe_options(options)?;
        let plan = self
            .inner
            .take_plan()
            .ok_or_else(|| misuse("INVALID_STATE", "prober() needs a Checker made with collectAssets, and gives one prober"))?;
        Ok(Prober { inner: probe::Prober::new(plan, self.inner.take_report(), options) })
    }
}

/// A key-list file read as it arrives (a file stream's pieces of any size),
/// for a `Checker`: the file is never whole in JavaScript or wasm memory.
#[wasm_bindgen(js_name = KeyList)]
#[derive(Default)]
pub struct KeyListReader {
    inner: KeyList,
}

#[wasm_bindgen(js_class = KeyList)]
impl KeyListReader {
    #[wasm_bindgen(constructor)]
    pub fn new() -> KeyListReader {
        KeyListReader::default()
    }

    pub fn push(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.push(bytes).map_err(|e| misuse("INVALID_OPTIONS", e))
    }
}

/// The core build's hosts that need Unicode IDNA (src/url.rs): mapped by
/// the function the package sets, its full build's `hostToAscii`, so both
/// builds answer alike; before one is set (in a browser that has not
/// loaded the full build), by the JavaScript engine's own URL parser, the
/// judgment of the browser that will load the asset.
#[cfg(feature = "host-idna")]
mod host_idna {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;

    thread_local! {
        static MAP: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    }

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = URL)]
        type EngineUrl;
        #[wasm_bindgen(constructor, js_class = "URL", catch)]
        fn new(url: &str) -> Result<EngineUrl, JsValue>;
        #[wasm_bindgen(method, getter)]
        fn hostname(this: &EngineUrl) -> String;
    }

    /// Every check starts here (cheap after the first: it is set once).
    pub(super) fn install() {
        crate::url::map_hosts_with(host_to_ascii);
    }

    /// `map(host)` returns the host mapped to ASCII, or `undefined` when it is no valid domain.
    #[wasm_bindgen(js_name = setHostToAscii)]
    pub fn set_host_to_ascii(map: js_sys::Function) {
        MAP.with(|m| *m.borrow_mut() = Some(map));
    }

    fn host_to_ascii(host: &str) -> Option<String> {
        let set = MAP.with(|m| m.borrow().clone());
        match set {
            Some(map) => map.call1(&JsValue::UNDEFINED, &host.into()).ok()?.as_string(),
            // A file: host may hold `:` or `@`, which an https: URL would read
            // as a port or user; both are forbidden in a domain anyway.
            None if host.contains([':', '@']) => None,
            None => engine(host),
        }
    }

    /// The engine's mapping. Engines differ on a `xn--` label (Chromium
    /// takes one that is no valid Punycode), so such a label is decoded
    /// here and the engine asked for the decoded host: the label stands
    /// only if the engine maps it back to itself, as the Standard demands.
    fn engine(host: &str) -> Option<String> {
        let ask = |host: &str| EngineUrl::new(&format!("https://{host}/")).ok().map(|u| u.hostname());
        let labels: Vec<&str> = host.split('.').collect();
        let punycode = |label: &&str| crate::url::is_punycode_label(label.as_bytes());
        if !labels.iter().any(punycode) {
            return ask(host);
        }
        let (decoded, valid) = idna::domain_to_unicode(host);
        valid.ok()?;
        let mapped = ask(&decoded)?;
        let back: Vec<&str> = mapped.split('.').collect();
        let same = back.len() == labels.len() && labels.iter().zip(&back).all(|(l, b)| !punycode(l) || l.eq_ignore_ascii_case(b));
        same.then_some(mapped)
    }
}

/// The URL Standard's domain to ASCII of a host as written (percent
/// escapes and all): the core build asks it of the hosts it has no tables
/// for; `undefined` when the host is no valid domain.
#[cfg(not(feature = "host-idna"))]
#[wasm_bindgen(js_name = hostToAscii)]
pub fn host_to_ascii(host: &str) -> Option<String> {
    crate::url::host_to_ascii(host)
}

/// The chunk limits every surface uses, the defaults and the smallest a
/// caller may set: `{maxRows, maxRowsWithMetadata, maxBytes, minRows, minBytes}`.
#[wasm_bindgen(js_name = chunkLimits)]
pub fn chunk_limits() -> JsValue {
    use crate::chunk::{MAX_BYTES, MAX_ROWS, MAX_ROWS_WITH_METADATA, MIN_BYTES, MIN_ROWS};
    let limits = js_sys::Object::new();
    for (key, value) in [
        ("maxRows", MAX_ROWS),
        ("maxRowsWithMetadata", MAX_ROWS_WITH_METADATA),
        ("maxBytes", MAX_BYTES),
        ("minRows", MIN_ROWS),
        ("minBytes", MIN_BYTES),
    ] {
        // A plain object takes any property.
        let _ = js_sys::Reflect::set(&limits, &key.into(), &JsValue::from_f64(value as f64));
    }
    limits.into()
}

/// What `split` names chunk `index` (0-based): `chunk-0001.json` for 0.
#[wasm_bindgen(js_name = chunkFileName)]
pub fn chunk_file_name(index: f64) -> String {
    crate::chunk::chunk_file_name(index as u64)
}

/// What a chunk file's name ends with while the input is still being read.
#[wasm_bindgen(js_name = partialSuffix)]
pub fn partial_suffix() -> String {
    crate::chunk::PARTIAL_SUFFIX.to_string()
}

/// The report's file name beside the chunks.
#[wasm_bindgen(js_name = reportFileName)]
pub fn report_file_name() -> String {
    crate::chunk::REPORT_FILE.to_string()
}

/// Why `split` refuses the output directory, or `undefined` when it may write there.
#[wasm_bindgen(js_name = outDirRefusal)]
pub fn out_dir_refusal(dir: &str, empty: bool) -> Option<String> {
    crate::chunk::out_dir_refusal(dir, empty)
}

/// A date-time flag's value in Unix seconds, read as the native CLI reads it.
#[wasm_bindgen(js_name = parseTime)]
pub fn parse_time(text: &str) -> Result<f64, JsValue> {
    crate::cli::parse_time(text).map(|t| t as f64).map_err(|e| misuse("INVALID_OPTIONS", e))
}

/// The progress bar's line, as the native CLI draws it: `done` of `total`
/// bytes (`undefined` or 0 when unknown), `rows` seen in `secs` seconds.
#[wasm_bindgen(js_name = progressLine)]
pub fn progress_line(done: f64, total: Option<f64>, rows: f64, secs: f64) -> String {
    crate::cli::progress_line(done as u64, total.map(|t| t as u64), rows as u64, secs)
}

/// A whole-number flag's value, read as the native CLI reads it.
#[wasm_bindgen(js_name = parseCount)]
pub fn parse_count(text: &str, min: f64, max: Option<f64>) -> Result<f64, JsValue> {
    crate::cli::parse_count(text, min as u64, max.map(|m| m as u64)).map(|n| n as f64).map_err(|e| misuse("INVALID_OPTIONS", e))
}

/// A metadata value as the Labelbox SDK converts it before it uploads a
/// row, by the rules the check applies: for `"datetime"`, a date-time
/// string written in UTC to the second (`2022-06-01T10:30:00Z`); for
/// `"number"`, a number, boolean or string read as Python's `float()` reads
/// it. Throws an Error (code `INVALID_INPUT`) that says why the SDK would
/// refuse the value.
#[wasm_bindgen(js_name = sdkMetadataValue)]
pub fn sdk_metadata_value(kind: &str, value: JsValue) -> Result<JsValue, JsValue> {
    use crate::metadata::{Scalar, sdk_number};
    match kind {
        "datetime" => {
            let text = value.as_string().ok_or_else(|| misuse("INVALID_INPUT", "a date-time must be a string such as 2022-06-01T10:30:00Z"))?;
            let form = crate::datetime::sdk_form(&text)
                .map_err(|why| misuse("INVALID_INPUT", format!("{} is not a date-time the SDK can read: {why}", quote(&text))))?;
            Ok(JsValue::from_str(&form))
        }
        "number" => {
            let text = value.as_string();
            let scalar = match (value.as_f64(), value.as_bool(), &text) {
                (Some(n), _, _) => Some(Scalar::Number(n)),
                (_, Some(b), _) => Some(Scalar::Bool(b)),
                (_, _, Some(s)) => Some(Scalar::Text(s)),
                _ => None,
            };
            match scalar.and_then(sdk_number) {
                Some(n) => Ok(JsValue::from_f64(n)),
                None => Err(misuse("INVALID_INPUT", "not a finite number as Python's float() reads one")),
            }
        }
        other => Err(misuse("INVALID_INPUT", format!("kind {} is neither datetime nor number", quote(other)))),
    }
}

const PROBE_OPTION_KEYS: [&str; 5] = ["origin", "browser", "sample", "seed", "timeoutMs"];

fn probe_options(value: JsValue) -> Result<probe::Options, JsValue> {
    only_keys(&value, &PROBE_OPTION_KEYS)?;
    let o = Fields(&value);
    let defaults = probe::Options::default();
    let origin = match o.text("origin")? {
        Some(given) => probe::origin_of(&given).filter(|o| *o == given.trim_end_matches('/').to_ascii_lowercase()).ok_or_else(|| {
            misuse("INVALID_OPTIONS", format!("origin {} is not an origin such as {}", quote(&given), probe::APP_ORIGIN))
        })?,
        None => defaults.origin,
    };
    Ok(probe::Options {
        origin,
        browser: o.flag("browser")?,
        sample: o.count("sample", None)?,
        seed: o.count("seed", None)?.unwrap_or(0),
        timeout_ms: o.count("timeoutMs", None)?.unwrap_or(defaults.timeout_ms),
    })
}

/// One request's outcome as `lib/probe.js` saw it; header names as sent.
#[cfg(feature = "probe")]
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

#[cfg(feature = "probe")]
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

#[cfg(feature = "probe")]
fn answer(json: &str) -> Result<Answer, JsValue> {
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
/// findings merged in. The core build has only what a plan of the probe
/// needs (`hosts`, `total`, `notProbed`, `refused`): judging answers is
/// the `probe` feature's, which the full build has.
#[wasm_bindgen]
pub struct Prober {
    inner: probe::Prober,
}

#[wasm_bindgen]
impl Prober {
    /// `[{origin, urls}, …]`: every host that will be contacted, most URLs first.
    pub fn hosts(&self) -> String {
        // Written out rather than with json!, whose map type costs the core a kilobyte.
        let list: Vec<String> = self
            .inner
            .hosts()
            .into_iter()
            .map(|(origin, urls)| format!("{{\"origin\":{},\"urls\":{urls}}}", serde_json::to_string(origin).unwrap_or_default()))
            .collect();
        format!("[{}]", list.join(","))
    }

    /// URLs to request.
    #[wasm_bindgen(getter)]
    pub fn total(&self) -> f64 {
        self.inner.total() as f64
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

#[cfg(feature = "probe")]
#[wasm_bindgen]
impl Prober {
    /// `[[id, url, origin], …]` of the URLs to request, in manifest order.
    pub fn targets(&self) -> String {
        let list: Vec<(u32, &str, &str)> = self.inner.targets().collect();
        serde_json::to_string(&list).expect("strings always serialize")
    }

    /// Judge the answer for URL `id`: `"get"` to ask again with a ranged
    /// GET, `"done"` when it is judged.
    pub fn answer(&mut self, id: u32, answer_json: &str) -> Result<String, JsValue> {
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
}
