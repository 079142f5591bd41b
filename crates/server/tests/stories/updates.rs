//! The update feed: `GET /updates/{target}/{arch}/{current_version}` offers only a newer
//! release for the platform asking, from the releases folder.

use std::sync::Arc;

use rollbook_server::server::{self, ServeOptions};
use rollbook_server::storage::sqlite::SqliteStore;

fn release(dir: &std::path::Path, version: &str, platforms: &[&str]) {
    let d = dir.join(version);
    std::fs::create_dir_all(&d).unwrap();
    let platforms: serde_json::Map<String, serde_json::Value> = platforms
        .iter()
        .map(|p| {
            (
                (*p).to_owned(),
                serde_json::json!({
                    "url": format!("https://downloads.example/{version}/{p}.tar.gz"),
                    "signature": format!("sig-{version}-{p}"),
                }),
            )
        })
        .collect();
    std::fs::write(
        d.join("release.json"),
        serde_json::json!({
            "version": version,
            "notes": format!("What is new in {version}"),
            "pub_date": "2026-12-01T09:00:00Z",
            "platforms": platforms,
        })
        .to_string(),
    )
    .unwrap();
}

#[tokio::test]
async fn the_feed_offers_only_a_newer_release_for_the_platform() {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().unwrap();
    let releases = tempfile::tempdir().unwrap();
    release(
        releases.path(),
        "0.1.0",
        &["linux-x86_64", "windows-x86_64"],
    );
    release(
        releases.path(),
        "0.2.0",
        &["linux-x86_64", "windows-x86_64", "darwin-aarch64"],
    );
    let store = Arc::new(SqliteStore::open(data.path()).unwrap());
    let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
    options.releases = Some(releases.path().to_path_buf());
    let running = server::start(store, options).await.unwrap();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{}{path}", running.url());
        async move {
            let r = http.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };

    // Older: the newest release for the platform, in the updater's format.
    let (status, body) = get("/updates/linux/x86_64/0.1.0".into()).await;
    assert_eq!(status, 200, "{body}");
    let offer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(offer["version"], "0.2.0");
    assert_eq!(
        offer["url"],
        "https://downloads.example/0.2.0/linux-x86_64.tar.gz"
    );
    assert_eq!(offer["signature"], "sig-0.2.0-linux-x86_64");
    assert_eq!(offer["notes"], "What is new in 0.2.0");

    // Equal, newer (no downgrade), and a platform with no artifact: "no update".
    for path in [
        "/updates/linux/x86_64/0.2.0",
        "/updates/linux/x86_64/0.3.1",
        "/updates/linux/aarch64/0.1.0",
    ] {
        let (status, body) = get(path.into()).await;
        assert_eq!((status, body.as_str()), (204, ""), "{path}");
    }
    // A version that is not one: a clear refusal.
    let (status, body) = get("/updates/linux/x86_64/latest".into()).await;
    assert_eq!(status, 400);
    assert!(body.contains("bad_request"), "{body}");

    // A new release appears in the folder: offered at once, no restart.
    release(releases.path(), "0.3.0", &["linux-x86_64"]);
    let (status, body) = get("/updates/linux/x86_64/0.2.0".into()).await;
    assert_eq!(status, 200);
    assert!(body.contains("0.3.0"), "{body}");
    running.stop().await.unwrap();
}
