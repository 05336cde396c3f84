//! Global-key rules and the index that finds duplicates.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;
use hashbrown::DefaultHashBuilder;

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

/// Every folded manifest key seen so far, each stored once in one arena as
/// `[first row: u32][length: u32][bytes]`; the hash table holds only each
/// entry's arena offset. That is about 17 bytes plus the key per entry,
/// the only state that grows with the file. Hash hits are confirmed by
/// comparing the stored key, so a duplicate is never reported falsely nor
/// missed. The organization's keys are looked up apart, in their hashes.
#[derive(Default)]
pub struct KeyIndex {
    existing: Arc<ExistingKeys>,
    table: HashTable<u64>,
    arena: Vec<u8>,
    hasher: DefaultHashBuilder,
}

const HEADER: usize = 8;

fn word(arena: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(arena[at..at + 4].try_into().expect("four bytes"))
}

fn stored_key(arena: &[u8], entry: u64) -> &[u8] {
    let at = entry as usize;
    &arena[at + HEADER..at + HEADER + word(arena, at + 4) as usize]
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
        self.table.len()
    }

    pub fn new(existing: Arc<ExistingKeys>) -> KeyIndex {
        KeyIndex { existing, ..KeyIndex::default() }
    }

    /// Record a manifest key at `row`, telling whether it was seen before.
    /// An existing key is not recorded: every row with it is told so.
    pub fn see(&mut self, key: &str, row: u64) -> Seen {
        let folded = fold(key);
        if self.existing.contains(folded.as_bytes()) {
            return Seen::Exists;
        }
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        match self.lookup_or_insert(folded.as_bytes(), row) {
            None => Seen::New,
            Some(first) => Seen::Duplicate(first as u64),
        }
    }

    /// Is the key (compared case-insensitively) an existing key, or already recorded?
    pub fn contains(&self, key: &str) -> bool {
        let folded = fold(key);
        let key = folded.as_bytes();
        let arena = &self.arena;
        self.existing.contains(key) || self.table.find(self.hasher.hash_one(key), |&entry| stored_key(arena, entry) == key).is_some()
    }

    fn lookup_or_insert(&mut self, key: &[u8], row: u32) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        let arena = &self.arena;
        if let Some(&entry) = self.table.find(hash, |&entry| stored_key(arena, entry) == key) {
            return Some(word(arena, entry as usize));
        }
        let entry = self.arena.len() as u64;
        // A key of 4 GiB or more is already a GLOBAL_KEY_LENGTH error many
        // times over; it is not worth a wider header on every entry.
        let Ok(len) = u32::try_from(key.len()) else { return None };
        self.arena.extend_from_slice(&row.to_le_bytes());
        self.arena.extend_from_slice(&len.to_le_bytes());
        self.arena.extend_from_slice(key);
        let (arena, hasher) = (&self.arena, &self.hasher);
        self.table.insert_unique(hash, entry, |&entry| hasher.hash_one(stored_key(arena, entry)));
        None
    }
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
    fn index_is_exact_and_case_insensitive() {
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
    }
}
