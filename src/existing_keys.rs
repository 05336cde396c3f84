//! `--existing-keys`: the organization's keys, read as they arrive (a
//! buffered file natively, pieces of a stream in wasm) and kept as 128-bit
//! hashes of their folded form, 16 bytes a key whatever its length, so that
//! an organization's 100,000,000 keys fit in 1.6 GB and none is held as text.
//!
//! A manifest key whose hash equals an existing key's is reported as
//! existing. With hashes behaving as random 128-bit values, the chance that
//! any of `m` manifest keys is taken for one of `n` existing keys it is not
//! is at most `m·n / 2^128`: for 10^8 keys of each, below 3·10^-23.

use std::hash::{BuildHasher, Hasher};

use hashbrown::DefaultHashBuilder;

use crate::global_key::fold;

/// The existing keys' hashes in buckets by their top bits, each sorted once
/// every key is in, then only read (a fix's two passes share them). Buckets
/// rather than one array: a list streamed in has no count to size it by,
/// and one array doubled as it fills would need its old and new copies at
/// once (in wasm, whose memory never shrinks, for good); a bucket grows by
/// a quarter at a time, one bucket at a time.
#[derive(Default)]
pub struct ExistingKeys {
    /// Empty until the first key, then [`BUCKETS`] of them.
    buckets: Vec<Vec<u128>>,
    hashers: [DefaultHashBuilder; 2],
}

const BUCKET_BITS: u32 = 10;
const BUCKETS: usize = 1 << BUCKET_BITS;

impl std::fmt::Debug for ExistingKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExistingKeys({})", self.buckets.iter().map(Vec::len).sum::<usize>())
    }
}

impl ExistingKeys {
    pub fn from_keys<S: AsRef<str>>(keys: impl IntoIterator<Item = S>) -> ExistingKeys {
        let mut existing = ExistingKeys::default();
        for key in keys {
            existing.insert(key.as_ref());
        }
        existing.sealed()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    fn insert(&mut self, key: &str) {
        let hash = self.hash(fold(key).as_bytes());
        if self.buckets.is_empty() {
            self.buckets.resize_with(BUCKETS, Vec::new);
        }
        let bucket = &mut self.buckets[bucket(hash)];
        if bucket.len() == bucket.capacity() {
            bucket.reserve_exact((bucket.len() / 4).max(4));
        }
        bucket.push(hash);
    }

    fn sealed(mut self) -> ExistingKeys {
        for bucket in &mut self.buckets {
            bucket.sort_unstable();
            bucket.dedup();
            bucket.shrink_to_fit();
        }
        self
    }

    /// Whether the key whose [`hash`](Self::hash) this is is one of them.
    pub fn contains(&self, hash: u128) -> bool {
        !self.buckets.is_empty() && self.buckets[bucket(hash)].binary_search(&hash).is_ok()
    }

    /// Two 64-bit hashes of `folded` (a key as [`fold`] leaves it) under
    /// independent random seeds, one 128-bit value: what the keys are kept
    /// as, and what the manifest's own index keys by, so that a manifest
    /// key is hashed once.
    pub fn hash(&self, folded: &[u8]) -> u128 {
        let [a, b] = &self.hashers;
        let mut high = a.build_hasher();
        high.write(folded);
        let mut low = b.build_hasher();
        low.write_u8(0xa5);
        low.write(folded);
        (u128::from(high.finish()) << 64) | u128::from(low.finish())
    }
}

fn bucket(hash: u128) -> usize {
    (hash >> (128 - BUCKET_BITS)) as usize
}

/// A key list read in pieces: one key per line (`\n` or `\r\n`; empty
/// lines are skipped), or a JSON array of strings. A line list streams; a
/// JSON array, which nobody writes at organization scale, is read whole.
#[derive(Default)]
pub struct KeyList {
    keys: ExistingKeys,
    /// Bytes not yet taken: the start until the format is known, a JSON
    /// array whole, or the line not yet ended.
    pending: Vec<u8>,
    format: Format,
    /// Offset in the file of `pending`'s first byte, for UTF-8 errors.
    offset: usize,
}

#[derive(Default, PartialEq)]
enum Format {
    #[default]
    Unknown,
    Lines,
    Json,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

impl KeyList {
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.pending.extend_from_slice(bytes);
        if self.format == Format::Unknown {
            match decide(&self.pending, false) {
                None => return Ok(()),
                Some(format) => self.start(format),
            }
        }
        if self.format == Format::Lines {
            self.take_lines()?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<ExistingKeys, String> {
        if self.format == Format::Unknown {
            let format = decide(&self.pending, true).expect("decided at the end");
            self.start(format);
        }
        match self.format {
            Format::Json => {
                let text = std::str::from_utf8(&self.pending).map_err(|e| format!("the key list is not UTF-8: {}", at(e, self.offset)))?;
                let keys = crate::json::string_array(text).map_err(|e| format!("the key list looks like JSON but is not an array of strings: {e}"))?;
                Ok(ExistingKeys::from_keys(keys))
            }
            _ => {
                self.take_lines()?;
                // The last line, with no line end: only a `\r` of its own goes.
                let line = std::mem::take(&mut self.pending);
                let text = std::str::from_utf8(&line).map_err(|e| format!("the key list is not UTF-8: {}", at(e, self.offset)))?;
                let key = text.strip_suffix('\r').unwrap_or(text);
                if !key.is_empty() {
                    self.keys.insert(key);
                }
                Ok(self.keys.sealed())
            }
        }
    }

    fn start(&mut self, format: Format) {
        if self.pending.starts_with(BOM) {
            self.pending.drain(..BOM.len());
            self.offset = BOM.len();
        }
        self.format = format;
    }

    /// Every ended line in `pending`.
    fn take_lines(&mut self) -> Result<(), String> {
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &self.pending[start..]) {
            // Validated with its line end, as the whole file would be.
            let line = &self.pending[start..start + end + 1];
            let text = std::str::from_utf8(line).map_err(|e| format!("the key list is not UTF-8: {}", at(e, self.offset + start)))?;
            let text = &text[..text.len() - 1];
            // The line end `\r\n`, then one `\r` of the key's own, as a
            // file read whole by lines and trimmed of one `\r` would give.
            let text = text.strip_suffix('\r').unwrap_or(text);
            let key = text.strip_suffix('\r').unwrap_or(text);
            if !key.is_empty() {
                self.keys.insert(key);
            }
            start += end + 1;
        }
        self.pending.drain(..start);
        self.offset += start;
        Ok(())
    }
}

/// A UTF-8 error's text, its index counted from the start of the file.
fn at(e: std::str::Utf8Error, offset: usize) -> String {
    let index = offset + e.valid_up_to();
    match e.error_len() {
        Some(n) => format!("invalid utf-8 sequence of {n} bytes from index {index}"),
        None => format!("incomplete utf-8 byte sequence from index {index}"),
    }
}

/// The format, once the first character that is not whitespace (after a
/// byte-order mark) is in: a `[` starts a JSON array. `None` until then,
/// unless the input has `ended`.
fn decide(head: &[u8], ended: bool) -> Option<Format> {
    if !ended && BOM.starts_with(head) {
        return None;
    }
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let (valid, broken) = match std::str::from_utf8(head) {
        Ok(text) => (text, false),
        Err(e) => (std::str::from_utf8(&head[..e.valid_up_to()]).expect("valid up to there"), e.error_len().is_some()),
    };
    match valid.trim_start().chars().next() {
        Some(c) => Some(if c == '[' { Format::Json } else { Format::Lines }),
        None if ended || broken => Some(Format::Lines),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folded keys a list holds, by asking for each candidate.
    fn read(bytes: &[u8], piece: usize) -> Result<ExistingKeys, String> {
        let mut list = KeyList::default();
        for part in bytes.chunks(piece.max(1)) {
            list.push(part)?;
        }
        list.finish()
    }

    #[test]
    fn lines_and_json_in_any_pieces() {
        let cases: [(&[u8], &[&str], &[&str]); 5] = [
            (b"a\r\nB\n\nc\r", &["a", "b", "c"], &["", "c\r"]),
            (b"\xef\xbb\xbf  x\n[y\n", &["  x", "[y"], &["x", "\u{feff}  x"]),
            (b"\xef\xbb\xbf \n [\"K1\", \"k2\"]", &["k1", "k2"], &["[\"k1\""]),
            (b"d\r\r\ne\r\r", &["d", "e\r"], &["d\r", "e"]),
            (b"", &[], &[""]),
        ];
        for (bytes, present, absent) in cases {
            for piece in [1, 2, 3, 5, usize::MAX] {
                let keys = read(bytes, piece).unwrap();
                for key in present {
                    assert!(keys.contains(keys.hash(fold(key).as_bytes())), "{bytes:?} in pieces of {piece}: {key:?}");
                }
                for key in absent {
                    assert!(!keys.contains(keys.hash(fold(key).as_bytes())), "{bytes:?} in pieces of {piece}: {key:?}");
                }
            }
        }
    }

    #[test]
    fn a_long_list_grows_with_little_room_to_spare() {
        let mut list = KeyList::default();
        let text: String = (0..200_000).map(|i| format!("Key-{i}\n")).collect();
        for part in text.as_bytes().chunks(4096) {
            list.push(part).unwrap();
        }
        let held: usize = list.keys.buckets.iter().map(Vec::capacity).sum();
        assert!(held <= 200_000 * 5 / 4 + BUCKETS * 4, "{held} slots for 200000 keys");
        let keys = list.finish().unwrap();
        assert!((0..200_000).step_by(997).all(|i| keys.contains(keys.hash(format!("key-{i}").as_bytes()))));
        assert!(!keys.contains(keys.hash(b"key-200000")));
    }

    #[test]
    fn errors_name_the_offset_in_the_file() {
        for piece in [1, 4, usize::MAX] {
            let error = read(b"ok\nbad\xff\n", piece).err().unwrap();
            assert_eq!(error, "the key list is not UTF-8: invalid utf-8 sequence of 1 bytes from index 6");
            let error = read(b"ok\nend\xc3", piece).err().unwrap();
            assert_eq!(error, "the key list is not UTF-8: incomplete utf-8 byte sequence from index 6");
            assert!(read(b" [1]", piece).err().unwrap().starts_with("the key list looks like JSON but is not an array of strings"));
        }
    }
}
