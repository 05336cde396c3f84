//! The command line's commands and flags, defined once.
//!
//! The native binary parses its arguments with `clap_command`, built from
//! [`spec`]; `tests/contracts.rs` writes the same spec, with the help clap
//! renders from it, to `pkg/cli.json`, from which the npm package's
//! `rowcheck` parses its arguments and prints its help, and to the reference
//! in `docs/cli.md`. So a flag, its value name, default and help text are
//! written here and nowhere else; [`parse_count`] reads a number for both.

#[cfg(feature = "cli")]
use std::path::PathBuf;

use serde::Serialize;

use crate::chunk::{MAX_BYTES, MAX_ROWS, MAX_ROWS_WITH_METADATA, MIN_BYTES, MIN_ROWS, grouped};
use crate::probe::APP_ORIGIN;
use crate::signed_url::DEFAULT_MIN_DAYS;

#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub name: &'static str,
    pub about: &'static str,
    pub after_help: &'static str,
    pub commands: Vec<Command>,
    pub progress: ProgressBar,
}

/// When the checking commands show a progress bar on stderr: only on a
/// terminal, for input of at least `min_bytes` (or of unknown size), drawn
/// at most every `interval_ms`, each time as [`progress_line`] gives it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProgressBar {
    pub min_bytes: u64,
    pub interval_ms: u64,
}

pub const PROGRESS: ProgressBar = ProgressBar { min_bytes: 64 << 20, interval_ms: 200 };

/// The progress bar's line, from the start of the line: `done` of `total`
/// bytes read (`None` or 0 when the size is unknown: standard input),
/// `rows` seen in `secs` seconds.
pub fn progress_line(done: u64, total: Option<u64>, rows: u64, secs: f64) -> String {
    let secs = secs.max(1e-3);
    let rate = done as f64 / secs;
    match total.filter(|&t| t > 0) {
        Some(total) => format!(
            "\r{:5.1}%  {:.0}/{:.0} MB  {}  {:.0} rows/s  ETA {:.0}s ",
            done as f64 * 100.0 / total as f64,
            done as f64 / 1e6,
            total as f64 / 1e6,
            crate::report::plural(rows, "row", "rows"),
            rows as f64 / secs,
            total.saturating_sub(done) as f64 / rate.max(1.0)
        ),
        None => format!("\r{:.0} MB  {}  {:.0} rows/s ", done as f64 / 1e6, crate::report::plural(rows, "row", "rows"), rows as f64 / secs),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Command {
    pub name: &'static str,
    pub about: &'static str,
    /// The native binary runs it; the others need the npm package's
    /// uploader or page, and the binary points there.
    pub native: bool,
    /// Help of the `<FILE>` argument; `None` when the command takes none.
    pub file: Option<&'static str>,
    pub flags: Vec<Flag>,
    /// Usage lines, when the ones clap derives would not say enough.
    pub usage: Option<&'static str>,
    /// Text after the options.
    pub after_help: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub help: String,
    #[serde(flatten)]
    pub value: Value,
    pub required: bool,
    /// May be given more than once.
    pub repeatable: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Value {
    /// A switch: present or not.
    Switch,
    /// A file name, URL or other text.
    Text { value_name: &'static str, default: Option<&'static str> },
    /// One of a few words.
    Choice { value_name: &'static str, choices: &'static [&'static str], default: &'static str },
    /// A whole number from `min` to `max`.
    Count { value_name: &'static str, min: u64, max: Option<u64>, default: Option<u64> },
    /// A date-time, read by [`parse_time`].
    Time { value_name: &'static str },
}

const FILE: &str = "The manifest (JSON array, NDJSON or URL list); `-` reads standard input";

fn flag(long: &'static str, value: Value, help: impl Into<String>) -> Flag {
    Flag { long, short: None, help: help.into(), value, required: false, repeatable: false }
}

/// `-o, --output FILE` of the commands that write a manifest.
fn output_flag() -> Flag {
    Flag { short: Some('o'), ..flag("output", text("FILE"), "Output file (default: standard output); the report goes to standard error") }
}

fn text(value_name: &'static str) -> Value {
    Value::Text { value_name, default: None }
}

fn count(min: u64, max: Option<u64>, default: Option<u64>) -> Value {
    Value::Count { value_name: "N", min, max, default }
}

/// The options of every command that checks a manifest.
fn check_flags() -> Vec<Flag> {
    vec![
        flag("format", Value::Choice { value_name: "FORMAT", choices: &["text", "json"], default: "text" }, "Report format"),
        Flag {
            short: Some('v'),
            ..flag(
                "verbose",
                Value::Switch,
                "List each info about a row (an inferred media type, say) as its own diagnostic; by default the summary counts them per code",
            )
        },
        flag("strict", Value::Switch, "Treat global-key characters outside the recommended set, and raw spaces in URLs, as errors"),
        flag("existing-keys", text("FILE"), "Keys that already exist in the organization: one per line, or a JSON array"),
        flag("ontology", text("FILE"), "The organization's metadata schema: JSON [{schema_id, name, kind, options?}]"),
        flag("schema", text("FILE"), "An extra JSON Schema every (normalized) row must satisfy"),
        flag(
            "max-rows",
            count(MIN_ROWS, None, None),
            format!("Rows per chunk, overriding {} ({} when a row of the chunk has metadata)", grouped(MAX_ROWS), grouped(MAX_ROWS_WITH_METADATA)),
        ),
        flag("max-bytes", count(MIN_BYTES, None, Some(MAX_BYTES)), "Bytes of JSON per chunk"),
        flag(
            "threads",
            count(1, Some(256), None),
            "Threads that check rows [default: the number of CPUs]; results do not depend on it. The npm package checks on one thread",
        ),
        flag(
            "now",
            Value::Time { value_name: "TIME" },
            "The check's clock for signed-URL expiry, e.g. 2026-12-01T00:00:00Z [default: the current time]",
        ),
        flag(
            "signed-url-min-days",
            Value::Count { value_name: "DAYS", min: 0, max: None, default: Some(DEFAULT_MIN_DAYS as u64) },
            "A signed URL that expires within this many days of --now is a warning",
        ),
    ]
}

/// Every command and flag of `rowcheck`.
pub fn spec() -> Spec {
    let with = |first: Vec<Flag>| first.into_iter().chain(check_flags()).collect::<Vec<_>>();
    Spec {
        name: "rowcheck",
        about: "Validate, normalize and chunk data-row import manifests",
        after_help: "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.",
        commands: vec![
            Command {
                name: "check",
                about: "Check a manifest and print every finding",
                native: true,
                file: Some(FILE),
                flags: check_flags(),
                usage: None,
                after_help: None,
            },
            Command {
                name: "split",
                about: "Check, then write the valid rows as upload chunks plus report.json",
                native: true,
                file: Some(FILE),
                flags: with(vec![Flag {
                    required: true,
                    ..flag("out", text("DIR"), "Directory for chunk-0001.json, … and report.json; must be new or empty")
                }]),
                usage: None,
                after_help: None,
            },
            Command {
                name: "normalize",
                about: "Write the normalized manifest, in the same container as the input",
                native: true,
                file: Some(FILE),
                flags: with(vec![output_flag()]),
                usage: None,
                after_help: None,
            },
            Command {
                name: "fix",
                about: "Apply every safe fix and write the fixed manifest, in the same container as the input",
                native: true,
                file: Some(FILE),
                flags: with(vec![output_flag()]),
                usage: None,
                after_help: Some(
                    "Only the fixes the code reference marks safe are made (percent-encoding in a URL's path, a trimmed\n\
                     global key, RAW_TEXT for TEXT, …); everything else is copied byte for byte, and every change is\n\
                     listed. The report is the fixed manifest's, as `rowcheck check` of the output gives it, with its\n\
                     positions in the output. A file that cannot be read to its end gets no output.\n\
                     Exit status: 0 the fixed manifest has no errors, 1 it has errors (or the file failed), 2 usage or\n\
                     I/O error.",
                ),
            },
            Command {
                name: "upload",
                about: "Check, split and send the valid rows to an HTTP endpoint or a Labelbox dataset (npm package)",
                native: false,
                file: Some("The manifest (a file: it is checked whole before anything is sent, then read again to send)"),
                flags: with(vec![
                    flag("endpoint", text("URL"), "Where chunks are POSTed"),
                    Flag { repeatable: true, ..flag("header", text("HEADER"), "An HTTP header for every request, 'Name: value'; repeat for more") },
                    flag("labelbox-dataset", text("ID"), "Create the rows in this existing Labelbox dataset (key: LABELBOX_API_KEY)"),
                    flag("concurrency", count(1, None, Some(4)), "Chunks in flight at once"),
                    flag("retries", count(0, None, Some(6)), "Retries per chunk for 408, 429, 5xx, timeouts and dropped connections"),
                    flag("timeout-ms", count(1, None, Some(60_000)), "Per attempt, body and answer included"),
                    flag("resume", text("FILE"), "Record acknowledged chunks in FILE and skip those it already holds"),
                    flag("skip-invalid", Value::Switch, "Upload the valid rows of a manifest that has errors; the report lists the skipped rows"),
                ]),
                usage: Some("rowcheck upload [OPTIONS] --endpoint <URL> <FILE>\n       rowcheck upload [OPTIONS] --labelbox-dataset <ID> <FILE>"),
                after_help: Some(
                    "With --endpoint, each chunk is POSTed as a JSON array with an Idempotency-Key (the SHA-256 of its bytes).\n\
                     With --labelbox-dataset, each chunk's rows are created in that Labelbox dataset as the official SDK does;\n\
                     the API key is read from LABELBOX_API_KEY, and --endpoint, if given, replaces Labelbox's API URL.\n\
                     A manifest with errors is not uploaded at all unless --skip-invalid is given.\n\
                     Exit status: 0 every valid row acknowledged, 1 errors in the manifest (nothing sent), chunks that failed\n\
                     or rows the server refused, 2 usage or I/O error, 130 interrupted.",
                ),
            },
            Command {
                name: "probe",
                about: "Check, then request every asset URL (HEAD or a ranged GET) and report the assets that will not load (npm package)",
                native: false,
                file: Some(FILE),
                flags: with(vec![
                    flag(
                        "origin",
                        Value::Text { value_name: "URL", default: Some(APP_ORIGIN) },
                        "The labeling app's origin, sent as Origin and judged in CORS answers",
                    ),
                    flag("concurrency", count(1, None, Some(16)), "Requests in flight at once"),
                    flag("per-host", count(1, None, Some(6)), "Requests in flight to one host"),
                    flag("timeout-ms", count(1, None, Some(10_000)), "Per request"),
                    flag("retries", count(0, None, Some(2)), "Retries for 408, 429, 5xx and dropped connections, honoring Retry-After"),
                    flag("sample", count(1, None, None), "Probe only N of the distinct URLs, picked by --seed (the same N every run)"),
                    flag("seed", count(0, None, Some(0)), "Which sample --sample picks"),
                    flag("dry-run", Value::Switch, "List the hosts and URL counts; send nothing"),
                ]),
                usage: None,
                after_help: Some(
                    "Each distinct http(s) URL (row_data, attachments, PDF text layers, one tile of\n\
                     a tile layer) is requested once, from this machine, with the --origin as Origin;\n\
                     gs:// URLs are listed but not requested. --dry-run prints the hosts that would\n\
                     be contacted and contacts none.\n\
                     Exit status: 0 no errors, 1 errors in the manifest or its assets, 2 usage or\n\
                     I/O error, 130 interrupted (the report covers what was probed).",
                ),
            },
            Command {
                name: "serve",
                about: "Serve the checker page (check, fix and upload in a browser) on this machine (npm package)",
                native: false,
                file: None,
                flags: vec![
                    flag("port", count(0, Some(65_535), Some(8080)), "Port to listen on; 0 picks a free one"),
                    flag("host", Value::Text { value_name: "HOST", default: Some("127.0.0.1") }, "Address to listen on"),
                    Flag { repeatable: true, ..flag("allow-origin", text("URL"), "An upload endpoint's origin the page may connect to (repeatable)") },
                    flag("allow-probe", Value::Switch, "Let the page request the manifest's assets from any http(s) host, when you press its button"),
                ],
                usage: None,
                after_help: Some(
                    "Files are checked in the browser tab; nothing is sent anywhere unless you\n\
                     press Upload (or Check that assets load). The page may connect only to this\n\
                     server and to localhost, unless --allow-origin adds an upload endpoint, or\n\
                     --allow-probe lets it request assets from any host.",
                ),
            },
        ],
        progress: PROGRESS,
    }
}

/// A date-time flag's value (`--now`), in Unix seconds: any form a
/// metadata date-time may take, no offset meaning UTC.
pub fn parse_time(text: &str) -> Result<i64, String> {
    crate::datetime::parse(text).map(|t| t.unix_seconds()).map_err(|e| format!("an ISO 8601 date-time such as 2026-12-01T00:00:00Z is required ({e})"))
}

/// A whole-number flag's value, from `min` to `max`.
pub fn parse_count(text: &str, min: u64, max: Option<u64>) -> Result<u64, String> {
    let wanted = || match max {
        Some(max) => format!("a whole number from {min} to {max} is required"),
        None => format!("a whole number of at least {min} is required"),
    };
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let n: u64 = text.parse().ok().filter(|_| digits).ok_or_else(wanted)?;
    if n < min || max.is_some_and(|max| n > max) {
        return Err(wanted());
    }
    Ok(n)
}

/// The parser the native binary runs, and the help both CLIs print.
#[cfg(feature = "cli")]
pub fn clap_command() -> clap::Command {
    let spec = spec();
    let mut top = clap::Command::new(spec.name)
        .version(env!("CARGO_PKG_VERSION"))
        .about(spec.about)
        .after_help(spec.after_help)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true);
    for command in spec.commands {
        let mut sub = clap::Command::new(command.name).about(command.about);
        if let Some(usage) = command.usage {
            sub = sub.override_usage(usage);
        }
        if let Some(after) = command.after_help {
            sub = sub.after_help(after);
        }
        if let Some(help) = command.file {
            sub = sub.arg(clap::Arg::new("file").value_name("FILE").help(help).required(true).value_parser(clap::value_parser!(PathBuf)));
        }
        for f in command.flags {
            sub = sub.arg(clap_arg(f));
        }
        top = top.subcommand(sub);
    }
    top
}

#[cfg(feature = "cli")]
fn clap_arg(f: Flag) -> clap::Arg {
    let mut arg = clap::Arg::new(f.long).long(f.long).help(f.help).required(f.required);
    if let Some(short) = f.short {
        arg = arg.short(short);
    }
    arg = match f.value {
        Value::Switch => arg.action(clap::ArgAction::SetTrue),
        Value::Text { value_name, default } => {
            let arg = arg.value_name(value_name).value_parser(clap::value_parser!(PathBuf));
            match default {
                Some(default) => arg.default_value(default),
                None => arg,
            }
        }
        Value::Choice { value_name, choices, default } => arg.value_name(value_name).value_parser(choices.to_vec()).default_value(default),
        Value::Count { value_name, min, max, default } => {
            let arg = arg.value_name(value_name).value_parser(move |text: &str| parse_count(text, min, max));
            match default {
                Some(default) => arg.default_value(default.to_string()),
                None => arg,
            }
        }
        Value::Time { value_name } => arg.value_name(value_name).value_parser(parse_time),
    };
    if f.repeatable { arg.action(clap::ArgAction::Append) } else { arg }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "cli")]
    fn the_parser_is_consistent() {
        clap_command().debug_assert();
    }

    #[test]
    fn progress_lines() {
        assert_eq!(progress_line(50_000_000, Some(200_000_000), 1, 2.0), "\r 25.0%  50/200 MB  1 row  0 rows/s  ETA 6s ");
        assert_eq!(progress_line(3_000_000, None, 30_000, 1.5), "\r3 MB  30000 rows  20000 rows/s ");
        assert_eq!(progress_line(0, Some(0), 0, 0.0), "\r0 MB  0 rows  0 rows/s ");
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("3", 3, None), Ok(3));
        assert_eq!(parse_count("2", 3, None), Err("a whole number of at least 3 is required".into()));
        assert_eq!(parse_count("257", 1, Some(256)), Err("a whole number from 1 to 256 is required".into()));
        for bad in ["", "-1", "1.5", "lots", " 4", "+4", "99999999999999999999999"] {
            assert!(parse_count(bad, 0, None).is_err(), "{bad:?}");
        }
    }
}
