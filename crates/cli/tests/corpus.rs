//! Every file in the shared corpus of real spreadsheets (calamine's test suite: files from
//! Excel and LibreOffice, password-protected ones, malformed ones, ones that once made a
//! reader allocate gigabytes) gets a preview or a clear, specific refusal from
//! `rollbook import --dry-run`: never a panic, within seconds, in bounded memory, and
//! nothing written. Each file runs in its own process under an address-space limit.

#![allow(clippy::unwrap_used)] // test helpers that fail loudly are what a test wants

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MEMORY_LIMIT_BYTES: u64 = 1024 * 1024 * 1024;
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if !matches!(
            path.file_name().and_then(|n| n.to_str()),
            Some("README.md" | "LICENSE" | "LICENSE-MIT")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_file_gets_a_preview_or_a_clear_refusal() {
    let corpus = corpus();
    assert!(
        corpus.is_dir(),
        "the shared corpus is missing at {}",
        corpus.display()
    );
    let mut all = Vec::new();
    files(&corpus, &mut all);
    all.sort();
    assert!(all.len() > 100, "found only {} files", all.len());

    let data = tempfile::tempdir().unwrap();
    let rollbook = env!("CARGO_BIN_EXE_rollbook");
    let init = Command::new(rollbook)
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "init",
            "--school",
            "Corpus School",
            "--country",
            "IN",
        ])
        .output()
        .unwrap();
    assert!(init.status.success());
    let before = std::fs::read(data.path().join("rollbook.db")).unwrap();

    let (mut previews, mut refusals, mut failures) = (0, 0, Vec::new());
    for file in &all {
        let name = file.strip_prefix(&corpus).unwrap().display().to_string();
        let started = Instant::now();
        let mut child = Command::new("prlimit")
            .arg(format!("--as={MEMORY_LIMIT_BYTES}"))
            .arg("--")
            .arg(rollbook)
            .args([
                "--data-dir",
                data.path().to_str().unwrap(),
                "import",
                "--dry-run",
                "--json",
            ])
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prlimit (util-linux) runs the importer");
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > TIME_LIMIT {
                child.kill().ok();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let Some(status) = status else {
            failures.push(format!("{name}: took over {TIME_LIMIT:?}"));
            continue;
        };
        match status.code() {
            // A preview, whether it could import or not (no header row, no name column...).
            Some(0 | 1) if stdout.trim_start().starts_with('{') => {
                let preview: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let explained = preview["can_import"] == true
                    || !preview["file_problems"].as_array().unwrap().is_empty()
                    || preview["counts"]["error"].as_u64().unwrap() > 0
                    || !preview["missing_classes"].as_array().unwrap().is_empty();
                if explained {
                    previews += 1
                } else {
                    failures.push(format!("{name}: a preview that says nothing: {stdout}"))
                }
            }
            // A refusal: one JSON error with a code and a message naming the problem.
            Some(1) => {
                match serde_json::from_str::<serde_json::Value>(stderr.lines().last().unwrap_or(""))
                {
                    Ok(e)
                        if e["code"] == "unreadable_file"
                            && e["message"].as_str().is_some_and(|m| m.len() > 20) =>
                    {
                        refusals += 1
                    }
                    _ => failures.push(format!("{name}: unclear refusal: {stderr}")),
                }
            }
            other => failures.push(format!(
                "{name}: exit {other:?} (a panic or a memory blow-up): {stderr}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(
        previews > 0 && refusals > 0,
        "previews {previews}, refusals {refusals}"
    );
    assert_eq!(
        std::fs::read(data.path().join("rollbook.db")).unwrap(),
        before,
        "a dry run writes nothing"
    );
}
