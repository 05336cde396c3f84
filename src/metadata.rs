//! Metadata fields (SPEC §4): reserved fields, an optional ontology, and
//! the value rules of each kind.

use std::borrow::Cow;

use hashbrown::HashMap;

use serde::Deserialize;

use crate::datetime;
use crate::json::{Kind as JsonKind, Raw};
use crate::media::MediaType;
use crate::report::{Code, Findings, Item, quote};
use crate::row::objects;

pub const MAX_STRING_CHARS: usize = 4096;
pub const EMBEDDING_DIMS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Datetime,
    Enum,
    Embedding,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        // Both our names and the SDK's CustomMetadata* names are accepted.
        match s.to_ascii_lowercase().trim_start_matches("custommetadata") {
            "string" => Some(Kind::String),
            "number" => Some(Kind::Number),
            "datetime" => Some(Kind::Datetime),
            "enum" => Some(Kind::Enum),
            "embedding" => Some(Kind::Embedding),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub schema_id: Option<String>,
    pub name: String,
    pub kind: Kind,
    /// Enum options as (schema id, name).
    pub options: Vec<(String, String)>,
    video_only: bool,
}

/// The metadata schema rows are checked against: the reserved fields,
/// plus the organization's own when an ontology file is given.
#[derive(Debug, Clone)]
pub struct Ontology {
    fields: Vec<FieldDef>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// With the organization's ontology, unknown fields are errors.
    complete: bool,
}

impl Default for Ontology {
    fn default() -> Self {
        Ontology::reserved()
    }
}

fn def(id: Option<&str>, name: &str, kind: Kind, options: &[(&str, &str)], video_only: bool) -> FieldDef {
    FieldDef {
        schema_id: id.map(str::to_string),
        name: name.to_string(),
        kind,
        options: options.iter().map(|(i, n)| (i.to_string(), n.to_string())).collect(),
        video_only,
    }
}

/// One field of an organization's metadata schema, as `--ontology` lists it.
#[derive(Deserialize)]
pub struct OntologyEntry {
    schema_id: Option<String>,
    #[serde(alias = "schemaId", alias = "uid")]
    id: Option<String>,
    name: String,
    kind: String,
    #[serde(default)]
    options: Vec<OntologyOption>,
}

#[derive(Deserialize)]
struct OntologyOption {
    #[serde(alias = "schemaId", alias = "uid")]
    schema_id: String,
    name: String,
}

impl Ontology {
    /// Fields whose ids are the same in every organization.
    pub fn reserved() -> Ontology {
        let fields = vec![
            def(Some("cko8s9r5v0001h2dk9elqdidh"), "tag", Kind::String, &[], false),
            def(
                Some("cko8sbczn0002h2dkdaxb5kal"),
                "split",
                Kind::Enum,
                &[
                    ("cko8sbscr0003h2dk04w86hof", "train"),
                    ("cko8sc2yr0004h2dk69aj5x63", "valid"),
                    ("cko8scbz70005h2dkastwhgqt", "test"),
                ],
                false,
            ),
            def(Some("cko8sdzv70006h2dk8jg64zvb"), "captureDateTime", Kind::Datetime, &[], false),
            def(Some("ckpyije740000yxdk81pbgjdc"), "embedding", Kind::Embedding, &[], false),
            def(None, "skipNFrames", Kind::Number, &[], true),
            def(None, "turnInstructions", Kind::String, &[], false),
        ];
        Ontology::from_fields(fields, false)
    }

    fn from_fields(fields: Vec<FieldDef>, complete: bool) -> Ontology {
        let mut by_id = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            if let Some(id) = &f.schema_id {
                by_id.insert(id.clone(), i);
            }
            by_name.entry(f.name.clone()).or_insert(i);
        }
        Ontology { fields, by_id, by_name, complete }
    }

    /// The organization's metadata schema: a JSON array of
    /// `{schema_id, name, kind, options?}`. Reserved fields are always known.
    pub fn from_json(bytes: &[u8]) -> Result<Ontology, String> {
        Ontology::from_entries(serde_json::from_slice(bytes).map_err(Ontology::not_a_list)?)
    }

    /// Why what was read (by any serde deserializer) is no ontology.
    pub fn not_a_list(error: impl std::fmt::Display) -> String {
        format!("the ontology is not a JSON array of {{schema_id, name, kind, options?}}: {error}")
    }

    /// The ontology from its entries, however they were read.
    pub fn from_entries(entries: Vec<OntologyEntry>) -> Result<Ontology, String> {
        let mut fields = Ontology::reserved().fields;
        for e in entries {
            let kind = Kind::parse(&e.kind).ok_or_else(|| {
                format!("ontology field \"{}\" has kind \"{}\"; use string, number, datetime, enum or embedding", e.name, e.kind)
            })?;
            let options = e.options.into_iter().map(|o| (o.schema_id, o.name)).collect();
            fields.push(FieldDef { schema_id: e.schema_id.or(e.id), name: e.name, kind, options, video_only: false });
        }
        Ok(Ontology::from_fields(fields, true))
    }

    fn by_id(&self, id: &str) -> Option<&FieldDef> {
        self.by_id.get(id).map(|&i| &self.fields[i])
    }

    fn by_name(&self, name: &str) -> Option<&FieldDef> {
        self.by_name.get(name).map(|&i| &self.fields[i])
    }
}

pub fn is_cuid(s: &str) -> bool {
    s.len() == 25 && s.starts_with('c') && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

pub const ENTRY_KEYS: [(&str, Option<&str>); 3] = [("schema_id", None), ("name", None), ("value", None)];

/// The identities of the fields a row has named so far, kept across rows
/// so that checking metadata allocates nothing once warmed up.
#[derive(Debug, Default)]
pub struct Seen {
    names: String,
    ends: Vec<usize>,
}

impl Seen {
    fn contains(&self, name: &str) -> bool {
        let mut start = 0;
        self.ends.iter().any(|&end| {
            let hit = &self.names[start..end] == name;
            start = end;
            hit
        })
    }

    fn insert(&mut self, name: &str) {
        self.names.push_str(name);
        self.ends.push(self.names.len());
    }
}

/// Check `metadata_fields` (already known to be an array).
pub fn check(raw: Raw<'_>, ontology: &Ontology, media: Option<MediaType>, seen: &mut Seen, findings: &mut Findings) -> crate::json::Result<()> {
    // Each field's identity, to find one named twice: by id and by name
    // resolve to the same known field.
    seen.names.clear();
    seen.ends.clear();
    let not_object = (Code::ROW_FIELD_TYPE, "a metadata entry must be an object {schema_id or name, value}");
    objects(raw, "/metadata_fields", ENTRY_KEYS, not_object, findings, |at, entry, [id, name, value], findings| {
        let (field, identity) = identify(ontology, at, id, name, findings);
        if id.is_none() && name.is_none() {
            findings.error(
                Code::METADATA_SCHEMA_ID,
                at.to_string(),
                entry.offset,
                "metadata entry names no field; give \"schema_id\" or \"name\"".into(),
            );
        }
        let identity = field.map(|f| Cow::Borrowed(f.name.as_str())).or(identity);
        if let Some(identity) = identity {
            if seen.contains(&identity) {
                findings.error(
                    Code::METADATA_DUPLICATE,
                    at.to_string(),
                    entry.offset,
                    format!("metadata field \"{identity}\" is given twice in this row; keep one"),
                );
            } else {
                seen.insert(&identity);
            }
        }
        match value {
            Some(value) => check_value(value, field, media, at, findings),
            None => {
                findings.error(Code::METADATA_VALUE, at.to_string(), entry.offset, "metadata entry has no value; add \"value\"".into());
                Ok(())
            }
        }
    })?;
    Ok(())
}

/// The field an entry names (when known) and the identity it was named by.
fn identify<'o, 'a>(
    ontology: &'o Ontology,
    at: Item<'_>,
    id: Option<Raw<'a>>,
    name: Option<Raw<'a>>,
    findings: &mut Findings,
) -> (Option<&'o FieldDef>, Option<Cow<'a, str>>) {
    let mut field = None;
    let mut identity = None;
    if let Some(id) = id {
        match id.as_str() {
            Some(s) if is_cuid(&s.value()) => {
                let s = s.value();
                field = ontology.by_id(&s);
                if field.is_none() && ontology.complete {
                    findings.error(
                        Code::METADATA_UNKNOWN_FIELD,
                        format!("{at}/schema_id"),
                        id.offset,
                        format!("schema_id {} is not in the ontology", quote(&s)),
                    );
                }
                identity = Some(s);
            }
            Some(s) => findings.error(
                Code::METADATA_SCHEMA_ID,
                format!("{at}/schema_id"),
                id.offset,
                format!("schema_id {} is not a 25-character cuid (c followed by 24 lower-case letters or digits)", quote(&s.value())),
            ),
            None => findings.error(
                Code::ROW_FIELD_TYPE,
                format!("{at}/schema_id"),
                id.offset,
                format!("schema_id must be a string, not {}", id.kind.name()),
            ),
        }
    }
    if let Some(name) = name {
        let Some(s) = name.as_str() else {
            findings.error(Code::ROW_FIELD_TYPE, format!("{at}/name"), name.offset, format!("name must be a string, not {}", name.kind.name()));
            return (field, identity);
        };
        let s = s.value();
        let named = ontology.by_name(&s);
        match (field, named) {
            (Some(by_id), Some(by_name)) if by_id.name != by_name.name => findings.error(
                Code::METADATA_SCHEMA_ID,
                format!("{at}/name"),
                name.offset,
                format!("schema_id names \"{}\" but name says {}; keep one", by_id.name, quote(&s)),
            ),
            (None, None) if id.is_none() && ontology.complete => findings.error(
                Code::METADATA_UNKNOWN_FIELD,
                format!("{at}/name"),
                name.offset,
                format!("metadata field {} is not in the ontology", quote(&s)),
            ),
            _ => {}
        }
        field = field.or(named);
        identity = identity.or(Some(s));
    }
    (field, identity)
}

fn check_value(
    value: Raw<'_>,
    field: Option<&FieldDef>,
    media: Option<MediaType>,
    at: Item<'_>,
    findings: &mut Findings,
) -> crate::json::Result<()> {
    let mut rewrite = false;
    let mut bad = |message: String| findings.error(Code::METADATA_VALUE, format!("{at}/value"), value.offset, message);
    let Some(field) = field else {
        let ok = match value.kind {
            JsonKind::String | JsonKind::Number => true,
            JsonKind::Array => value.elements()?.iter().all(|e| e.kind == JsonKind::Number),
            _ => false,
        };
        if !ok {
            bad(format!("metadata value is {}; use a string, a number or an array of numbers", value.kind.name()));
        }
        return Ok(());
    };
    let name = &field.name;
    match field.kind {
        Kind::String => match value.as_str() {
            Some(s) => {
                let chars = s.value().chars().count();
                if chars > MAX_STRING_CHARS {
                    bad(format!("\"{name}\" is {chars} characters long; the limit is {MAX_STRING_CHARS}"));
                }
            }
            None => bad(format!("\"{name}\" takes a string, not {}", value.kind.name())),
        },
        Kind::Number => match value.as_f64() {
            Some(_) => {
                if field.video_only && media != Some(MediaType::Video) {
                    bad(format!("\"{name}\" applies to VIDEO rows only"));
                }
            }
            None => bad(format!("\"{name}\" takes a number, not {}", value.kind.name())),
        },
        Kind::Datetime => match value.as_str() {
            Some(s) => {
                let text = s.value();
                match datetime::parse(&text) {
                    Ok(_) => rewrite = !datetime::is_canonical(&text),
                    Err(why) => bad(format!("\"{name}\" value {} is not an ISO 8601 date-time: {why}", quote(&text))),
                }
            }
            None => bad(format!("\"{name}\" takes an ISO 8601 date-time string, not {}", value.kind.name())),
        },
        Kind::Enum => match value.as_str() {
            Some(s) => {
                let s = s.value();
                if !field.options.iter().any(|(id, option)| *id == s || *option == s) {
                    let names: Vec<&str> = field.options.iter().map(|(_, n)| n.as_str()).collect();
                    bad(format!("{} is not an option of \"{name}\"; use one of {}", quote(&s), names.join(", ")));
                }
            }
            None => bad(format!("\"{name}\" takes an option name or id, not {}", value.kind.name())),
        },
        Kind::Embedding => {
            let elements = if value.kind == JsonKind::Array { Some(value.elements()?) } else { None };
            match elements {
                Some(e) if e.len() == EMBEDDING_DIMS && e.iter().all(|n| n.kind == JsonKind::Number) => {}
                Some(e) => bad(format!("\"{name}\" takes {EMBEDDING_DIMS} numbers; this has {} elements", e.len())),
                None => bad(format!("\"{name}\" takes an array of {EMBEDDING_DIMS} numbers, not {}", value.kind.name())),
            }
        }
    }
    findings.rewrite |= rewrite;
    Ok(())
}

/// The field a metadata entry names, for normalization.
pub fn resolve<'o>(ontology: &'o Ontology, id: Option<&str>, name: Option<&str>) -> Option<&'o FieldDef> {
    id.and_then(|id| ontology.by_id(id)).or_else(|| name.and_then(|n| ontology.by_name(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Cursor;

    fn codes(json: &str, ontology: &Ontology, media: Option<MediaType>) -> Vec<(Code, String)> {
        let raw = Cursor::new(json).value().unwrap();
        let mut f = Findings::default();
        check(raw, ontology, media, &mut Seen::default(), &mut f).unwrap();
        f.list.into_iter().map(|f| (f.code, f.pointer)).collect()
    }

    #[test]
    fn reserved_fields_by_name_and_id() {
        let o = Ontology::reserved();
        let ok = r#"[{"schema_id":"cko8s9r5v0001h2dk9elqdidh","value":"t"},
            {"name":"split","value":"cko8sbscr0003h2dk04w86hof"},
            {"name":"captureDateTime","value":"2022-06-01T10:30:00"},
            {"schema_id":"ckxxxxxxxxxxxxxxxxxxxxxxx","value":3}]"#;
        assert_eq!(codes(ok, &o, None), vec![]);
        let v = |c| (Code::METADATA_VALUE, c);
        assert_eq!(codes(r#"[{"name":"split","value":"foo"}]"#, &o, None), vec![v("/metadata_fields/0/value".into())]);
        assert_eq!(
            codes(r#"[{"name":"captureDateTime","value":"2022-02-30T00:00:00"}]"#, &o, None),
            vec![v("/metadata_fields/0/value".into())]
        );
        assert_eq!(codes(r#"[{"name":"skipNFrames","value":2}]"#, &o, Some(MediaType::Image)), vec![v("/metadata_fields/0/value".into())]);
        assert_eq!(codes(r#"[{"name":"skipNFrames","value":2}]"#, &o, Some(MediaType::Video)), vec![]);
        assert_eq!(codes(r#"[{"schema_id":"ckpyije740000yxdk81pbgjdc","value":[1,2]}]"#, &o, None), vec![v("/metadata_fields/0/value".into())]);
        assert_eq!(codes(r#"[{"name":"tag","value":{}}]"#, &o, None), vec![v("/metadata_fields/0/value".into())]);
        assert_eq!(codes(r#"[{"name":"x","value":true}]"#, &o, None), vec![v("/metadata_fields/0/value".into())]);
        assert_eq!(codes(r#"[{"name":"tag"}]"#, &o, None), vec![v("/metadata_fields/0".into())]);
    }

    #[test]
    fn ids_duplicates_and_unknown_keys() {
        let o = Ontology::reserved();
        assert_eq!(
            codes(r#"[{"schema_id":"BAD","value":"t"}]"#, &o, None),
            vec![(Code::METADATA_SCHEMA_ID, "/metadata_fields/0/schema_id".into())]
        );
        assert_eq!(codes(r#"[{"value":"t"}]"#, &o, None), vec![(Code::METADATA_SCHEMA_ID, "/metadata_fields/0".into())]);
        assert_eq!(
            codes(r#"[{"name":"tag","value":"a"},{"schema_id":"cko8s9r5v0001h2dk9elqdidh","value":"b"}]"#, &o, None),
            vec![(Code::METADATA_DUPLICATE, "/metadata_fields/1".into())]
        );
        assert_eq!(
            codes(r#"[{"name":"tag","value":"a","extra":1}]"#, &o, None),
            vec![(Code::ROW_UNKNOWN_FIELD, "/metadata_fields/0/extra".into())]
        );
    }

    #[test]
    fn ontology_makes_unknown_fields_errors_and_checks_enums() {
        let o = Ontology::from_json(
            br#"[{"schema_id":"cl000000000000000000000aa","name":"color","kind":"CustomMetadataEnum",
                 "options":[{"schema_id":"cl000000000000000000000ab","name":"red"}]}]"#,
        )
        .unwrap();
        assert_eq!(codes(r#"[{"name":"color","value":"red"}]"#, &o, None), vec![]);
        assert_eq!(codes(r#"[{"name":"color","value":"cl000000000000000000000ab"}]"#, &o, None), vec![]);
        assert_eq!(codes(r#"[{"name":"color","value":"blue"}]"#, &o, None)[0].0, Code::METADATA_VALUE);
        assert_eq!(codes(r#"[{"name":"size","value":1}]"#, &o, None)[0], (Code::METADATA_UNKNOWN_FIELD, "/metadata_fields/0/name".into()));
        assert_eq!(
            codes(r#"[{"schema_id":"cl000000000000000000000zz","value":1}]"#, &o, None)[0],
            (Code::METADATA_UNKNOWN_FIELD, "/metadata_fields/0/schema_id".into())
        );
        assert!(Ontology::from_json(b"{}").is_err());
        assert!(Ontology::from_json(br#"[{"name":"a","kind":"blob"}]"#).is_err());
    }
}
