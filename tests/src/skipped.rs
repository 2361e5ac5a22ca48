//! The log of skipped PostgreSQL halves. Shared, file and all, with the worker's own test
//! harness (`worker/tests/common/mod.rs` includes it by path): the two test crates do not
//! depend on each other.

/// Adds a line to the file `GUGUS_SKIPPED_LOG` names, when set: `make test` prints the
/// skipped PostgreSQL half at its end, where nobody can miss it (cargo hides a passing
/// test's output).
pub fn record_skip(why: &str) {
    use std::io::Write;
    let Some(path) = std::env::var_os("GUGUS_SKIPPED_LOG") else {
        return;
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path);
    if let Ok(mut file) = file {
        let _ = writeln!(file, "{why}");
    }
}
