//! Multimodal chat (model-chat-evaluation) conversations, format version 2:
//! CONVERSATIONAL row_data `{type, version: 2, draft?, actors: {ID: actor},
//! messages: {ID: message}, rootMessageIds: [ID]}`. Messages form a graph:
//! each names its actor and its children by id, and the roots start it.
//!
//! Every id is looked up in a hash set and the graph is walked once, so a
//! row with hundreds of thousands of messages checks in linear time.

use std::fmt;

use super::conversation::{keyed, not};
use super::ids::Ids;
use crate::json::{Kind, Raw};
use crate::report::{Code, Findings, Severity, pointer_segment, quote};

pub const CHAT_TYPE: &str = "application/vnd.labelbox.conversational.model-chat-evaluation";

const KEYS: [(&str, Option<&str>); 6] = [("type", None), ("version", None), ("draft", None), ("actors", None), ("messages", None), ("rootMessageIds", None)];
const ACTOR_KEYS: [(&str, Option<&str>); 2] = [("role", None), ("metadata", None)];
const MESSAGE_KEYS: [(&str, Option<&str>); 3] = [("actorId", None), ("content", None), ("childMessageIds", None)];

/// Scratch space reused from row to row.
#[derive(Default)]
pub(crate) struct Scratch {
    actors: Ids,
    messages: Ids,
    /// The children of message `i` are `edges[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    edges: Vec<Edge>,
    /// Per message: 0 not reached yet, 1 on the walk's path, 2 done.
    state: Vec<u8>,
    /// The walk's path: a message and the next of its edges to follow.
    path: Vec<(u32, u32)>,
}

#[derive(Clone, Copy)]
struct Edge {
    child: u32,
    /// Where the id is written, and its place in childMessageIds.
    offset: u32,
    slot: u32,
}

/// `/row_data/messages/ID`, formatted only for a finding.
struct MessageAt<'a>(&'a str);

impl fmt::Display for MessageAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/row_data/messages/{}", pointer_segment(self.0))
    }
}

pub(super) fn check(data: Raw<'_>, scratch: &mut Scratch, findings: &mut Findings) -> crate::json::Result<()> {
    let [_, version, draft, actors, messages, roots] = keyed(data, KEYS, &"/row_data", false, findings)?;
    match version {
        // The platform stored draft rows written without a version (the
        // SDK's first test of these rows); the format says 2.
        None => findings.warning(
            Code::CONVERSATION_INVALID,
            "/row_data/version",
            data.offset,
            "a multimodal chat conversation should give \"version\": 2; add it".into(),
        ),
        Some(v) if v.as_f64() != Some(2.0) => findings.error(
            Code::CONVERSATION_INVALID,
            "/row_data/version",
            v.offset,
            format!("a multimodal chat conversation needs \"version\": 2{}", not(Some(v))),
        ),
        Some(_) => {}
    }
    if let Some(d) = draft.filter(|d| d.kind != Kind::Bool) {
        findings.error(Code::CONVERSATION_INVALID, "/row_data/draft", d.offset, format!("draft must be true or false{}", not(Some(d))));
    }
    // A draft is a placeholder the live editor fills in: the platform
    // stores one whose roots name no message yet, so an id that resolves
    // to nothing is only a warning there.
    let unresolved = if draft.and_then(|d| d.as_bool()) == Some(true) { Severity::Warning } else { Severity::Error };
    let Scratch { actors: actor_ids, messages: message_ids, starts, edges, state, path } = scratch;
    actor_ids.clear();
    message_ids.clear();
    starts.clear();
    edges.clear();
    match actors {
        Some(a) if a.kind == Kind::Object => check_actors(a, actor_ids, findings)?,
        _ => findings.error(
            Code::CONVERSATION_INVALID,
            "/row_data/actors",
            actors.map_or(data.offset, |a| a.offset),
            format!("a multimodal chat conversation needs \"actors\", an object of actors by id{}", not(actors)),
        ),
    }
    match messages {
        Some(m) if m.kind == Kind::Object => {
            number_messages(m, message_ids, findings)?;
            check_messages(m, actor_ids, message_ids, unresolved, starts, edges, findings)?;
        }
        _ => findings.error(
            Code::CONVERSATION_INVALID,
            "/row_data/messages",
            messages.map_or(data.offset, |m| m.offset),
            format!("a multimodal chat conversation needs \"messages\", an object of messages by id{}", not(messages)),
        ),
    }
    match roots {
        Some(r) if r.kind == Kind::Array => {
            r.cursor().array(|c, index| {
                let root = c.value()?;
                let pointer = || format!("/row_data/rootMessageIds/{index}");
                match root.as_str() {
                    Some(s) => {
                        let id = s.value();
                        if message_ids.get(&id).is_none() {
                            let message = format!("rootMessageIds names {}, but messages has no message with that id", quote(&id));
                            findings.push(Code::CONVERSATION_INVALID, unresolved, pointer(), s.offset, message);
                        }
                    }
                    None => {
                        findings.error(Code::CONVERSATION_INVALID, pointer(), root.offset, format!("a root message id must be a string{}", not(Some(root))))
                    }
                }
                Ok(())
            })?;
        }
        _ => findings.error(
            Code::CONVERSATION_INVALID,
            "/row_data/rootMessageIds",
            roots.map_or(data.offset, |r| r.offset),
            format!("a multimodal chat conversation needs \"rootMessageIds\", an array of message ids{}", not(roots)),
        ),
    }
    find_cycles(message_ids, starts, edges, state, path, findings);
    Ok(())
}

fn check_actors(actors: Raw<'_>, ids: &mut Ids, findings: &mut Findings) -> crate::json::Result<()> {
    actors.cursor().object(|c, key| {
        let actor = c.value()?;
        let id = key.value();
        let at = || format!("/row_data/actors/{}", pointer_segment(&id));
        if ids.insert(&id).is_err() {
            findings.error(Code::CONVERSATION_INVALID, at(), key.offset, format!("actor {} is given twice; keep one", quote(&id)));
            return Ok(());
        }
        if actor.kind != Kind::Object {
            findings.error(
                Code::CONVERSATION_INVALID,
                at(),
                actor.offset,
                format!("actor {} must be an object {{role, metadata}}, not {}", quote(&id), actor.kind.name()),
            );
            return Ok(());
        }
        let pointer = at();
        let [role, metadata] = keyed(actor, ACTOR_KEYS, &pointer, false, findings)?;
        match role.and_then(|r| r.as_str()) {
            Some(r) if matches!(&*r.value(), "human" | "model") => {}
            Some(r) => findings.warning(
                Code::CONVERSATION_INVALID,
                format!("{pointer}/role"),
                r.offset,
                format!("actor {} has the role {}; the format documents \"human\" and \"model\"", quote(&id), quote(&r.value())),
            ),
            None => findings.error(
                Code::CONVERSATION_INVALID,
                format!("{pointer}/role"),
                role.map_or(actor.offset, |r| r.offset),
                format!("actor {} needs a \"role\": \"human\" or \"model\"{}", quote(&id), not(role)),
            ),
        }
        if let Some(m) = metadata.filter(|m| m.kind != Kind::Object) {
            findings.error(
                Code::CONVERSATION_INVALID,
                format!("{pointer}/metadata"),
                m.offset,
                format!("actor {}: metadata must be an object, not {}", quote(&id), m.kind.name()),
            );
        }
        Ok(())
    })
}

/// Give every message its number, before any reference to it is resolved.
fn number_messages(messages: Raw<'_>, ids: &mut Ids, findings: &mut Findings) -> crate::json::Result<()> {
    messages.cursor().object(|c, key| {
        c.value()?;
        let id = key.value();
        if ids.insert(&id).is_err() {
            findings.error(Code::CONVERSATION_INVALID, MessageAt(&id).to_string(), key.offset, format!("message {} is given twice; keep one", quote(&id)));
        }
        Ok(())
    })
}

fn check_messages(
    messages: Raw<'_>,
    actors: &Ids,
    ids: &Ids,
    unresolved: Severity,
    starts: &mut Vec<u32>,
    edges: &mut Vec<Edge>,
    findings: &mut Findings,
) -> crate::json::Result<()> {
    messages.cursor().object(|c, key| {
        let message = c.value()?;
        let id = key.value();
        // A repeat of an earlier key was reported when numbering.
        if ids.get(&id) != Some(starts.len() as u32) {
            return Ok(());
        }
        starts.push(edges.len() as u32);
        let at = MessageAt(&id);
        if message.kind != Kind::Object {
            let text = format!("message {} must be an object {{actorId, content, childMessageIds}}, not {}", quote(&id), message.kind.name());
            findings.error(Code::CONVERSATION_INVALID, at.to_string(), message.offset, text);
            return Ok(());
        }
        let [actor, content, children] = keyed(message, MESSAGE_KEYS, &at, false, findings)?;
        match actor.and_then(|a| a.as_str()) {
            Some(a) => {
                let actor_id = a.value();
                if actors.get(&actor_id).is_none() {
                    let text = format!("message {} has actorId {}, but actors has no actor with that id", quote(&id), quote(&actor_id));
                    findings.push(Code::CONVERSATION_INVALID, unresolved, format!("{at}/actorId"), a.offset, text);
                }
            }
            None => findings.error(
                Code::CONVERSATION_INVALID,
                format!("{at}/actorId"),
                actor.map_or(message.offset, |a| a.offset),
                format!("message {} needs \"actorId\", the id of one of the actors{}", quote(&id), not(actor)),
            ),
        }
        match content {
            Some(parts) if parts.kind == Kind::Array => check_content(parts, &id, &at, findings)?,
            _ => findings.error(
                Code::CONVERSATION_INVALID,
                format!("{at}/content"),
                content.map_or(message.offset, |p| p.offset),
                format!("message {} needs \"content\", an array of parts such as {{\"type\": \"text\", \"content\": \"…\"}}{}", quote(&id), not(content)),
            ),
        }
        match children {
            None => {}
            Some(list) if list.kind == Kind::Array => {
                list.cursor().array(|c, slot| {
                    let child = c.value()?;
                    match child.as_str() {
                        Some(s) => {
                            let child_id = s.value();
                            match ids.get(&child_id) {
                                Some(child) => edges.push(Edge { child, offset: s.offset, slot: slot as u32 }),
                                None => {
                                    let text = format!("message {} lists child {}, but messages has no message with that id", quote(&id), quote(&child_id));
                                    findings.push(Code::CONVERSATION_INVALID, unresolved, format!("{at}/childMessageIds/{slot}"), s.offset, text);
                                }
                            }
                        }
                        None => findings.error(
                            Code::CONVERSATION_INVALID,
                            format!("{at}/childMessageIds/{slot}"),
                            child.offset,
                            format!("message {}: a child message id must be a string{}", quote(&id), not(Some(child))),
                        ),
                    }
                    Ok(())
                })?;
            }
            Some(other) => findings.error(
                Code::CONVERSATION_INVALID,
                format!("{at}/childMessageIds"),
                other.offset,
                format!("message {}: childMessageIds must be an array of message ids{}", quote(&id), not(Some(other))),
            ),
        }
        Ok(())
    })?;
    starts.push(edges.len() as u32);
    Ok(())
}

/// The parts of a message: each an object with a `type`; a text part
/// holds its text in `content`. Other kinds of part (images, files) are
/// documented without their fields, so only their `type` is checked.
fn check_content(parts: Raw<'_>, id: &str, at: &MessageAt<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    parts.cursor().array(|c, index| {
        let part = c.value()?;
        let pointer = || format!("{at}/content/{index}");
        if part.kind != Kind::Object {
            findings.error(
                Code::CONVERSATION_INVALID,
                pointer(),
                part.offset,
                format!("message {}: content part {index} must be an object with a \"type\", not {}", quote(id), part.kind.name()),
            );
            return Ok(());
        }
        let (mut kind, mut text) = (None, None);
        part.cursor().object(|c, key| {
            let value = c.value()?;
            match &*key.value() {
                "type" => kind = Some(value),
                "content" => text = Some(value),
                _ => {}
            }
            Ok(())
        })?;
        match kind.and_then(|k| k.as_str()) {
            Some(k) if k.value() == "text" => {
                if !text.is_some_and(|t| t.kind == Kind::String) {
                    let offset = text.map_or(part.offset, |t| t.offset);
                    findings.error(
                        Code::CONVERSATION_INVALID,
                        format!("{}/content", pointer()),
                        offset,
                        format!("message {}: text part {index} needs \"content\", a string{}", quote(id), not(text)),
                    );
                }
            }
            Some(_) => {}
            None => findings.error(
                Code::CONVERSATION_INVALID,
                format!("{}/type", pointer()),
                kind.map_or(part.offset, |k| k.offset),
                format!("message {}: content part {index} needs a \"type\" string, such as \"text\"{}", quote(id), not(kind)),
            ),
        }
        Ok(())
    })?;
    Ok(())
}

/// Walk the graph depth first from every message, without recursion: an
/// edge to a message still on the path closes a cycle. Each edge is
/// followed once, so the walk is linear in messages plus edges.
fn find_cycles(ids: &Ids, starts: &[u32], edges: &[Edge], state: &mut Vec<u8>, path: &mut Vec<(u32, u32)>, findings: &mut Findings) {
    // Numbered messages with no place in `starts` were not objects: no edges.
    let n = starts.len().saturating_sub(1);
    if edges.is_empty() {
        return;
    }
    state.clear();
    state.resize(n, 0);
    path.clear();
    for start in 0..n as u32 {
        if state[start as usize] != 0 {
            continue;
        }
        state[start as usize] = 1;
        path.push((start, starts[start as usize]));
        while let Some(top) = path.last_mut() {
            let (node, next) = *top;
            if next == starts[node as usize + 1] {
                state[node as usize] = 2;
                path.pop();
                continue;
            }
            top.1 += 1;
            let edge = edges[next as usize];
            match state[edge.child as usize] {
                0 => {
                    state[edge.child as usize] = 1;
                    path.push((edge.child, starts[edge.child as usize]));
                }
                1 => {
                    let (parent, child) = (ids.name(node), ids.name(edge.child));
                    let text = if node == edge.child {
                        format!("message {} lists itself in childMessageIds; the messages must not form a cycle", quote(parent))
                    } else {
                        format!("message {} lists {} as a child, but {} comes before it: the messages form a cycle", quote(parent), quote(child), quote(child))
                    };
                    findings.error(Code::CONVERSATION_INVALID, format!("{}/childMessageIds/{}", MessageAt(parent), edge.slot), edge.offset, text);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_full;
    use crate::report::{Code, Severity};

    fn chat(body: &str) -> Vec<(Code, Severity, String)> {
        run_full(&format!(r#"{{"media_type":"CONVERSATIONAL","row_data":{{"type":"{}",{body}}}}}"#, super::CHAT_TYPE))
    }

    const ACTORS: &str =
        r#""actors":{"u":{"role":"human","metadata":{"name":"User"}},"m":{"role":"model","metadata":{"modelConfigName":"x","modelConfigId":"y"}}}"#;

    fn text(actor: &str, text: &str, children: &str) -> String {
        format!(r#"{{"actorId":"{actor}","content":[{{"type":"text","content":"{text}"}}],"childMessageIds":{children}}}"#)
    }

    fn errors(got: &[(Code, Severity, String)]) -> Vec<&str> {
        got.iter().filter(|g| g.1 == Severity::Error).map(|g| g.2.as_str()).collect()
    }

    #[test]
    fn a_valid_graph_with_a_shared_child() {
        let body = format!(
            r#""version":2,{ACTORS},"messages":{{"a":{},"b":{},"c":{},"d":{}}},"rootMessageIds":["a"]"#,
            text("u", "hi", r#"["b","c"]"#),
            text("m", "one", r#"["d"]"#),
            text("m", "two", r#"["d"]"#),
            text("u", "end", "[]")
        );
        assert_eq!(chat(&body), vec![]);
    }

    #[test]
    fn the_sdk_template_and_its_draft_with_a_dangling_root() {
        assert_eq!(chat(r#""draft":true,"rootMessageIds":[],"actors":{},"version":2,"messages":{}"#), vec![]);
        let got = chat(r#""draft":true,"rootMessageIds":["root1"],"actors":{},"messages":{}"#);
        let pointers: Vec<_> = got.iter().map(|g| (g.1, g.2.as_str())).collect();
        assert_eq!(pointers, vec![(Severity::Warning, "/row_data/version"), (Severity::Warning, "/row_data/rootMessageIds/0")]);
    }

    #[test]
    fn dangling_references_cycles_and_bad_parts() {
        let body = format!(
            r#""version":3,{ACTORS},"messages":{{"a":{},"b":{},"c":{},"d":{{"actorId":"u","content":[{{"type":"text"}},5,{{"type":"image","url":"x"}}]}}}},"rootMessageIds":["a","zz",1]"#,
            text("u", "hi", r#"["b","nope"]"#),
            text("ghost", "one", r#"["c"]"#),
            text("m", "two", r#"["a","c"]"#),
        );
        let got = chat(&body);
        assert_eq!(
            errors(&got),
            vec![
                "/row_data/version",
                "/row_data/messages/a/childMessageIds/1",
                "/row_data/messages/b/actorId",
                "/row_data/messages/d/content/0/content",
                "/row_data/messages/d/content/1",
                "/row_data/rootMessageIds/1",
                "/row_data/rootMessageIds/2",
                "/row_data/messages/c/childMessageIds/0",
                "/row_data/messages/c/childMessageIds/1",
            ],
            "{got:?}"
        );
    }

    #[test]
    fn repeated_ids_and_missing_parts() {
        let got = chat(r#""version":2,"actors":{"u":{"role":"bot"},"u":{"role":"human"},"v":{}},"messages":{"a":{},"a":{}},"rootMessageIds":["a"]"#);
        let pointers: Vec<_> = got.iter().map(|g| (g.1, g.2.as_str())).collect();
        assert_eq!(
            pointers,
            vec![
                (Severity::Warning, "/row_data/actors/u/role"),
                (Severity::Error, "/row_data/actors/u"),
                (Severity::Error, "/row_data/actors/v/role"),
                (Severity::Error, "/row_data/messages/a"),
                (Severity::Error, "/row_data/messages/a/actorId"),
                (Severity::Error, "/row_data/messages/a/content"),
            ]
        );
        let got = chat(r#""version":2"#);
        assert_eq!(errors(&got), vec!["/row_data/actors", "/row_data/messages", "/row_data/rootMessageIds"]);
    }
}
