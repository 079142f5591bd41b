//! The update feed the desktop app's updater reads: the newest release in the releases
//! folder that is newer than the version asking, for its platform.
//!
//! The folder holds one subfolder per release with a `release.json`:
//!
//! ```json
//! { "version": "0.2.0", "notes": "What is new", "pub_date": "2026-12-01T09:00:00Z",
//!   "platforms": { "windows-x86_64": { "url": "https://…/Rollbook_0.2.0_x64-setup.exe",
//!                                      "signature": "…minisign signature…" } } }
//! ```
//!
//! Platforms are named `{target}-{arch}` as Tauri's updater sends them (`windows`, `darwin`,
//! `linux`; `x86_64`, `aarch64`). Only a newer version is ever offered: never the same one,
//! never a downgrade. Releases whose file does not parse are skipped (and logged).

use std::path::Path;

use semver::Version;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
struct Release {
    version: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    pub_date: Option<String>,
    platforms: std::collections::BTreeMap<String, Artifact>,
}

#[derive(Debug, Clone, Deserialize)]
struct Artifact {
    url: String,
    signature: String,
}

/// What the updater is told when there is an update (Tauri's dynamic update format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub version: String,
    pub notes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pub_date: Option<String>,
    pub url: String,
    pub signature: String,
}

/// The newest release in `folder` newer than `current` with an artifact for `platform`.
pub fn newest(folder: &Path, platform: &str, current: &Version) -> Option<Offer> {
    let entries = std::fs::read_dir(folder).ok()?;
    let mut best: Option<(Version, Offer)> = None;
    for entry in entries.flatten() {
        let file = entry.path().join("release.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let release: Release = match serde_json::from_str(&text) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(file = %file.display(), "release skipped: {e}");
                continue;
            }
        };
        let Ok(version) = Version::parse(release.version.trim_start_matches('v')) else {
            tracing::warn!(file = %file.display(), "release skipped: bad version");
            continue;
        };
        if version <= *current || best.as_ref().is_some_and(|(v, _)| *v >= version) {
            continue;
        }
        let Some(artifact) = release.platforms.get(platform) else {
            continue;
        };
        best = Some((
            version.clone(),
            Offer {
                version: version.to_string(),
                notes: release.notes.clone(),
                pub_date: release.pub_date.clone(),
                url: artifact.url.clone(),
                signature: artifact.signature.clone(),
            },
        ));
    }
    best.map(|(_, offer)| offer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(dir: &Path, version: &str, platforms: &[&str]) {
        let d = dir.join(version);
        std::fs::create_dir_all(&d).unwrap();
        let platforms: serde_json::Map<String, serde_json::Value> = platforms
            .iter()
            .map(|p| {
                (
                    (*p).to_owned(),
                    serde_json::json!({ "url": format!("https://dl.example/{version}/{p}"), "signature": "sig" }),
                )
            })
            .collect();
        std::fs::write(
            d.join("release.json"),
            serde_json::json!({ "version": version, "notes": format!("Rollbook {version}"), "platforms": platforms })
                .to_string(),
        )
        .unwrap();
    }

    #[test]
    fn only_a_newer_release_for_the_platform_is_offered() {
        let dir = tempfile::tempdir().unwrap();
        release(dir.path(), "0.1.0", &["linux-x86_64", "windows-x86_64"]);
        release(dir.path(), "0.2.0", &["linux-x86_64", "windows-x86_64"]);
        release(dir.path(), "0.3.0", &["windows-x86_64"]);
        std::fs::create_dir_all(dir.path().join("broken")).unwrap();
        std::fs::write(dir.path().join("broken/release.json"), "{ not json").unwrap();
        let v = |s: &str| Version::parse(s).unwrap();

        let offer = newest(dir.path(), "linux-x86_64", &v("0.1.0")).unwrap();
        assert_eq!(offer.version, "0.2.0");
        assert_eq!(offer.url, "https://dl.example/0.2.0/linux-x86_64");
        assert_eq!(
            newest(dir.path(), "linux-x86_64", &v("0.2.0")),
            None,
            "equal: none"
        );
        assert_eq!(
            newest(dir.path(), "linux-x86_64", &v("0.9.0")),
            None,
            "no downgrade"
        );
        assert_eq!(
            newest(dir.path(), "windows-x86_64", &v("0.1.5"))
                .unwrap()
                .version,
            "0.3.0"
        );
        assert_eq!(newest(dir.path(), "darwin-aarch64", &v("0.1.0")), None);
        assert_eq!(
            newest(&dir.path().join("missing"), "linux-x86_64", &v("0.1.0")),
            None
        );
    }
}
