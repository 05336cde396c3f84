//! One data row: its top-level fields, borrowed from the row's text.

use crate::media;
use crate::json::{self, Cursor, Kind, Raw, Str};
use crate::report::{Code, Edit, Findings, Item, pointer_segment, quote};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    RowData,
    GlobalKey,
    ExternalId,
    MediaType,
    MetadataFields,
    Attachments,
    DatasetId,
    Uid,
    Embeddings,
    /// The messages of a legacy conversation row (no row_data).
    ConversationalData,
    CreatedAt,
    UpdatedAt,
    MediaAttributes,
}

/// How many fields a row knows.
const FIELDS: usize = Field::ALL.len();

impl Field {
    const ALL: [Field; 13] = [
        Field::RowData,
        Field::GlobalKey,
        Field::ExternalId,
        Field::MediaType,
        Field::MetadataFields,
        Field::Attachments,
        Field::DatasetId,
        Field::Uid,
        Field::Embeddings,
        Field::ConversationalData,
        Field::CreatedAt,
        Field::UpdatedAt,
        Field::MediaAttributes,
    ];

    /// The field's pointer in each spelling it is read under: the canonical
    /// snake_case name first, then the aliases normalization rewrites to it
    /// (camelCase, and `metadata`, which the SDK passes through and the
    /// platform stores as metadata_fields).
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Field::RowData => &["/row_data", "/rowData"],
            Field::GlobalKey => &["/global_key", "/globalKey"],
            Field::ExternalId => &["/external_id", "/externalId"],
            Field::MediaType => &["/media_type", "/mediaType"],
            Field::MetadataFields => &["/metadata_fields", "/metadataFields", "/metadata"],
            Field::Attachments => &["/attachments"],
            Field::DatasetId => &["/dataset_id"],
            Field::Uid => &["/uid"],
            Field::Embeddings => &["/embeddings"],
            Field::ConversationalData => &["/conversationalData"],
            Field::CreatedAt => &["/created_at"],
            Field::UpdatedAt => &["/updated_at"],
            Field::MediaAttributes => &["/media_attributes"],
        }
    }

    pub fn name(self) -> &'static str {
        &self.spellings()[0][1..]
    }

    /// Set by the platform: the SDK lets these through (they are DataRow
    /// fields), but no import page documents them.
    fn read_only(self) -> bool {
        matches!(self, Field::CreatedAt | Field::UpdatedAt | Field::MediaAttributes)
    }

    /// The field a key names, and which of its spellings (0: canonical).
    pub fn from_key(key: &str) -> Option<(Field, usize)> {
        // Every key of every row comes through here: canonical names first.
        let canonical = match key {
            "row_data" => Field::RowData,
            "global_key" => Field::GlobalKey,
            "external_id" => Field::ExternalId,
            "media_type" => Field::MediaType,
            "metadata_fields" => Field::MetadataFields,
            "attachments" => Field::Attachments,
            "dataset_id" => Field::DatasetId,
            "uid" => Field::Uid,
            "embeddings" => Field::Embeddings,
            "conversationalData" => Field::ConversationalData,
            "created_at" => Field::CreatedAt,
            "updated_at" => Field::UpdatedAt,
            "media_attributes" => Field::MediaAttributes,
            _ => return Field::ALL.iter().find_map(|&f| f.spellings().iter().skip(1).position(|s| &s[1..] == key).map(|i| (f, i + 1))),
        };
        Some((canonical, 0))
    }

    /// The JSON types the field may have, for `ROW_FIELD_TYPE`; `None`
    /// takes any value.
    fn expected(self) -> Option<&'static [Kind]> {
        match self {
            Field::RowData => Some(&[Kind::String, Kind::Object]),
            Field::MetadataFields | Field::Embeddings | Field::ConversationalData => Some(&[Kind::Array]),
            // attachments has a code of its own (ATTACHMENT_NOT_ARRAY).
            Field::Attachments | Field::CreatedAt | Field::UpdatedAt | Field::MediaAttributes => None,
            _ => Some(&[Kind::String]),
        }
    }
}

/// A top-level member as written: kept in order for normalization.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub field: Option<Field>,
    pub key: Str<'a>,
    pub value: Raw<'a>,
}

#[derive(Debug)]
pub struct Row<'a> {
    pub members: Vec<Member<'a>>,
    /// Each known field's value, `None` when absent or `null`.
    values: [Option<Raw<'a>>; FIELDS],
    /// The spelling each field was given under (see [`Field::from_key`]).
    spelling: [u8; FIELDS],
    /// Offset of the row's opening brace.
    pub offset: u32,
    /// The text holds no insignificant whitespace.
    pub compact: bool,
    /// Where the row's text ends: the end of the text parsed, or, when the
    /// row was parsed from the start of a longer text, its closing brace's.
    pub end: usize,
    /// The tile keys of a legacy top-level tiled row (`tileLayerUrl`,
    /// `bounds`, … beside the row's fields, no `row_data`), in order.
    pub legacy_tiles: Vec<(Str<'a>, Raw<'a>)>,
}

impl<'a> Row<'a> {
    pub fn get(&self, field: Field) -> Option<Raw<'a>> {
        self.values[field as usize]
    }

    pub fn string(&self, field: Field) -> Option<Str<'a>> {
        self.get(field).and_then(|v| v.as_str())
    }

    /// The JSON Pointer of a field as this row spells it (`/metadata` for
    /// a `metadata` alias), for findings inside its value.
    pub fn pointer(&self, field: Field) -> &'static str {
        field.spellings()[self.spelling[field as usize] as usize]
    }
}

/// Parse one row. `Ok(None)` means the row is not an object (reported);
/// `Err` is a syntax error in the row's text. With `whole`, `text` is the
/// row and only whitespace may follow the object; otherwise the row is the
/// object `text` starts with, and [`Row::end`] says where it ends.
pub fn parse<'a>(text: &'a str, whole: bool, findings: &mut Findings) -> json::Result<Option<Row<'a>>> {
    let mut cursor = Cursor::new(text);
    let offset = cursor.offset();
    if cursor.peek()? != Kind::Object {
        let value = cursor.value()?;
        cursor.end()?;
        findings.error(
            Code::ROW_NOT_OBJECT,
            "",
            value.offset,
            format!("row is {}, not an object; each row must be an object with at least \"row_data\"", value.kind.name()),
        );
        return Ok(None);
    }
    let mut row = Row { members: Vec::with_capacity(8), values: [None; FIELDS], spelling: [0; FIELDS], offset, compact: false, end: text.len(), legacy_tiles: Vec::new() };
    let mut seen = [false; FIELDS];
    let mut twice = [false; FIELDS];
    let mut aliases = Vec::new();
    let mut unknown = false;
    cursor.object(|c, key| {
        let value = c.value()?;
        let name = key.value();
        let field = Field::from_key(&name);
        findings.rewrite |= key.escaped || value.is_null() || field.is_some_and(|(_, spelling)| spelling > 0);
        match field {
            Some((field, spelling)) => {
                let slot = field as usize;
                if seen[slot] {
                    twice[slot] = true;
                    findings.error(
                        Code::ROW_DUPLICATE_FIELD,
                        format!("/{}", pointer_segment(&name)),
                        key.offset,
                        format!("\"{}\" is given twice in this row; keep one", field.name()),
                    );
                    return Ok(());
                }
                seen[slot] = true;
                row.spelling[slot] = spelling as u8;
                if spelling > 0 {
                    aliases.push((field, key));
                }
                if field.read_only() {
                    findings.warning(
                        Code::ROW_FIELD_READ_ONLY,
                        format!("/{name}"),
                        key.offset,
                        format!("\"{name}\" is set by the platform, and no import page documents it; the SDK passes it on, but remove it from the manifest"),
                    );
                }
                if !value.is_null() {
                    if let Some(expected) = field.expected().filter(|e| !e.contains(&value.kind)) {
                        findings.error(
                            Code::ROW_FIELD_TYPE,
                            format!("/{name}"),
                            value.offset,
                            format!("\"{}\" must be {}, not {}", field.name(), expected_names(expected), value.kind.name()),
                        );
                    }
                    row.values[slot] = Some(value);
                }
            }
            None => unknown = true,
        }
        row.members.push(Member { field: field.map(|(f, _)| f), key, value });
        Ok(())
    })?;
    if whole {
        cursor.end()?;
    } else {
        row.end = cursor.position();
    }
    // Known only once the whole row is read: a legacy conversation row
    // takes a top-level type and version, and replaces any row_data.
    let legacy = row.values[Field::ConversationalData as usize].is_some();
    for (field, key) in aliases {
        // Renaming externalId is part of the SDK's conversion of a legacy
        // row, covered by that row's one warning.
        if legacy && field == Field::ExternalId {
            continue;
        }
        let name = key.value();
        let what = if name.chars().any(|c| c.is_ascii_uppercase()) { "the camelCase spelling of" } else { "another name for" };
        findings.warning(
            Code::ROW_FIELD_ALIAS,
            format!("/{name}"),
            key.offset,
            format!("\"{name}\" is {what} \"{}\"; normalization renames it", field.name()),
        );
        findings.fix(Edit::Rename { at: key.offset, from: name.into_owned(), to: field.name().to_string() });
        // Renamed beside the field itself, the key would be given twice.
        if twice[field as usize] {
            findings.unsure();
        }
    }
    // A legacy tiled row holds its tile keys beside its fields.
    if unknown {
        legacy_tiles(&mut row, findings);
        for member in row.members.iter().filter(|m| m.field.is_none()) {
            let name = member.key.value();
            let conversation_key = legacy && media::LEGACY_CONVERSATION_KEYS.contains(&&*name);
            let tile_key = !row.legacy_tiles.is_empty() && media::is_tms_key(&name);
            if !conversation_key && !tile_key {
                unknown_field(&name, member.key.offset, findings);
            }
        }
    }
    if let (true, Some(_)) = (legacy, row.values[Field::RowData as usize]) {
        let key = row.members.iter().find(|m| m.field == Some(Field::ConversationalData)).expect("the field was seen").key;
        findings.error(
            Code::ROW_DUPLICATE_FIELD,
            "/conversationalData",
            key.offset,
            "the row has both row_data and conversationalData, the legacy spelling of a conversation; the SDK replaces row_data with it: keep one".into(),
        );
    }
    row.compact = cursor.compact();
    Ok(Some(row))
}

/// A row with `tileLayerUrl` and no `row_data` is the legacy tiled shape,
/// which the SDK forwards unchanged and the platform still takes: its tile
/// keys are read (and normalized into `row_data`), with one warning.
fn legacy_tiles(row: &mut Row<'_>, findings: &mut Findings) {
    if row.get(Field::RowData).is_some() {
        return;
    }
    let unknown = || row.members.iter().filter(|m| m.field.is_none());
    let Some(marker) = unknown().find(|m| m.key.value() == media::TMS_LEGACY_KEY && !m.value.is_null()) else { return };
    findings.rewrite = true;
    findings.warning(
        Code::ROW_LEGACY_SHAPE,
        format!("/{}", media::TMS_LEGACY_KEY),
        marker.key.offset,
        "this is the legacy tiled row shape (tileLayerUrl, bounds, … beside the row's fields); normalization moves them into \"row_data\"".into(),
    );
    findings.suggest("move the tile keys into a \"row_data\" object and set \"media_type\"".into());
    let tiles = unknown().filter(|m| media::is_tms_key(&m.key.value())).map(|m| (m.key, m.value)).collect();
    row.legacy_tiles = tiles;
}

/// The fields of a nested object with a fixed set of keys (an attachment,
/// a metadata entry, a TMS or PDF row_data). `keys` holds each canonical
/// name and its accepted camelCase spelling; unknown keys are reported with
/// `unknown`, repeats with `ROW_DUPLICATE_FIELD`, and `null` is absent.
pub fn fields<'a, const N: usize>(
    object: Raw<'a>,
    keys: [(&str, Option<&str>); N],
    pointer: &dyn std::fmt::Display,
    unknown: Code,
    findings: &mut Findings,
) -> json::Result<[Option<Raw<'a>>; N]> {
    let mut out = [None; N];
    let mut seen = [false; N];
    fields_into(object, &keys, pointer, unknown, findings, &mut out, &mut seen)?;
    Ok(out)
}

/// Whether two key names are equal. They are short, and this runs for every
/// key of every nested object: a loop the compiler unrolls beats a call to
/// memcmp, which in wasm is itself a byte loop.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// [`fields`] on slices: one instance for every number of keys.
fn fields_into<'a>(
    object: Raw<'a>,
    keys: &[(&str, Option<&str>)],
    pointer: &dyn std::fmt::Display,
    unknown: Code,
    findings: &mut Findings,
    out: &mut [Option<Raw<'a>>],
    seen: &mut [bool],
) -> json::Result<()> {
    object.cursor().object(|c, key| {
        let value = c.value()?;
        let name = key.value();
        let slot = keys.iter().position(|(canonical, alias)| same(canonical, &name) || alias.is_some_and(|a| same(a, &name)));
        findings.rewrite |= key.escaped || value.is_null() || slot.is_some_and(|i| !same(keys[i].0, &name));
        let at = || format!("{pointer}/{}", pointer_segment(&name));
        match slot {
            Some(i) if seen[i] => findings.error(
                Code::ROW_DUPLICATE_FIELD,
                at(),
                key.offset,
                format!("\"{}\" is given twice in this object; keep one", keys[i].0),
            ),
            Some(i) => {
                seen[i] = true;
                if !value.is_null() {
                    out[i] = Some(value);
                }
            }
            None => {
                let allowed: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
                findings.error(unknown, at(), key.offset, format!("unknown field {} here; allowed: {}", quote(&name), allowed.join(", ")));
            }
        }
        Ok(())
    })
}

/// Walk an array of objects with a fixed set of keys (attachments, metadata
/// entries, TMS layers): an element that is not an object is reported as
/// `not_object` (`code`, and what an element must be); each object is
/// handed to `each` with its position and fields.
pub fn objects<'a, const N: usize>(
    array: Raw<'a>,
    pointer: &'static str,
    keys: [(&str, Option<&str>); N],
    not_object: (Code, &str),
    findings: &mut Findings,
    mut each: impl FnMut(Item<'static>, Raw<'a>, [Option<Raw<'a>>; N], &mut Findings) -> json::Result<()>,
) -> json::Result<()> {
    array.cursor().array(|c, index| {
        let element = c.value()?;
        let at = Item { array: pointer, index };
        if element.kind != Kind::Object {
            let (code, shape) = not_object;
            findings.error(code, at.to_string(), element.offset, format!("{shape}, not {}", element.kind.name()));
            return Ok(());
        }
        let found = fields(element, keys, &at, Code::ROW_UNKNOWN_FIELD, findings)?;
        each(at, element, found, findings)
    })?;
    Ok(())
}

fn unknown_field(name: &str, offset: u32, findings: &mut Findings) {
    let mut message = format!("unknown field {}; a row may only hold row_data, global_key, external_id, media_type, metadata_fields, attachments, dataset_id, uid and embeddings", quote(name));
    let near = near_miss(name);
    if let Some(near) = near {
        message = format!("unknown field {}; did you mean \"{}\"?", quote(name), near.name());
    }
    findings.error(Code::ROW_UNKNOWN_FIELD, format!("/{}", pointer_segment(name)), offset, message);
    if let Some(near) = near {
        findings.fix(Edit::Rename { at: offset, from: name.to_string(), to: near.name().to_string() });
    }
}

fn expected_names(kinds: &[Kind]) -> &'static str {
    match kinds {
        [Kind::String, Kind::Object] => "a string or an object",
        [Kind::Array] => "an array",
        _ => "a string",
    }
}

/// A known field spelled with other case or separators, e.g. `Global_Key`.
fn near_miss(key: &str) -> Option<Field> {
    let squash = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect::<String>();
    let k = squash(key);
    // The legacy spelling is read, never suggested.
    Field::ALL.iter().copied().filter(|f| *f != Field::ConversationalData).find(|f| squash(f.name()) == k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(Code, String)> {
        let mut f = Findings::default();
        parse(text, true, &mut f).unwrap();
        f.list.into_iter().map(|f| (f.code, f.pointer)).collect()
    }

    #[test]
    fn a_row_read_from_a_longer_text_ends_at_its_closing_brace() {
        let mut f = Findings::default();
        let text = r#"{"row_data":"x}","attachments":[{}]} ,{"row_data":"y"}"#;
        assert_eq!(parse(text, false, &mut f).unwrap().unwrap().end, 36);
        assert!(parse(text, true, &mut f).is_err(), "a whole row is followed by nothing but whitespace");
    }

    #[test]
    fn aliases_duplicates_and_unknown_fields() {
        assert_eq!(codes(r#"{"rowData":"x"}"#), vec![(Code::ROW_FIELD_ALIAS, "/rowData".into())]);
        assert_eq!(
            codes(r#"{"row_data":"x","rowData":"y"}"#),
            vec![(Code::ROW_DUPLICATE_FIELD, "/rowData".into())]
        );
        assert_eq!(codes(r#"{"row_data":"x","Global_Key":"k"}"#), vec![(Code::ROW_UNKNOWN_FIELD, "/Global_Key".into())]);
        assert_eq!(codes(r#"{"row_data":"x","a/b":1}"#), vec![(Code::ROW_UNKNOWN_FIELD, "/a~1b".into())]);
        assert_eq!(codes(r#"{"row_data":5}"#), vec![(Code::ROW_FIELD_TYPE, "/row_data".into())]);
        assert_eq!(codes(r#"[1]"#), vec![(Code::ROW_NOT_OBJECT, "".into())]);
    }

    #[test]
    fn every_field_is_found_by_its_name_and_aliases() {
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.name()), Some((field, 0)));
            for (i, alias) in field.spellings().iter().enumerate() {
                assert_eq!(Field::from_key(&alias[1..]), Some((field, i)));
            }
        }
        assert_eq!(Field::from_key("Row_Data"), None);
        assert_eq!(Field::from_key("metadata"), Some((Field::MetadataFields, 2)));
    }

    #[test]
    fn metadata_is_an_alias_and_platform_fields_only_warn() {
        let mut f = Findings::default();
        let row = parse(r#"{"row_data":"x","metadata":[],"created_at":"2024-01-01","media_attributes":{"width":3}}"#, true, &mut f).unwrap().unwrap();
        assert_eq!(row.pointer(Field::MetadataFields), "/metadata");
        assert!(row.get(Field::MetadataFields).is_some());
        f.list.sort_by_key(|f| f.offset);
        let found: Vec<(Code, &str)> = f.list.iter().map(|f| (f.code, f.pointer.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (Code::ROW_FIELD_ALIAS, "/metadata"),
                (Code::ROW_FIELD_READ_ONLY, "/created_at"),
                (Code::ROW_FIELD_READ_ONLY, "/media_attributes")
            ]
        );
        assert!(f.list[0].message.contains("another name for \"metadata_fields\""));
        assert!(codes(r#"{"row_data":"x","metadata":[],"metadata_fields":[]}"#).contains(&(Code::ROW_DUPLICATE_FIELD, "/metadata_fields".into())));
    }

    #[test]
    fn null_counts_as_absent() {
        let mut f = Findings::default();
        let row = parse(r#"{"row_data":"x","global_key":null}"#, true, &mut f).unwrap().unwrap();
        assert!(row.get(Field::GlobalKey).is_none());
        assert!(f.list.is_empty());
    }

    #[test]
    fn escaped_keys_are_decoded() {
        let mut f = Findings::default();
        let row = parse(r#"{"row\u005fdata":"x"}"#, true, &mut f).unwrap().unwrap();
        assert_eq!(row.string(Field::RowData).unwrap().raw, "x");
    }

    #[test]
    fn legacy_tiled_rows_are_one_warning() {
        let legacy = r#"{"tileLayerUrl":"https://t.example/{z}/{x}/{y}.png","bounds":[[1,2],[3,4]],"minZoom":1,"globalKey":"k"}"#;
        assert_eq!(
            codes(legacy),
            vec![(Code::ROW_FIELD_ALIAS, "/globalKey".into()), (Code::ROW_LEGACY_SHAPE, "/tileLayerUrl".into())]
        );
        let mut f = Findings::default();
        assert_eq!(parse(legacy, true, &mut f).unwrap().unwrap().legacy_tiles.len(), 3);
        // Beside a row_data, or without a tileLayerUrl, tile keys are unknown fields.
        assert_eq!(
            codes(r#"{"row_data":"https://h.example/a.png","tileLayerUrl":"https://t.example/{z}/{x}/{y}.png"}"#),
            vec![(Code::ROW_UNKNOWN_FIELD, "/tileLayerUrl".into())]
        );
        assert_eq!(codes(r#"{"tileLayerUrl":null,"bounds":[]}"#).len(), 2);
        assert_eq!(codes(r#"{"tile_layer_url":"https://t.example/{z}/{x}/{y}.png"}"#), vec![(Code::ROW_UNKNOWN_FIELD, "/tile_layer_url".into())]);
    }
}
