//! A borrowing JSON cursor over one row's text.
//!
//! serde can parse into borrowed structs, but it cannot tell where a value
//! was, whether a key appeared twice, or hand back a value's exact source
//! text. Diagnostics need the first, `ROW_DUPLICATE_FIELD` the second and
//! normalization ("values are never re-encoded") the third, so the hot path
//! walks the row with this cursor instead. It accepts exactly RFC 8259 JSON
//! (the same inputs `serde_json` accepts), never allocates unless a string
//! holds escapes, and never recurses deeper than [`MAX_DEPTH`].

use std::borrow::Cow;

/// Nesting limit, the same as serde_json's, so both agree on what parses.
pub const MAX_DEPTH: u32 = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the row text where the problem is.
    pub offset: usize,
    pub message: &'static str,
}

pub type Result<T> = std::result::Result<T, SyntaxError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// A string token: `raw` is the text between the quotes, escapes intact.
#[derive(Debug, Clone, Copy)]
pub struct Str<'a> {
    pub raw: &'a str,
    /// Offset of the opening quote in the row text.
    pub offset: u32,
    pub escaped: bool,
}

impl<'a> Str<'a> {
    /// The decoded value; borrowed unless the string holds escapes.
    pub fn value(&self) -> Cow<'a, str> {
        if self.escaped {
            Cow::Owned(unescape(self.raw))
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    /// The token as it appeared in the source, quotes included.
    #[cfg(test)]
    pub fn json(&self, text: &'a str) -> &'a str {
        let start = self.offset as usize;
        &text[start..start + self.raw.len() + 2]
    }
}

/// Any value, as the exact source slice plus what kind it is.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    pub text: &'a str,
    pub offset: u32,
    pub kind: Kind,
    /// A string holding escapes (known from the scan, so never rescanned).
    escaped: bool,
}

impl<'a> Raw<'a> {
    /// A cursor positioned on this value, reporting offsets in row terms.
    /// A `Raw` is only made once its whole text has been validated, so the
    /// cursor may skip nested containers without checking them again.
    pub fn cursor(&self) -> Cursor<'a> {
        Cursor { text: self.text, pos: 0, base: self.offset as usize, depth: 0, spaced: false, trusted: true }
    }

    pub fn as_str(&self) -> Option<Str<'a>> {
        (self.kind == Kind::String).then(|| {
            let raw = &self.text[1..self.text.len() - 1];
            Str { raw, offset: self.offset, escaped: self.escaped }
        })
    }

    pub fn as_f64(&self) -> Option<f64> {
        if self.kind == Kind::Number { self.text.parse::<f64>().ok() } else { None }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match (self.kind, self.text) {
            (Kind::Bool, "true") => Some(true),
            (Kind::Bool, _) => Some(false),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.kind == Kind::Null
    }

    /// The members of an object value, in order.
    pub fn members(&self) -> Result<Vec<(Str<'a>, Raw<'a>)>> {
        let mut out = Vec::new();
        self.cursor().object(|c, key| {
            out.push((key, c.value()?));
            Ok(())
        })?;
        Ok(out)
    }

    /// The elements of an array value, in order.
    pub fn elements(&self) -> Result<Vec<Raw<'a>>> {
        let mut out = Vec::new();
        self.cursor().array(|c, _| {
            out.push(c.value()?);
            Ok(())
        })?;
        Ok(out)
    }
}

pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    /// Added to every reported offset: the cursor may walk a sub-slice.
    base: usize,
    depth: u32,
    /// Whitespace was skipped between tokens: the text is not compact.
    spaced: bool,
    /// The text is known to be valid JSON (it came from a [`Raw`]).
    trusted: bool,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0, base: 0, depth: 0, spaced: false, trusted: false }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn err<T>(&self, at: usize, message: &'static str) -> Result<T> {
        Err(SyntaxError { offset: self.base + at, message })
    }

    #[inline]
    fn skip_ws(&mut self) {
        let b = self.bytes();
        // Compact text has no whitespace between tokens: one comparison.
        if b.get(self.pos).is_some_and(|&c| c > b' ') {
            return;
        }
        while let Some(&c) = b.get(self.pos) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
                self.spaced = true;
            } else {
                break;
            }
        }
    }

    /// Offset (in row terms) of the next value, after whitespace.
    pub fn offset(&mut self) -> u32 {
        self.skip_ws();
        (self.base + self.pos) as u32
    }

    /// Offset in the text of what the cursor has not consumed.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The kind of the next value, without consuming it.
    pub fn peek(&mut self) -> Result<Kind> {
        self.skip_ws();
        match self.bytes().get(self.pos) {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(_) => self.err(self.pos, "expected a JSON value"),
            None => self.err(self.pos, "unexpected end of input, expected a value"),
        }
    }

    /// Whether everything walked so far was free of insignificant
    /// whitespace, so that the text is already its own compact form.
    pub fn compact(&self) -> bool {
        !self.spaced
    }

    /// After the top-level value: only whitespace may follow.
    pub fn end(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.text.len() {
            self.err(self.pos, "unexpected text after the value")
        } else {
            Ok(())
        }
    }

    /// Consume any value and return its source slice. Iterative, so deep
    /// nesting costs a counter, not stack.
    pub fn value(&mut self) -> Result<Raw<'a>> {
        let kind = self.peek()?;
        let start = self.pos;
        let mut escaped = false;
        match kind {
            Kind::String => escaped = self.string_token()?.escaped,
            Kind::Number if self.trusted => self.skip_number(),
            Kind::Number => self.number()?,
            Kind::Bool | Kind::Null => self.literal()?,
            Kind::Object | Kind::Array if self.trusted => self.skip_container(),
            Kind::Object | Kind::Array => self.container()?,
        }
        Ok(Raw { text: &self.text[start..self.pos], offset: (self.base + start) as u32, kind, escaped })
    }

    #[cfg(test)]
    pub fn string(&mut self) -> Result<Str<'a>> {
        self.skip_ws();
        if self.bytes().get(self.pos) != Some(&b'"') {
            return self.err(self.pos, "expected a string");
        }
        self.string_token()
    }

    // Inlined: returned through memory, a token's fields were read back
    // before the store had landed, a stall on every key.
    #[inline]
    fn string_token(&mut self) -> Result<Str<'a>> {
        let open = self.pos;
        let b = self.bytes();
        let mut i = open + 1;
        let mut escaped = false;
        loop {
            i = string_stop(b, i);
            match b.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                Some(b'\n') => return self.err(i, "line break inside a string; escape it as \\n"),
                Some(_) => return self.err(i, "control character inside a string; escape it"),
                None => return self.err(b.len(), "unterminated string"),
            }
        }
        self.pos = i + 1;
        Ok(Str { raw: &self.text[open + 1..i], offset: (self.base + open) as u32, escaped })
    }

    /// Validate the escape at `i` (a backslash); return the index after it.
    fn escape(&self, i: usize) -> Result<usize> {
        let b = self.bytes();
        match b.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            // A lone surrogate has no UTF-8 form: the platform could only
            // mangle it, so it is an error here (as in serde_json).
            Some(b'u') => {
                let unit = self.hex4(i + 2)?;
                if (0xDC00..0xE000).contains(&unit) {
                    return self.err(i, "lone low surrogate in a \\u escape; it has no UTF-8 form");
                }
                if !(0xD800..0xDC00).contains(&unit) {
                    return Ok(i + 6);
                }
                if b.get(i + 6) != Some(&b'\\') || b.get(i + 7) != Some(&b'u') {
                    return self.err(i, "lone high surrogate in a \\u escape; it has no UTF-8 form");
                }
                if !(0xDC00..0xE000).contains(&self.hex4(i + 8)?) {
                    return self.err(i + 6, "a high surrogate must be followed by a low surrogate");
                }
                Ok(i + 12)
            }
            Some(_) => self.err(i, "invalid escape in a string"),
            None => self.err(i, "unterminated string"),
        }
    }

    fn hex4(&self, at: usize) -> Result<u32> {
        let Some(digits) = self.bytes().get(at..at + 4) else {
            return self.err(at, "unterminated \\u escape");
        };
        let mut unit = 0;
        for (k, &d) in digits.iter().enumerate() {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return self.err(at + k, "invalid hex digit in a \\u escape"),
            };
            unit = unit * 16 + v as u32;
        }
        Ok(unit)
    }

    /// Move past a number in text already validated: a rule that walks an
    /// embedding's vector again needs its elements' kinds, not their digits.
    fn skip_number(&mut self) {
        let b = self.bytes();
        let mut i = self.pos + 1;
        while matches!(b.get(i), Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')) {
            i += 1;
        }
        self.pos = i;
    }

    fn number(&mut self) -> Result<()> {
        let b = self.bytes();
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let integer = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return self.err(i, "invalid number"),
        }
        let integer_digits = i - integer;
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return self.err(i, "invalid number: expected a digit after '.'");
            }
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        // The number is below 10^magnitude; saturating, as an exponent
        // may have any number of digits.
        let mut magnitude = integer_digits as i64;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            let negative = b.get(i) == Some(&b'-');
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                return self.err(i, "invalid number: expected a digit in the exponent");
            }
            let mut exponent = 0i64;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                exponent = (exponent * 10 + i64::from(d - b'0')).min(1 << 40);
                i += 1;
            }
            magnitude += if negative { -exponent } else { exponent };
        }
        // Only a number that may reach 10^308 can fall outside a 64-bit
        // float, which no consumer can hold (serde_json refuses them too):
        // the rest, embeddings' many long fractions among them, need no parse.
        let token = &self.text[self.pos..i];
        if magnitude > 308 && !token.parse::<f64>().is_ok_and(f64::is_finite) {
            return self.err(self.pos, "number out of the range of a 64-bit float");
        }
        self.pos = i;
        Ok(())
    }

    fn literal(&mut self) -> Result<()> {
        let rest = &self.bytes()[self.pos..];
        for word in ["true", "false", "null"] {
            if rest.starts_with(word.as_bytes()) {
                self.pos += word.len();
                return Ok(());
            }
        }
        self.err(self.pos, "expected a JSON value")
    }

    fn container(&mut self) -> Result<()> {
        // Each level remembers whether it is an object (true) or an array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // At a value position.
            self.skip_ws();
            match self.bytes().get(self.pos) {
                Some(b'{') => {
                    self.open(&mut stack, true)?;
                    self.skip_ws();
                    if self.bytes().get(self.pos) == Some(&b'}') {
                        self.pos += 1;
                        self.close(&mut stack);
                    } else {
                        self.key_colon()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.open(&mut stack, false)?;
                    self.skip_ws();
                    if self.bytes().get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        self.close(&mut stack);
                    } else {
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string_token()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                // A literal, or the error `peek` gives for anything else.
                _ => {
                    self.peek()?;
                    self.literal()?;
                }
            }
            // After a value: close containers or move to the next member.
            loop {
                let Some(&is_object) = stack.last() else { return Ok(()) };
                self.skip_ws();
                match self.bytes().get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        if is_object {
                            self.key_colon()?;
                        }
                        break;
                    }
                    Some(b'}') if is_object => {
                        self.pos += 1;
                        self.close(&mut stack);
                    }
                    Some(b']') if !is_object => {
                        self.pos += 1;
                        self.close(&mut stack);
                    }
                    Some(_) if is_object => return self.err(self.pos, "expected ',' or '}' in an object"),
                    Some(_) => return self.err(self.pos, "expected ',' or ']' in an array"),
                    None => return self.err(self.pos, "unexpected end of input inside a value"),
                }
            }
        }
    }

    /// Move past a container in text already validated: only strings and
    /// brackets matter, so this is several times cheaper than `container`.
    fn skip_container(&mut self) {
        let b = self.bytes();
        let mut depth = 0u32;
        let mut i = self.pos;
        while let Some(&c) = b.get(i) {
            match c {
                b'"' => loop {
                    i = string_stop(b, i + 1);
                    match b.get(i) {
                        Some(b'\\') => i += 1,
                        _ => break,
                    }
                },
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = i;
    }

    fn open(&mut self, stack: &mut Vec<bool>, is_object: bool) -> Result<()> {
        self.descend()?;
        stack.push(is_object);
        self.pos += 1;
        Ok(())
    }

    fn descend(&mut self) -> Result<()> {
        if self.depth >= MAX_DEPTH {
            return self.err(self.pos, "nested deeper than 128 levels");
        }
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, stack: &mut Vec<bool>) {
        self.depth -= 1;
        stack.pop();
    }

    /// Consume `open` and, when the container is empty, its `close` too:
    /// `Ok(true)` means there is nothing inside.
    fn enter(&mut self, open: u8, close: u8, expected: &'static str) -> Result<bool> {
        self.skip_ws();
        if self.bytes().get(self.pos) != Some(&open) {
            return self.err(self.pos, expected);
        }
        self.descend()?;
        self.pos += 1;
        self.skip_ws();
        let empty = self.bytes().get(self.pos) == Some(&close);
        if empty {
            self.pos += 1;
            self.depth -= 1;
        }
        Ok(empty)
    }

    /// After a member or element: `,` goes on (`Ok(false)`), `close` ends
    /// the container (`Ok(true)`).
    fn next_or_leave(&mut self, close: u8, unexpected: &'static str, truncated: &'static str) -> Result<bool> {
        self.skip_ws();
        match self.bytes().get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(&c) if c == close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(true)
            }
            Some(_) => self.err(self.pos, unexpected),
            None => self.err(self.pos, truncated),
        }
    }

    #[inline]
    fn key_colon(&mut self) -> Result<Str<'a>> {
        self.skip_ws();
        if self.bytes().get(self.pos) != Some(&b'"') {
            return match self.bytes().get(self.pos) {
                None => self.err(self.pos, "unexpected end of input inside an object"),
                Some(b'}') => self.err(self.pos, "trailing comma before '}'"),
                Some(_) => self.err(self.pos, "expected a quoted key"),
            };
        }
        let key = self.string_token()?;
        self.skip_ws();
        if self.bytes().get(self.pos) != Some(&b':') {
            return self.err(self.pos, "expected ':' after the key");
        }
        self.pos += 1;
        Ok(key)
    }

    /// Walk an object member by member. The callback receives each key and
    /// must consume exactly one value from the cursor.
    pub fn object(&mut self, mut member: impl FnMut(&mut Self, Str<'a>) -> Result<()>) -> Result<()> {
        if self.enter(b'{', b'}', "expected an object")? {
            return Ok(());
        }
        loop {
            let key = self.key_colon()?;
            member(self, key)?;
            if self.next_or_leave(b'}', "expected ',' or '}' in an object", "unexpected end of input inside an object")? {
                return Ok(());
            }
        }
    }

    /// Walk an array element by element; the callback consumes one value.
    /// Returns how many elements there were.
    pub fn array(&mut self, mut element: impl FnMut(&mut Self, usize) -> Result<()>) -> Result<usize> {
        if self.enter(b'[', b']', "expected an array")? {
            return Ok(0);
        }
        let mut index = 0;
        loop {
            self.skip_ws();
            if self.bytes().get(self.pos) == Some(&b']') {
                return self.err(self.pos, "trailing comma before ']'");
            }
            element(self, index)?;
            index += 1;
            if self.next_or_leave(b']', "expected ',' or ']' in an array", "unexpected end of input inside an array")? {
                return Ok(index);
            }
        }
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// A text that is one JSON value, whitespace around it aside.
pub fn whole(text: &str) -> Result<Raw<'_>> {
    let mut cursor = Cursor::new(text);
    let value = cursor.value()?;
    cursor.end()?;
    Ok(value)
}

/// The decoded value of `json` when it is one JSON string.
pub fn string_value(json: &str) -> Option<String> {
    whole(json).ok()?.as_str().map(|s| s.value().into_owned())
}

/// A text that is one JSON array of strings, decoded; why not when it is not.
pub fn string_array(text: &str) -> std::result::Result<Vec<String>, String> {
    let list = whole(text).map_err(|e| e.to_string())?;
    if list.kind != Kind::Array {
        return Err(format!("it is {}", list.kind.name()));
    }
    let elements = list.elements().map_err(|e| e.to_string())?;
    elements
        .iter()
        .map(|e| e.as_str().map(|s| s.value().into_owned()).ok_or_else(|| format!("{} at byte {} is no string", e.kind.name(), e.offset)))
        .collect()
}

/// A valid value as serde_json reads it: an integer that fits 64 bits stays
/// one, any other number is a float.
pub fn to_value(raw: &Raw<'_>) -> serde_json::Value {
    use serde_json::Value;
    match raw.kind {
        Kind::Null => Value::Null,
        Kind::Bool => Value::Bool(raw.text == "true"),
        Kind::String => Value::String(raw.as_str().map(|s| s.value().into_owned()).unwrap_or_default()),
        Kind::Number => {
            let integer = !raw.text.contains(['.', 'e', 'E']);
            match (raw.text.parse::<u64>(), raw.text.parse::<i64>()) {
                (Ok(n), _) if integer => n.into(),
                (_, Ok(n)) if integer => n.into(),
                _ => raw.as_f64().into(),
            }
        }
        Kind::Array => Value::Array(raw.elements().unwrap_or_default().iter().map(to_value).collect()),
        Kind::Object => {
            Value::Object(raw.members().unwrap_or_default().iter().map(|(k, v)| (k.value().into_owned(), to_value(v))).collect())
        }
    }
}

/// Index of the first byte at or after `i` that ends a plain stretch of a
/// string: a quote, a backslash or a control character (`b.len()` if none).
///
/// Eight bytes per step with plain integer arithmetic (SWAR): most strings
/// in a manifest are short keys and URLs, where memchr's setup costs more
/// than it saves, and this runs at the same speed in wasm, which has no
/// vector unit to dispatch to.
#[inline]
pub(crate) fn string_stop(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let quote = w ^ (ONES * b'"' as u64);
        let backslash = w ^ (ONES * b'\\' as u64);
        // (x - 1) & !x sets a byte's high bit where x is zero; a borrow can
        // only flag bytes above a true hit, so the lowest flag is exact.
        let hits = ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (w.wrapping_sub(ONES * 0x20) & !w)) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// How many characters `b` holds (UTF-8 continuation bytes don't count),
/// eight bytes per step: columns are counted over every byte of the file.
pub fn chars(b: &[u8]) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut continuations = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // 0b10xx_xxxx: the high bit set and the next one clear.
        continuations += (w & !(w << 1) & HIGH).count_ones() as u64;
    }
    continuations += words.remainder().iter().filter(|&&c| c & 0xC0 == 0x80).count() as u64;
    b.len() as u64 - continuations
}

/// [`chars`] of `b` when it holds no line break, in the same one pass that
/// looks for one; `None` when it does. Most rows are on one line: this
/// spares them a separate search for the last line break.
pub fn chars_on_line(b: &[u8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut continuations = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let nl = w ^ (ONES * b'\n' as u64);
        // A borrow only flags bytes above a true zero: any flag means one.
        if (nl.wrapping_sub(ONES) & !nl & HIGH) != 0 {
            return None;
        }
        continuations += (w & !(w << 1) & HIGH).count_ones() as u64;
    }
    let rest = words.remainder();
    if rest.contains(&b'\n') {
        return None;
    }
    continuations += rest.iter().filter(|&&c| c & 0xC0 == 0x80).count() as u64;
    Some(b.len() as u64 - continuations)
}

/// Decode the escapes of a string the cursor has already validated.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let (ch, used) = match rest.as_bytes()[i + 1] {
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let unit = u32::from_str_radix(&rest[i + 2..i + 6], 16).unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&unit) {
                    let low = u32::from_str_radix(&rest[i + 8..i + 12], 16).unwrap_or(0xDC00);
                    let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    (char::from_u32(code).unwrap_or('\u{FFFD}'), 12)
                } else {
                    (char::from_u32(unit).unwrap_or('\u{FFFD}'), 6)
                }
            }
            other => (other as char, 2),
        };
        out.push(ch);
        rest = &rest[i + used..];
    }
    out.push_str(rest);
    out
}

/// Copy a value's JSON text without insignificant whitespace, in runs
/// between the blanks: one pass of [`blank_or_quote`] and one copy for a
/// compact value, and no copy per token for a spaced one, such as a row
/// written with a space after every comma (most of it an embedding's
/// numbers).
pub fn write_compact(out: &mut Vec<u8>, json: &str) {
    let b = json.as_bytes();
    out.reserve(b.len());
    let (mut i, mut from) = (0, 0);
    loop {
        i = blank_or_quote(b, i);
        match b.get(i) {
            None => break,
            Some(b'"') => {
                i += 1;
                loop {
                    i = string_stop(b, i);
                    match b.get(i) {
                        Some(b'\\') => i += 2,
                        _ => break,
                    }
                }
                i += 1;
            }
            Some(_) => {
                out.extend_from_slice(&b[from..i]);
                i += 1;
                while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
                    i += 1;
                }
                from = i;
            }
        }
    }
    out.extend_from_slice(&b[from..]);
}

/// Index of the first quote or byte below `!` at or after `i` (`i` itself
/// when past the end): outside a string of valid JSON, the bytes below `!`
/// are its blanks. Eight bytes per step, as [`string_stop`].
#[inline]
fn blank_or_quote(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let quote = w ^ (ONES * b'"' as u64);
        let hits = ((quote.wrapping_sub(ONES) & !quote) | (w.wrapping_sub(ONES * 0x21) & !w)) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c <= b' ' {
            break;
        }
        i += 1;
    }
    i
}

/// Write `s` as a JSON string literal.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut start = 0;
    for (i, &c) in s.as_bytes().iter().enumerate() {
        let escape: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(text: &str) -> bool {
        let mut c = Cursor::new(text);
        c.value().and_then(|_| c.end()).is_ok()
    }

    #[test]
    fn agrees_with_serde_on_tricky_inputs() {
        let huge = format!("[{}]", "9".repeat(400));
        let cases = [
            r#"{"a":1}"#, r#"{"a":1,}"#, r#"[1,]"#, r#"[01]"#, r#"[-0.5e+3]"#, r#"[1.]"#,
            r#"["\ud83d\ude00"]"#, r#"["\ud83d"]"#, r#"["\udc00"]"#, r#"["\x"]"#, "[\"a\u{1}\"]",
            r#"{"a" 1}"#, r#"{1:2}"#, r#"[true, false, null]"#, r#"[tru]"#, r#"{"a":[1,{"b":[]}]}"#,
            r#"[1}"#, r#"{"a":1]"#, "[1e999]", "[-1e400]", "[1e-999]", &huge, "", "  ", r#""\u00e9""#, r#"-"#, r#"1e5"#, "[\"a\nb\"]",
        ];
        for case in cases {
            let serde_ok = serde_json::from_str::<serde_json::Value>(case).is_ok();
            assert_eq!(parses(case), serde_ok, "disagree on {case:?}");
        }
    }

    #[test]
    fn numbers_near_the_float_range_agree_with_serde() {
        let max = format!("{:.0}", f64::MAX);
        let mut cases = vec![
            max.clone(),
            format!("{max}.5"),
            format!("{}9", &max[..max.len() - 1]),
            format!("1{}", "0".repeat(308)),
            format!("1{}", "0".repeat(309)),
            format!("0.{}1e309", "0".repeat(5)),
            format!("-{}e1", "9".repeat(308)),
            "0.12345678901234567890123".to_string(),
            "1e00000000000000000000000000000000400".to_string(),
            "1e-00000000000000000000000000000000400".to_string(),
            "123456789.123456789012345678e300".to_string(),
            "0.000000000000000000000000000000000001e340".to_string(),
        ];
        for mantissa in ["1", "1.7976931348623157", "1.7976931348623158", "1.7976931348623159", "1.8", "17.976931348623157", "0.17976931348623157", "-1.8"] {
            for exponent in ["307", "308", "309", "+308", "0308", "-308", "-400"] {
                cases.push(format!("{mantissa}e{exponent}"));
                cases.push(format!("{mantissa}E{exponent}"));
            }
        }
        for case in cases {
            let serde_ok = serde_json::from_str::<serde_json::Value>(&case).is_ok();
            assert_eq!(parses(&case), serde_ok, "disagree on {case}");
        }
    }

    #[test]
    fn string_stop_finds_the_first_stop_byte_at_any_alignment() {
        let alphabet = [b'a', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, 0x00, b'\n', 0x21, 0x5d];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            let bytes: Vec<u8> = (0..len).map(|k| if (state >> (k % 60)) & 7 == 0 { alphabet[(state as usize >> (k % 50)) % alphabet.len()] } else { b'x' }).collect();
            for start in 0..=len {
                let naive = (start..len).find(|&k| matches!(bytes[k], b'"' | b'\\' | 0..=0x1f)).unwrap_or(len);
                assert_eq!(string_stop(&bytes, start), naive, "{bytes:?} from {start}");
            }
        }
    }

    #[test]
    fn chars_counts_characters_not_bytes() {
        for text in ["", "abc", "é", "naïve café 😀 ✓", &"ü".repeat(37), &"x😀".repeat(9)] {
            for start in 0..text.len().min(9) {
                if text.is_char_boundary(start) {
                    assert_eq!(chars(&text.as_bytes()[start..]), text[start..].chars().count() as u64, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn chars_on_line_counts_or_sees_the_line_break() {
        for text in ["", "abc", "naïve café 😀 ✓", &"ü".repeat(37), "a\n", &format!("{}\n{}", "x".repeat(9), "é".repeat(5)), &format!("{}\n", "é".repeat(8))] {
            for start in 0..text.len().min(11) {
                if text.is_char_boundary(start) {
                    let rest = &text[start..];
                    let expected = (!rest.contains('\n')).then(|| rest.chars().count() as u64);
                    assert_eq!(chars_on_line(rest.as_bytes()), expected, "{rest:?}");
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let err = Cursor::new(&deep).value().unwrap_err();
        assert_eq!(err.message, "nested deeper than 128 levels");
        let ok = "[".repeat(128) + &"]".repeat(128);
        assert!(parses(&ok));
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let text = r#"{"k":"plain","e":"a\nb\u00e9\ud83d\ude00"}"#;
        let mut seen = Vec::new();
        Cursor::new(text)
            .object(|c, key| {
                let s = c.string()?;
                seen.push((key.value().into_owned(), s.value(), s.json(text)));
                Ok(())
            })
            .unwrap();
        assert!(matches!(seen[0].1, Cow::Borrowed("plain")));
        assert_eq!(seen[1].1, "a\nbé😀");
        assert_eq!(seen[1].2, r#""a\nb\u00e9\ud83d\ude00""#);
    }

    #[test]
    fn offsets_point_at_values() {
        let text = "{ \"a\" : [ 1 , \"x\" ] }";
        let mut offsets = Vec::new();
        Cursor::new(text)
            .object(|c, _| {
                c.array(|c, _| {
                    offsets.push(c.offset());
                    c.value().map(|_| ())
                })
                .map(|_| ())
            })
            .unwrap();
        assert_eq!(offsets, vec![10, 14]);
    }

    #[test]
    fn compact_keeps_strings_intact() {
        let mut out = Vec::new();
        write_compact(&mut out, "{ \"a b\" : [ 1 , \"x \\\" y\" ] }");
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a b":[1,"x \" y"]}"#);
    }

    #[test]
    fn compact_equals_a_byte_by_byte_copy_at_any_spacing() {
        let tokens = ["{", "\"k\"", ":", "[", "1.5e-3", ",", "\"a \\\" \\\\\"", ",", "\"\\\\\"", ",", "\"ünï \\n\"", "]", ",", "\"b\"", ":", "null", "}"];
        let blanks = ["", " ", "\n", "\r\n", "\t ", "         "];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..5_000 {
            let mut text = String::new();
            for token in tokens {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(blanks[(state % blanks.len() as u64) as usize]);
                text.push_str(token);
            }
            text.push_str(blanks[(state >> 32) as usize % blanks.len()]);
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let (mut naive, mut in_string, mut escaped) = (Vec::new(), false, false);
            for &c in text.as_bytes() {
                if in_string || !c.is_ascii_whitespace() {
                    naive.push(c);
                }
                if in_string && !escaped && c == b'"' {
                    in_string = false;
                } else if !in_string && c == b'"' {
                    in_string = true;
                }
                escaped = in_string && !escaped && c == b'\\';
            }
            let mut out = Vec::new();
            write_compact(&mut out, &text);
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&naive), "{text:?}");
            assert_eq!(serde_json::from_slice::<serde_json::Value>(&out).unwrap(), value);
        }
    }

    #[test]
    fn written_strings_round_trip() {
        for s in ["plain", "quote\" back\\ nl\n tab\t ctl\u{1} é"] {
            let mut out = Vec::new();
            write_string(&mut out, s);
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
    }
}
