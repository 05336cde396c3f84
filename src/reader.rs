//! The streaming reader: bytes in any pieces → row spans with positions.
//!
//! It recognizes the container (JSON array, NDJSON, URL list), finds where
//! each row starts and ends without parsing it, and tracks line and column
//! as it goes. Only an unfinished row is carried between pieces, so a whole
//! file and the same file pushed a byte at a time give the same spans.

use crate::report::{Code, Severity, quote};
use crate::url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    JsonArray,
    Ndjson,
    UrlList,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// A JSON value (an element of the array, or one NDJSON line).
    Json,
    /// One line of a URL list.
    Url,
}

/// One row's bytes and where they start.
#[derive(Debug)]
pub struct Span<'b> {
    pub bytes: &'b [u8],
    pub index: u64,
    pub offset: u64,
    pub line: u64,
    pub column: u64,
    pub kind: SpanKind,
    pub container: Container,
}

/// A problem with the file rather than with one row.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub code: Code,
    pub severity: Severity,
    pub line: u64,
    pub column: u64,
    /// Byte offset of the problem in the input.
    pub offset: u64,
    pub message: String,
}

pub trait Sink {
    fn row(&mut self, span: Span<'_>);
    /// A JSON-array row whose `span.bytes` open with `{` and run on past
    /// its end, all valid UTF-8 (`text`): take the row and return its
    /// length when it parses, so its end is found while it is checked
    /// rather than by a scan before. `None` leaves the row untouched, and
    /// the reader hands it to `row` once it has found the end itself (the
    /// row is cut by the end of the piece, or broken).
    fn row_open(&mut self, _text: &str, _span: Span<'_>) -> Option<usize> {
        None
    }
    fn file(&mut self, problem: FileProblem);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    offset: u64,
    line: u64,
    column: u64,
}

impl Pos {
    /// Move past `bytes`; columns count characters, not bytes.
    fn advance(&mut self, bytes: &[u8]) {
        self.offset += bytes.len() as u64;
        if let Some(chars) = crate::json::chars_on_line(bytes) {
            self.column += chars;
            return;
        }
        let tail = match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
                self.column = 1;
                &bytes[last + 1..]
            }
            None => bytes,
        };
        self.column += crate::json::chars(tail);
    }
}

/// Finds the end of one JSON value across pieces, without validating it
/// (the row parser does that, with exact positions).
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    started: bool,
    depth: u32,
    in_string: bool,
    escape: bool,
    scalar: bool,
}

impl Scan {
    /// Index just past the value's end in `bytes`, if it ends there.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut i = 0;
        loop {
            if self.in_string {
                if self.escape {
                    if i >= bytes.len() {
                        return None;
                    }
                    self.escape = false;
                    i += 1;
                }
                i = crate::json::string_stop(bytes, i);
                match bytes.get(i)? {
                    b'\\' => self.escape = true,
                    b'"' => {
                        self.in_string = false;
                        if self.depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    // A control character: the row parser reports it.
                    _ => {}
                }
                i += 1;
                continue;
            }
            if self.scalar {
                let rel = bytes[i..].iter().position(|&b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))?;
                return Some(i + rel);
            }
            let &c = bytes.get(i)?;
            if !self.started {
                self.started = true;
                match c {
                    b'{' | b'[' => self.depth = 1,
                    b'"' => self.in_string = true,
                    _ => {
                        self.scalar = true;
                        continue;
                    }
                }
                i += 1;
                continue;
            }
            // Inside a container: skip to the next byte that matters.
            let rel = bytes[i..].iter().position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))?;
            i += rel;
            match bytes[i] {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                _ => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
            }
            i += 1;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first non-blank byte: the container is not known yet.
    Start,
    /// After `[`: a row or `]`.
    ArrayOpen,
    /// After `,`: a row.
    ArrayNext,
    /// Inside an array element.
    InRow,
    /// After an element: `,` or `]`.
    ArrayAfter,
    /// After the closing `]`: only whitespace.
    ArrayClosed,
    /// NDJSON or URL list.
    Lines,
    /// A fatal file problem was reported; the rest is ignored.
    Stopped,
}

pub struct Reader {
    state: State,
    container: Option<Container>,
    pos: Pos,
    /// The first bytes, held until the byte-order mark can be decided.
    head: Option<Vec<u8>>,
    /// Bytes of the unfinished row or line.
    carry: Vec<u8>,
    scan: Scan,
    row_start: Pos,
    rows: u64,
    finished: bool,
}

impl Default for Reader {
    fn default() -> Self {
        Reader::new()
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Reader {
    pub fn new() -> Self {
        let start = Pos { offset: 0, line: 1, column: 1 };
        Reader {
            state: State::Start,
            container: None,
            pos: start,
            head: Some(Vec::new()),
            carry: Vec::new(),
            scan: Scan::default(),
            row_start: start,
            rows: 0,
            finished: false,
        }
    }

    pub fn container(&self) -> Option<Container> {
        self.container
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes consumed so far (for progress).
    pub fn offset(&self) -> u64 {
        self.pos.offset + self.carry.len() as u64
    }

    pub fn push(&mut self, bytes: &[u8], sink: &mut impl Sink) {
        if let Some(head) = &mut self.head {
            head.extend_from_slice(bytes);
            if head.len() < 4 {
                return;
            }
            let head = self.head.take().unwrap_or_default();
            self.feed_head(&head, sink);
            return;
        }
        self.feed(bytes, sink);
    }

    fn feed_head(&mut self, head: &[u8], sink: &mut impl Sink) {
        if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || head.iter().take(4).any(|&b| b == 0) {
            self.stop(sink, Code::FILE_ENCODING, "the file looks like UTF-16 or UTF-32; save it as UTF-8".into());
            return;
        }
        match head.strip_prefix(BOM) {
            Some(rest) => {
                self.pos.offset += BOM.len() as u64;
                self.feed(rest, sink);
            }
            None => self.feed(head, sink),
        }
    }

    fn problem(&self, sink: &mut impl Sink, code: Code, severity: Severity, at: Pos, message: String) {
        sink.file(FileProblem { code, severity, line: at.line, column: at.column, offset: at.offset, message });
    }

    fn stop(&mut self, sink: &mut impl Sink, code: Code, message: String) {
        self.problem(sink, code, Severity::Error, self.pos, message);
        self.state = State::Stopped;
        self.carry = Vec::new();
    }

    fn feed(&mut self, bytes: &[u8], sink: &mut impl Sink) {
        let mut i = 0;
        // The valid UTF-8 prefix of `bytes`, found on the first row that may
        // be parsed in place: one pass instead of one per row.
        let mut text: Option<&str> = None;
        while i < bytes.len() {
            match self.state {
                State::Stopped => return,
                State::Lines => {
                    i += self.feed_lines(&bytes[i..], sink);
                }
                State::InRow => {
                    if self.carry.is_empty() && !self.scan.started && bytes[i] == b'{' {
                        let text = *text.get_or_insert_with(|| match std::str::from_utf8(bytes) {
                            Ok(text) => text,
                            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to here"),
                        });
                        if let Some(len) = text.get(i..).and_then(|rest| self.open_row(rest, sink)) {
                            i += len;
                            continue;
                        }
                    }
                    i += self.feed_row(&bytes[i..], sink);
                }
                _ => {
                    let c = bytes[i];
                    if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                        self.pos.advance(&bytes[i..i + 1]);
                        i += 1;
                        continue;
                    }
                    i += self.structural(c, sink);
                }
            }
        }
    }

    /// Handle one non-blank byte outside rows; return how many were used.
    fn structural(&mut self, c: u8, sink: &mut impl Sink) -> usize {
        match (self.state, c) {
            (State::Start, b'[') => {
                self.container = Some(Container::JsonArray);
                self.state = State::ArrayOpen;
            }
            (State::Start, b'{') => {
                self.container = Some(Container::Ndjson);
                self.state = State::Lines;
                return 0;
            }
            // A URL list, if its first line is a URL; the container stays
            // unknown until that line is read (see `first_line`).
            (State::Start, _) => {
                self.state = State::Lines;
                return 0;
            }
            (State::ArrayOpen, b']') | (State::ArrayAfter, b']') => self.state = State::ArrayClosed,
            (State::ArrayAfter, b',') => self.state = State::ArrayNext,
            (State::ArrayNext, b']') => {
                self.problem(sink, Code::FILE_SYNTAX, Severity::Error, self.pos, "trailing comma before the closing ']'; remove it".into());
                self.state = State::ArrayClosed;
            }
            (State::ArrayOpen | State::ArrayNext, _) => {
                self.state = State::InRow;
                self.row_start = self.pos;
                self.scan = Scan::default();
                return 0;
            }
            (State::ArrayAfter, _) => {
                let row = self.rows - 1;
                self.stop(sink, Code::FILE_SYNTAX, format!("expected ',' or ']' after row {row}; is a comma missing?"));
                return 0;
            }
            (State::ArrayClosed, _) => {
                self.stop(sink, Code::FILE_SYNTAX, "unexpected text after the closing ']' of the array".into());
                return 0;
            }
            (State::InRow | State::Lines | State::Stopped, _) => unreachable!("handled by feed"),
        }
        self.pos.advance(&[c]);
        1
    }

    fn feed_row(&mut self, bytes: &[u8], sink: &mut impl Sink) -> usize {
        match self.scan.feed(bytes) {
            Some(end) => {
                if self.carry.is_empty() {
                    self.emit(&bytes[..end], SpanKind::Json, sink);
                } else {
                    let mut span = std::mem::take(&mut self.carry);
                    span.extend_from_slice(&bytes[..end]);
                    self.emit(&span, SpanKind::Json, sink);
                    span.clear();
                    self.carry = span;
                }
                self.state = State::ArrayAfter;
                end
            }
            None => {
                self.carry.extend_from_slice(bytes);
                bytes.len()
            }
        }
    }

    /// A row offered to [`Sink::row_open`]; its length when the sink took it.
    fn open_row(&mut self, text: &str, sink: &mut impl Sink) -> Option<usize> {
        let at = self.row_start;
        let container = self.container.unwrap_or(Container::JsonArray);
        let span = Span { bytes: text.as_bytes(), index: self.rows, offset: at.offset, line: at.line, column: at.column, kind: SpanKind::Json, container };
        let len = sink.row_open(text, span)?;
        self.rows += 1;
        self.pos = at;
        self.pos.advance(&text.as_bytes()[..len]);
        self.state = State::ArrayAfter;
        Some(len)
    }

    fn emit(&mut self, bytes: &[u8], kind: SpanKind, sink: &mut impl Sink) {
        let at = self.row_start;
        let container = self.container.unwrap_or(Container::JsonArray);
        sink.row(Span { bytes, index: self.rows, offset: at.offset, line: at.line, column: at.column, kind, container });
        self.rows += 1;
        self.pos = at;
        self.pos.advance(bytes);
    }

    fn feed_lines(&mut self, bytes: &[u8], sink: &mut impl Sink) -> usize {
        match memchr::memchr(b'\n', bytes) {
            Some(nl) => {
                if self.carry.is_empty() {
                    self.line(&bytes[..nl], false, sink);
                } else {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(&bytes[..nl]);
                    self.line(&line, false, sink);
                    line.clear();
                    self.carry = line;
                }
                self.pos.advance(b"\n");
                nl + 1
            }
            None => {
                self.carry.extend_from_slice(bytes);
                if self.container.is_none() && self.carry.len() >= FIRST_LINE_PEEK {
                    match first_line(&self.carry[..FIRST_LINE_PEEK]) {
                        Ok(()) => self.container = Some(Container::UrlList),
                        Err(message) => self.stop(sink, Code::FILE_ROOT, message),
                    }
                }
                bytes.len()
            }
        }
    }

    /// One line of NDJSON or of a URL list, without its `\n`; `last` when
    /// the input ended on it, with no `\n`.
    fn line(&mut self, line: &[u8], last: bool, sink: &mut impl Sink) {
        if self.state == State::Stopped {
            return;
        }
        let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
        let lead = line.iter().take_while(|b| blank(b)).count();
        let trail = line[lead..].iter().rev().take_while(|b| blank(b)).count();
        let content = &line[lead..line.len() - trail];
        let line_start = self.pos;
        if content.is_empty() {
            self.pos.advance(line);
            return;
        }
        self.pos.advance(&line[..lead]);
        if self.container.is_none() {
            if let Err(message) = first_line(&content[..content.len().min(FIRST_LINE_PEEK)]) {
                self.stop(sink, Code::FILE_ROOT, message);
                return;
            }
            self.container = Some(Container::UrlList);
        }
        let kind = if self.container == Some(Container::UrlList) { SpanKind::Url } else { SpanKind::Json };
        // An object still open where the input ends was cut short: the
        // file is incomplete, not one broken row among good ones.
        if kind == SpanKind::Json && last && Scan::default().feed(content).is_none() {
            let row_start = self.pos;
            self.pos = line_start;
            self.pos.advance(line);
            self.truncated(sink, row_start);
            return;
        }
        if kind == SpanKind::Json && self.rows == 0 && Scan::default().feed(content).is_none() {
            self.stop(
                sink,
                Code::FILE_ROOT,
                "the file starts with a JSON object spread over several lines; a manifest is a JSON array of rows [ … ] or one object per line (NDJSON)".into(),
            );
            return;
        }
        self.row_start = self.pos;
        self.emit(content, kind, sink);
        self.pos = line_start;
        self.pos.advance(line);
    }

    /// The input ended inside the row that starts at `row_start`; that row
    /// is not handed on, since only its beginning is there.
    fn truncated(&mut self, sink: &mut impl Sink, row_start: Pos) {
        let message =
            format!("the file ends inside row {} (which starts at line {}, column {}); is it truncated?", self.rows, row_start.line, row_start.column);
        self.stop(sink, Code::FILE_SYNTAX, message);
    }

    /// The input has ended: flush what is pending and report what is
    /// missing. Calling it again does nothing.
    pub fn finish(&mut self, sink: &mut impl Sink) {
        if self.finished {
            return;
        }
        if let Some(head) = self.head.take() {
            self.feed_head(&head, sink);
        }
        self.finished = true;
        match self.state {
            State::Lines => {
                if !self.carry.is_empty() {
                    let line = std::mem::take(&mut self.carry);
                    self.line(&line, true, sink);
                }
            }
            State::InRow => {
                let span = std::mem::take(&mut self.carry);
                if self.scan.scalar {
                    // A bare number or literal ends at the end of input.
                    self.emit(&span, SpanKind::Json, sink);
                    self.problem(sink, Code::FILE_SYNTAX, Severity::Error, self.pos, "the file ends before the closing ']' of the array".into());
                } else {
                    let row_start = self.row_start;
                    self.pos.advance(&span);
                    self.truncated(sink, row_start);
                }
            }
            State::ArrayOpen | State::ArrayNext | State::ArrayAfter => {
                self.problem(sink, Code::FILE_SYNTAX, Severity::Error, self.pos, "the file ends before the closing ']' of the array; is it truncated?".into());
            }
            State::Start | State::ArrayClosed | State::Stopped => {}
        }
        if self.rows == 0 && self.state != State::Stopped {
            let message = if self.state == State::ArrayClosed { "the manifest is an empty array: no rows" } else { "the file is empty: no rows" };
            self.problem(sink, Code::FILE_EMPTY, Severity::Info, Pos { offset: 0, line: 1, column: 1 }, message.into());
        }
    }
}

/// How much of the first line of a file that is neither a JSON array nor
/// NDJSON decides what it is: the reader holds no more of one line to know.
const FIRST_LINE_PEEK: usize = 4096;

const MANIFEST: &str = "a manifest is a JSON array of rows [ … ], one JSON object per line, or one URL per line";

/// `Ok` when the first line (or its first [`FIRST_LINE_PEEK`] bytes) opens a
/// URL list; otherwise what the file looks like and what to do, for `FILE_ROOT`.
fn first_line(line: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if url::looks_like_url(text) {
        return Ok(());
    }
    let q = quote(text);
    if crate::json::whole(text).is_ok() {
        return Err(format!("the file starts with the bare JSON value {q}, not rows; {MANIFEST}"));
    }
    if let Some(c) = text.chars().next().filter(|c| matches!(c, ']' | '}' | ',')) {
        return Err(format!("the file starts with '{c}', like JSON whose beginning is missing; {MANIFEST}"));
    }
    if is_csv_line(text) {
        return Err(format!(
            "the file looks like CSV, with the first line {q}; convert it to a JSON array of rows such as [{{\"row_data\": \"https://…\"}}], or list the URLs one per line"
        ));
    }
    if url::looks_like_local_path(text) {
        return Err(format!(
            "the first line {q} looks like a local file path, which a JSON upload cannot read; upload the files and list their https:// URLs, one per line"
        ));
    }
    Err(format!(
        "the first line {q} is not a URL, a JSON array or a JSON object, so the file is not a manifest; {MANIFEST} (inline text goes in a JSON array: [{{\"row_data\": \"…\"}}])"
    ))
}

/// A line of comma-, tab- or semicolon-separated fields, one of which is a
/// column name an import sheet would have, or a URL.
fn is_csv_line(line: &str) -> bool {
    const COLUMNS: [&str; 14] =
        ["row_data", "rowdata", "data_row", "global_key", "globalkey", "external_id", "externalid", "media_type", "url", "uri", "image", "image_url", "path", "file"];
    [',', '\t', ';'].into_iter().any(|sep| {
        let fields: Vec<&str> = line.split(sep).map(|f| f.trim().trim_matches('"')).collect();
        fields.len() > 1 && fields.iter().any(|f| COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(f)) || url::looks_like_url(f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Collect {
        rows: Vec<(String, u64, u64, u64, SpanKind)>,
        problems: Vec<(Code, u64, u64)>,
    }

    impl Sink for Collect {
        fn row(&mut self, s: Span<'_>) {
            self.rows.push((String::from_utf8_lossy(s.bytes).into_owned(), s.offset, s.line, s.column, s.kind));
        }
        fn file(&mut self, p: FileProblem) {
            self.problems.push((p.code, p.line, p.column));
        }
    }

    fn read(input: &[u8]) -> Collect {
        let mut c = Collect::default();
        let mut r = Reader::new();
        r.push(input, &mut c);
        r.finish(&mut c);
        c
    }

    /// The same input cut at every offset (and byte by byte) gives the same result.
    fn read_cut_everywhere(input: &[u8]) -> Collect {
        let whole = read(input);
        for cut in 0..=input.len() {
            let mut c = Collect::default();
            let mut r = Reader::new();
            r.push(&input[..cut], &mut c);
            r.push(&input[cut..], &mut c);
            r.finish(&mut c);
            assert_eq!(c, whole, "cut at {cut}");
        }
        let mut c = Collect::default();
        let mut r = Reader::new();
        for b in input {
            r.push(std::slice::from_ref(b), &mut c);
        }
        r.finish(&mut c);
        assert_eq!(c, whole, "byte by byte");
        whole
    }

    #[test]
    fn json_array_spans_and_positions() {
        let c = read_cut_everywhere(b"\xEF\xBB\xBF[\n  {\"a\": \"]}\\\"\"},\n  {\"b\": [1, {}]}, 42 ,\"s\"\n]\n");
        let rows: Vec<_> = c.rows.iter().map(|r| (r.0.as_str(), r.2, r.3)).collect();
        assert_eq!(rows, vec![(r#"{"a": "]}\""}"#, 2, 3), (r#"{"b": [1, {}]}"#, 3, 3), ("42", 3, 19), (r#""s""#, 3, 23)]);
        assert!(c.problems.is_empty());
    }

    #[test]
    fn columns_count_characters() {
        let c = read_cut_everywhere("[{\"é\":1}, {}]".as_bytes());
        assert_eq!(c.rows[1].3, 11);
    }

    #[test]
    fn ndjson_and_url_lists() {
        let c = read_cut_everywhere(b"{\"a\":1}\r\n\n  {\"b\":2}  \n{\"c\"}");
        assert_eq!(c.rows.iter().map(|r| (r.0.as_str(), r.2, r.3)).collect::<Vec<_>>(), vec![
            (r#"{"a":1}"#, 1, 1),
            (r#"{"b":2}"#, 3, 3),
            (r#"{"c"}"#, 4, 1)
        ]);
        let c = read_cut_everywhere(b"https://a.example/1.jpg\n\n https://a.example/2.jpg \n");
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[1].4, SpanKind::Url);
        assert_eq!((c.rows[1].2, c.rows[1].3), (3, 2));
    }

    #[test]
    fn a_file_that_is_not_a_url_list_says_what_it_looks_like() {
        let said = |first: &str| first_line(first.as_bytes()).unwrap_err();
        assert!(said("null").contains("bare JSON value \"null\""), "{}", said("null"));
        assert!(said("42").contains("bare JSON value"));
        assert!(said("], {\"row_data\": 1}").contains("like JSON whose beginning is missing"));
        assert!(said("row_data,global_key").contains("looks like CSV"));
        assert!(said("\"url\";\"name\"").contains("looks like CSV"));
        assert!(said("1,https://a.example/1.jpg").contains("looks like CSV"));
        assert!(said("/home/me/a.jpg").contains("local file path"));
        assert!(said("Data: 5 rows").contains("is not a URL"));
        assert!(said("Hello, world").contains("is not a URL"));
        assert!(first_line(b"https://a.example/1.jpg").is_ok());
        assert!(first_line(b"s3://bucket/k").is_ok());
    }

    #[test]
    fn file_problems() {
        let codes = |input: &[u8]| read_cut_everywhere(input).problems.iter().map(|p| p.0).collect::<Vec<_>>();
        assert_eq!(codes(b""), vec![Code::FILE_EMPTY]);
        assert_eq!(codes(b"  \n "), vec![Code::FILE_EMPTY]);
        assert_eq!(codes(b"[ ]"), vec![Code::FILE_EMPTY]);
        assert_eq!(codes(b"42"), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"{\n \"row_data\": \"x\"\n}"), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"[{}] x"), vec![Code::FILE_SYNTAX]);
        assert_eq!(codes(b"[{} {}]"), vec![Code::FILE_SYNTAX]);
        assert_eq!(codes(b"[{},]"), vec![Code::FILE_SYNTAX]);
        assert_eq!(codes(b"[{},"), vec![Code::FILE_SYNTAX]);
        assert_eq!(codes(b"[1"), vec![Code::FILE_SYNTAX]);
        assert_eq!(codes(b"\xFF\xFE[\x00"), vec![Code::FILE_ENCODING]);
        assert_eq!(codes(b"\"s\""), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"null\n"), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"row_data,global_key\nhttps://a.example/1.jpg,k1\n"), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"]\n{}"), vec![Code::FILE_ROOT]);
        assert_eq!(codes(b"hello world"), vec![Code::FILE_ROOT]);
        // The first line decides, however long it is and however it is cut.
        let long = format!("https://a.example/{}.jpg\nnot a url\n", "a".repeat(5000));
        let c = read_cut_everywhere(long.as_bytes());
        assert_eq!((c.rows.len(), c.problems.len()), (2, 0));
        let long_text = format!("{} https://a.example/1.jpg\n", "word ".repeat(1000));
        assert_eq!(read_cut_everywhere(long_text.as_bytes()).problems, vec![(Code::FILE_ROOT, 1, 1)]);
        // A row the input ends inside is not a row: the file is truncated.
        let c = read_cut_everywhere(b"[{\"a\": 1},\n {\"a\": [1");
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.problems, vec![(Code::FILE_SYNTAX, 2, 10)]);
        let c = read_cut_everywhere(b"{\"a\": 1}\n{\"a\": \"x");
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.problems, vec![(Code::FILE_SYNTAX, 2, 9)]);
        // A broken line that is complete, or ends with its newline, is one bad row.
        assert!(read_cut_everywhere(b"{\"a\": 1}\n{\"a\": }").problems.is_empty());
        assert!(read_cut_everywhere(b"{\"a\": 1}\n{\"a\": \n").problems.is_empty());
    }
}
