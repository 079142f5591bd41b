//! Running the `rollbook` binary against a data folder, for the CLI's tests.

#![allow(dead_code, clippy::unwrap_used)] // each test binary uses some of these; helpers fail loudly

use std::path::Path;
use std::process::{Command, Output};

/// Runs `rollbook --data-dir DIR ARGS...`, ignoring any `ROLLBOOK_DATA_DIR` of the caller.
pub fn rollbook(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollbook"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ROLLBOOK_DATA_DIR")
        .output()
        .expect("run rollbook")
}

/// Runs a command that must succeed and returns what it printed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = rollbook(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must succeed and parses its `--json` output.
pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(dir, args)).expect("valid JSON")
}
