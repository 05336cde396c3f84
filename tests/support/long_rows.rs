//! Single rows far larger than any real one, for the tests and the
//! benchmark that hold the checks to linear time (included with `#[path]`).

#![allow(dead_code)]

/// A version-1 conversation row with `n` messages: far over the 250-message
/// limit. Message 3 has a bad `align`, and so has message 1000, which lies
/// past the limit.
pub fn conversation(n: usize) -> String {
    let mut row = String::with_capacity(n * 72 + 200);
    row.push_str(r#"{"media_type":"CONVERSATIONAL","row_data":{"type":"application/vnd.labelbox.conversational","version":1,"messages":["#);
    for i in 0..n {
        if i > 0 {
            row.push(',');
        }
        let align = if i == 3 || i == 1000 { "up" } else { "left" };
        row.push_str(&format!(r#"{{"messageId":"{i}","content":"hi","user":{{"userId":"u","name":"U"}},"align":"{align}"}}"#));
    }
    row.push_str("]}}");
    row
}

/// A multimodal chat row whose `n` messages form one chain from the root
/// `m0` to `m{n-1}`. With `planted`, message 5 also lists a child that does
/// not exist, and the last message lists the middle one, closing a cycle.
pub fn chat_chain(n: usize, planted: bool) -> String {
    let mut row = String::with_capacity(n * 64 + 300);
    row.push_str(r#"{"media_type":"CONVERSATIONAL","row_data":{"type":"application/vnd.labelbox.conversational.model-chat-evaluation","version":2,"actors":{"u":{"role":"human","metadata":{"name":"User"}},"m":{"role":"model","metadata":{"modelConfigName":"M"}}},"messages":{"#);
    for i in 0..n {
        if i > 0 {
            row.push(',');
        }
        let actor = if i % 2 == 0 { "u" } else { "m" };
        let mut children = if i + 1 < n { format!(r#""m{}""#, i + 1) } else { String::new() };
        if planted && i == 5 {
            children.push_str(r#","nope""#);
        }
        if planted && i + 1 == n {
            children = format!(r#""m{}""#, n / 2);
        }
        row.push_str(&format!(r#""m{i}":{{"actorId":"{actor}","content":[{{"type":"text","content":"t"}}],"childMessageIds":[{children}]}}"#));
    }
    row.push_str(r#"},"rootMessageIds":["m0"]}}"#);
    row
}

/// An IMAGE row with `n` attachments, all valid but four: attachment 3 has
/// an unknown type, attachment 1000 a URL with a `<`, attachment `n / 2`
/// an empty value; and every tenth is an IMAGE_OVERLAY, far over the nine
/// the editor shows.
pub fn attachments(n: usize) -> String {
    let mut row = String::with_capacity(n * 64 + 200);
    row.push_str(r#"{"row_data":"https://storage.example.com/images/a.jpg","media_type":"IMAGE","attachments":["#);
    for i in 0..n {
        if i > 0 {
            row.push(',');
        }
        let item = match i {
            3 => r#"{"type":"BOGUS","value":"x"}"#.to_string(),
            1000 => r#"{"type":"IMAGE","value":"https://storage.example.com/a<b.png"}"#.to_string(),
            _ if i == n / 2 => r#"{"type":"RAW_TEXT","value":""}"#.to_string(),
            _ if i % 10 == 0 => format!(r#"{{"type":"IMAGE_OVERLAY","value":"https://storage.example.com/o/{i}.png"}}"#),
            _ => format!(r#"{{"type":"RAW_TEXT","value":"note {i}","name":"n{i}"}}"#),
        };
        row.push_str(&item);
    }
    row.push_str("]}");
    row
}
