//! The native command line: flags and I/O only; every rule is in the library.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::ArgMatches;
use rowcheck::{Checker, ExistingKeys, KeyList, Limits, Ontology, Options, PARTIAL_SUFFIX, REPORT_FILE, Report, UserSchema, chunk_file_name, cli, out_dir_refusal};

/// What every checking command takes, read from its matches.
struct Common {
    json: bool,
    strict: bool,
    verbose: bool,
    existing_keys: Option<PathBuf>,
    ontology: Option<PathBuf>,
    schema: Option<PathBuf>,
    max_rows: Option<u64>,
    max_bytes: u64,
    threads: Option<u64>,
    now: Option<i64>,
    signed_url_min_days: u32,
}

impl Common {
    fn from(m: &ArgMatches) -> Common {
        Common {
            json: m.get_one::<String>("format").is_some_and(|f| f == "json"),
            strict: m.get_flag("strict"),
            verbose: m.get_flag("verbose"),
            existing_keys: m.get_one::<PathBuf>("existing-keys").cloned(),
            ontology: m.get_one::<PathBuf>("ontology").cloned(),
            schema: m.get_one::<PathBuf>("schema").cloned(),
            max_rows: m.get_one::<u64>("max-rows").copied(),
            max_bytes: *m.get_one::<u64>("max-bytes").expect("it has a default"),
            threads: m.get_one::<u64>("threads").copied(),
            now: m.get_one::<i64>("now").copied(),
            signed_url_min_days: m.get_one::<u64>("signed-url-min-days").map_or(rowcheck::DEFAULT_MIN_DAYS, |&d| d.min(u32::MAX as u64) as u32),
        }
    }
}

/// A failure that is the caller's or the system's, not the manifest's.
struct Fatal(String);

impl From<String> for Fatal {
    fn from(s: String) -> Self {
        Fatal(s)
    }
}

fn main() -> ExitCode {
    // Sending and serving need the npm package's uploader and page; point
    // there rather than fail on their flags.
    if let Some(name) = std::env::args().nth(1) {
        if cli::spec().commands.iter().any(|c| !c.native && c.name == name) {
            eprintln!(
                "rowcheck: {name} is a command of the npm package's rowcheck (npx rowcheck {name} …), which has the uploader, \
                 the asset prober and the checker page; this binary checks, splits and normalizes without the network"
            );
            return ExitCode::from(2);
        }
    }
    let matches = cli::clap_command().get_matches();
    let (name, m) = matches.subcommand().expect("a subcommand is required");
    match run(name, m) {
        Ok(report) if report.has_errors() => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(Fatal(message)) => {
            eprintln!("rowcheck: {message}");
            ExitCode::from(2)
        }
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn read_option_file(path: &Path, what: &str) -> Result<Vec<u8>, Fatal> {
    fs::read(path).map_err(|e| Fatal(format!("cannot read the {what} file {}: {e}", path.display())))
}

/// `--existing-keys`, read through a buffer into the index: an
/// organization's key list can be larger than the memory it is worth.
fn read_key_list(path: &Path) -> Result<ExistingKeys, Fatal> {
    let unreadable = |e: io::Error| Fatal(format!("cannot read the existing-keys file {}: {e}", path.display()));
    let mut file = File::open(path).map_err(unreadable)?;
    let mut list = KeyList::default();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(e)),
        };
        list.push(&buffer[..n]).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(list.finish().map_err(|e| format!("{}: {e}", path.display()))?)
}

fn options(common: &Common, emit_chunks: bool, emit_normalized: bool) -> Result<Options, Fatal> {
    let existing_keys = match &common.existing_keys {
        Some(p) => read_key_list(p)?,
        None => ExistingKeys::default(),
    };
    let ontology = match &common.ontology {
        Some(p) => Some(Ontology::from_json(&read_option_file(p, "ontology")?).map_err(|e| format!("{}: {e}", p.display()))?),
        None => None,
    };
    let schema = match &common.schema {
        Some(p) => Some(UserSchema::from_json(&read_option_file(p, "schema")?).map_err(|e| format!("{}: {e}", p.display()))?),
        None => None,
    };
    Ok(Options {
        strict: common.strict,
        existing_keys,
        ontology,
        schema,
        limits: Limits::new(common.max_rows, Some(common.max_bytes))?,
        emit_chunks,
        emit_normalized,
        emit_fixed: false,
        threads: common.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize),
        now: Some(common.now.unwrap_or_else(system_now)),
        signed_url_min_days: Some(common.signed_url_min_days),
        collect_assets: false,
        verbose: common.verbose,
    })
}

fn run(name: &str, m: &ArgMatches) -> Result<Report, Fatal> {
    let file = m.get_one::<PathBuf>("file").expect("a required argument").clone();
    let common = Common::from(m);
    match name {
        "check" => {
            let mut checker = Checker::new(options(&common, false, false)?);
            feed(&file, &mut checker, |_| Ok(()))?;
            print_report(&mut io::stdout(), checker.report(), &shown(&file), common.json)?;
            Ok(checker.into_report())
        }
        "split" => {
            let out = m.get_one::<PathBuf>("out").expect("a required argument").clone();
            prepare_out_dir(&out)?;
            let mut checker = Checker::new(options(&common, true, false)?);
            let mut written = Vec::new();
            feed(&file, &mut checker, |c| write_chunks(c, &out, &mut written))?;
            write_chunks(&mut checker, &out, &mut written)?;
            let report = checker.into_report();
            finish_chunks(&out, &written, report.file_failed())?;
            let report_path = out.join(REPORT_FILE);
            fs::write(&report_path, report.to_json() + "\n")
                .map_err(|e| Fatal(format!("cannot write {}: {e}", report_path.display())))?;
            print_report(&mut io::stdout(), &report, &shown(&file), common.json)?;
            if report.file_failed() {
                eprintln!("rowcheck: no chunks written: the file itself has errors (see above)");
            }
            Ok(report)
        }
        _ => {
            // normalize, or fix: the same pass, writing one manifest or the other.
            let fixing = name == "fix";
            let output = m.get_one::<PathBuf>("output");
            let options = options(&common, false, !fixing)?;
            let mut checker = Checker::new(Options { emit_fixed: fixing, ..options });
            let take = if fixing { Checker::take_fixed } else { Checker::take_normalized };
            let mut written = Vec::new();
            feed(&file, &mut checker, |c| {
                written.extend_from_slice(&take(c));
                Ok(())
            })?;
            written.extend_from_slice(&take(&mut checker));
            let report = checker.into_report();
            // A fix's report is the output's, so its positions are there; a
            // file that failed has no output, and its report is the input's.
            let name = match output {
                _ if !fixing || report.file_failed() => shown(&file),
                Some(path) => path.display().to_string(),
                None => "<stdout>".to_string(),
            };
            print_report(&mut io::stderr(), &report, &name, common.json)?;
            write_output(&report, output, &written, if fixing { "fixed" } else { "normalized" })?;
            Ok(report)
        }
    }
}

/// Write a manifest made from the input to `output` or standard output:
/// nothing, and say so, when the input could not be read to its end (it
/// has no faithful normalized or fixed form, only part of one).
fn write_output(report: &Report, output: Option<&PathBuf>, bytes: &[u8], what: &str) -> Result<(), Fatal> {
    if report.file_failed() {
        eprintln!("rowcheck: not writing a {what} manifest: the file itself has errors (see above)");
        return Ok(());
    }
    let written = match output {
        Some(path) => fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => io::stdout().write_all(bytes).map_err(|e| format!("cannot write to standard output: {e}")),
    };
    Ok(written?)
}

fn prepare_out_dir(out: &Path) -> Result<(), Fatal> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| Fatal(format!("cannot read {}: {e}", out.display())))?;
        if let Some(refusal) = out_dir_refusal(&out.display().to_string(), entries.next().is_none()) {
            return Err(Fatal(refusal));
        }
    }
    fs::create_dir_all(out).map_err(|e| Fatal(format!("cannot create {}: {e}", out.display())))
}

/// Chunks are written as they fill, under a name that says they are not
/// finished: only [`finish_chunks`] gives them theirs.
fn partial_name(index: u64) -> String {
    chunk_file_name(index) + PARTIAL_SUFFIX
}

fn write_chunks(checker: &mut Checker, out: &Path, written: &mut Vec<u64>) -> Result<(), Fatal> {
    while let Some(chunk) = checker.take_chunk() {
        let path = out.join(partial_name(chunk.info.index));
        fs::write(&path, &chunk.bytes).map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
        written.push(chunk.info.index);
    }
    Ok(())
}

/// The whole input is read: name the chunks, or remove them when the file
/// itself failed (they would be a manifest cut short).
fn finish_chunks(out: &Path, written: &[u64], file_failed: bool) -> Result<(), Fatal> {
    for &index in written {
        let partial = out.join(partial_name(index));
        let done = if file_failed { fs::remove_file(&partial) } else { fs::rename(&partial, out.join(chunk_file_name(index))) };
        done.map_err(|e| Fatal(format!("cannot finish {}: {e}", partial.display())))?;
    }
    Ok(())
}

const PIECE: usize = 1 << 20;

/// Stream the input into the checker, calling `after_piece` after each piece
/// so output can leave as it is produced.
fn feed(file: &Path, checker: &mut Checker, mut after_piece: impl FnMut(&mut Checker) -> Result<(), Fatal>) -> Result<(), Fatal> {
    let stdin = file == Path::new("-");
    let (mut input, total): (Box<dyn Read>, Option<u64>) = if stdin {
        (Box::new(io::stdin().lock()), None)
    } else {
        let f = File::open(file).map_err(|e| Fatal(format!("cannot read {}: {e}", file.display())))?;
        let len = f.metadata().map(|m| m.len()).ok();
        (Box::new(f), len)
    };
    let mut progress = Progress::new(total);
    let mut buf = vec![0u8; PIECE];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fatal(format!("cannot read {}: {e}", file.display()))),
        };
        checker.push(&buf[..n]);
        after_piece(checker)?;
        progress.update(checker);
    }
    checker.finish();
    progress.done();
    Ok(())
}

/// How the text report names the input.
fn shown(file: &Path) -> String {
    if file == Path::new("-") { "<stdin>".to_string() } else { file.display().to_string() }
}

fn print_report(out: &mut dyn Write, report: &Report, name: &str, json: bool) -> Result<(), Fatal> {
    let text = if json { report.to_json() + "\n" } else { report.to_text(name) };
    out.write_all(text.as_bytes()).map_err(|e| Fatal(format!("cannot write the report: {e}")))
}

/// A one-line progress bar on stderr, only for large files on a terminal.
struct Progress {
    total: Option<u64>,
    started: Instant,
    /// When the bar was last drawn; the first piece draws it at once.
    last: Option<Instant>,
    enabled: bool,
}

impl Progress {
    fn new(total: Option<u64>) -> Self {
        let enabled = io::stderr().is_terminal() && total.is_none_or(|t| t >= cli::PROGRESS.min_bytes);
        Progress { total, started: Instant::now(), last: None, enabled }
    }

    fn update(&mut self, checker: &Checker) {
        if !self.enabled || self.last.is_some_and(|last| last.elapsed() < Duration::from_millis(cli::PROGRESS.interval_ms)) {
            return;
        }
        self.last = Some(Instant::now());
        let line = cli::progress_line(checker.bytes_read(), self.total, checker.report().summary.rows, self.started.elapsed().as_secs_f64());
        let _ = io::stderr().write_all(line.as_bytes());
    }

    fn done(&self) {
        if self.last.is_some() {
            let _ = io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}
