//! The JavaScript surface, and the only file that knows wasm-bindgen.
//!
//! One class: bytes go in through `push`, compact results come out: the
//! report as one JSON (or text) string, chunks and the normalized manifest
//! as byte buffers. Options arrive as one JSON string the JS layer builds,
//! so no JS object is walked from Rust and none is made per row.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

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
    let limits = Limits::new(o.max_rows, o.max_bytes).map_err(|e| misuse("INVALID_OPTIONS", e))?;
    Ok(Options {
        strict: o.strict,
        existing_keys,
        ontology,
        schema,
        limits,
        emit_chunks: o.emit_chunks,
        emit_normalized: o.emit_normalized,
        // wasm32-unknown-unknown has no threads; a Worker is the way off the page's thread.
        threads: 1,
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
}

/// The chunk limits every surface uses: the defaults, and the smallest a
/// caller may set.
#[wasm_bindgen]
pub struct ChunkLimits {
    #[wasm_bindgen(js_name = maxRows)]
    pub max_rows: f64,
    #[wasm_bindgen(js_name = maxRowsWithMetadata)]
    pub max_rows_with_metadata: f64,
    #[wasm_bindgen(js_name = maxBytes)]
    pub max_bytes: f64,
    #[wasm_bindgen(js_name = minRows)]
    pub min_rows: f64,
    #[wasm_bindgen(js_name = minBytes)]
    pub min_bytes: f64,
}

#[wasm_bindgen(js_name = chunkLimits)]
pub fn chunk_limits() -> ChunkLimits {
    use crate::chunk::{MAX_BYTES, MAX_ROWS, MAX_ROWS_WITH_METADATA, MIN_BYTES, MIN_ROWS};
    ChunkLimits {
        max_rows: MAX_ROWS as f64,
        max_rows_with_metadata: MAX_ROWS_WITH_METADATA as f64,
        max_bytes: MAX_BYTES as f64,
        min_rows: MIN_ROWS as f64,
        min_bytes: MIN_BYTES as f64,
    }
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

/// A whole-number flag's value, read as the native CLI reads it.
#[wasm_bindgen(js_name = parseCount)]
pub fn parse_count(text: &str, min: f64, max: Option<f64>) -> Result<f64, JsError> {
    crate::cli::parse_count(text, min as u64, max.map(|m| m as u64)).map(|n| n as f64).map_err(|e| JsError::new(&e))
}
