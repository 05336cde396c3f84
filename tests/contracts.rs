//! Files generated from the one definition of a contract, kept in the
//! repository so users and reviewers read them where they look. Each test
//! fails when a file is stale; `ROWCHECK_BLESS=1 cargo test --test
//! contracts` rewrites them.

use std::path::Path;

use rowcheck::Code;

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
         | code | severity | meaning |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        md.push_str(&format!("| `{}` | {} | {} |\n", code.as_str(), code.severity_doc(), code.meaning().replace('|', "\\|")));
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
