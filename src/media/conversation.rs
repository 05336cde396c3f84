//! Inline conversations, format version 1: CONVERSATIONAL row_data
//! `{type, version: 1, messages: [...], modelOutputs?: [...]}`, the
//! conversational text import format, with the model responses of the
//! human-preference (model response) format.

use std::fmt;

use super::ids::Ids;
use crate::json::{Kind, Raw};
use crate::report::{Child, Code, Findings, Item, quote};
use crate::row::fields;

pub const CONVERSATION_TYPE: &str = "application/vnd.labelbox.conversational";
pub const MAX_MESSAGES: usize = 250;
pub const MAX_CONTENT_CHARS: usize = 10_000;

const KEYS: [(&str, Option<&str>); 4] = [("type", None), ("version", None), ("messages", None), ("modelOutputs", None)];
const MESSAGE_KEYS: [(&str, Option<&str>); 6] =
    [("messageId", None), ("content", None), ("user", None), ("timestampUsec", None), ("align", None), ("canLabel", None)];
const USER_KEYS: [(&str, Option<&str>); 2] = [("userId", None), ("name", None)];
const OUTPUT_KEYS: [(&str, Option<&str>); 3] = [("title", None), ("content", None), ("modelConfigName", None)];

/// `fields` for an object of a conversation format. A key given twice is a
/// `CONVERSATION_INVALID` error (a JSON reader keeps only one of them). A key
/// the format does not list is an error where a public source shows it
/// refused (`strict`), and a warning elsewhere: the pages list each
/// object's fields but do not say that others are refused.
pub(super) fn keyed<'a, const N: usize>(
    object: Raw<'a>,
    keys: [(&str, Option<&str>); N],
    pointer: &dyn fmt::Display,
    strict: bool,
    findings: &mut Findings,
) -> crate::json::Result<[Option<Raw<'a>>; N]> {
    let mut local = Findings::default();
    let out = fields(object, keys, pointer, Code::CONVERSATION_INVALID, &mut local)?;
    forward(local, strict, findings);
    Ok(out)
}

/// [`keyed`]'s findings, as errors or warnings: one instance for every
/// number of keys.
fn forward(local: Findings, strict: bool, findings: &mut Findings) {
    for f in local.list {
        if strict || f.code == Code::ROW_DUPLICATE_FIELD {
            findings.error(Code::CONVERSATION_INVALID, f.pointer, f.offset, f.message);
        } else {
            findings.warning(Code::CONVERSATION_INVALID, f.pointer, f.offset, f.message);
        }
    }
}

/// `, not VALUE` for a message about a value given wrong (nothing when it
/// is missing): strings quoted, other values as written, cut short.
pub(super) fn not(value: Option<Raw<'_>>) -> String {
    match value {
        None => String::new(),
        Some(v) => match v.as_str() {
            Some(s) => format!(", not {}", quote(&s.value())),
            None if matches!(v.kind, Kind::Object | Kind::Array) => {
                format!(", not {}", v.kind.name())
            }
            None => format!(", not {}", v.text.chars().take(80).collect::<String>()),
        },
    }
}

/// Where a conversation's parts sit in the row.
pub(super) struct Places {
    pub kind: &'static str,
    pub version: &'static str,
    pub messages: &'static str,
    /// An absent type or version takes its default (the SDK's conversion
    /// of a legacy row) instead of being an error.
    pub defaults: bool,
}

const INLINE: Places = Places { kind: "/row_data/type", version: "/row_data/version", messages: "/row_data/messages", defaults: false };

/// The parts of a version-1 conversation, wherever the row holds them.
pub(super) struct Parts<'a> {
    pub kind: Option<Raw<'a>>,
    pub version: Option<Raw<'a>>,
    pub messages: Option<Raw<'a>>,
    /// Where to point when a required part is missing.
    pub offset: u32,
}

/// Check an inline conversation.
pub(super) fn check(data: Raw<'_>, ids: &mut Ids, findings: &mut Findings) -> crate::json::Result<()> {
    let [kind, version, messages, model_outputs] = keyed(data, KEYS, &"/row_data", false, findings)?;
    check_parts(Parts { kind, version, messages, offset: data.offset }, &INLINE, ids, findings)?;
    if let Some(outputs) = model_outputs {
        check_outputs(outputs, findings)?;
    }
    Ok(())
}

pub(super) fn check_parts(parts: Parts<'_>, places: &Places, ids: &mut Ids, findings: &mut Findings) -> crate::json::Result<()> {
    let offset_of = |v: Option<Raw<'_>>| v.map_or(parts.offset, |v| v.offset);
    let kind_ok = match parts.kind {
        None => places.defaults,
        Some(k) => k.as_str().is_some_and(|s| s.value() == CONVERSATION_TYPE),
    };
    if !kind_ok {
        let message = format!("a conversation needs \"type\": \"{CONVERSATION_TYPE}\"{}", not(parts.kind));
        findings.error(Code::CONVERSATION_INVALID, places.kind, offset_of(parts.kind), message);
    }
    let version_ok = match parts.version {
        None => places.defaults,
        Some(v) => v.as_f64() == Some(1.0),
    };
    if !version_ok {
        let message = format!("a conversation of this type needs \"version\": 1{}", not(parts.version));
        findings.error(Code::CONVERSATION_INVALID, places.version, offset_of(parts.version), message);
    }
    let Some(messages) = parts.messages.filter(|m| m.kind == Kind::Array) else {
        let message = format!("a conversation needs \"messages\", an array of 1 to {MAX_MESSAGES} messages{}", not(parts.messages));
        findings.error(Code::CONVERSATION_INVALID, places.messages, offset_of(parts.messages), message);
        return Ok(());
    };
    ids.clear();
    // Messages past the limit are counted, not checked: the count is the
    // problem, and the work stays bounded however long the array is.
    let count = messages.cursor().array(|c, index| {
        let message = c.value()?;
        if index < MAX_MESSAGES {
            check_message(message, Item { array: places.messages, index }, ids, findings)?;
        }
        Ok(())
    })?;
    if count == 0 || count > MAX_MESSAGES {
        findings.error(
            Code::CONVERSATION_INVALID,
            places.messages,
            messages.offset,
            format!("a conversation holds 1 to {MAX_MESSAGES} messages; this one has {count}"),
        );
    }
    Ok(())
}

/// How a message is named in a finding: by its id, or by its place.
struct Label<'a> {
    id: Option<&'a str>,
    index: usize,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "message {}", quote(id)),
            None => write!(f, "message {}", self.index),
        }
    }
}

fn check_message(message: Raw<'_>, at: Item<'_>, ids: &mut Ids, findings: &mut Findings) -> crate::json::Result<()> {
    if message.kind != Kind::Object {
        let text = format!("message {} must be an object {{messageId, content, user}}, not {}", at.index, message.kind.name());
        findings.error(Code::CONVERSATION_INVALID, at.to_string(), message.offset, text);
        return Ok(());
    }
    // The SDK refuses a message key outside this list (its check of legacy
    // conversations, the same message format).
    let [id, content, user, timestamp, align, can_label] = keyed(message, MESSAGE_KEYS, &at, true, findings)?;
    let user_ok = match user {
        Some(u) if u.kind == Kind::Object => {
            let [user_id, name] = keyed(u, USER_KEYS, &Child(&at, "user"), false, findings)?;
            user_id.is_some_and(|v| v.kind == Kind::String) && name.is_some_and(|v| v.kind == Kind::String)
        }
        _ => false,
    };
    let id_token = id.and_then(|v| v.as_str());
    let id_value = id_token.map(|s| s.value());
    let label = Label { id: id_value.as_deref(), index: at.index };
    let mut bad = |leaf: &str, offset: u32, message: String| findings.error(Code::CONVERSATION_INVALID, format!("{at}/{leaf}"), offset, message);
    let offset_of = |v: Option<Raw<'_>>| v.map_or(message.offset, |v| v.offset);
    match &id_value {
        Some(s) => {
            if let Err(first) = ids.insert(s) {
                bad("messageId", offset_of(id), format!("{label} repeats the id of message {first}; each messageId must be unique in the conversation"));
            }
        }
        None => bad("messageId", offset_of(id), format!("{label} needs a \"messageId\" string, unique in the conversation")),
    }
    match content.and_then(|v| v.as_str()) {
        // The escaped text is never shorter than the text it stands for.
        Some(s) if s.raw.len() >= MAX_CONTENT_CHARS => {
            let chars = s.value().chars().count();
            if chars >= MAX_CONTENT_CHARS {
                bad("content", s.offset, format!("{label} has {chars} characters of content; it must stay under {MAX_CONTENT_CHARS}"));
            }
        }
        Some(_) => {}
        None => bad("content", offset_of(content), format!("{label} needs \"content\", a string")),
    }
    if !user_ok {
        bad("user", offset_of(user), format!("{label} needs \"user\": {{\"userId\", \"name\"}}, both strings"));
    }
    if let Some(t) = timestamp.filter(|t| super::whole_number(*t).is_none()) {
        bad("timestampUsec", t.offset, format!("{label}: timestampUsec must be a non-negative integer (a Unix time){}", not(Some(t))));
    }
    if let Some(a) = align.filter(|a| !a.as_str().is_some_and(|s| matches!(&*s.value(), "left" | "right"))) {
        bad("align", a.offset, format!("{label}: align must be \"left\" or \"right\"{}", not(Some(a))));
    }
    if let Some(c) = can_label.filter(|c| c.kind != Kind::Bool) {
        bad("canLabel", c.offset, format!("{label}: canLabel must be true or false{}", not(Some(c))));
    }
    Ok(())
}

/// `modelOutputs`: the model responses a human-preference project compares.
fn check_outputs(outputs: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    const AT: &str = "/row_data/modelOutputs";
    if outputs.kind != Kind::Array {
        let message = format!("modelOutputs must be an array of {{title, content, modelConfigName}}, not {}", outputs.kind.name());
        findings.error(Code::CONVERSATION_INVALID, AT, outputs.offset, message);
        return Ok(());
    }
    outputs.cursor().array(|c, index| {
        let output = c.value()?;
        let at = Item { array: AT, index };
        if output.kind != Kind::Object {
            let message = format!("model output {index} must be an object {{title, content, modelConfigName}}, not {}", output.kind.name());
            findings.error(Code::CONVERSATION_INVALID, at.to_string(), output.offset, message);
            return Ok(());
        }
        let [title, content, config] = keyed(output, OUTPUT_KEYS, &at, false, findings)?;
        if !content.is_some_and(|v| v.kind == Kind::String) {
            let offset = content.map_or(output.offset, |v| v.offset);
            findings.error(
                Code::CONVERSATION_INVALID,
                format!("{at}/content"),
                offset,
                format!("model output {index} needs \"content\", the response as a string"),
            );
        }
        for (value, name) in [(title, "title"), (config, "modelConfigName")] {
            if let Some(v) = value.filter(|v| v.kind != Kind::String) {
                let message = format!("model output {index}: {name} must be a string, not {}", v.kind.name());
                findings.error(Code::CONVERSATION_INVALID, format!("{at}/{name}"), v.offset, message);
            }
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::report::Code;

    fn conv(messages: &str) -> Vec<(Code, String)> {
        run(&format!(r#"{{"media_type":"CONVERSATIONAL","row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":{messages}}}}}"#))
            .1
    }

    const M: &str = r#"{"messageId":"m1","content":"hi","user":{"userId":"u","name":"U"},"timestampUsec":1,"align":"left","canLabel":true}"#;
    const E: Code = Code::CONVERSATION_INVALID;

    #[test]
    fn valid_and_invalid_conversations() {
        assert_eq!(conv(&format!("[{M}]")), vec![]);
        assert_eq!(conv("[]"), vec![(E, "/row_data/messages".into())]);
        assert_eq!(conv(&format!("[{M},{M}]")), vec![(E, "/row_data/messages/1/messageId".into())]);
        let long = M.replace(r#""hi""#, &format!("\"{}\"", "x".repeat(10_000)));
        assert_eq!(conv(&format!("[{long}]")), vec![(E, "/row_data/messages/0/content".into())]);
        let just_under = M.replace(r#""hi""#, &format!("\"{}\"", "é".repeat(9_999)));
        assert_eq!(conv(&format!("[{just_under}]")), vec![]);
        assert_eq!(conv(&format!("[{}]", M.replace(r#""left""#, r#""up""#))), vec![(E, "/row_data/messages/0/align".into())]);
        assert_eq!(conv(&format!("[{}]", M.replace(r#","name":"U""#, ""))), vec![(E, "/row_data/messages/0/user".into())]);
        let many = vec![M.replace("m1", "X"); 251].iter().enumerate().map(|(i, m)| m.replace("\"X\"", &format!("\"m{i}\""))).collect::<Vec<_>>().join(",");
        assert_eq!(conv(&format!("[{many}]")), vec![(E, "/row_data/messages".into())]);
    }

    #[test]
    fn every_problem_of_a_message_is_reported() {
        let bad = r#"[{"content":7,"user":"me","timestampUsec":-1,"align":"up","canLabel":"yes","extra":1}]"#;
        let got = conv(bad);
        for leaf in ["messageId", "content", "user", "timestampUsec", "align", "canLabel", "extra"] {
            assert!(got.contains(&(E, format!("/row_data/messages/0/{leaf}"))), "{leaf}: {got:?}");
        }
        assert_eq!(got.len(), 7);
    }

    #[test]
    fn model_outputs_are_part_of_the_format() {
        let row = |outputs: &str| {
            run(&format!(r#"{{"row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":[{M}],"modelOutputs":{outputs}}}}}"#)).1
        };
        let inferred = (Code::MEDIA_TYPE_INFERRED, "/row_data".to_string());
        assert_eq!(row(r#"[{"title":"A","content":"yes","modelConfigName":"gpt"},{"content":"no"}]"#), vec![inferred.clone()]);
        assert_eq!(row("[]"), vec![inferred.clone()]);
        assert_eq!(row(r#"{"title":"A"}"#), vec![(E, "/row_data/modelOutputs".into()), inferred.clone()]);
        assert_eq!(
            row(r#"[{"title":1},"x"]"#),
            vec![
                (E, "/row_data/modelOutputs/0/content".into()),
                (E, "/row_data/modelOutputs/0/title".into()),
                (E, "/row_data/modelOutputs/1".into()),
                inferred
            ]
        );
    }

    #[test]
    fn unlisted_keys_warn_outside_messages() {
        let mut f = crate::report::Findings::default();
        let text = format!(
            r#"{{"row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":[{}],"title":"x"}}}}"#,
            M.replace(r#""name":"U""#, r#""name":"U","avatar":"a""#)
        );
        let row = crate::row::parse(&text, true, &mut f).unwrap().unwrap();
        super::super::check(&row, &mut Default::default(), &mut f).unwrap();
        let got: Vec<_> = f.list.iter().map(|f| (f.code, f.severity, f.pointer.as_str())).collect();
        use crate::report::Severity::*;
        assert!(got.contains(&(E, Warning, "/row_data/title")), "{got:?}");
        assert!(got.contains(&(E, Warning, "/row_data/messages/0/user/avatar")), "{got:?}");
        assert!(!f.has_errors(), "{got:?}");
    }
}
