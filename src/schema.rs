//! `--schema`: an organization's own JSON Schema that every row must also
//! satisfy. Compiled once; rows are converted to `serde_json::Value` only
//! when a schema is given, so the hot path never pays for it.
//!
//! Only a build with the `schema` feature can validate: the npm package's
//! core build has no jsonschema, and its JavaScript loads the full build
//! whenever a schema is given, so a core build never holds one.

#[cfg(feature = "schema")]
use crate::json::{Cursor, Kind};
use crate::report::Findings;
#[cfg(feature = "schema")]
use crate::report::Code;

#[cfg(feature = "schema")]
pub struct UserSchema {
    validator: jsonschema::Validator,
}

/// No value: a build without the `schema` feature cannot make one.
#[cfg(not(feature = "schema"))]
pub enum UserSchema {}

/// What a build without the `schema` feature says when given a schema.
#[cfg(not(feature = "schema"))]
pub const UNAVAILABLE: &str = "this is rowcheck's core build, which has no JSON Schema support: use the full build (the npm package loads it by itself when the schema option is given)";

impl std::fmt::Debug for UserSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserSchema")
    }
}

#[cfg(not(feature = "schema"))]
impl UserSchema {
    pub fn from_json(_: &[u8]) -> Result<UserSchema, String> {
        Err(UNAVAILABLE.to_string())
    }

    pub fn check(&self, _: &str, _: &str, _: &mut Findings) {
        match *self {}
    }
}

#[cfg(feature = "schema")]
impl UserSchema {
    pub fn from_json(bytes: &[u8]) -> Result<UserSchema, String> {
        let schema: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("the schema is not valid JSON: {e}"))?;
        UserSchema::from_value(&schema)
    }

    /// A schema already read (from a JavaScript object, say).
    pub fn from_value(schema: &serde_json::Value) -> Result<UserSchema, String> {
        let validator = jsonschema::validator_for(schema).map_err(|e| format!("the schema is not a valid JSON Schema: {e}"))?;
        Ok(UserSchema { validator })
    }

    /// Validate `instance` (a row's JSON); place findings using `source`,
    /// the row as written, where keys may still be camelCase.
    pub fn check(&self, instance: &str, source: &str, findings: &mut Findings) {
        let value: serde_json::Value = match serde_json::from_str(instance) {
            Ok(v) => v,
            Err(e) => {
                findings.error(Code::SCHEMA, "", 0, format!("the row cannot be checked against the schema: {e}"));
                return;
            }
        };
        for error in self.validator.iter_errors(&value) {
            let pointer = error.instance_path().as_str().to_string();
            let offset = locate(source, &pointer).unwrap_or(0);
            findings.error(Code::SCHEMA, pointer, offset, format!("the row does not satisfy the schema: {error}"));
        }
    }
}

#[cfg(feature = "schema")]
/// The offset of the value a JSON Pointer names in `text`, matching a
/// camelCase key to its snake_case segment, as normalization renames them.
pub fn locate(text: &str, pointer: &str) -> Option<u32> {
    let mut raw = Cursor::new(text).value().ok()?;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        raw = match raw.kind {
            Kind::Object => raw.members().ok()?.into_iter().find_map(|(k, v)| {
                let key = k.value();
                (key == segment || snake_case(&key) == segment).then_some(v)
            })?,
            Kind::Array => *raw.elements().ok()?.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(raw.offset)
}

#[cfg(feature = "schema")]
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(all(test, feature = "schema"))]
mod tests {
    use super::*;

    #[test]
    fn failures_become_schema_findings_with_positions() {
        let schema = UserSchema::from_json(br#"{"properties":{"external_id":{"type":"string","pattern":"^ext-[0-9]+$"}}}"#).unwrap();
        let mut f = Findings::default();
        let source = r#"{"rowData":"x","externalId":"abc"}"#;
        schema.check(r#"{"row_data":"x","external_id":"abc"}"#, source, &mut f);
        assert_eq!(f.list.len(), 1);
        assert_eq!(f.list[0].code, Code::SCHEMA);
        assert_eq!(f.list[0].pointer, "/external_id");
        assert_eq!(f.list[0].offset as usize, source.find("\"abc\"").unwrap());
        assert!(f.list[0].message.contains("ext-"), "{}", f.list[0].message);
    }

    #[test]
    fn bad_schemas_are_caller_errors() {
        assert!(UserSchema::from_json(b"{").is_err());
        assert!(UserSchema::from_json(br#"{"type":12}"#).is_err());
    }

    #[test]
    fn locate_walks_arrays_and_objects() {
        let text = r#"{"a":[0,{"b~/c":7}]}"#;
        assert_eq!(locate(text, "/a/1/b~0~1c"), Some(16));
        assert_eq!(locate(text, ""), Some(0));
        assert_eq!(locate(text, "/zz"), None);
    }
}
