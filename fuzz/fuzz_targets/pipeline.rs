//! Any bytes, whole and in pieces, through the whole pipeline: no panic,
//! and every invariant of tests/support/invariants.rs holds.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let n = data.len();
    invariants::check_invariants(data, &[n / 3, n / 2, n - n / 7]);
});
