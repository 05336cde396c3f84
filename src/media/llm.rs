//! LLM data generation rows: row_data `{type:
//! "application/llm.prompt-creation" | "application/llm.prompt-response-creation",
//! version: 1}`, an empty asset the labeler writes a prompt (and responses)
//! into. The SDK's integration tests created such rows with no media_type:
//! the platform types them from `type`, so none is inferred here.

use super::conversation::{keyed, not};
use crate::json::Raw;
use crate::report::{Code, Findings};

pub const PROMPT_CREATION: &str = "application/llm.prompt-creation";
pub const PROMPT_RESPONSE_CREATION: &str = "application/llm.prompt-response-creation";

const KEYS: [(&str, Option<&str>); 2] = [("type", None), ("version", None)];

pub(super) fn is_llm_type(kind: &str) -> bool {
    kind == PROMPT_CREATION || kind == PROMPT_RESPONSE_CREATION
}

pub(super) fn check(data: Raw<'_>, findings: &mut Findings) -> crate::json::Result<()> {
    let [_, version] = keyed(data, KEYS, &"/row_data", false, findings)?;
    match version {
        None => findings.warning(
            Code::CONVERSATION_INVALID,
            "/row_data/version",
            data.offset,
            "an LLM prompt row should give \"version\": 1, as the SDK's rows do; add it".into(),
        ),
        Some(v) if v.as_f64() != Some(1.0) => {
            findings.error(Code::CONVERSATION_INVALID, "/row_data/version", v.offset, format!("an LLM prompt row takes \"version\": 1{}", not(Some(v))))
        }
        Some(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::run_full;
    use super::super::{MediaType, Resolved};
    use crate::report::{Code, Severity};

    #[test]
    fn prompt_rows_are_recognized_and_not_typed() {
        for kind in [super::PROMPT_CREATION, super::PROMPT_RESPONSE_CREATION] {
            let row = format!(r#"{{"row_data":{{"type":"{kind}","version":1}},"global_key":"k"}}"#);
            assert_eq!(run_full(&row), vec![]);
            assert_eq!(super::super::tests::run(&row).0, Resolved { media: None, inferred: false });
            let explicit = format!(r#"{{"row_data":{{"type":"{kind}","version":1}},"media_type":"CONVERSATIONAL"}}"#);
            assert_eq!(super::super::tests::run(&explicit), (Resolved { media: Some(MediaType::Conversational), inferred: false }, vec![]));
        }
        let got = run_full(r#"{"row_data":{"type":"application/llm.prompt-creation","version":2,"prompt":"x"}}"#);
        assert_eq!(
            got,
            vec![
                (Code::CONVERSATION_INVALID, Severity::Warning, "/row_data/prompt".to_string()),
                (Code::CONVERSATION_INVALID, Severity::Error, "/row_data/version".to_string())
            ]
        );
        let got = run_full(r#"{"row_data":{"type":"application/llm.prompt-creation"}}"#);
        assert_eq!(got, vec![(Code::CONVERSATION_INVALID, Severity::Warning, "/row_data/version".to_string())]);
    }
}
