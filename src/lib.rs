//! rowcheck: validate, normalize and chunk data-row import manifests.
//!
//! One pipeline, driven by every surface (the native CLI, the wasm package,
//! the Worker, the page): bytes go in through [`Checker::push`] and
//! [`Checker::finish`]; a [`Report`] of positioned diagnostics, the chunks
//! and the normalized manifest come out. The rules live here and only here.

pub mod attachment;
pub mod checker;
pub mod chunk;
pub mod datetime;
pub mod global_key;
pub mod json;
pub mod media;
pub mod metadata;
pub mod normalize;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
pub mod probe;
pub mod reader;
pub mod report;
pub mod row;
pub mod schema;
pub mod signed_url;
pub mod url;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use checker::{Checker, Options, check, parse_key_list};
pub use chunk::{Chunk, Limits};
pub use metadata::Ontology;
pub use reader::Container;
pub use report::{ChunkInfo, Code, Diagnostic, Report, Severity, Summary};
pub use schema::UserSchema;
