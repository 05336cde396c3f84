//! Media types (SPEC §2): which type a row is, and its row_data rules.

mod conversation;
mod tms;

use crate::json::{Kind, Raw};
use crate::report::{Code, Findings, Severity, quote};
use crate::row::{Field, Row, fields};
use crate::url;

pub use conversation::CONVERSATION_TYPE;
pub use tms::{KEYS as TMS_KEYS, LAYER_KEYS as TMS_LAYER_KEYS};

pub const MAX_TEXT_CHARS: usize = 65_536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaType {
    Image,
    Video,
    Audio,
    Text,
    Html,
    Dicom,
    Pdf,
    TmsGeo,
    TmsSimple,
    Conversational,
}

impl MediaType {
    pub const ALL: [MediaType; 10] = [
        MediaType::Image,
        MediaType::Video,
        MediaType::Audio,
        MediaType::Text,
        MediaType::Html,
        MediaType::Dicom,
        MediaType::Pdf,
        MediaType::TmsGeo,
        MediaType::TmsSimple,
        MediaType::Conversational,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MediaType::Image => "IMAGE",
            MediaType::Video => "VIDEO",
            MediaType::Audio => "AUDIO",
            MediaType::Text => "TEXT",
            MediaType::Html => "HTML",
            MediaType::Dicom => "DICOM",
            MediaType::Pdf => "PDF",
            MediaType::TmsGeo => "TMS_GEO",
            MediaType::TmsSimple => "TMS_SIMPLE",
            MediaType::Conversational => "CONVERSATIONAL",
        }
    }

    pub fn parse(s: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|t| t.name() == s)
    }

    /// File extensions the platform documents for the type; others warn.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Image => &["png", "jpg", "jpeg", "bmp"],
            MediaType::Video => &["mp4"],
            MediaType::Audio => &["mp3", "wav", "m4a"],
            MediaType::Html => &["html", "htm"],
            MediaType::Dicom => &["dcm"],
            MediaType::Pdf => &["pdf"],
            MediaType::Text | MediaType::TmsGeo | MediaType::TmsSimple | MediaType::Conversational => &[],
        }
    }

    fn from_extension(ext: &str) -> Option<MediaType> {
        if ext.eq_ignore_ascii_case("txt") {
            return Some(MediaType::Text);
        }
        MediaType::ALL.into_iter().find(|t| t.lists_extension(ext))
    }

    fn lists_extension(self, ext: &str) -> bool {
        self.extensions().iter().any(|e| e.eq_ignore_ascii_case(ext))
    }

    fn takes_object(self) -> bool {
        matches!(self, MediaType::Pdf | MediaType::TmsGeo | MediaType::TmsSimple | MediaType::Conversational)
    }

    fn takes_string(self) -> bool {
        !matches!(self, MediaType::TmsGeo | MediaType::TmsSimple)
    }
}

/// What the row's media type turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved {
    pub media: Option<MediaType>,
    /// Filled in from row_data, not written in the row.
    pub inferred: bool,
}

/// The shape of a row_data object, recognized by its keys.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Tms,
    Pdf,
    Conversation,
    Unknown,
    Empty,
}

fn shape(data: Raw<'_>) -> crate::json::Result<Shape> {
    let mut found = Shape::Empty;
    data.cursor().object(|c, key| {
        c.value()?;
        let rank = match &*key.value() {
            "tile_layer_url" | "tileLayerUrl" => Shape::Tms,
            "pdf_url" | "pdfUrl" => Shape::Pdf,
            "messages" | "type" => Shape::Conversation,
            _ => Shape::Unknown,
        };
        // The most telling key wins: a tile layer, then a document, then a conversation.
        found = found.min(rank);
        Ok(())
    })?;
    Ok(found)
}

/// Decide the media type and check row_data against it.
pub fn check(row: &Row<'_>, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let explicit = explicit_type(row, findings);
    let Some(data) = row.get(Field::RowData) else {
        findings.error(
            Code::ROW_DATA_MISSING,
            "/row_data",
            row.offset,
            "row has no row_data; add the asset URL (or text, or a row_data object)".into(),
        );
        return Ok(Resolved { media: explicit.flatten(), inferred: false });
    };
    match data.kind {
        Kind::String => check_string(data, explicit, findings),
        Kind::Object => check_object(data, explicit, findings),
        // ROW_FIELD_TYPE was reported when the row was read.
        _ => Ok(Resolved { media: explicit.flatten(), inferred: false }),
    }
}

/// `None`: no media_type; `Some(None)`: one we could not use (reported).
fn explicit_type(row: &Row<'_>, findings: &mut Findings) -> Option<Option<MediaType>> {
    let raw = row.get(Field::MediaType)?;
    let Some(token) = raw.as_str() else { return Some(None) };
    let value = token.value();
    if let Some(t) = MediaType::parse(&value) {
        return Some(Some(t));
    }
    let names: Vec<&str> = MediaType::ALL.iter().map(|t| t.name()).collect();
    match MediaType::parse(&value.to_ascii_uppercase()) {
        Some(t) => {
            findings.rewrite = true;
            findings.warning(
                Code::MEDIA_TYPE_CASE,
                "/media_type",
                token.offset,
                format!("media_type {} is written in lower case; normalization makes it \"{}\"", quote(&value), t.name()),
            );
            findings.suggest(t.name().to_string());
            Some(Some(t))
        }
        None => {
            findings.error(
                Code::MEDIA_TYPE_UNKNOWN,
                "/media_type",
                token.offset,
                format!("media_type {} is not one of {}", quote(&value), names.join(", ")),
            );
            Some(None)
        }
    }
}

fn inferred(findings: &mut Findings, data: Raw<'_>, media: MediaType, from: &str) -> Resolved {
    findings.rewrite = true;
    findings.push(
        Code::MEDIA_TYPE_INFERRED,
        Severity::Info,
        "/row_data",
        data.offset,
        format!("no media_type; inferred {} from {from}", media.name()),
    );
    Resolved { media: Some(media), inferred: true }
}

fn mismatch(findings: &mut Findings, data: Raw<'_>, media: MediaType) {
    let wants = if media.takes_string() { "a URL string" } else { "an object" };
    findings.error(
        Code::MEDIA_TYPE_MISMATCH,
        "/row_data",
        data.offset,
        format!("row_data is {} but media_type {} takes {wants}", data.kind.name(), media.name()),
    );
}

fn check_string(data: Raw<'_>, explicit: Option<Option<MediaType>>, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let token = data.as_str().expect("kind is string");
    let value = token.value();
    let resolved = |media| Ok(Resolved { media, inferred: false });
    if value.is_empty() {
        findings.error(Code::ROW_DATA_MISSING, "/row_data", data.offset, "row_data is an empty string".into());
        return resolved(explicit.flatten());
    }
    let pointer = || "/row_data".to_string();
    let is_url = url::looks_like_url(&value);
    match explicit {
        Some(Some(media)) if !media.takes_string() => {
            mismatch(findings, data, media);
            resolved(Some(media))
        }
        Some(Some(MediaType::Text)) if !is_url => {
            check_text_length(&value, data, findings);
            resolved(Some(MediaType::Text))
        }
        Some(Some(media)) => {
            url::check(&value, &pointer, data.offset, findings);
            check_extension(&value, media, "/row_data", data.offset, findings);
            resolved(Some(media))
        }
        // An unusable media_type was reported; still check what we can.
        Some(None) => {
            if is_url {
                url::check(&value, &pointer, data.offset, findings);
            }
            resolved(None)
        }
        None if is_url => {
            url::check(&value, &pointer, data.offset, findings);
            match url::extension(&value).and_then(|e| MediaType::from_extension(e).map(|t| (t, e))) {
                Some((media, ext)) => Ok(inferred(findings, data, media, &format!("the .{} extension", ext.to_ascii_lowercase()))),
                None => resolved(None),
            }
        }
        None => {
            if url::looks_like_local_path(&value) {
                findings.warning(
                    Code::ROW_DATA_LOCAL_PATH,
                    "/row_data",
                    data.offset,
                    format!(
                        "row_data {} looks like a local file path, which a JSON upload cannot read, so it would become a TEXT row holding the path; upload the file and give its https:// URL, or set media_type \"TEXT\" if the path is the text",
                        quote(&value)
                    ),
                );
            }
            check_text_length(&value, data, findings);
            Ok(inferred(findings, data, MediaType::Text, "row_data, which is text rather than a URL"))
        }
    }
}

fn check_text_length(text: &str, data: Raw<'_>, findings: &mut Findings) {
    if text.len() <= MAX_TEXT_CHARS {
        return;
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        findings.error(
            Code::TEXT_TOO_LONG,
            "/row_data",
            data.offset,
            format!("inline text is {chars} characters; the limit is {MAX_TEXT_CHARS}: host it and give its URL instead"),
        );
    }
}

pub(crate) fn check_extension(value: &str, media: MediaType, pointer: &str, offset: u32, findings: &mut Findings) {
    let allowed = media.extensions();
    if allowed.is_empty() {
        return;
    }
    if let Some(ext) = url::extension(value).filter(|e| !media.lists_extension(e)) {
        findings.warning(
            Code::MEDIA_EXTENSION,
            pointer,
            offset,
            format!("{} has the extension .{ext}; {} supports {}", quote(value), media.name(), allowed.join(", ")),
        );
    }
}

fn check_object(data: Raw<'_>, explicit: Option<Option<MediaType>>, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let found = shape(data)?;
    if found == Shape::Empty {
        findings.error(Code::ROW_DATA_MISSING, "/row_data", data.offset, "row_data is an empty object".into());
        return Ok(Resolved { media: explicit.flatten(), inferred: false });
    }
    let (media, was_inferred) = match explicit {
        Some(None) => return Ok(Resolved { media: None, inferred: false }),
        Some(Some(media)) => (media, false),
        None => match found {
            Shape::Tms if tms::is_simple(data)? => (MediaType::TmsSimple, true),
            Shape::Tms => (MediaType::TmsGeo, true),
            Shape::Pdf => (MediaType::Pdf, true),
            Shape::Conversation => (MediaType::Conversational, true),
            Shape::Empty | Shape::Unknown => {
                findings.error(
                    Code::MEDIA_TYPE_MISMATCH,
                    "/row_data",
                    data.offset,
                    "row_data object is not a known shape (a tile layer with tile_layer_url, a document with pdf_url, or a conversation); set media_type or fix its keys".into(),
                );
                return Ok(Resolved { media: None, inferred: false });
            }
        },
    };
    if !media.takes_object() {
        mismatch(findings, data, media);
        return Ok(Resolved { media: Some(media), inferred: false });
    }
    match media {
        MediaType::TmsGeo | MediaType::TmsSimple => tms::check(data, media, findings)?,
        MediaType::Pdf => check_pdf(data, !was_inferred, findings)?,
        _ => conversation::check(data, findings)?,
    }
    if was_inferred {
        let from = match media {
            MediaType::Pdf => "its pdf_url",
            MediaType::Conversational => "its conversation shape",
            _ => "its tile_layer_url and epsg",
        };
        return Ok(inferred(findings, data, media, from));
    }
    Ok(Resolved { media: Some(media), inferred: false })
}

pub const PDF_KEYS: [(&str, Option<&str>); 2] = [("pdf_url", Some("pdfUrl")), ("text_layer_url", Some("textLayerUrl"))];

fn check_pdf(data: Raw<'_>, explicit: bool, findings: &mut Findings) -> crate::json::Result<()> {
    let [pdf, text_layer] = fields(data, PDF_KEYS, &"/row_data", Code::ROW_UNKNOWN_FIELD, findings)?;
    if pdf.is_none() {
        findings.error(
            Code::ROW_DATA_MISSING,
            "/row_data/pdf_url",
            data.offset,
            "a PDF row_data object needs \"pdf_url\"".into(),
        );
    }
    for (raw, name) in [(pdf, "pdf_url"), (text_layer, "text_layer_url")] {
        let Some(raw) = raw else { continue };
        let pointer = format!("/row_data/{name}");
        match raw.as_str() {
            Some(s) => {
                let value = s.value();
                url::check(&value, &|| pointer.clone(), raw.offset, findings);
                if explicit && name == "pdf_url" {
                    check_extension(&value, MediaType::Pdf, &pointer, raw.offset, findings);
                }
            }
            None => findings.error(
                Code::ROW_FIELD_TYPE,
                pointer,
                raw.offset,
                format!("{name} must be a URL string, not {}", raw.kind.name()),
            ),
        }
    }
    Ok(())
}

/// Non-negative whole number (1.0 and 1e1 count, as in JSON Schema).
pub(crate) fn whole_number(raw: Raw<'_>) -> Option<f64> {
    raw.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row;

    pub(super) fn run(json: &str) -> (Resolved, Vec<(Code, String)>) {
        let mut f = Findings::default();
        let row = row::parse(json, &mut f).unwrap().unwrap();
        let resolved = check(&row, &mut f).unwrap();
        (resolved, f.list.into_iter().map(|f| (f.code, f.pointer)).collect())
    }

    fn codes(json: &str) -> Vec<Code> {
        run(json).1.into_iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn inference() {
        let (r, c) = run(r#"{"row_data":"https://h.example/a.JPG"}"#);
        assert_eq!(r, Resolved { media: Some(MediaType::Image), inferred: true });
        assert_eq!(c, vec![(Code::MEDIA_TYPE_INFERRED, "/row_data".into())]);
        assert_eq!(run(r#"{"row_data":"https://h.example/a"}"#).0.media, None);
        assert_eq!(run(r#"{"row_data":"just some text"}"#).0.media, Some(MediaType::Text));
        assert_eq!(run(r#"{"row_data":{"pdf_url":"https://h.example/a.pdf"}}"#).0.media, Some(MediaType::Pdf));
    }

    #[test]
    fn explicit_types() {
        assert!(codes(r#"{"row_data":"https://h.example/a.mp4","media_type":"VIDEO"}"#).is_empty());
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.avi","media_type":"VIDEO"}"#), vec![Code::MEDIA_EXTENSION]);
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.mp4","media_type":"video"}"#), vec![Code::MEDIA_TYPE_CASE]);
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.mp4","media_type":"MOVIE"}"#), vec![Code::MEDIA_TYPE_UNKNOWN]);
        assert_eq!(codes(r#"{"row_data":{"pdf_url":"https://h.example/a.pdf"},"media_type":"IMAGE"}"#), vec![Code::MEDIA_TYPE_MISMATCH]);
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.png","media_type":"TMS_GEO"}"#), vec![Code::MEDIA_TYPE_MISMATCH]);
        assert_eq!(codes(r#"{"row_data":"not a url","media_type":"IMAGE"}"#), vec![Code::URL_INVALID]);
        assert!(codes(r#"{"row_data":"some text","media_type":"TEXT"}"#).is_empty());
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(codes(&format!(r#"{{"row_data":"{long}","media_type":"TEXT"}}"#)), vec![Code::TEXT_TOO_LONG]);
        assert_eq!(codes(r#"{"media_type":"IMAGE"}"#), vec![Code::ROW_DATA_MISSING]);
        assert_eq!(codes(r#"{"row_data":""}"#), vec![Code::ROW_DATA_MISSING]);
        assert_eq!(codes(r#"{"row_data":{}}"#), vec![Code::ROW_DATA_MISSING]);
        assert_eq!(codes(r#"{"row_data":{"x":1}}"#), vec![Code::MEDIA_TYPE_MISMATCH]);
    }

    #[test]
    fn text_that_is_not_a_url() {
        for text in ["Data: 5 rows", "File: notes", "HTTP: 200", "S3: bucket"] {
            let (r, c) = run(&format!(r#"{{"row_data":"{text}"}}"#));
            assert_eq!((r.media, c), (Some(MediaType::Text), vec![(Code::MEDIA_TYPE_INFERRED, "/row_data".into())]), "{text}");
        }
        assert_eq!(codes(r#"{"row_data":"s3://bucket/a.jpg"}"#), vec![Code::URL_SCHEME, Code::MEDIA_TYPE_INFERRED]);
        assert_eq!(codes(r#"{"row_data":"images/a.png"}"#), vec![Code::ROW_DATA_LOCAL_PATH, Code::MEDIA_TYPE_INFERRED]);
        assert_eq!(codes(r#"{"row_data":"C:\\data\\a.mp4"}"#), vec![Code::ROW_DATA_LOCAL_PATH, Code::MEDIA_TYPE_INFERRED]);
        assert!(codes(r#"{"row_data":"images/a.png","media_type":"TEXT"}"#).is_empty());
    }

    #[test]
    fn pdf_objects() {
        assert!(codes(r#"{"row_data":{"pdfUrl":"https://h.example/a.pdf","textLayerUrl":"https://h.example/t.json"},"media_type":"PDF"}"#).is_empty());
        assert_eq!(
            run(r#"{"row_data":{"text_layer_url":"https://h.example/t.json"},"media_type":"PDF"}"#).1,
            vec![(Code::ROW_DATA_MISSING, "/row_data/pdf_url".into())]
        );
        assert_eq!(
            run(r#"{"row_data":{"pdf_url":"https://h.example/a.pdf","pages":3},"media_type":"PDF"}"#).1,
            vec![(Code::ROW_UNKNOWN_FIELD, "/row_data/pages".into())]
        );
    }
}
