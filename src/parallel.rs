//! Per-row checks on a pool of threads (native builds only).
//!
//! The reader stays on the calling thread and cuts rows as before; rows are
//! copied into batches of about a megabyte, checked by the pool's threads
//! with the same [`RowRules`] the single-threaded path uses, and settled in
//! file order on the calling thread (duplicate keys, chunks, report). So
//! the results are identical to one thread's, and memory stays bounded:
//! at most two batches per thread are in flight.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use crate::checker::{InOrder, Outcome, RowRules, Runner};
use crate::reader::{Container, Span, SpanKind};
use crate::report::{Finding, Findings};

const BATCH_BYTES: usize = 1 << 20;
const BATCH_ROWS: usize = 4096;

struct SpanAt {
    start: usize,
    end: usize,
    index: u64,
    offset: u64,
    line: u64,
    column: u64,
    kind: SpanKind,
    container: Container,
}

struct Checked {
    outcome: Outcome,
    findings: Vec<Finding>,
    json_end: usize,
}

#[derive(Default)]
struct Batch {
    seq: u64,
    bytes: Vec<u8>,
    spans: Vec<SpanAt>,
    checked: Vec<Checked>,
    /// The normalized JSON of the batch's rows, end to end.
    json: Vec<u8>,
}

impl Batch {
    fn span(&self, at: &SpanAt) -> Span<'_> {
        Span {
            bytes: &self.bytes[at.start..at.end],
            index: at.index,
            offset: at.offset,
            line: at.line,
            column: at.column,
            kind: at.kind,
            container: at.container,
        }
    }

    fn check(&mut self, rules: &mut RowRules) {
        let mut checked = std::mem::take(&mut self.checked);
        for at in &self.spans {
            let outcome = rules.check(&self.span(at));
            self.json.extend_from_slice(&rules.row_json);
            checked.push(Checked { outcome, findings: std::mem::take(&mut rules.findings.list), json_end: self.json.len() });
        }
        self.checked = checked;
    }
}

type Done = (u64, std::thread::Result<Batch>);

pub(crate) struct Pool {
    jobs: Option<mpsc::Sender<Batch>>,
    done: mpsc::Receiver<Done>,
    threads: Vec<JoinHandle<()>>,
    filling: Batch,
    sent: u64,
    settled: u64,
    /// Checked batches that arrived before an earlier one.
    early: BTreeMap<u64, Batch>,
    limit: u64,
}

impl Pool {
    pub(crate) fn new(threads: usize, rules: RowRules) -> Pool {
        let (jobs, queue) = mpsc::channel::<Batch>();
        let queue = Arc::new(Mutex::new(queue));
        let (report, done) = mpsc::channel::<Done>();
        let threads = (0..threads)
            .map(|_| {
                let (queue, report, mut rules) = (Arc::clone(&queue), report.clone(), rules.for_another_thread());
                std::thread::spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next batch.
                        let next = queue.lock().map(|q| q.recv());
                        let Ok(Ok(mut batch)) = next else { return };
                        let seq = batch.seq;
                        // A bug in a check must surface as the panic it is,
                        // on the caller's thread, not as a wait forever.
                        let result = panic::catch_unwind(AssertUnwindSafe(|| {
                            batch.check(&mut rules);
                            batch
                        }));
                        let failed = result.is_err();
                        if report.send((seq, result)).is_err() || failed {
                            return;
                        }
                    }
                })
            })
            .collect::<Vec<_>>();
        let limit = 2 * threads.len() as u64;
        Pool { jobs: Some(jobs), done, threads, filling: Batch::default(), sent: 0, settled: 0, early: BTreeMap::new(), limit }
    }

    fn send(&mut self, order: &mut InOrder) {
        if self.sent - self.settled >= self.limit {
            self.settle_next(order);
        }
        let mut batch = std::mem::take(&mut self.filling);
        batch.seq = self.sent;
        self.sent += 1;
        self.jobs.as_ref().expect("open until dropped").send(batch).expect("the pool's threads run until it is dropped");
        // Settle whatever is ready, so chunks and the report keep flowing.
        while let Ok((seq, result)) = self.done.try_recv() {
            self.early.insert(seq, unwrap(result));
        }
        while self.early.contains_key(&self.settled) {
            self.settle_next(order);
        }
    }

    fn settle_next(&mut self, order: &mut InOrder) {
        let mut batch = loop {
            if let Some(batch) = self.early.remove(&self.settled) {
                break batch;
            }
            let (seq, result) = self.done.recv().expect("the pool's threads run until it is dropped");
            self.early.insert(seq, unwrap(result));
        };
        self.settled += 1;
        let mut findings = Findings::default();
        let mut json_start = 0;
        let checked = std::mem::take(&mut batch.checked);
        for (at, checked) in batch.spans.iter().zip(checked) {
            let span = batch.span(at);
            findings.list = checked.findings;
            order.settle(&span, checked.outcome, &mut findings, &batch.json[json_start..checked.json_end]);
            json_start = checked.json_end;
        }
    }
}

impl Runner for Pool {
    fn row(&mut self, span: Span<'_>, order: &mut InOrder) {
        let batch = &mut self.filling;
        let start = batch.bytes.len();
        batch.bytes.extend_from_slice(span.bytes);
        batch.spans.push(SpanAt {
            start,
            end: batch.bytes.len(),
            index: span.index,
            offset: span.offset,
            line: span.line,
            column: span.column,
            kind: span.kind,
            container: span.container,
        });
        if batch.bytes.len() >= BATCH_BYTES || batch.spans.len() >= BATCH_ROWS {
            self.send(order);
        }
    }

    fn drain(&mut self, order: &mut InOrder) {
        if !self.filling.spans.is_empty() {
            self.send(order);
        }
        while self.settled < self.sent {
            self.settle_next(order);
        }
    }
}

fn unwrap(result: std::thread::Result<Batch>) -> Batch {
    result.unwrap_or_else(|panic| panic::resume_unwind(panic))
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the queue ends every thread after its current batch.
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
