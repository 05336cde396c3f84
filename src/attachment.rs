//! Attachments: their types and values.

use crate::json::{Kind, Raw};
use crate::report::{Code, Edit, Findings, Item, quote};
use crate::row::objects;
use crate::url;

pub const MAX_OVERLAYS: usize = 9;

const TYPES: [&str; 9] = ["IMAGE", "VIDEO", "AUDIO", "IMAGE_OVERLAY", "HTML", "RAW_TEXT", "TEXT_URL", "PDF_URL", "CAMERA_IMAGE"];

/// Types whose value is a URL to fetch.
fn is_url_type(t: &str) -> bool {
    t != "RAW_TEXT" && TYPES.contains(&t)
}

pub const KEYS: [(&str, Option<&str>); 3] = [("type", None), ("value", None), ("name", None)];

/// The type normalization writes: the deprecated `TEXT` becomes
/// `TEXT_URL` for a URL value and `RAW_TEXT` otherwise.
pub fn normalized_type<'t>(t: &'t str, value: &str) -> &'t str {
    match t {
        "TEXT" if url::looks_like_url(value) => "TEXT_URL",
        "TEXT" => "RAW_TEXT",
        other => other,
    }
}

/// Check `attachments` (any JSON type; only an array is valid).
pub fn check(raw: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    if raw.kind != Kind::Array {
        findings.error(
            Code::ATTACHMENT_NOT_ARRAY,
            "/attachments",
            raw.offset,
            format!("attachments must be an array of {{type, value, name?}}, not {}", raw.kind.name()),
        );
        return Ok(());
    }
    let mut overlays = 0;
    let not_object = (Code::ATTACHMENT_VALUE, "an attachment must be an object {type, value, name?}");
    objects(raw, "/attachments", KEYS, not_object, findings, |at, item, [kind, value, name], findings| {
        if check_one(item, at, kind, value, name, findings) == Some("IMAGE_OVERLAY") {
            overlays += 1;
        }
        Ok(())
    })?;
    if overlays > MAX_OVERLAYS {
        findings.warning(
            Code::ATTACHMENT_OVERLAY_COUNT,
            "/attachments",
            raw.offset,
            format!("{overlays} IMAGE_OVERLAY attachments; the editor shows at most {MAX_OVERLAYS}"),
        );
    }
    Ok(())
}

/// Check one attachment; return its (normalized) type when it has a valid one.
fn check_one(
    item: Raw<'_>,
    at: Item<'_>,
    kind: Option<Raw<'_>>,
    value: Option<Raw<'_>>,
    name: Option<Raw<'_>>,
    findings: &mut Findings,
) -> Option<&'static str> {
    let value_str = value.and_then(|v| v.as_str()).map(|s| (s, s.value()));
    match (value, &value_str) {
        (None, _) => findings.error(Code::ATTACHMENT_VALUE, at.to_string(), item.offset, "attachment has no value; add \"value\"".into()),
        (Some(v), Some((_, s))) if s.is_empty() => findings.error(
            Code::ATTACHMENT_VALUE,
            format!("{at}/value"),
            v.offset,
            "attachment value is empty; give the attachment's URL or text".into(),
        ),
        (Some(_), Some(_)) => {}
        (Some(v), None) => findings.error(
            Code::ATTACHMENT_VALUE,
            format!("{at}/value"),
            v.offset,
            format!("attachment value must be a string, not {}", v.kind.name()),
        ),
    }
    if let Some(name) = name.filter(|n| n.kind != Kind::String) {
        findings.error(
            Code::ROW_FIELD_TYPE,
            format!("{at}/name"),
            name.offset,
            format!("attachment name must be a string, not {}", name.kind.name()),
        );
    }
    let Some(kind) = kind else {
        findings.error(Code::ATTACHMENT_TYPE, at.to_string(), item.offset, "attachment has no type; add \"type\"".into());
        return None;
    };
    let Some(t) = kind.as_str().map(|s| s.value()) else {
        findings.error(
            Code::ATTACHMENT_TYPE,
            format!("{at}/type"),
            kind.offset,
            format!("attachment type must be a string, not {}", kind.kind.name()),
        );
        return None;
    };
    let t: &'static str = if t == "TEXT" {
        let mapped = normalized_type("TEXT", value_str.as_ref().map_or("", |(_, s)| s));
        findings.rewrite = true;
        findings.warning(
            Code::ATTACHMENT_TEXT_DEPRECATED,
            format!("{at}/type"),
            kind.offset,
            format!("attachment type \"TEXT\" was removed in SDK 6.0, which now refuses it; normalization makes it \"{mapped}\""),
        );
        findings.fix(Edit::string(kind.offset, mapped));
        if mapped == "TEXT_URL" { "TEXT_URL" } else { "RAW_TEXT" }
    } else if let Some(known) = TYPES.iter().find(|k| **k == t) {
        known
    } else {
        findings.error(
            Code::ATTACHMENT_TYPE,
            format!("{at}/type"),
            kind.offset,
            format!("attachment type {} is not one of {}", quote(&t), TYPES.join(", ")),
        );
        return None;
    };
    if let Some((token, s)) = &value_str {
        if is_url_type(t) && !s.is_empty() {
            url::check(s, &|| format!("{at}/value"), token.offset, findings);
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Cursor;

    fn codes(json: &str) -> Vec<(Code, String)> {
        let raw = Cursor::new(json).value().unwrap();
        let mut f = Findings::default();
        check(raw, &mut f).unwrap();
        f.list.into_iter().map(|f| (f.code, f.pointer)).collect()
    }

    #[test]
    fn rules() {
        assert_eq!(codes(r#"[{"type":"IMAGE","value":"https://h.example/a.jpg","name":"n"}]"#), vec![]);
        assert_eq!(codes(r#"{"type":"IMAGE"}"#), vec![(Code::ATTACHMENT_NOT_ARRAY, "/attachments".into())]);
        assert_eq!(codes(r#"[{"type":"FOO","value":"x"}]"#), vec![(Code::ATTACHMENT_TYPE, "/attachments/0/type".into())]);
        assert_eq!(codes(r#"[{"type":"RAW_TEXT","value":""}]"#), vec![(Code::ATTACHMENT_VALUE, "/attachments/0/value".into())]);
        assert_eq!(codes(r#"[{"type":"RAW_TEXT"}]"#), vec![(Code::ATTACHMENT_VALUE, "/attachments/0".into())]);
        assert_eq!(codes(r#"[{"type":"RAW_TEXT","value":"a b # c"}]"#), vec![]);
        assert_eq!(
            codes(r#"[{"type":"TEXT_URL","value":"https://h.example/a<b.txt"}]"#),
            vec![(Code::URL_UNSUPPORTED_CHAR, "/attachments/0/value".into())]
        );
        assert_eq!(
            codes(r#"[{"type":"TEXT","value":"hello"}]"#),
            vec![(Code::ATTACHMENT_TEXT_DEPRECATED, "/attachments/0/type".into())]
        );
        let ten = vec![r#"{"type":"IMAGE_OVERLAY","value":"https://h.example/o.png"}"#; 10].join(",");
        assert_eq!(codes(&format!("[{ten}]")), vec![(Code::ATTACHMENT_OVERLAY_COUNT, "/attachments".into())]);
    }

    #[test]
    fn text_maps_by_value() {
        assert_eq!(normalized_type("TEXT", "https://h.example/a.txt"), "TEXT_URL");
        assert_eq!(normalized_type("TEXT", "IOWA, Zone 2232"), "RAW_TEXT");
        assert_eq!(normalized_type("IMAGE", "x"), "IMAGE");
    }
}
