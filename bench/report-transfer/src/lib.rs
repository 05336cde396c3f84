//! The two ways a report can reach JavaScript, over the same report.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Checked {
    report: rowcheck::Report,
}

#[wasm_bindgen]
pub fn check(input: &[u8]) -> Checked {
    Checked { report: rowcheck::check(input, rowcheck::Options::default()) }
}

#[wasm_bindgen]
impl Checked {
    /// What the package does: one JSON string, `JSON.parse`d in JS.
    pub fn json(&self) -> String {
        self.report.to_json()
    }

    /// The alternative: plain JS objects built by serde-wasm-bindgen.
    pub fn object(&self) -> Result<JsValue, JsError> {
        Ok(self.report.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
    }
}
