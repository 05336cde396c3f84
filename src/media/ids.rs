//! The ids of one conversation (message ids, actor ids), numbered in the
//! order they first appear.
//!
//! One set is kept per row checker and refilled for every row: its storage
//! stays allocated, so a warm set allocates nothing, and each look-up is
//! one hash probe however many ids the row holds.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

#[derive(Default)]
pub(crate) struct Ids {
    /// Every id, back to back.
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
    /// Indexes into `ends`, by the hash of the id.
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

fn name_in<'t>(text: &'t str, ends: &[usize], i: u32) -> &'t str {
    let i = i as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &text[start..ends[i]]
}

impl Ids {
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.table.clear();
    }

    /// The id numbered `i`.
    pub fn name(&self, i: u32) -> &str {
        name_in(&self.text, &self.ends, i)
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&i| name_in(&self.text, &self.ends, i) == id).copied()
    }

    /// The number of `id`: `Ok` when it is new, `Err` with the number it
    /// got when it first appeared.
    pub fn insert(&mut self, id: &str) -> Result<u32, u32> {
        let hash = self.hasher.hash_one(id);
        let Ids { text, ends, table, hasher } = self;
        if let Some(&i) = table.find(hash, |&i| name_in(text, ends, i) == id) {
            return Err(i);
        }
        let i = ends.len() as u32;
        text.push_str(id);
        ends.push(text.len());
        table.insert_unique(hash, i, |&j| hasher.hash_one(name_in(text, ends, j)));
        Ok(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_ids_in_order_and_finds_repeats() {
        let mut ids = Ids::default();
        for round in 0..2 {
            ids.clear();
            for i in 0..10_000u32 {
                assert_eq!(ids.insert(&format!("m{i}")), Ok(i), "round {round}");
            }
            assert_eq!(ids.insert("m42"), Err(42));
            assert_eq!(ids.insert(""), Ok(10_000));
            assert_eq!(ids.get("m9999"), Some(9999));
            assert_eq!(ids.get("m10000"), None);
            assert_eq!(ids.name(7), "m7");
        }
    }
}
