//! The native command line: flags and I/O only; every rule is in the library.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use rowcheck::{Checker, Limits, Ontology, Options, Report, UserSchema, parse_key_list};

#[derive(Parser)]
#[command(name = "rowcheck", version, about = "Validate, normalize and chunk data-row import manifests")]
#[command(after_help = "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a manifest and print every finding.
    Check {
        /// The manifest (JSON array, NDJSON or URL list); `-` reads standard input.
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Check, then write the valid rows as upload chunks plus report.json.
    Split {
        file: PathBuf,
        /// Directory for chunk-0001.json, … and report.json; must be new or empty.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Write the normalized manifest, in the same container as the input.
    Normalize {
        file: PathBuf,
        /// Output file (default: standard output); the report goes to standard error.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
struct Common {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Treat global-key characters outside the recommended set as errors.
    #[arg(long)]
    strict: bool,
    /// Keys that already exist in the organization: one per line, or a JSON array.
    #[arg(long, value_name = "FILE")]
    existing_keys: Option<PathBuf>,
    /// The organization's metadata schema: JSON [{schema_id, name, kind, options?}].
    #[arg(long, value_name = "FILE")]
    ontology: Option<PathBuf>,
    /// An extra JSON Schema every (normalized) row must satisfy.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Rows per chunk, overriding 150,000 (30,000 with metadata).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_rows: Option<u64>,
    /// Threads that check rows [default: the number of CPUs]. Results do
    /// not depend on it; `--schema` checks on one thread.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
    /// Bytes of JSON per chunk.
    #[arg(long, value_name = "N", default_value_t = rowcheck::chunk::MAX_BYTES, value_parser = clap::value_parser!(u64).range(3..))]
    max_bytes: u64,
    /// The check's clock for signed-URL expiry, e.g. 2026-12-01T00:00:00Z [default: the current time].
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    now: Option<i64>,
    /// A signed URL that expires within this many days of --now is a warning.
    #[arg(long, value_name = "DAYS", default_value_t = rowcheck::signed_url::DEFAULT_MIN_DAYS)]
    signed_url_min_days: u32,
}

/// `--now`: a date-time read as metadata date-times are, in Unix seconds.
fn parse_now(text: &str) -> Result<i64, String> {
    rowcheck::datetime::parse(text).map(|t| t.unix_seconds()).map_err(str::to_string)
}

fn system_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// A failure that is the caller's or the system's, not the manifest's.
struct Fatal(String);

impl From<String> for Fatal {
    fn from(s: String) -> Self {
        Fatal(s)
    }
}

fn main() -> ExitCode {
    // Sending needs the JS uploader (retries, resume, Labelbox), probing the
    // JS prober; point there rather than at clap's "unrecognized subcommand".
    if std::env::args_os().nth(1).is_some_and(|c| c == "upload") {
        eprintln!(
            "rowcheck: upload is a command of the npm package's rowcheck (npx rowcheck upload FILE --endpoint URL …), \
             which sends through rowcheck/uploader; this binary checks, splits and normalizes"
        );
        return ExitCode::from(2);
    }
    if std::env::args_os().nth(1).is_some_and(|c| c == "probe") {
        eprintln!(
            "rowcheck: probe is a command of the npm package's rowcheck (npx rowcheck probe FILE), which requests every asset URL; \
             this binary checks, splits and normalizes without the network"
        );
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(report) if report.has_errors() => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(Fatal(message)) => {
            eprintln!("rowcheck: {message}");
            ExitCode::from(2)
        }
    }
}

fn read_option_file(path: &Path, what: &str) -> Result<Vec<u8>, Fatal> {
    fs::read(path).map_err(|e| Fatal(format!("cannot read the {what} file {}: {e}", path.display())))
}

fn options(common: &Common, emit_chunks: bool, emit_normalized: bool) -> Result<Options, Fatal> {
    let existing_keys = match &common.existing_keys {
        Some(p) => parse_key_list(&read_option_file(p, "existing-keys")?).map_err(|e| format!("{}: {e}", p.display()))?,
        None => Vec::new(),
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
        limits: Limits { max_rows: common.max_rows, max_bytes: common.max_bytes },
        emit_chunks,
        emit_normalized,
        threads: common.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize),
        now: Some(common.now.unwrap_or_else(system_now)),
        signed_url_min_days: Some(common.signed_url_min_days),
        collect_assets: false,
    })
}

fn run(command: Command) -> Result<Report, Fatal> {
    match command {
        Command::Check { file, common } => {
            let mut checker = Checker::new(options(&common, false, false)?);
            feed(&file, &mut checker, |_| Ok(()))?;
            print_report(&mut io::stdout(), checker.report(), &file, common.format)?;
            Ok(checker.into_report())
        }
        Command::Split { file, out, common } => {
            prepare_out_dir(&out)?;
            let mut checker = Checker::new(options(&common, true, false)?);
            feed(&file, &mut checker, |c| write_chunks(c, &out))?;
            write_chunks(&mut checker, &out)?;
            let report = checker.into_report();
            let report_path = out.join("report.json");
            fs::write(&report_path, report.to_json() + "\n")
                .map_err(|e| Fatal(format!("cannot write {}: {e}", report_path.display())))?;
            print_report(&mut io::stdout(), &report, &file, common.format)?;
            Ok(report)
        }
        Command::Normalize { file, output, common } => {
            let mut checker = Checker::new(options(&common, false, true)?);
            let mut normalized = Vec::new();
            feed(&file, &mut checker, |c| {
                normalized.extend_from_slice(&c.take_normalized());
                Ok(())
            })?;
            normalized.extend_from_slice(&checker.take_normalized());
            let report = checker.into_report();
            print_report(&mut io::stderr(), &report, &file, common.format)?;
            // A file that could not be read to its end has no faithful
            // normalized form: write nothing rather than part of it.
            if report.file_failed() {
                eprintln!("rowcheck: not writing a normalized manifest: the file itself has errors (see above)");
                return Ok(report);
            }
            let written = match &output {
                Some(path) => fs::write(path, &normalized).map_err(|e| format!("cannot write {}: {e}", path.display())),
                None => io::stdout().write_all(&normalized).map_err(|e| format!("cannot write to standard output: {e}")),
            };
            written?;
            Ok(report)
        }
    }
}

fn prepare_out_dir(out: &Path) -> Result<(), Fatal> {
    if out.exists() {
        let mut entries = fs::read_dir(out).map_err(|e| Fatal(format!("cannot read {}: {e}", out.display())))?;
        if entries.next().is_some() {
            return Err(Fatal(format!(
                "the output directory {} is not empty; remove it or choose another, so old chunks cannot mix with new ones",
                out.display()
            )));
        }
    }
    fs::create_dir_all(out).map_err(|e| Fatal(format!("cannot create {}: {e}", out.display())))
}

fn write_chunks(checker: &mut Checker, out: &Path) -> Result<(), Fatal> {
    while let Some(chunk) = checker.take_chunk() {
        let path = out.join(format!("chunk-{:04}.json", chunk.info.index + 1));
        fs::write(&path, &chunk.bytes).map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
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

fn print_report(out: &mut dyn Write, report: &Report, file: &Path, format: Format) -> Result<(), Fatal> {
    let name = if file == Path::new("-") { "<stdin>".to_string() } else { file.display().to_string() };
    let text = match format {
        Format::Json => report.to_json() + "\n",
        Format::Text => report.to_text(&name),
    };
    out.write_all(text.as_bytes()).map_err(|e| Fatal(format!("cannot write the report: {e}")))
}

/// A one-line progress bar on stderr, only for large files on a terminal.
struct Progress {
    total: Option<u64>,
    started: Instant,
    /// When the bar was last drawn; the first piece draws it at once.
    last: Option<Instant>,
}

const PROGRESS_MIN_BYTES: u64 = 64 << 20;

impl Progress {
    fn new(total: Option<u64>) -> Self {
        let enabled = io::stderr().is_terminal() && total.is_none_or(|t| t >= PROGRESS_MIN_BYTES);
        Progress { total: if enabled { total.or(Some(0)) } else { None }, started: Instant::now(), last: None }
    }

    fn update(&mut self, checker: &Checker) {
        let Some(total) = self.total else { return };
        if self.last.is_some_and(|last| last.elapsed() < Duration::from_millis(200)) {
            return;
        }
        self.last = Some(Instant::now());
        let done = checker.bytes_read();
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = done as f64 / secs;
        let rows = checker.report().summary.rows;
        let line = if total > 0 {
            let eta = (total.saturating_sub(done)) as f64 / rate.max(1.0);
            format!(
                "\r{:5.1}%  {:.0}/{:.0} MB  {rows} rows  {:.0} rows/s  ETA {:.0}s ",
                done as f64 * 100.0 / total as f64,
                done as f64 / 1e6,
                total as f64 / 1e6,
                rows as f64 / secs,
                eta
            )
        } else {
            format!("\r{:.0} MB  {rows} rows  {:.0} rows/s ", done as f64 / 1e6, rows as f64 / secs)
        };
        let _ = io::stderr().write_all(line.as_bytes());
    }

    fn done(&self) {
        if self.last.is_some() {
            let _ = io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}
