//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used)] // each test binary uses some of these; helpers fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rollbook_core::Store;
use rollbook_core::school::{self, SchoolInput, SetupInput};

/// How long one LibreOffice conversion may take (its first start builds a profile).
pub const SOFFICE_LIMIT: Duration = Duration::from_secs(180);

/// Runs `soffice --headless --convert-to FORMAT` with its own profile, so tests running at
/// once do not share (and lock) one, and returns the converted file.
pub fn convert(input: &Path, format: &str, out_dir: &Path, profile: &Path) -> PathBuf {
    convert_with(input, format, out_dir, profile, None)
}

/// Like [`convert`], with LibreOffice's import filter options (for CSV: separator, quote,
/// character set, first line), e.g. `CSV:44,34,76,1` for comma-separated UTF-8.
pub fn convert_with(
    input: &Path,
    format: &str,
    out_dir: &Path,
    profile: &Path,
    infilter: Option<&str>,
) -> PathBuf {
    std::fs::create_dir_all(out_dir).unwrap();
    let mut child = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(infilter.map(|f| format!("--infilter={f}")))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            format,
            "--outdir",
        ])
        .arg(out_dir)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "LibreOffice (soffice) could not be started: {e}. Install it with \
                 scripts/setup-system.sh (apt-get install libreoffice-calc-nogui)."
            )
        });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SOFFICE_LIMIT {
            let _ = child.kill();
            panic!(
                "soffice took over {SOFFICE_LIMIT:?} converting {}",
                input.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "soffice failed ({status}): {stderr}");
    let stem = input.file_stem().unwrap().to_str().unwrap();
    let out = out_dir.join(format!("{stem}.{format}"));
    let len = std::fs::metadata(&out)
        .unwrap_or_else(|e| panic!("soffice wrote no {}: {e}; {stderr}", out.display()))
        .len();
    assert!(len > 0, "{} is empty", out.display());
    out
}

/// A store in a temp folder with an Indian school set up (country IN, Asia/Kolkata).
pub fn school_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    school::setup(
        &store,
        &SetupInput {
            school: SchoolInput {
                name: "St. Mary's".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    (dir, store)
}
