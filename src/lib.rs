//! rowcheck: validate, normalize and chunk data-row import manifests.
//!
//! One pipeline, driven by every surface (the native CLI, the wasm package,
//! the Worker, the page): bytes go in through [`Checker::push`] and
//! [`Checker::finish`]; a [`Report`] of positioned diagnostics, the chunks
//! and the normalized manifest come out. The rules live here and only here.
//!
//! The public API is what this file re-exports, and two modules: [`cli`],
//! the command line's flags, and (in the wasm build) `wasm`, the
//! JavaScript surface. Every other module is internal.

mod attachment;
mod checker;
mod chunk;
pub mod cli;
mod datetime;
mod embedding;
mod existing_keys;
mod fix;
mod global_key;
mod json;
mod media;
mod metadata;
mod normalize;
mod order;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
mod pipeline;
pub mod probe;
mod reader;
mod report;
mod row;
mod schema;
mod signed_url;
mod url;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use chunk::{
    Chunk, Limits, MAX_BYTES, MAX_ROWS, MAX_ROWS_WITH_METADATA, MIN_BYTES, MIN_ROWS, PARTIAL_SUFFIX, REPORT_FILE, chunk_file_name,
    out_dir_refusal,
};
pub use existing_keys::{ExistingKeys, KeyList};
pub use media::MediaType;
pub use datetime::sdk_form as sdk_datetime;
pub use metadata::{Ontology, Scalar, sdk_number};
pub use pipeline::{Checker, Options, check, fix, parse_key_list};
pub use reader::Container;
pub use report::{Change, ChunkInfo, Code, Diagnostic, FixSummary, Fixes, INFO_FIRST_ROWS, InfoCount, Op, Report, Severity, Summary};
pub use schema::UserSchema;
pub use signed_url::DEFAULT_MIN_DAYS;
