//! Chunk planning (SPEC §7): valid rows, in manifest order, packed greedily
//! into JSON arrays that respect the platform's row and byte limits.

use std::collections::VecDeque;

use crate::report::ChunkInfo;

pub const MAX_ROWS: u64 = 150_000;
pub const MAX_ROWS_WITH_METADATA: u64 = 30_000;
pub const MAX_BYTES: u64 = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Overrides both row limits when set.
    pub max_rows: Option<u64>,
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_rows: None, max_bytes: MAX_BYTES }
    }
}

impl Limits {
    fn rows(&self, has_metadata: bool) -> u64 {
        self.max_rows.unwrap_or(if has_metadata { MAX_ROWS_WITH_METADATA } else { MAX_ROWS })
    }

    /// Can this row travel at all? A chunk adds `[` and `]` around it.
    pub fn fits_alone(&self, row_bytes: usize) -> bool {
        row_bytes as u64 + 2 <= self.max_bytes
    }
}

/// A finished chunk: `[row,row,…]`, the body the uploader sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub info: ChunkInfo,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
struct Open {
    info: ChunkInfo,
    has_metadata: bool,
}

#[derive(Debug)]
pub struct Chunker {
    limits: Limits,
    open: Option<Open>,
    /// Bytes of the open chunk, kept only when the caller wants chunk bodies.
    body: Option<Vec<u8>>,
    ready: VecDeque<Chunk>,
    planned: Vec<ChunkInfo>,
}

impl Chunker {
    pub fn new(limits: Limits, keep_bytes: bool) -> Self {
        Chunker { limits, open: None, body: keep_bytes.then(Vec::new), ready: VecDeque::new(), planned: Vec::new() }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Add one valid row's normalized JSON (which must fit alone).
    pub fn add(&mut self, row: u64, json: &[u8], has_metadata: bool) {
        let len = json.len() as u64;
        if let Some(open) = &mut self.open {
            let rows = open.info.rows + 1;
            let bytes = open.info.bytes + 1 + len;
            let with_metadata = open.has_metadata || has_metadata;
            if rows <= self.limits.rows(with_metadata) && bytes <= self.limits.max_bytes {
                open.info.rows = rows;
                open.info.bytes = bytes;
                open.has_metadata = with_metadata;
                if let Some(body) = &mut self.body {
                    body.push(b',');
                    body.extend_from_slice(json);
                }
                return;
            }
            self.close();
        }
        let index = self.planned.len() as u64;
        self.open = Some(Open { info: ChunkInfo { index, first_row: row, rows: 1, bytes: len + 2 }, has_metadata });
        if let Some(body) = &mut self.body {
            body.clear();
            body.push(b'[');
            body.extend_from_slice(json);
        }
    }

    fn close(&mut self) {
        let Some(open) = self.open.take() else { return };
        self.planned.push(open.info);
        if let Some(body) = &mut self.body {
            body.push(b']');
            debug_assert_eq!(body.len() as u64, open.info.bytes);
            self.ready.push_back(Chunk { info: open.info, bytes: std::mem::take(body) });
        }
    }

    /// Forget every chunk, planned, ready or open: the rows they hold are
    /// not a manifest that can be uploaded.
    pub fn discard(&mut self) {
        self.open = None;
        self.ready.clear();
        self.planned.clear();
    }

    /// Close the last chunk; call once the input has ended.
    pub fn finish(&mut self) {
        self.close();
    }

    /// The next chunk whose body is complete, oldest first.
    pub fn take_ready(&mut self) -> Option<Chunk> {
        self.ready.pop_front()
    }

    pub fn planned(&self) -> &[ChunkInfo] {
        &self.planned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(rows: &[(usize, bool)], limits: Limits) -> Vec<(u64, u64, u64)> {
        let mut c = Chunker::new(limits, true);
        for (i, &(len, md)) in rows.iter().enumerate() {
            c.add(i as u64, &vec![b'1'; len], md);
        }
        c.finish();
        let mut out = Vec::new();
        while let Some(chunk) = c.take_ready() {
            assert_eq!(chunk.bytes.len() as u64, chunk.info.bytes);
            assert!(chunk.info.bytes <= limits.max_bytes);
            out.push((chunk.info.first_row, chunk.info.rows, chunk.info.bytes));
        }
        out
    }

    #[test]
    fn byte_limit_counts_brackets_and_commas() {
        // [1111,2222] is 11 bytes.
        let limits = Limits { max_rows: None, max_bytes: 11 };
        assert_eq!(plan(&[(4, false), (4, false), (4, false)], limits), vec![(0, 2, 11), (2, 1, 6)]);
    }

    #[test]
    fn metadata_lowers_the_row_limit() {
        let limits = Limits::default();
        let mut rows = vec![(1, false); 40_000];
        rows.push((1, true));
        let chunks = plan(&rows, limits);
        assert_eq!(chunks.iter().map(|c| c.1).collect::<Vec<_>>(), vec![40_000, 1]);
        let rows = vec![(1, true); 30_001];
        assert_eq!(plan(&rows, limits).iter().map(|c| c.1).collect::<Vec<_>>(), vec![30_000, 1]);
        let limits = Limits { max_rows: Some(7), ..Limits::default() };
        assert_eq!(plan(&vec![(1, true); 15], limits).iter().map(|c| c.1).collect::<Vec<_>>(), vec![7, 7, 1]);
    }
}
