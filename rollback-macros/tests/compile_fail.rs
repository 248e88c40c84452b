//! `embed_migrations!` refuses broken migration folders with a compile error
//! naming the file and the fix. Each `tests/ui/<case>.rs` reads the fixture
//! folder `tests/ui/migrations/<case>`; the expected errors are in
//! `tests/ui/<case>.stderr` (regenerate with `TRYBUILD=overwrite`).

use std::env;
use std::process::Command;

/// The name of the `#[test]` below, to run it again in a child process.
const TEST_NAME: &str = "ui";

#[test]
fn ui() {
    // trybuild compiles each case as a package of its own under
    // `target/tests/trybuild`, so there `CARGO_MANIFEST_DIR` does not name this
    // crate and the cases' relative folders would not be found. The macro
    // resolves them against `ROLLBACK_MANIFEST_DIR` first, and trybuild's
    // cargo (and the rustc it runs the macro in) inherits this process's
    // environment. Setting the variable here would take `unsafe`
    // (`env::set_var`, edition 2024), which the workspace forbids, and would
    // race with the test harness's other threads; so the test runs itself
    // again as a child process with the variable set (`Command::env` is safe),
    // forwarding trybuild's `trybuild=<filter>` arguments.
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    if env::var_os("ROLLBACK_MANIFEST_DIR").is_none_or(|dir| dir != manifest_dir) {
        let status = Command::new(env::current_exe().expect("path of the test binary"))
            .args([TEST_NAME, "--exact"])
            .args(env::args().filter(|arg| arg.starts_with("trybuild=")))
            .env("ROLLBACK_MANIFEST_DIR", manifest_dir)
            .status()
            .expect("run the test binary again with ROLLBACK_MANIFEST_DIR set");
        assert!(status.success(), "compile-fail tests failed (see above)");
        return;
    }

    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
