//! Custom embeddings: the top-level `embeddings` of a row, which the SDK
//! reads as `EmbeddingVector {embedding_id, vector, clusters?}` and the
//! platform stores against an embedding of at most 2,048 dimensions.

use crate::json::{Kind, Raw};
use crate::metadata::Seen;
use crate::report::{Code, Findings, Item, pointer_segment, quote};

/// The limits page: "Max dimensions per custom embedding".
pub const MAX_DIMS: usize = 2048;

/// Check `embeddings` (already known to be an array), spelled `pointer`.
pub fn check(raw: Raw<'_>, pointer: &'static str, seen: &mut Seen, findings: &mut Findings) -> crate::json::Result<()> {
    seen.clear();
    raw.cursor().array(|c, index| {
        let element = c.value()?;
        let at = Item { array: pointer, index };
        if element.kind != Kind::Object {
            findings.error(
                Code::EMBEDDING_VALUE,
                at.to_string(),
                element.offset,
                format!("an embedding must be an object {{embedding_id, vector}}, not {}", element.kind.name()),
            );
            return Ok(());
        }
        entry(element, at, seen, findings)
    })?;
    Ok(())
}

fn entry(object: Raw<'_>, at: Item<'_>, seen: &mut Seen, findings: &mut Findings) -> crate::json::Result<()> {
    let (mut id, mut vector, mut clusters, mut camel) = (None, None, None, false);
    object.cursor().object(|c, key| {
        let value = c.value()?;
        let name = key.value();
        let slot = match &*name {
            "embedding_id" => &mut id,
            "vector" => &mut vector,
            "clusters" => &mut clusters,
            _ => {
                camel |= name == "embeddingId";
                // pydantic ignores other keys: they never reach the platform.
                findings.warning(
                    Code::EMBEDDING_VALUE,
                    format!("{at}/{}", pointer_segment(&name)),
                    key.offset,
                    format!("unknown key {} in an embedding; the SDK drops it (an embedding holds embedding_id, vector and clusters)", quote(&name)),
                );
                return Ok(());
            }
        };
        if slot.is_some() {
            findings.error(Code::ROW_DUPLICATE_FIELD, format!("{at}/{name}"), key.offset, format!("\"{name}\" is given twice in this object; keep one"));
        } else if !value.is_null() {
            *slot = Some(value);
        }
        Ok(())
    })?;
    match id.map(|v| (v, v.as_str())) {
        Some((_, Some(s))) if !s.value().is_empty() => {
            let key = seen.key();
            key.extend_from_slice(s.value().as_bytes());
            if !seen.insert() {
                findings.warning(
                    Code::EMBEDDING_VALUE,
                    format!("{at}/embedding_id"),
                    s.offset,
                    format!("embedding {} is given twice in this row; give each embedding one vector", quote(&s.value())),
                );
            }
        }
        Some((v, Some(_))) => {
            findings.error(Code::EMBEDDING_VALUE, format!("{at}/embedding_id"), v.offset, "embedding_id is empty; give the id of a custom embedding".into())
        }
        Some((v, None)) => findings.error(
            Code::EMBEDDING_VALUE,
            format!("{at}/embedding_id"),
            v.offset,
            format!("embedding_id must be the id of a custom embedding (a string), not {}", v.kind.name()),
        ),
        None => {
            let hint = if camel { "; the SDK reads only the snake_case \"embedding_id\", so rename \"embeddingId\"" } else { "" };
            findings.error(Code::EMBEDDING_VALUE, at.to_string(), object.offset, format!("embedding has no \"embedding_id\"{hint}"));
        }
    }
    match vector {
        Some(v) if v.kind == Kind::Array => vector_values(v, at, findings)?,
        Some(v) => findings.error(
            Code::EMBEDDING_VALUE,
            format!("{at}/vector"),
            v.offset,
            format!("vector must be an array of numbers, not {}", v.kind.name()),
        ),
        None => findings.error(Code::EMBEDDING_VALUE, at.to_string(), object.offset, "embedding has no \"vector\"; add its numbers".into()),
    }
    if let Some(v) = clusters {
        let whole = |e: &Raw<'_>| e.as_f64().is_some_and(|n| n.fract() == 0.0);
        let ok = v.kind == Kind::Array && v.elements()?.iter().all(whole);
        if !ok {
            findings.error(Code::EMBEDDING_VALUE, format!("{at}/clusters"), v.offset, "clusters must be an array of whole numbers".into());
        }
    }
    Ok(())
}

/// 1 to 2,048 finite numbers: the first misfit is reported, not each one.
fn vector_values(v: Raw<'_>, at: Item<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    let (len, misfit) = match numbers_only(v.text) {
        Some(len) => (len, None),
        None => first_misfit(v)?,
    };
    if let Some((i, e)) = misfit {
        findings.error(
            Code::EMBEDDING_VALUE,
            format!("{at}/vector/{i}"),
            e.offset,
            format!("vector element {i} is {}; a vector holds numbers only", e.kind.name()),
        );
    }
    if len == 0 || len > MAX_DIMS {
        findings.error(
            Code::EMBEDDING_VALUE,
            format!("{at}/vector"),
            v.offset,
            format!("vector has {len} dimensions; a custom embedding has 1 to {MAX_DIMS}, as many as the embedding was created with"),
        );
    }
    Ok(())
}

/// How many elements the array `v` holds, and the first that is not a number.
fn first_misfit(v: Raw<'_>) -> crate::json::Result<(usize, Option<(usize, Raw<'_>)>)> {
    let (mut len, mut misfit) = (0, None);
    v.cursor().array(|c, i| {
        let e = c.value()?;
        len += 1;
        // The reader refuses numbers a 64-bit float cannot hold.
        if misfit.is_none() && e.kind != Kind::Number {
            misfit = Some((i, e));
        }
        Ok(())
    })?;
    Ok((len, misfit))
}

/// How many elements the array `text` (already validated) holds when each
/// is a number, in one pass over its bytes without a branch per byte: a
/// vector of 2,048 numbers is most of a row that has one, and stepping
/// through it value by value again cost as much as reading the row.
/// `None` when some element is not a number, or the array is empty.
fn numbers_only(text: &str) -> Option<usize> {
    let inner = &text.as_bytes()[1..text.len() - 1];
    let (mut commas, mut other, mut digits) = (0usize, 0u8, 0u8);
    for &c in inner {
        commas += usize::from(c == b',');
        digits |= u8::from(c.is_ascii_digit());
        // A string, container, `true`, `false` or `null` has a byte no number has.
        other |= u8::from(!matches!(c, b'0'..=b'9' | b'.' | b',' | b'-' | b'+' | b'e' | b'E' | b' ' | b'\n' | b'\r' | b'\t'));
    }
    (other == 0 && digits == 1).then_some(commas + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Cursor;
    use crate::report::Severity;

    fn found(json: &str) -> Vec<(Code, Severity, String)> {
        let raw = Cursor::new(json).value().unwrap();
        let mut f = Findings::default();
        check(raw, "/embeddings", &mut Seen::default(), &mut f).unwrap();
        f.list.into_iter().map(|f| (f.code, f.severity, f.pointer)).collect()
    }

    fn error(at: &str) -> (Code, Severity, String) {
        (Code::EMBEDDING_VALUE, Severity::Error, at.into())
    }

    #[test]
    fn embeddings_as_the_sdk_reads_them() {
        assert_eq!(found(r#"[{"embedding_id":"e1","vector":[0.1,2,-3e-2]},{"embedding_id":"e2","vector":[1],"clusters":[1,2.0]}]"#), vec![]);
        assert_eq!(found("[]"), vec![]);
        let full = format!(r#"[{{"embedding_id":"e","vector":[{}]}}]"#, vec!["1.5"; MAX_DIMS].join(","));
        assert_eq!(found(&full), vec![]);
        let over = format!(r#"[{{"embedding_id":"e","vector":[{}]}}]"#, vec!["1.5"; MAX_DIMS + 1].join(","));
        assert_eq!(found(&over), vec![error("/embeddings/0/vector")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[]}]"#), vec![error("/embeddings/0/vector")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[ ]}]"#), vec![error("/embeddings/0/vector")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[ 1 , -2.5E+3 ]}]"#), vec![]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1,true]}]"#), vec![error("/embeddings/0/vector/1")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1,[2]]}]"#), vec![error("/embeddings/0/vector/1")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1,"1e5"]}]"#), vec![error("/embeddings/0/vector/1")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1,"2",null]}]"#), vec![error("/embeddings/0/vector/1")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":"1,2"}]"#), vec![error("/embeddings/0/vector")]);
        assert_eq!(found(r#"[{"embedding_id":"e"}]"#), vec![error("/embeddings/0")]);
        assert_eq!(found(r#"[{"vector":[1]}]"#), vec![error("/embeddings/0")]);
        assert_eq!(found(r#"[{"embedding_id":5,"vector":[1]}]"#), vec![error("/embeddings/0/embedding_id")]);
        assert_eq!(found(r#"[{"embedding_id":"","vector":[1]}]"#), vec![error("/embeddings/0/embedding_id")]);
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1],"clusters":[1.5]}]"#), vec![error("/embeddings/0/clusters")]);
        assert_eq!(found(r#"[[1,2]]"#), vec![error("/embeddings/0")]);
    }

    #[test]
    fn what_the_sdk_drops_or_repeats_only_warns() {
        let warning = |at: &str| (Code::EMBEDDING_VALUE, Severity::Warning, at.to_string());
        assert_eq!(found(r#"[{"embedding_id":"e","vector":[1],"name":"x"}]"#), vec![warning("/embeddings/0/name")]);
        assert_eq!(
            found(r#"[{"embedding_id":"e","vector":[1]},{"embedding_id":"e","vector":[2]}]"#),
            vec![warning("/embeddings/1/embedding_id")]
        );
        // camelCase is dropped too, so the id is missing.
        let camel = found(r#"[{"embeddingId":"e","vector":[1]}]"#);
        assert_eq!(camel, vec![warning("/embeddings/0/embeddingId"), error("/embeddings/0")]);
    }
}
