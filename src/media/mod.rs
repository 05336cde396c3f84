//! Media types: which type a row is, and its row_data rules.

mod chat;
mod conversation;
mod ids;
mod legacy_conversation;
mod llm;
mod tms;

use crate::json::{Kind, Raw};
use crate::report::{Code, Edit, Findings, Severity, quote};
use crate::row::{Field, Row, fields};
use crate::url;

pub use conversation::CONVERSATION_TYPE;
pub use legacy_conversation::{KEYS as LEGACY_CONVERSATION_KEYS, member as legacy_conversation_member};
pub use tms::{KEYS as TMS_KEYS, LAYER_KEYS as TMS_LAYER_KEYS, LEGACY_KEY as TMS_LEGACY_KEY, is_key as is_tms_key};

/// The limits page's "64K" characters for raw text, read as 64 × 1,024: the
/// text import page allows a text string "up to 16MB", so of the two
/// readings of 64K the looser one stands (docs/rules.md).
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

    /// File extensions the newest import page of the type lists; others warn.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Image => &["png", "jpg", "jpeg", "bmp"],
            MediaType::Video => &["mp4"],
            MediaType::Audio => &["mp3", "wav"],
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
        // A .dcm file is not called DICOM: normalization would write a media
        // type the SDK no longer supports into a row that did not name one.
        MediaType::ALL.into_iter().filter(|t| *t != MediaType::Dicom).find(|t| t.lists_extension(ext))
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

/// Scratch space the row_data checks reuse from row to row, so that a warm
/// checker allocates nothing for them (the id sets of conversations).
#[derive(Default)]
pub struct Scratch {
    ids: ids::Ids,
    chat: chat::Scratch,
}

/// Which conversational format an object is, by the value of its `type`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Version 1, or a type no format has (reported by its rules).
    Conversation,
    Chat,
    Llm,
}

/// The shape of a row_data object, recognized by its keys.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Pdf,
    Tms,
    Conversation,
    Unknown,
    Empty,
}

fn shape(data: Raw<'_>) -> crate::json::Result<(Shape, Format)> {
    let mut found = Shape::Empty;
    let mut format = Format::Conversation;
    data.cursor().object(|c, key| {
        let value = c.value()?;
        let name = key.value();
        if let Some(kind) = value.as_str().filter(|_| name == "type") {
            let kind = kind.value();
            format = if kind == chat::CHAT_TYPE {
                Format::Chat
            } else if llm::is_llm_type(&kind) {
                Format::Llm
            } else {
                Format::Conversation
            };
        }
        let rank = match &*name {
            "tile_layer_url" | "tileLayerUrl" => Shape::Tms,
            "pdf_url" | "pdfUrl" => Shape::Pdf,
            "messages" | "type" => Shape::Conversation,
            _ => Shape::Unknown,
        };
        // The most telling key wins: a document (whose text layer the SDK's
        // tests once named tileLayerUrl), a tile layer, then a conversation.
        found = found.min(rank);
        Ok(())
    })?;
    Ok((found, format))
}

/// Decide the media type and check row_data against it.
pub fn check(row: &Row<'_>, scratch: &mut Scratch, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let explicit = explicit_type(row, findings);
    let Some(data) = row.get(Field::RowData) else {
        if let Some(messages) = row.get(Field::ConversationalData) {
            return legacy_conversation::check(row, messages, explicit, &mut scratch.ids, findings);
        }
        if !row.legacy_tiles.is_empty() {
            return check_legacy_tiles(row, explicit, findings);
        }
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
        Kind::Object => check_object(data, explicit, scratch, findings),
        // ROW_FIELD_TYPE was reported when the row was read.
        _ => Ok(Resolved { media: explicit.flatten(), inferred: false }),
    }
}

/// The SDK's `MediaType` members whose value differs from their name, as a
/// user may write them for a data row: the platform takes the value.
const SDK_MEMBER_NAMES: [(&str, MediaType); 3] =
    [("Document", MediaType::Pdf), ("Geospatial_Tile", MediaType::TmsGeo), ("Simple_Tile", MediaType::TmsSimple)];

/// A media type of the SDK 7.17 enum that no import page gives a data-row
/// format for (the point-cloud editor is experimental): rowcheck cannot
/// check it, and no source shows the platform refusing it.
const UNDOCUMENTED: &str = "POINT_CLOUD";

fn warn_dicom(findings: &mut Findings, pointer: &str, offset: u32, what: String) {
    findings.warning(
        Code::MEDIA_TYPE_UNDOCUMENTED,
        pointer,
        offset,
        format!("{what}: the SDK dropped DICOM support in 6.2.0 and no current import page or storage integration lists DICOM, so the platform may refuse new DICOM rows; import one row first to see"),
    );
}

/// `None`: no media_type; `Some(None)`: one we could not use (reported).
fn explicit_type(row: &Row<'_>, findings: &mut Findings) -> Option<Option<MediaType>> {
    let raw = row.get(Field::MediaType)?;
    let Some(token) = raw.as_str() else { return Some(None) };
    let value = token.value();
    if let Some(t) = MediaType::parse(&value) {
        if t == MediaType::Dicom {
            warn_dicom(findings, "/media_type", token.offset, "media_type \"DICOM\"".into());
        }
        return Some(Some(t));
    }
    let names: Vec<&str> = MediaType::ALL.iter().map(|t| t.name()).collect();
    let upper = value.to_ascii_uppercase();
    if upper == UNDOCUMENTED {
        findings.warning(
            Code::MEDIA_TYPE_UNDOCUMENTED,
            "/media_type",
            token.offset,
            format!("media_type {} is a media type of the SDK with no documented data-row import format; rowcheck checks only its URL", quote(&value)),
        );
        return Some(None);
    }
    match MediaType::parse(&upper) {
        Some(t) => {
            findings.rewrite = true;
            findings.warning(
                Code::MEDIA_TYPE_CASE,
                "/media_type",
                token.offset,
                format!("media_type {} is written in lower case; normalization makes it \"{}\"", quote(&value), t.name()),
            );
            findings.fix(Edit::string(token.offset, t.name()));
            if t == MediaType::Dicom {
                warn_dicom(findings, "/media_type", token.offset, format!("media_type {}", quote(&value)));
            }
            Some(Some(t))
        }
        None => {
            let member = SDK_MEMBER_NAMES.iter().find(|(name, _)| name.eq_ignore_ascii_case(&value));
            let hint = member.map_or(String::new(), |(name, t)| format!(" (the SDK's MediaType.{name} is \"{}\")", t.name()));
            findings.error(
                Code::MEDIA_TYPE_UNKNOWN,
                "/media_type",
                token.offset,
                format!("media_type {} is not one of {}{hint}", quote(&value), names.join(", ")),
            );
            if let Some((_, t)) = member {
                findings.fix(Edit::string(token.offset, t.name()));
            }
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
        // The SDK uploads a local file whatever the media type, so a rooted
        // path is what a notebook passes; only a JSON upload cannot read it.
        // A relative one (`images/a.png`) may be a URL missing its scheme.
        Some(Some(media)) if !is_url && url::looks_like_rooted_local_path(&value) => {
            findings.warning(
                Code::ROW_DATA_LOCAL_PATH,
                "/row_data",
                data.offset,
                format!(
                    "row_data {} looks like a local file path, which the SDK uploads first but a JSON upload cannot read, so the {} asset would not load; upload the file and give its https:// URL",
                    quote(&value),
                    media.name()
                ),
            );
            resolved(Some(media))
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
            let ext = url::extension(&value);
            match ext.and_then(|e| MediaType::from_extension(e).map(|t| (t, e))) {
                Some((media, ext)) => Ok(inferred(findings, data, media, &format!("the .{} extension", ext.to_ascii_lowercase()))),
                None => {
                    if ext.is_some_and(|e| MediaType::Dicom.lists_extension(e)) {
                        warn_dicom(findings, "/row_data", data.offset, format!("{} is a DICOM file (no media_type is filled in)", quote(&value)));
                    }
                    resolved(None)
                }
            }
        }
        // No TEXT is inferred for a path: the SDK uploads the file, and
        // the platform refuses a row whose file is not of its media type.
        None if url::looks_like_local_path(&value) => {
            findings.warning(
                Code::ROW_DATA_LOCAL_PATH,
                "/row_data",
                data.offset,
                format!(
                    "row_data {} looks like a local file path, which a JSON upload cannot read, so it would become a TEXT row holding the path; upload the file and give its https:// URL, or set media_type \"TEXT\" if the path is the text",
                    quote(&value)
                ),
            );
            resolved(None)
        }
        None => {
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

fn check_object(data: Raw<'_>, explicit: Option<Option<MediaType>>, scratch: &mut Scratch, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let (found, format) = shape(data)?;
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
        _ => match format {
            Format::Conversation => conversation::check(data, &mut scratch.ids, findings)?,
            Format::Chat => chat::check(data, &mut scratch.chat, findings)?,
            Format::Llm => {
                llm::check(data, findings)?;
                // No source gives these rows a media_type to fill in.
                if was_inferred {
                    return Ok(Resolved { media: None, inferred: false });
                }
            }
        },
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

/// A legacy top-level tiled row: checked as the row_data it normalizes to.
fn check_legacy_tiles(row: &Row<'_>, explicit: Option<Option<MediaType>>, findings: &mut Findings) -> crate::json::Result<Resolved> {
    let tiles = &row.legacy_tiles;
    let (media, was_inferred) = match explicit {
        Some(None) => return Ok(Resolved { media: None, inferred: false }),
        Some(Some(media @ (MediaType::TmsGeo | MediaType::TmsSimple))) => (media, false),
        Some(Some(media)) => {
            findings.error(
                Code::MEDIA_TYPE_MISMATCH,
                "/media_type",
                row.get(Field::MediaType).map_or(row.offset, |raw| raw.offset),
                format!("this row is a tile layer (top-level tileLayerUrl) but media_type {} is not TMS_GEO or TMS_SIMPLE", media.name()),
            );
            return Ok(Resolved { media: Some(media), inferred: false });
        }
        None if tms::is_simple_legacy(tiles) => (MediaType::TmsSimple, true),
        None => (MediaType::TmsGeo, true),
    };
    tms::check_legacy(tiles, row.offset, media, findings)?;
    if was_inferred {
        findings.rewrite = true;
        findings.push(
            Code::MEDIA_TYPE_INFERRED,
            Severity::Info,
            "",
            row.offset,
            format!("no media_type; inferred {} from its tileLayerUrl and epsg", media.name()),
        );
    }
    Ok(Resolved { media: Some(media), inferred: was_inferred })
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
        let row = row::parse(json, true, &mut f).unwrap().unwrap();
        let resolved = check(&row, &mut Scratch::default(), &mut f).unwrap();
        (resolved, f.list.into_iter().map(|f| (f.code, f.pointer)).collect())
    }

    /// Every finding of a row with its severity, in the order made.
    pub(super) fn run_full(json: &str) -> Vec<(Code, Severity, String)> {
        let mut f = Findings::default();
        let row = row::parse(json, true, &mut f).unwrap().unwrap();
        check(&row, &mut Scratch::default(), &mut f).unwrap();
        f.list.into_iter().map(|f| (f.code, f.severity, f.pointer)).collect()
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
    fn extensions_follow_the_newest_pages() {
        assert!(codes(r#"{"row_data":"https://h.example/a.wav","media_type":"AUDIO"}"#).is_empty());
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.m4a","media_type":"AUDIO"}"#), vec![Code::MEDIA_EXTENSION]);
        assert_eq!(run(r#"{"row_data":"https://h.example/a.m4a"}"#).0.media, None);
        assert!(codes(r#"{"row_data":"https://h.example/a.BMP","media_type":"IMAGE"}"#).is_empty());
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.webp","media_type":"IMAGE"}"#), vec![Code::MEDIA_EXTENSION]);
    }

    #[test]
    fn undocumented_media_types_warn() {
        let (r, c) = run(r#"{"row_data":"https://h.example/a.dcm","media_type":"DICOM"}"#);
        assert_eq!((r.media, c), (Some(MediaType::Dicom), vec![(Code::MEDIA_TYPE_UNDOCUMENTED, "/media_type".into())]));
        let (r, c) = run(r#"{"row_data":"https://h.example/a.dcm"}"#);
        assert_eq!((r, c), (Resolved { media: None, inferred: false }, vec![(Code::MEDIA_TYPE_UNDOCUMENTED, "/row_data".into())]));
        assert_eq!(codes(r#"{"row_data":"https://h.example/a.dcm","media_type":"dicom"}"#), vec![Code::MEDIA_TYPE_CASE, Code::MEDIA_TYPE_UNDOCUMENTED]);
        let (r, c) = run(r#"{"row_data":"https://h.example/scan.pcd","media_type":"POINT_CLOUD"}"#);
        assert_eq!((r.media, c), (None, vec![(Code::MEDIA_TYPE_UNDOCUMENTED, "/media_type".into())]));
        assert_eq!(codes(r#"{"row_data":{"frames":[]},"media_type":"POINT_CLOUD"}"#), vec![Code::MEDIA_TYPE_UNDOCUMENTED]);
        assert_eq!(codes(r#"{"row_data":"not a url","media_type":"POINT_CLOUD"}"#), vec![Code::MEDIA_TYPE_UNDOCUMENTED]);
        assert_eq!(codes(r#"{"row_data":"https://h.example/a b.pcd","media_type":"POINT_CLOUD"}"#), vec![Code::MEDIA_TYPE_UNDOCUMENTED, Code::URL_SPACE]);
    }

    #[test]
    fn sdk_member_names_suggest_the_value() {
        let mut f = Findings::default();
        let row = row::parse(r#"{"row_data":"https://h.example/a.pdf","media_type":"Document"}"#, true, &mut f).unwrap().unwrap();
        check(&row, &mut Scratch::default(), &mut f).unwrap();
        assert_eq!(f.list.len(), 1);
        assert_eq!(f.list[0].code, Code::MEDIA_TYPE_UNKNOWN);
        assert_eq!(f.list[0].suggestion.as_deref(), Some("PDF"));
        assert!(f.list[0].message.contains("MediaType.Document is \"PDF\""), "{}", f.list[0].message);
    }

    #[test]
    fn text_that_is_not_a_url() {
        for text in ["Data: 5 rows", "File: notes", "HTTP: 200", "S3: bucket"] {
            let (r, c) = run(&format!(r#"{{"row_data":"{text}"}}"#));
            assert_eq!((r.media, c), (Some(MediaType::Text), vec![(Code::MEDIA_TYPE_INFERRED, "/row_data".into())]), "{text}");
        }
        assert_eq!(codes(r#"{"row_data":"s3://bucket/a.jpg"}"#), vec![Code::URL_SCHEME, Code::MEDIA_TYPE_INFERRED]);
        assert_eq!(codes(r#"{"row_data":"images/a.png"}"#), vec![Code::ROW_DATA_LOCAL_PATH]);
        assert_eq!(codes(r#"{"row_data":"C:\\data\\a.mp4"}"#), vec![Code::ROW_DATA_LOCAL_PATH]);
        assert!(codes(r#"{"row_data":"images/a.png","media_type":"TEXT"}"#).is_empty());
        assert_eq!(codes(r#"{"row_data":"/content/skateboarding.mp4","media_type":"VIDEO"}"#), vec![Code::ROW_DATA_LOCAL_PATH]);
        assert_eq!(codes(r#"{"row_data":"C:\\data\\a.png","media_type":"IMAGE"}"#), vec![Code::ROW_DATA_LOCAL_PATH]);
        assert_eq!(codes(r#"{"row_data":"example.com/a.jpg","media_type":"IMAGE"}"#), vec![Code::URL_INVALID]);
        assert_eq!(codes(r#"{"row_data":"//example.com/a.jpg","media_type":"IMAGE"}"#), vec![Code::URL_INVALID]);
        assert_eq!(codes(r#"{"row_data":"not a url","media_type":"IMAGE"}"#), vec![Code::URL_INVALID]);
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
