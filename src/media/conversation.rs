//! Inline conversations (SPEC §2): CONVERSATIONAL row_data objects.

use std::borrow::Cow;

use crate::json::{Kind, Raw};
use crate::report::{Child, Code, Findings, Item, quote};
use crate::row::fields;

pub const CONVERSATION_TYPE: &str = "application/vnd.labelbox.conversational";
pub const MAX_MESSAGES: usize = 250;
pub const MAX_CONTENT_CHARS: usize = 10_000;

const KEYS: [(&str, Option<&str>); 3] = [("type", None), ("version", None), ("messages", None)];
const MESSAGE_KEYS: [(&str, Option<&str>); 6] = [
    ("messageId", None),
    ("content", None),
    ("user", None),
    ("timestampUsec", None),
    ("align", None),
    ("canLabel", None),
];
const USER_KEYS: [(&str, Option<&str>); 2] = [("userId", None), ("name", None)];

/// `fields`, with every finding about the object's keys (unknown, repeated)
/// reported as `CONVERSATION_INVALID`: the conversation format is one rule.
fn conversation_fields<'a, const N: usize>(
    object: Raw<'a>,
    keys: [(&str, Option<&str>); N],
    pointer: &dyn std::fmt::Display,
    findings: &mut Findings,
) -> crate::json::Result<[Option<Raw<'a>>; N]> {
    let mut local = Findings::default();
    let out = fields(object, keys, pointer, Code::CONVERSATION_INVALID, &mut local)?;
    for f in local.list {
        findings.error(Code::CONVERSATION_INVALID, f.pointer, f.offset, f.message);
    }
    Ok(out)
}

pub fn check(data: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    let [kind, version, messages] = conversation_fields(data, KEYS, &"/row_data", findings)?;
    let mut bad = |pointer: String, offset: u32, message: String| findings.error(Code::CONVERSATION_INVALID, pointer, offset, message);
    if !kind.and_then(|k| k.as_str()).is_some_and(|s| s.value() == CONVERSATION_TYPE) {
        let offset = kind.map_or(data.offset, |k| k.offset);
        bad("/row_data/type".into(), offset, format!("a conversation needs \"type\": \"{CONVERSATION_TYPE}\""));
    }
    if !version.and_then(|v| v.as_f64()).is_some_and(|v| v == 1.0) {
        let offset = version.map_or(data.offset, |v| v.offset);
        bad("/row_data/version".into(), offset, "a conversation needs \"version\": 1".into());
    }
    let Some(messages) = messages.filter(|m| m.kind == Kind::Array) else {
        let offset = messages.map_or(data.offset, |m| m.offset);
        bad("/row_data/messages".into(), offset, "a conversation needs \"messages\", an array of 1 to 250 messages".into());
        return Ok(());
    };
    let mut ids: Vec<Cow<'_, str>> = Vec::new();
    let count = messages.cursor().array(|c, index| {
        let message = c.value()?;
        check_message(message, Item { array: "/row_data/messages", index }, &mut ids, findings)
    })?;
    if count == 0 || count > MAX_MESSAGES {
        findings.error(
            Code::CONVERSATION_INVALID,
            "/row_data/messages",
            messages.offset,
            format!("a conversation holds 1 to {MAX_MESSAGES} messages; this one has {count}"),
        );
    }
    Ok(())
}

fn check_message<'a>(message: Raw<'a>, at: Item<'_>, ids: &mut Vec<Cow<'a, str>>, findings: &mut Findings) -> crate::json::Result<()> {
    if message.kind != Kind::Object {
        let text = format!("a message must be an object, not {}", message.kind.name());
        findings.error(Code::CONVERSATION_INVALID, at.to_string(), message.offset, text);
        return Ok(());
    }
    let [id, content, user, timestamp, align, can_label] = conversation_fields(message, MESSAGE_KEYS, &at, findings)?;
    let user_ok = match user {
        Some(u) if u.kind == Kind::Object => {
            let [user_id, name] = conversation_fields(u, USER_KEYS, &Child(&at, "user"), findings)?;
            user_id.is_some_and(|v| v.kind == Kind::String) && name.is_some_and(|v| v.kind == Kind::String)
        }
        _ => false,
    };
    let mut bad = |leaf: &str, offset: u32, message: String| {
        findings.error(Code::CONVERSATION_INVALID, format!("{at}/{leaf}"), offset, message)
    };
    let offset_of = |v: Option<Raw<'_>>| v.map_or(message.offset, |v| v.offset);
    match id.and_then(|v| v.as_str()) {
        Some(s) => {
            let s = s.value();
            if ids.contains(&s) {
                bad("messageId", offset_of(id), format!("messageId {} repeats an earlier message", quote(&s)));
            } else {
                ids.push(s);
            }
        }
        None => bad("messageId", offset_of(id), "a message needs a \"messageId\" string".into()),
    }
    match content.and_then(|v| v.as_str()) {
        Some(s) => {
            let chars = s.value().chars().count();
            if chars >= MAX_CONTENT_CHARS {
                bad("content", s.offset, format!("message content is {chars} characters; it must stay under {MAX_CONTENT_CHARS}"));
            }
        }
        None => bad("content", offset_of(content), "a message needs \"content\", a string".into()),
    }
    if !user_ok {
        bad("user", offset_of(user), "a message needs \"user\": {\"userId\", \"name\"} strings".into());
    }
    if let Some(t) = timestamp.filter(|t| super::whole_number(*t).is_none()) {
        bad("timestampUsec", t.offset, "timestampUsec must be a non-negative integer (microseconds)".into());
    }
    if let Some(a) = align.filter(|a| !a.as_str().is_some_and(|s| matches!(&*s.value(), "left" | "right"))) {
        bad("align", a.offset, "align must be \"left\" or \"right\"".into());
    }
    if let Some(c) = can_label.filter(|c| c.kind != Kind::Bool) {
        bad("canLabel", c.offset, "canLabel must be true or false".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::report::Code;

    fn conv(messages: &str) -> Vec<(Code, String)> {
        run(&format!(
            r#"{{"media_type":"CONVERSATIONAL","row_data":{{"type":"application/vnd.labelbox.conversational","version":1,"messages":{messages}}}}}"#
        ))
        .1
    }

    const M: &str = r#"{"messageId":"m1","content":"hi","user":{"userId":"u","name":"U"},"timestampUsec":1,"align":"left","canLabel":true}"#;

    #[test]
    fn valid_and_invalid_conversations() {
        assert_eq!(conv(&format!("[{M}]")), vec![]);
        assert_eq!(conv("[]"), vec![(Code::CONVERSATION_INVALID, "/row_data/messages".into())]);
        assert_eq!(conv(&format!("[{M},{M}]")), vec![(Code::CONVERSATION_INVALID, "/row_data/messages/1/messageId".into())]);
        let long = M.replace(r#""hi""#, &format!("\"{}\"", "x".repeat(10_000)));
        assert_eq!(conv(&format!("[{long}]")), vec![(Code::CONVERSATION_INVALID, "/row_data/messages/0/content".into())]);
        assert_eq!(conv(&format!("[{}]", M.replace(r#""left""#, r#""up""#))), vec![(Code::CONVERSATION_INVALID, "/row_data/messages/0/align".into())]);
        assert_eq!(conv(&format!("[{}]", M.replace(r#","name":"U""#, ""))), vec![(Code::CONVERSATION_INVALID, "/row_data/messages/0/user".into())]);
        let many = vec![M.replace("m1", "X"); 251].iter().enumerate().map(|(i, m)| m.replace("\"X\"", &format!("\"m{i}\""))).collect::<Vec<_>>().join(",");
        assert_eq!(conv(&format!("[{many}]")), vec![(Code::CONVERSATION_INVALID, "/row_data/messages".into())]);
    }
}
