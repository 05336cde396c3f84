//! Global-key rules and the index that finds duplicates.

use std::borrow::Cow;
use std::sync::Arc;

use hashbrown::HashTable;

use crate::existing_keys::ExistingKeys;
use crate::report::{Code, Edit, Findings, Severity, quote};

pub const MAX_CHARS: usize = 200;

/// Characters the platform documents for keys; others only warn. A table,
/// because every character of every key is looked up.
const RECOMMENDED: [bool; 128] = {
    let mut table = [false; 128];
    let mut c = 0;
    while c < 128 {
        table[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let extra = b" !_.*'()&$@=;/:+,?-";
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
};

fn recommended(c: char) -> bool {
    (c as u32) < 128 && RECOMMENDED[c as usize]
}

/// Per-key rules that need no other row.
pub fn check(key: &str, strict: bool, offset: u32, findings: &mut Findings) {
    const P: &str = "/global_key";
    if key.is_empty() {
        findings.error(Code::GLOBAL_KEY_EMPTY, P, offset, "global_key is an empty string; give a unique key or leave the field out".into());
        return;
    }
    let chars = if key.len() <= MAX_CHARS { key.len() } else { key.chars().count() };
    if chars > MAX_CHARS {
        findings.error(
            Code::GLOBAL_KEY_LENGTH,
            P,
            offset,
            format!("global_key {} is {chars} characters long; the limit is {MAX_CHARS}", quote(key)),
        );
    }
    let trimmed = key.trim() != key;
    let doubled = consecutive_whitespace(key);
    if trimmed || doubled {
        let what = match (trimmed, doubled) {
            (true, false) => "leading or trailing whitespace",
            (false, true) => "consecutive whitespace",
            _ => "leading or trailing and consecutive whitespace",
        };
        findings.error(Code::GLOBAL_KEY_WHITESPACE, P, offset, format!("global_key {} has {what}, which the platform refuses; remove it", quote(key)));
        let fixed = key.split_whitespace().collect::<Vec<_>>().join(" ");
        if !fixed.is_empty() {
            findings.fix(Edit::string(offset, &fixed));
        }
    }
    if let Some(bad) = key.chars().find(|&c| !recommended(c)) {
        let severity = if strict { Severity::Error } else { Severity::Warning };
        findings.push(
            Code::GLOBAL_KEY_CHARS,
            severity,
            P,
            offset,
            format!(
                "global_key {} contains {:?}, outside the documented characters A-Z a-z 0-9 space ! _ . * ' ( ) & $ @ = ; / : + , ? -; the platform may store \"_\" in its place",
                quote(key),
                bad
            ),
        );
        let sanitized: String = key.chars().map(|c| if recommended(c) { c } else { '_' }).collect();
        findings.fix(Edit::string(offset, &sanitized));
    }
}

/// Two whitespace characters in a row anywhere in the key: the platform
/// refuses `"global  key"`.
fn consecutive_whitespace(key: &str) -> bool {
    // Most keys hold neither ASCII whitespace nor anything beyond ASCII.
    if !key.bytes().any(|b| b <= b' ' || b >= 0x80) {
        return false;
    }
    let mut previous = false;
    key.chars().any(|c| {
        let space = c.is_whitespace();
        let twice = space && previous;
        previous = space;
        twice
    })
}

/// Keys compare case-insensitively.
pub fn fold(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        Cow::Owned(key.to_lowercase())
    } else {
        Cow::Borrowed(key)
    }
}

/// Every folded manifest key seen so far, kept as its 128-bit hash (the
/// one [`ExistingKeys::hash`] makes, so a key is hashed once for both
/// lookups) and the row it was first seen at. Each entry is 16 bytes,
/// whatever the key's length: the top [`SHARD_BITS`] of the hash pick a
/// shard, and the entry holds 96 of the remaining bits and the row. Shards,
/// each growing on its own, so that the old and new tables of a growth are
/// never the whole index twice.
///
/// Two different keys are taken for one only when their hashes agree on
/// those 106 bits: with hashes behaving as random values, the probability
/// that any false `GLOBAL_KEY_DUPLICATE` is reported among `m` keys is at
/// most `m² / 2^107`, below 10^-16 for 10^8 keys.
#[derive(Default)]
pub struct KeyIndex {
    existing: Arc<ExistingKeys>,
    /// Empty until the first key, then [`SHARDS`] of them.
    shards: Vec<HashTable<Entry>>,
}

const SHARD_BITS: u32 = 10;
const SHARDS: usize = 1 << SHARD_BITS;

/// A key's hash bits below the shard's, and its first row.
#[derive(Clone, Copy)]
struct Entry {
    /// Bits 64..96 of the hash, then 0..64 (the table's own hash) in two halves.
    bits: [u32; 3],
    row: u32,
}

impl Entry {
    fn new(hash: u128, row: u32) -> Entry {
        Entry { bits: [(hash >> 64) as u32, hash as u32, (hash >> 32) as u32], row }
    }

    /// The hash the shard's table places the entry by.
    fn place(&self) -> u64 {
        u64::from(self.bits[1]) | (u64::from(self.bits[2]) << 32)
    }
}

pub enum Seen {
    New,
    /// Already in the manifest, first at this row.
    Duplicate(u64),
    /// In the organization's existing keys.
    Exists,
}

impl KeyIndex {
    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(HashTable::len).sum()
    }

    pub fn new(existing: Arc<ExistingKeys>) -> KeyIndex {
        KeyIndex { existing, shards: Vec::new() }
    }

    /// Record a manifest key at `row`, telling whether it was seen before.
    /// An existing key is not recorded: every row with it is told so.
    pub fn see(&mut self, key: &str, row: u64) -> Seen {
        let hash = self.existing.hash(fold(key).as_bytes());
        if self.existing.contains(hash) {
            return Seen::Exists;
        }
        if self.shards.is_empty() {
            self.shards.resize_with(SHARDS, HashTable::new);
        }
        let entry = Entry::new(hash, u32::try_from(row).unwrap_or(u32::MAX));
        let shard = &mut self.shards[shard(hash)];
        match shard.find(entry.place(), |e| e.bits == entry.bits) {
            Some(first) => Seen::Duplicate(u64::from(first.row)),
            None => {
                shard.insert_unique(entry.place(), entry, Entry::place);
                Seen::New
            }
        }
    }

    /// Is the key (compared case-insensitively) an existing key, or already recorded?
    pub fn contains(&self, key: &str) -> bool {
        let hash = self.existing.hash(fold(key).as_bytes());
        if self.existing.contains(hash) {
            return true;
        }
        let entry = Entry::new(hash, 0);
        !self.shards.is_empty() && self.shards[shard(hash)].find(entry.place(), |e| e.bits == entry.bits).is_some()
    }
}

fn shard(hash: u128) -> usize {
    (hash >> (128 - SHARD_BITS)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(key: &str, strict: bool) -> Vec<(Code, Severity)> {
        let mut f = Findings::default();
        check(key, strict, 0, &mut f);
        f.list.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn rules() {
        assert!(codes("https://a.example/x-1_2.jpg?v=1", false).is_empty());
        assert_eq!(codes("", false), vec![(Code::GLOBAL_KEY_EMPTY, Severity::Error)]);
        assert_eq!(codes(" k", false), vec![(Code::GLOBAL_KEY_WHITESPACE, Severity::Error)]);
        assert_eq!(codes("global  key", false), vec![(Code::GLOBAL_KEY_WHITESPACE, Severity::Error)]);
        assert_eq!(codes("global key", false), vec![]);
        assert_eq!(codes(" a  b ", false), vec![(Code::GLOBAL_KEY_WHITESPACE, Severity::Error)]);
        assert_eq!(codes(&"k".repeat(201), false), vec![(Code::GLOBAL_KEY_LENGTH, Severity::Error)]);
        assert!(codes(&"é".repeat(200), false).iter().all(|(c, _)| *c == Code::GLOBAL_KEY_CHARS));
        assert_eq!(codes("a{z}", false), vec![(Code::GLOBAL_KEY_CHARS, Severity::Warning)]);
        assert_eq!(codes("a{z}", true), vec![(Code::GLOBAL_KEY_CHARS, Severity::Error)]);
    }

    #[test]
    fn suggestions_fix_what_is_reported() {
        let suggestion = |key: &str| {
            let mut f = Findings::default();
            check(key, false, 0, &mut f);
            f.list.iter().map(|f| f.suggestion.clone().unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(suggestion(" global  key "), vec!["global key".to_string()]);
        assert_eq!(suggestion("tile{z}"), vec!["tile_z_".to_string()]);
    }

    #[test]
    fn index_is_case_insensitive() {
        let mut index = KeyIndex::new(Arc::new(ExistingKeys::from_keys(["Taken"])));
        assert!(matches!(index.see("a", 0), Seen::New));
        assert!(matches!(index.see("A", 5), Seen::Duplicate(0)));
        assert!(matches!(index.see("TAKEN", 6), Seen::Exists));
        assert!(matches!(index.see("taken", 7), Seen::Exists));
        assert!(matches!(index.see("Ä", 7), Seen::New));
        assert!(matches!(index.see("ä", 8), Seen::Duplicate(7)));
        for i in 0..10_000u64 {
            assert!(matches!(index.see(&format!("key-{i}"), i + 10), Seen::New));
        }
        assert!(matches!(index.see("KEY-9999", 1), Seen::Duplicate(10009)));
        assert!(index.contains("taken") && index.contains("Ä") && !index.contains("key-10000"));
        assert_eq!(index.len(), 10_002);
        // What a key costs in the index, whatever its length.
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }
}
