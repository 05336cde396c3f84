//! Inline conversations (SPEC §2): CONVERSATIONAL row_data objects.

use crate::json::{Kind, Raw, Str};
use crate::report::{Code, Findings, quote};
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

pub fn check(members: &[(Str<'_>, Raw<'_>)], data: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    let mut bad = |pointer: String, offset: u32, message: String| findings.error(Code::CONVERSATION_INVALID, pointer, offset, message);
    let [kind, version, messages] = {
        let mut local = Findings::default();
        let out = fields(members, KEYS, "/row_data", Code::CONVERSATION_INVALID, &mut local);
        for f in local.list {
            bad(f.pointer, f.offset, f.message);
        }
        out
    };
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
    let list = messages.elements()?;
    if list.is_empty() || list.len() > MAX_MESSAGES {
        bad(
            "/row_data/messages".into(),
            messages.offset,
            format!("a conversation holds 1 to {MAX_MESSAGES} messages; this one has {}", list.len()),
        );
    }
    let mut ids: Vec<String> = Vec::with_capacity(list.len());
    for (i, message) in list.into_iter().enumerate() {
        let at = format!("/row_data/messages/{i}");
        if message.kind != Kind::Object {
            bad(at, message.offset, format!("a message must be an object, not {}", message.kind.name()));
            continue;
        }
        let mut local = Findings::default();
        let [id, content, user, timestamp, align, can_label] =
            fields(&message.members()?, MESSAGE_KEYS, &at, Code::CONVERSATION_INVALID, &mut local);
        let user_fields = match user {
            Some(u) if u.kind == Kind::Object => {
                let [user_id, name] = fields(&u.members()?, USER_KEYS, &format!("{at}/user"), Code::CONVERSATION_INVALID, &mut local);
                user_id.is_some_and(|v| v.kind == Kind::String) && name.is_some_and(|v| v.kind == Kind::String)
            }
            _ => false,
        };
        for f in local.list {
            bad(f.pointer, f.offset, f.message);
        }
        match id.and_then(|v| v.as_str()) {
            Some(s) => {
                let s = s.value().into_owned();
                if ids.contains(&s) {
                    bad(format!("{at}/messageId"), id.map_or(message.offset, |v| v.offset), format!("messageId {} repeats an earlier message", quote(&s)));
                } else {
                    ids.push(s);
                }
            }
            None => bad(format!("{at}/messageId"), id.map_or(message.offset, |v| v.offset), "a message needs a \"messageId\" string".into()),
        }
        match content.and_then(|v| v.as_str()) {
            Some(s) => {
                let chars = s.value().chars().count();
                if chars >= MAX_CONTENT_CHARS {
                    bad(format!("{at}/content"), s.offset, format!("message content is {chars} characters; it must stay under {MAX_CONTENT_CHARS}"));
                }
            }
            None => bad(format!("{at}/content"), content.map_or(message.offset, |v| v.offset), "a message needs \"content\", a string".into()),
        }
        if !user_fields {
            bad(format!("{at}/user"), user.map_or(message.offset, |v| v.offset), "a message needs \"user\": {\"userId\", \"name\"} strings".into());
        }
        if let Some(t) = timestamp.filter(|t| !super::whole_number(*t).is_some()) {
            bad(format!("{at}/timestampUsec"), t.offset, "timestampUsec must be a non-negative integer (microseconds)".into());
        }
        if let Some(a) = align.filter(|a| !a.as_str().is_some_and(|s| matches!(&*s.value(), "left" | "right"))) {
            bad(format!("{at}/align"), a.offset, "align must be \"left\" or \"right\"".into());
        }
        if let Some(c) = can_label.filter(|c| c.kind != Kind::Bool) {
            bad(format!("{at}/canLabel"), c.offset, "canLabel must be true or false".into());
        }
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
