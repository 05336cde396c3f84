//! Chunk planning: valid rows, in manifest order, packed greedily into JSON
//! arrays that respect the platform's row and byte limits; and what `split`
//! writes them to. Every surface takes the limits, their defaults and the
//! file names from here.

use std::collections::VecDeque;

use crate::report::ChunkInfo;

/// Rows per chunk by default.
pub const MAX_ROWS: u64 = 150_000;
/// Rows per chunk by default once any row of the chunk has metadata.
pub const MAX_ROWS_WITH_METADATA: u64 = 30_000;
/// Bytes of JSON per chunk by default.
pub const MAX_BYTES: u64 = 10_000_000;
/// The smallest row limit a caller may set.
pub const MIN_ROWS: u64 = 1;
/// The smallest byte limit a caller may set: `[`, one byte of row, `]`.
pub const MIN_BYTES: u64 = 3;

/// `n` with its thousands grouped by commas (150,000), as messages and help write limits.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What `split` writes into its directory: chunk `index` (0-based) as
/// `chunk-0001.json` onwards, in manifest order, then [`REPORT_FILE`].
pub fn chunk_file_name(index: u64) -> String {
    format!("chunk-{:04}.json", index + 1)
}

/// Added to a chunk file's name while the input is still being read: a
/// chunk gets its own name only once the whole file proved sound, so an
/// interrupted or failed split never leaves files that look complete.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// The report `split` writes beside the chunks.
pub const REPORT_FILE: &str = "report.json";

/// Why `split` refuses the output directory `dir`, if it does: it must be
/// new or empty, so old chunks never mix with new ones.
pub fn out_dir_refusal(dir: &str, empty: bool) -> Option<String> {
    (!empty).then(|| format!("the output directory {dir} is not empty; remove it or choose another, so old chunks cannot mix with new ones"))
}

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
    /// The limits a caller asked for (`None`: the default), refused when
    /// no chunk could hold a row.
    pub fn new(max_rows: Option<u64>, max_bytes: Option<u64>) -> Result<Limits, String> {
        if let Some(rows) = max_rows.filter(|&rows| rows < MIN_ROWS) {
            return Err(format!("rows per chunk must be at least {MIN_ROWS}, not {rows}"));
        }
        let max_bytes = max_bytes.unwrap_or(MAX_BYTES);
        if max_bytes < MIN_BYTES {
            return Err(format!("bytes per chunk must be at least {MIN_BYTES} (a row and the brackets around it), not {max_bytes}"));
        }
        Ok(Limits { max_rows, max_bytes })
    }

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
    fn limits_names_and_numbers() {
        assert_eq!(Limits::new(None, None), Ok(Limits::default()));
        assert_eq!(Limits::new(Some(MIN_ROWS), Some(MIN_BYTES)), Ok(Limits { max_rows: Some(1), max_bytes: 3 }));
        assert!(Limits::new(Some(0), None).unwrap_err().contains("at least 1, not 0"));
        assert!(Limits::new(None, Some(2)).unwrap_err().contains("at least 3"));
        assert_eq!((chunk_file_name(0), chunk_file_name(9_999), chunk_file_name(10_000)), ("chunk-0001.json".into(), "chunk-10000.json".into(), "chunk-10001.json".into()));
        assert_eq!([grouped(0), grouped(999), grouped(30_000), grouped(10_000_000)], ["0", "999", "30,000", "10,000,000"]);
        assert!(out_dir_refusal("out", true).is_none());
        assert!(out_dir_refusal("out", false).unwrap().starts_with("the output directory out is not empty"));
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
