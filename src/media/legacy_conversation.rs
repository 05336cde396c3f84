//! Legacy conversation rows: the messages at the top level as
//! `conversationalData`, with no row_data, and optional top-level `type` and
//! `version`. The SDK still takes them: before uploading it builds
//! row_data `{type, version, messages}` from them (type defaults to
//! `application/vnd.labelbox.conversational`, version to 1) and checks each
//! message's keys. They are read the same way here, warned about once, and
//! normalized to that row_data.

use super::conversation::{self, Parts, Places};
use super::ids::Ids;
use super::{MediaType, Resolved};
use crate::json::{Kind, Raw};
use crate::report::{Code, Findings};
use crate::row::{Field, Row};

const PLACES: Places = Places { kind: "/type", version: "/version", messages: "/conversationalData", defaults: true };

/// The top-level `type` and `version` a legacy row may carry (only such a
/// row takes them: elsewhere they are unknown fields).
pub const KEYS: [&str; 2] = ["type", "version"];

/// A legacy row's top-level member `name`, unless absent or null.
pub fn member<'a>(row: &Row<'a>, name: &str) -> Option<Raw<'a>> {
    row.members.iter().find(|m| m.field.is_none() && !m.value.is_null() && m.key.value() == name).map(|m| m.value)
}

pub(super) fn check(
    row: &Row<'_>,
    messages: Raw<'_>,
    explicit: Option<Option<MediaType>>,
    ids: &mut Ids,
    findings: &mut Findings,
) -> crate::json::Result<Resolved> {
    let key_offset = row.members.iter().find(|m| m.field == Some(Field::ConversationalData)).map_or(messages.offset, |m| m.key.offset);
    findings.rewrite = true;
    findings.warning(
        Code::ROW_LEGACY_SHAPE,
        "/conversationalData",
        key_offset,
        format!(
            "conversationalData is the legacy shape of a conversation row; it is read as the SDK reads it, and normalization moves it into row_data{}, as the SDK does",
            if row.members.iter().any(|m| m.field == Some(Field::ExternalId) && m.key.raw == "externalId") { " and renames externalId" } else { "" }
        ),
    );
    findings.suggest(r#"give the messages as "row_data": {"type": "application/vnd.labelbox.conversational", "version": 1, "messages": [...]}"#.into());
    for name in KEYS {
        let mut seen = row.members.iter().filter(|m| m.field.is_none() && m.key.value() == name);
        if let (Some(_), Some(again)) = (seen.next(), seen.next()) {
            findings.error(Code::ROW_DUPLICATE_FIELD, format!("/{name}"), again.key.offset, format!("\"{name}\" is given twice in this row; keep one"));
        }
    }
    if let Some(Some(media)) = explicit.filter(|m| *m != Some(MediaType::Conversational)) {
        findings.error(
            Code::MEDIA_TYPE_MISMATCH,
            "/media_type",
            row.get(Field::MediaType).map_or(row.offset, |m| m.offset),
            format!("the row is a conversation (conversationalData) but media_type is {}; use CONVERSATIONAL or leave media_type out", media.name()),
        );
    }
    // Not an array: reported as ROW_FIELD_TYPE when the row was read.
    if messages.kind == Kind::Array {
        let parts = Parts { kind: member(row, "type"), version: member(row, "version"), messages: Some(messages), offset: row.offset };
        conversation::check_parts(parts, &PLACES, ids, findings)?;
    }
    Ok(match explicit {
        None => super::inferred(findings, messages, MediaType::Conversational, "its conversationalData"),
        Some(media) => Resolved { media: media.or(Some(MediaType::Conversational)), inferred: false },
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_full;
    use crate::report::{Code, Severity};

    const MESSAGES: &str =
        r#"[{"messageId":"message-0","timestampUsec":1530718491,"content":"hi","user":{"userId":"Bot 002","name":"Bot"},"align":"left","canLabel":false}]"#;

    #[test]
    fn one_warning_for_a_legacy_row() {
        let row = format!(r#"{{"externalId":"Convo-123","type":"application/vnd.labelbox.conversational","version":1,"conversationalData":{MESSAGES}}}"#);
        let got = run_full(&row);
        assert_eq!(
            got,
            vec![
                (Code::ROW_LEGACY_SHAPE, Severity::Warning, "/conversationalData".to_string()),
                (Code::MEDIA_TYPE_INFERRED, Severity::Info, "/row_data".to_string()),
            ]
        );
    }

    #[test]
    fn legacy_messages_are_checked_where_they_are() {
        let row = r#"{"conversationalData":[{"messageId":"a","content":"x","user":{"userId":"u","name":"U"},"mood":"ok"},{"messageId":"a","user":{"userId":"u","name":"U"}}],"version":2,"media_type":"IMAGE"}"#;
        let errors: Vec<(Code, String)> = run_full(row).into_iter().filter(|f| f.1 == Severity::Error).map(|f| (f.0, f.2)).collect();
        assert_eq!(
            errors,
            vec![
                (Code::MEDIA_TYPE_MISMATCH, "/media_type".to_string()),
                (Code::CONVERSATION_INVALID, "/version".to_string()),
                (Code::CONVERSATION_INVALID, "/conversationalData/0/mood".to_string()),
                (Code::CONVERSATION_INVALID, "/conversationalData/1/messageId".to_string()),
                (Code::CONVERSATION_INVALID, "/conversationalData/1/content".to_string()),
            ]
        );
        let both = format!(r#"{{"row_data":"https://h.example/c.json","conversationalData":{MESSAGES}}}"#);
        assert!(run_full(&both).contains(&(Code::ROW_DUPLICATE_FIELD, Severity::Error, "/conversationalData".to_string())));
        let stray = r#"{"row_data":"https://h.example/c.json","type":"x","version":1}"#;
        let unknown: Vec<_> = run_full(stray).into_iter().filter(|f| f.0 == Code::ROW_UNKNOWN_FIELD).map(|f| f.2).collect();
        assert_eq!(unknown, vec!["/type", "/version"]);
        assert!(run_full(r#"{"conversationalData":{"messageId":"a"}}"#).contains(&(Code::ROW_FIELD_TYPE, Severity::Error, "/conversationalData".to_string())));
    }
}
