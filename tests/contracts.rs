//! Files generated from the one definition of a contract, kept in the
//! repository so users and reviewers read them where they look. Each test
//! fails when a file is stale; `ROWCHECK_BLESS=1 cargo test --test
//! contracts` rewrites them.

use std::path::Path;

use rowcheck::{Code, INFO_FIRST_ROWS};

fn check_generated(relative: &str, want: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("ROWCHECK_BLESS").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "{relative} is stale: run `ROWCHECK_BLESS=1 cargo test --test contracts` and commit the result");
}

#[test]
fn code_reference_is_generated_from_the_code_list() {
    let mut md = String::from(
        "# Diagnostic codes\n\n\
         <!-- Generated from `src/report.rs` by `ROWCHECK_BLESS=1 cargo test --test contracts`; edit there. -->\n\n\
         Every finding carries one of these codes. Codes are stable: new ones are\n\
         added, none is renamed or reused. The [rules reference](rules.md) says,\n\
         for each rule, where the platform documents it.\n\n\
         The fix column says what [`rowcheck fix`](fixing.md) does\n\
         with a finding: a **safe** fix is applied and listed among the report's\n\
         changes; a **suggested** one is only offered as the diagnostic's\n\
         `suggestion`, since it is a guess or changes what the row means. A code\n\
         with nothing there has no fix.\n\n\
         | code | severity | meaning | fix |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        let fix = match code.fixes() {
            rowcheck::Fixes::Safe => format!("**safe**: {}", code.fix_doc()),
            rowcheck::Fixes::Suggested => format!("**suggested**: {}", code.fix_doc()),
            rowcheck::Fixes::No => String::new(),
        };
        let cell = |text: &str| text.replace('|', "\\|");
        md.push_str(&format!("| `{}` | {} | {} | {} |\n", code.as_str(), code.severity_doc(), cell(code.meaning()), cell(&fix)));
    }
    check_generated("docs/codes.md", &md);
}

#[test]
fn typescript_code_union_is_generated_from_the_code_list() {
    let mut ts = String::from(
        "// Generated from src/report.rs by `ROWCHECK_BLESS=1 cargo test --test contracts`; edit there.\n\n\
         /** Every diagnostic code the core reports (stable; see docs/codes.md). */\nexport type Code =\n",
    );
    for code in Code::ALL {
        ts.push_str(&format!("  | '{}'\n", code.as_str()));
    }
    ts.push_str(";\n");
    check_generated("pkg/codes.d.ts", &ts.replace("\n;\n", ";\n"));
}

/// The help clap renders for the top level (`top`) and each command.
fn rendered_help() -> serde_json::Map<String, serde_json::Value> {
    let mut command = rowcheck::cli::clap_command();
    command.build();
    let mut help = serde_json::Map::new();
    help.insert("top".into(), command.render_help().to_string().trim_end().into());
    for sub in command.get_subcommands_mut() {
        help.insert(sub.get_name().to_string(), sub.render_help().to_string().trim_end().into());
    }
    help
}

#[test]
fn the_npm_command_reads_the_native_flags() {
    let mut spec = serde_json::to_value(rowcheck::cli::spec()).unwrap();
    spec["help"] = rendered_help().into();
    let mut json = String::from("");
    json.push_str(&serde_json::to_string_pretty(&spec).unwrap());
    json.push('\n');
    check_generated("pkg/cli.json", &json);
}

/// Replace what lies between `<!-- BEGIN name -->` and `<!-- END name -->`
/// in `relative`, leaving the prose around it as written.
fn check_generated_section(relative: &str, name: &str, want: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let have = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (format!("<!-- BEGIN {name} -->\n"), format!("<!-- END {name} -->"));
    let from = have.find(&begin).unwrap_or_else(|| panic!("{relative} has no {begin}")) + begin.len();
    let to = have[from..].find(&end).unwrap_or_else(|| panic!("{relative} has no {end}")) + from;
    let mut updated = have.clone();
    updated.replace_range(from..to, want);
    check_generated(relative, &updated);
}

#[test]
fn the_cli_reference_is_generated_from_the_flags() {
    let spec = rowcheck::cli::spec();
    let mut md = String::from("<!-- Generated from `src/cli.rs` by `ROWCHECK_BLESS=1 cargo test --test contracts`; edit there. -->\n\n");
    for c in &spec.commands {
        md.push_str(&format!("### `rowcheck {}`\n\n{}.", c.name, c.about));
        if !c.native {
            md.push_str(" A command of the npm package's `rowcheck` only (`npx rowcheck`).");
        }
        md.push_str("\n\n```\n");
        let usage = c.usage.map(str::to_string).unwrap_or_else(|| {
            let required: String = c.flags.iter().filter(|f| f.required).map(|f| format!(" --{} <{}>", f.long, value_name(f))).collect();
            format!("rowcheck {} [OPTIONS]{required}{}", c.name, if c.file.is_some() { " <FILE>" } else { "" })
        });
        md.push_str(&usage);
        md.push_str("\n```\n\n| argument | meaning | values | default |\n|---|---|---|---|\n");
        if let Some(file) = c.file {
            md.push_str(&format!("| `<FILE>` | {} | | |\n", cell(file)));
        }
        for f in &c.flags {
            use rowcheck::cli::Value;
            let short = f.short.map(|s| format!("`-{s}`, ")).unwrap_or_default();
            let value = if matches!(f.value, Value::Switch) { String::new() } else { format!(" <{}>", value_name(f)) };
            let (values, default) = match &f.value {
                Value::Switch | Value::Time { .. } => (String::new(), String::new()),
                Value::Text { default, .. } => (String::new(), default.map(|d| format!("`{d}`")).unwrap_or_default()),
                Value::Choice { choices, default, .. } => (choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "), format!("`{default}`")),
                Value::Count { min, max, default, .. } => (
                    match max {
                        Some(max) => format!("{} to {}", grouped(*min), grouped(*max)),
                        None => format!("{} or more", grouped(*min)),
                    },
                    default.map(grouped).unwrap_or_default(),
                ),
            };
            let again = if f.repeatable { " (repeatable)" } else { "" };
            let required = if f.required { " (required)" } else { "" };
            md.push_str(&format!("| {short}`--{}{value}`{again}{required} | {} | {values} | {default} |\n", f.long, cell(&f.help)));
        }
        if let Some(after) = c.after_help {
            md.push_str(&format!("\n{}\n", after.replace('\n', " ")));
        }
        md.push('\n');
    }
    check_generated_section("docs/cli.md", "flags", &md);
}

/// `n` with its thousands grouped, as the docs write numbers.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn value_name(f: &rowcheck::cli::Flag) -> &'static str {
    match &f.value {
        rowcheck::cli::Value::Switch => "",
        rowcheck::cli::Value::Text { value_name, .. }
        | rowcheck::cli::Value::Choice { value_name, .. }
        | rowcheck::cli::Value::Count { value_name, .. }
        | rowcheck::cli::Value::Time { value_name } => value_name,
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report's JSON Schema, from the code list and media types, with
/// every object closed: a field the Rust types gain and the schema lacks
/// fails `reports_satisfy_their_schema`.
fn report_schema() -> serde_json::Value {
    use serde_json::json;
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let media: Vec<&str> = rowcheck::MediaType::ALL.iter().map(|t| t.name()).collect();
    let count = json!({"type": "integer", "minimum": 0});
    let info_codes: Vec<&str> = Code::ALL.iter().filter(|c| c.severity_doc() == "info").map(|c| c.as_str()).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://rowcheck.dev/schemas/v1/report.schema.json",
        "title": "rowcheck report",
        "description": "What `rowcheck check --format json` prints, `split` writes as report.json, `fix` prints with what it changed, and the JavaScript API returns. Generated from src/report.rs by `ROWCHECK_BLESS=1 cargo test --test contracts`.",
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "summary", "diagnostics", "chunks"],
        "properties": {
            "version": {"const": 1, "description": "The report format's version."},
            "summary": {
                "type": "object",
                "additionalProperties": false,
                "required": ["rows", "valid_rows", "errors", "warnings", "file_failed", "media_types", "infos"],
                "properties": {
                    "rows": {"description": "Rows read.", "type": "integer", "minimum": 0},
                    "valid_rows": {"description": "Rows without errors: the rows the chunks hold, unless the file failed.", "type": "integer", "minimum": 0},
                    "errors": {"description": "Diagnostics of severity error.", "type": "integer", "minimum": 0},
                    "warnings": {"description": "Diagnostics of severity warning.", "type": "integer", "minimum": 0},
                    "file_failed": {"description": "The file itself could not be read to its end as a manifest (a diagnostic with no row says why): it has no normalized form and no chunks.", "type": "boolean"},
                    "media_types": {
                        "description": "Rows per media type, given or inferred.",
                        "type": "object",
                        "propertyNames": {"enum": media},
                        "additionalProperties": count
                    },
                    "infos": {
                        "description": "Each info code reported about rows, in the order the codes first appear, with the rows it holds for. Only a verbose run lists those infos in diagnostics too.",
                        "type": "array",
                        "items": {"$ref": "#/$defs/info"}
                    }
                }
            },
            "diagnostics": {"type": "array", "items": {"$ref": "#/$defs/diagnostic"}},
            "chunks": {"description": "The upload chunks, in order; empty when the file failed.", "type": "array", "items": {"$ref": "#/$defs/chunk"}},
            "fix": {
                "description": "Only in the report of `rowcheck fix` (and fix()), whose diagnostics, positions, summary and chunks are then the fixed manifest's: what was changed. When the file failed, nothing was, and the rest of the report is the input's.",
                "type": "object",
                "additionalProperties": false,
                "required": ["changes", "rows_changed", "input_errors", "input_warnings"],
                "properties": {
                    "changes": {"type": "array", "items": {"$ref": "#/$defs/change"}},
                    "rows_changed": {"description": "Rows with at least one change.", "type": "integer", "minimum": 0},
                    "input_errors": {"description": "Errors of the manifest before it was fixed.", "type": "integer", "minimum": 0},
                    "input_warnings": {"description": "Warnings of the manifest before it was fixed.", "type": "integer", "minimum": 0}
                }
            }
        },
        "$defs": {
            "diagnostic": {
                "type": "object",
                "additionalProperties": false,
                "required": ["code", "severity", "row", "pointer", "line", "column", "offset", "length", "message"],
                "properties": {
                    "code": {"description": "See docs/codes.md.", "enum": codes},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "row": {"description": "0-based row index; null for a problem with the file itself.", "type": ["integer", "null"], "minimum": 0},
                    "pointer": {"description": "JSON Pointer into the row as written; empty for the whole row.", "type": "string"},
                    "line": {"description": "1-based line in the input.", "type": "integer", "minimum": 1},
                    "column": {"description": "1-based column, in Unicode characters.", "type": "integer", "minimum": 1},
                    "offset": {"description": "Byte offset in the input of the row's first byte (for a problem with the file itself, of the problem).", "type": "integer", "minimum": 0},
                    "length": {"description": "Bytes of the row as written, from offset: input.slice(offset, offset + length) is the row (0 for a problem with the file itself).", "type": "integer", "minimum": 0},
                    "message": {"type": "string", "minLength": 1},
                    "suggestion": {"description": "A proposed fix, when there is one.", "type": "string"}
                }
            },
            "change": {
                "type": "object",
                "additionalProperties": false,
                "required": ["row", "pointer", "op", "codes", "line", "column", "before", "after"],
                "properties": {
                    "row": {"description": "0-based row index, the same in the input and the output.", "type": "integer", "minimum": 0},
                    "pointer": {"description": "JSON Pointer of the value (for a rename, of the member) in the input row, as the diagnostic it fixes names it: a field given by its alias (`mediaType`) is named by the field (`/media_type`).", "type": "string"},
                    "op": {"description": "replace: the value became `after`; rename: the member's key became `after`, its value kept.", "enum": ["replace", "rename"]},
                    "codes": {"description": "The findings the edit fixes.", "type": "array", "minItems": 1, "items": {"enum": codes}},
                    "line": {"description": "1-based line of the new value or key in the output.", "type": "integer", "minimum": 1},
                    "column": {"description": "1-based column of the new value or key in the output, in Unicode characters.", "type": "integer", "minimum": 1},
                    "before": {"description": "The value (for a rename, the key) as written."},
                    "after": {"description": "The value (for a rename, the key) the fix wrote."}
                }
            },
            "info": {
                "type": "object",
                "additionalProperties": false,
                "required": ["code", "rows", "first_rows"],
                "properties": {
                    "code": {"description": "An info code; see docs/codes.md.", "enum": info_codes},
                    "rows": {"description": "Rows with at least one such info.", "type": "integer", "minimum": 1},
                    "first_rows": {"description": format!("The first {INFO_FIRST_ROWS} of them (fewer if there are fewer), 0-based, in file order."), "type": "array", "items": count, "minItems": 1, "maxItems": INFO_FIRST_ROWS}
                }
            },
            "chunk": {
                "type": "object",
                "additionalProperties": false,
                "required": ["index", "first_row", "rows", "bytes"],
                "properties": {
                    "index": {"description": "0-based; `rowcheck split` writes chunk 0 to chunk-0001.json.", "type": "integer", "minimum": 0},
                    "first_row": {"description": "Index of the chunk's first row in the manifest.", "type": "integer", "minimum": 0},
                    "rows": {"type": "integer", "minimum": 1},
                    "bytes": {"description": "Bytes of the chunk's JSON array.", "type": "integer", "minimum": 3}
                }
            }
        }
    })
}

#[test]
fn the_report_schema_is_generated_from_the_report_types() {
    check_generated("schemas/report.schema.json", &(serde_json::to_string_pretty(&report_schema()).unwrap() + "\n"));
}

#[test]
fn reports_satisfy_their_schema() {
    let validator = jsonschema::validator_for(&report_schema()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // What the reports tried must include, so that every part of the schema is exercised.
    let (mut suggestion, mut file_level, mut failed, mut chunks, mut changes, mut infos) = (false, false, false, false, false, false);
    for dir in ["tests/corpus", "tests/realworld", "examples"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let path = entry.path();
            if !matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "txt")) {
                continue;
            }
            let input = std::fs::read(&path).unwrap();
            for emit_fixed in [false, true] {
                let limits = rowcheck::Limits { max_rows: Some(2), ..Default::default() };
                let report = rowcheck::check(&input, rowcheck::Options { limits, emit_fixed, ..Default::default() });
                let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
                let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{} {e}", e.instance_path().as_str())).collect();
                assert!(errors.is_empty(), "{}: {errors:?}", path.display());
                assert_eq!(report.fix.is_some(), emit_fixed);
                suggestion |= report.diagnostics.iter().any(|d| d.suggestion.is_some());
                file_level |= report.diagnostics.iter().any(|d| d.row.is_none());
                failed |= report.file_failed();
                chunks |= report.chunks.len() > 1;
                changes |= report.fix.is_some_and(|f| !f.changes.is_empty());
                infos |= report.summary.infos.iter().any(|i| i.rows > INFO_FIRST_ROWS as u64);
            }
        }
    }
    assert!(suggestion && file_level && failed && chunks && changes && infos);
}
