//! Normalization: the canonical JSON of a valid row.
//!
//! Keys become snake_case, media types upper case, deprecated attachment
//! types their replacements, date-times canonical, `null` members vanish
//! and an inferred media_type is filled in. Every other value is copied
//! from the source text as written (whitespace aside), so strings are
//! never re-encoded. Writing canonical input gives the same bytes back.

use std::borrow::Cow;

use crate::attachment;
use crate::datetime;
use crate::json::{self, Kind, Raw};
use crate::media::{self, MediaType, Resolved};
use crate::metadata::{self, Ontology};
use crate::report::{Code, Findings};
use crate::row::{Field, Row, fields};

/// Append the normalized JSON of `row` (which has no errors) to `out`.
pub fn row(out: &mut Vec<u8>, row: &Row<'_>, resolved: Resolved, ontology: &Ontology) -> json::Result<()> {
    out.push(b'{');
    let mut first = true;
    // A legacy tiled row's tile keys become its row_data, where they began.
    let legacy_start = row.legacy_tiles.first().map(|(k, _)| k.offset);
    for member in row.members.iter() {
        if legacy_start == Some(member.key.offset) {
            key(out, &mut first, Field::RowData.name());
            tile_layer(out, row.legacy_tiles.iter().copied())?;
        }
        if member.value.is_null() {
            continue;
        }
        let Some(field) = member.field else { continue };
        let value = member.value;
        if field == Field::ConversationalData {
            key(out, &mut first, Field::RowData.name());
            legacy_conversation(out, row, value);
            continue;
        }
        key(out, &mut first, field.name());
        match field {
            Field::RowData => row_data(out, value, resolved.media)?,
            Field::MediaType => match resolved.media {
                Some(media) => json::write_string(out, media.name()),
                None => json::write_compact(out, value.text),
            },
            Field::MetadataFields => metadata_fields(out, value, ontology)?,
            Field::Attachments => attachments(out, value)?,
            _ => json::write_compact(out, value.text),
        }
    }
    if resolved.inferred && row.get(Field::MediaType).is_none() {
        if let Some(media) = resolved.media {
            key(out, &mut first, Field::MediaType.name());
            json::write_string(out, media.name());
        }
    }
    out.push(b'}');
    Ok(())
}

fn key(out: &mut Vec<u8>, first: &mut bool, name: &str) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    json::write_string(out, name);
    out.push(b':');
}

/// Write an object with each key mapped to its canonical spelling.
fn object<const N: usize>(
    out: &mut Vec<u8>,
    raw: Raw<'_>,
    keys: [(&str, Option<&str>); N],
    mut value: impl FnMut(&mut Vec<u8>, &str, Raw<'_>) -> json::Result<()>,
) -> json::Result<()> {
    out.push(b'{');
    let mut first = true;
    raw.cursor().object(|c, k| {
        let v = c.value()?;
        if v.is_null() {
            return Ok(());
        }
        let name = k.value();
        let canonical = keys.iter().find(|(c, a)| **c == name || *a == Some(&*name)).map_or(&*name, |(c, _)| c);
        key(out, &mut first, canonical);
        value(out, canonical, v)
    })?;
    out.push(b'}');
    Ok(())
}

fn compact(out: &mut Vec<u8>, _: &str, raw: Raw<'_>) -> json::Result<()> {
    json::write_compact(out, raw.text);
    Ok(())
}

fn row_data(out: &mut Vec<u8>, raw: Raw<'_>, media: Option<MediaType>) -> json::Result<()> {
    if raw.kind != Kind::Object {
        json::write_compact(out, raw.text);
        return Ok(());
    }
    match media {
        Some(MediaType::Pdf) => object(out, raw, media::PDF_KEYS, compact),
        Some(MediaType::TmsGeo | MediaType::TmsSimple) => tile_layer(out, raw.members()?.into_iter()),
        _ => compact(out, "", raw),
    }
}

/// A legacy row's conversation as the SDK builds it from the row:
/// `{type, version, messages}`, with its defaults for a missing type or
/// version.
fn legacy_conversation(out: &mut Vec<u8>, row: &Row<'_>, messages: Raw<'_>) {
    out.extend_from_slice(b"{\"type\":");
    match media::legacy_conversation_member(row, "type") {
        Some(kind) => json::write_compact(out, kind.text),
        None => json::write_string(out, media::CONVERSATION_TYPE),
    }
    out.extend_from_slice(b",\"version\":");
    match media::legacy_conversation_member(row, "version") {
        Some(version) => json::write_compact(out, version.text),
        None => out.push(b'1'),
    }
    out.extend_from_slice(b",\"messages\":");
    json::write_compact(out, messages.text);
    out.push(b'}');
}

/// A tiled row_data object from its members (a row_data object's, or a
/// legacy row's top-level tile keys).
fn tile_layer<'a>(out: &mut Vec<u8>, members: impl Iterator<Item = (json::Str<'a>, Raw<'a>)>) -> json::Result<()> {
    out.push(b'{');
    let mut first = true;
    for (k, v) in members.filter(|(_, v)| !v.is_null()) {
        let name = k.value();
        let canonical = media::TMS_KEYS.iter().find(|(c, a)| *c == name || *a == Some(&*name)).map_or(&*name, |(c, _)| c);
        key(out, &mut first, canonical);
        if canonical == "alternative_layers" && v.kind == Kind::Array {
            array(out, v, |out, layer| object(out, layer, media::TMS_LAYER_KEYS, compact))?;
        } else {
            json::write_compact(out, v.text);
        }
    }
    out.push(b'}');
    Ok(())
}

fn array(out: &mut Vec<u8>, raw: Raw<'_>, mut element: impl FnMut(&mut Vec<u8>, Raw<'_>) -> json::Result<()>) -> json::Result<()> {
    out.push(b'[');
    raw.cursor().array(|c, i| {
        if i > 0 {
            out.push(b',');
        }
        element(out, c.value()?)
    })?;
    out.push(b']');
    Ok(())
}

/// The string value of one member of a valid row's object, if present.
fn member_str<'a>(object: Raw<'a>, name: &str) -> json::Result<Option<Cow<'a, str>>> {
    let mut found = None;
    object.cursor().object(|c, k| {
        let v = c.value()?;
        if found.is_none() && k.value() == name {
            found = v.as_str().map(|s| s.value());
        }
        Ok(())
    })?;
    Ok(found)
}

fn metadata_fields(out: &mut Vec<u8>, raw: Raw<'_>, ontology: &Ontology) -> json::Result<()> {
    array(out, raw, |out, entry| {
        // A valid row's entries have no unknown or repeated keys to report.
        let [id, name, _] = fields(entry, metadata::ENTRY_KEYS, &"", Code::ROW_UNKNOWN_FIELD, &mut Findings::default())?;
        let id = id.and_then(|v| v.as_str()).map(|s| s.value());
        let name = name.and_then(|v| v.as_str()).map(|s| s.value());
        let kind = metadata::resolve(ontology, id.as_deref(), name.as_deref()).map(|f| f.kind);
        object(out, entry, metadata::ENTRY_KEYS, |out, name, v| {
            if name != "value" {
                json::write_compact(out, v.text);
                return Ok(());
            }
            match kind {
                Some(metadata::Kind::Datetime) => match v.as_str().map(|s| s.value()).as_deref().map(datetime::parse) {
                    Some(Ok(canonical)) => {
                        out.push(b'"');
                        canonical.write(out);
                        out.push(b'"');
                    }
                    _ => json::write_compact(out, v.text),
                },
                // A numeric string or a boolean, as the SDK's float() reads it.
                Some(metadata::Kind::Number) => match metadata::coerced_number(v) {
                    Some(number) => out.extend_from_slice(number.as_bytes()),
                    None => json::write_compact(out, v.text),
                },
                _ => json::write_compact(out, v.text),
            }
            Ok(())
        })
    })
}

fn attachments(out: &mut Vec<u8>, raw: Raw<'_>) -> json::Result<()> {
    array(out, raw, |out, item| {
        let value = member_str(item, "value")?;
        object(out, item, attachment::KEYS, |out, name, v| {
            match v.as_str().filter(|_| name == "type") {
                Some(t) if t.value() == "TEXT" => {
                    json::write_string(out, attachment::normalized_type("TEXT", value.as_deref().unwrap_or("")));
                }
                _ => json::write_compact(out, v.text),
            }
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Findings;
    use crate::row;

    fn normalize(text: &str) -> String {
        let mut f = Findings::default();
        let r = row::parse(text, true, &mut f).unwrap().unwrap();
        let resolved = media::check(&r, &mut media::Scratch::default(), &mut f).unwrap();
        let mut out = Vec::new();
        row(&mut out, &r, resolved, &Ontology::reserved()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn canonical_form() {
        let input = r#"{ "rowData" : "https://h.example/a.jpg", "externalId": null,
            "metadataFields": [ {"name":"captureDateTime","value":"2022-06-01T12:30:00+02:00"}, {"name":"tag","value":"a  b"} ],
            "attachments": [ {"type":"TEXT","value":"note"}, {"type":"TEXT","value":"https://h.example/t.txt", "name": null} ] }"#;
        let once = normalize(input);
        assert_eq!(
            once,
            r#"{"row_data":"https://h.example/a.jpg","metadata_fields":[{"name":"captureDateTime","value":"2022-06-01T10:30:00Z"},{"name":"tag","value":"a  b"}],"attachments":[{"type":"RAW_TEXT","value":"note"},{"type":"TEXT_URL","value":"https://h.example/t.txt"}],"media_type":"IMAGE"}"#
        );
        assert_eq!(normalize(&once), once);
    }

    #[test]
    fn legacy_conversations_become_row_data_as_the_sdk_builds_it() {
        let messages = r#"[{"messageId":"m","content":"hi","user":{"userId":"u","name":"U"}}]"#;
        let input = format!(r#"{{"externalId":"Convo-123","type":"application/vnd.labelbox.conversational","version":1,"conversationalData":{messages}}}"#);
        let once = normalize(&input);
        assert_eq!(
            once,
            format!(r#"{{"external_id":"Convo-123","row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":{messages}}},"media_type":"CONVERSATIONAL"}}"#)
        );
        assert_eq!(normalize(&once), once);
        let bare = normalize(&format!(r#"{{"conversationalData": {messages}, "globalKey": "k"}}"#));
        assert_eq!(
            bare,
            format!(r#"{{"row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":{messages}}},"global_key":"k","media_type":"CONVERSATIONAL"}}"#)
        );
    }

    #[test]
    fn legacy_tiled_rows_move_into_row_data() {
        let input = r#"{"externalId":"a","tileLayerUrl":"https://t.example/{z}/{x}/{y}.png","bounds":[[1,2],[3,4]],"maxNativeZoom":null,"epsg":"EPSG4326","global_key":"k","alternativeLayers":[{"tileLayerUrl":"https://t.example/b/{z}/{x}/{y}","name":"b","minZoom":2}]}"#;
        let once = normalize(input);
        assert_eq!(
            once,
            r#"{"external_id":"a","row_data":{"tile_layer_url":"https://t.example/{z}/{x}/{y}.png","bounds":[[1,2],[3,4]],"epsg":"EPSG4326","alternative_layers":[{"tile_layer_url":"https://t.example/b/{z}/{x}/{y}","name":"b","min_zoom":2}]},"global_key":"k","media_type":"TMS_GEO"}"#
        );
        assert_eq!(normalize(&once), once);
    }

    #[test]
    fn metadata_alias_numbers_and_dates() {
        let input = r#"{"row_data":"https://h.example/a.mp4","metadata":[{"name":"skipNFrames","value":" 2 "},{"name":"captureDateTime","value":"20220601T1030"},{"name":"x","value":"3"}]}"#;
        let once = normalize(input);
        assert_eq!(
            once,
            r#"{"row_data":"https://h.example/a.mp4","metadata_fields":[{"name":"skipNFrames","value":2.0},{"name":"captureDateTime","value":"2022-06-01T10:30:00Z"},{"name":"x","value":"3"}],"media_type":"VIDEO"}"#
        );
        assert_eq!(normalize(&once), once);
    }

    #[test]
    fn nested_aliases_and_escapes_are_kept() {
        let input = r#"{"media_type":"tms_geo","row_data":{"tileLayerUrl":"https://t.example/{z}/{x}/{y}\u002epng","bounds":[[1,2],[3,4]],"minZoom":1,"maxZoom":2,"epsg":"EPSG4326","alternativeLayers":[{"tileLayerUrl":"https://t.example/{z}/{x}/{y}","name":"b"}]}}"#;
        let once = normalize(input);
        assert_eq!(
            once,
            r#"{"media_type":"TMS_GEO","row_data":{"tile_layer_url":"https://t.example/{z}/{x}/{y}\u002epng","bounds":[[1,2],[3,4]],"min_zoom":1,"max_zoom":2,"epsg":"EPSG4326","alternative_layers":[{"tile_layer_url":"https://t.example/{z}/{x}/{y}","name":"b"}]}}"#
        );
        assert_eq!(normalize(&once), once);
    }
}
