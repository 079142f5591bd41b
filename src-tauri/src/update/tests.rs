//! The updater against the real cloud server's feed, with releases signed at test time (a
//! fresh minisign key pair, the format `tauri signer` writes) and the plugin's own download
//! and signature check. Nothing here is mocked but the window.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rollbook_core::ErrorCode;
use rollbook_core::update::UpdateProgress;
use rollbook_server::server::{self, Running, ServeOptions};
use rollbook_server::storage::sqlite::SqliteStore;
use tauri::Manager;
use tauri::test::{MockRuntime, mock_builder};

use super::Updates;
use crate::busy::Busy;
use crate::state::AppState;

/// A signing key pair: the public half as tauri.conf.json holds it.
struct Key {
    public: String,
    secret: minisign::SecretKey,
}

fn key() -> Key {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let public = BASE64.encode(pair.pk.to_box().unwrap().into_string());
    Key {
        public,
        secret: pair.sk,
    }
}

/// The `.sig` file's content for `bytes` signed for `version`, as `tauri build` makes it.
fn sign(key: &Key, bytes: &[u8], version: &str) -> String {
    let trusted = format!("timestamp:1790000000\tfile:Rollbook.tar.gz\tversion:{version}");
    let sig = minisign::sign(
        None,
        &key.secret,
        bytes,
        Some(&trusted),
        Some("signature from tauri secret key"),
    )
    .unwrap();
    BASE64.encode(sig.into_string())
}

/// The platform name the updater asks the feed for on this machine.
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{}", std::env::consts::ARCH)
}

/// A file server on a loopback port: answers every GET with `body`, counting requests.
struct Files {
    url: String,
    hits: Arc<AtomicUsize>,
}

fn serve_bytes(body: Vec<u8>, content_type: &'static str) -> Files {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/Rollbook.tar.gz", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            counted.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    Files { url, hits }
}

/// A release in the cloud's releases folder, as the release workflow writes it.
fn publish(releases: &Path, version: &str, url: &str, signature: &str) {
    let dir = releases.join(version);
    std::fs::create_dir_all(&dir).unwrap();
    let release = serde_json::json!({
        "version": version,
        "notes": format!("What is new in {version}"),
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": { platform(): { "url": url, "signature": signature } },
    });
    std::fs::write(dir.join("release.json"), release.to_string()).unwrap();
}

/// The real cloud server on a loopback port, serving `releases`.
fn cloud(releases: &Path, data: &Path) -> Running {
    let store = Arc::new(SqliteStore::open(data).unwrap());
    let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
    options.releases = Some(releases.to_path_buf());
    tauri::async_runtime::block_on(server::start(store, options)).unwrap()
}

struct App {
    app: tauri::App<MockRuntime>,
    _data: tempfile::TempDir,
}

/// The app (version 0.1.0, from tauri.conf.json) trusting `public_key`.
fn app(public_key: &str) -> App {
    let data = tempfile::tempdir().unwrap();
    let app = mock_builder()
        .plugin(
            tauri_plugin_updater::Builder::new()
                .pubkey(public_key)
                .build(),
        )
        .manage(AppState::open(Ok(data.path().to_path_buf())))
        .manage(Arc::new(Busy::default()))
        .manage(Updates::default())
        .build(tauri::generate_context!())
        .expect("build the app");
    App { app, _data: data }
}

/// Checks the feed of `cloud`; keeps the update found, like the start-up check.
fn check(app: &App, cloud: &str) -> rollbook_core::Result<Option<tauri_plugin_updater::Update>> {
    let handle = app.app.handle();
    let found = tauri::async_runtime::block_on(super::updater(handle, cloud)?.check())
        .map_err(super::plugin_error)?;
    handle.state::<Updates>().set(found.clone());
    Ok(found)
}

fn download(update: &tauri_plugin_updater::Update) -> rollbook_core::Result<Vec<u8>> {
    tauri::async_runtime::block_on(update.download(|_, _| {}, || {})).map_err(super::plugin_error)
}

const ARTIFACT: &[u8] =
    b"Rollbook 0.2.0 for this platform: the installer's bytes \x00\x01\x02 and more";

#[test]
fn a_signed_newer_release_downloads_and_a_tampered_or_foreign_one_is_refused() {
    let ours = key();
    let theirs = key();
    let app = app(&ours.public);
    let (releases, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = cloud(releases.path(), data.path());

    // The genuine release: offered with its notes, downloaded, the bytes as published.
    let genuine = serve_bytes(ARTIFACT.to_vec(), "application/octet-stream");
    publish(
        releases.path(),
        "0.2.0",
        &genuine.url,
        &sign(&ours, ARTIFACT, "0.2.0"),
    );
    let update = check(&app, &server.url())
        .unwrap()
        .expect("0.2.0 is offered");
    assert_eq!(update.version, "0.2.0");
    assert_eq!(update.current_version, "0.1.0");
    assert_eq!(update.body.as_deref(), Some("What is new in 0.2.0"));
    let info = app.app.state::<Updates>().pending().unwrap();
    assert_eq!(info.date.as_deref(), Some("2026-12-01T09:00:00Z"));
    assert_eq!(download(&update).unwrap(), ARTIFACT);

    // One byte changed on the way: the signature no longer matches.
    let mut tampered = ARTIFACT.to_vec();
    tampered[10] ^= 0x01;
    let altered = serve_bytes(tampered, "application/octet-stream");
    publish(
        releases.path(),
        "0.3.0",
        &altered.url,
        &sign(&ours, ARTIFACT, "0.3.0"),
    );
    let update = check(&app, &server.url())
        .unwrap()
        .expect("0.3.0 is offered");
    let refused = download(&update).unwrap_err();
    assert_eq!(refused.code, ErrorCode::UpdateRefused, "{refused:?}");
    assert_eq!(
        altered.hits.load(Ordering::SeqCst),
        1,
        "it was downloaded, then refused"
    );

    // Signed with a key that is not Rollbook's.
    let foreign = serve_bytes(ARTIFACT.to_vec(), "application/octet-stream");
    publish(
        releases.path(),
        "0.4.0",
        &foreign.url,
        &sign(&theirs, ARTIFACT, "0.4.0"),
    );
    let update = check(&app, &server.url())
        .unwrap()
        .expect("0.4.0 is offered");
    let refused = download(&update).unwrap_err();
    assert_eq!(refused.code, ErrorCode::UpdateRefused, "{refused:?}");

    // A genuine old release (signed for 0.0.9) announced as 0.5.0: a downgrade in disguise.
    publish(
        releases.path(),
        "0.5.0",
        &genuine.url,
        &sign(&ours, ARTIFACT, "0.0.9"),
    );
    let update = check(&app, &server.url())
        .unwrap()
        .expect("0.5.0 is announced");
    let refused = download(&update).unwrap_err();
    assert_eq!(refused.code, ErrorCode::UpdateRefused, "{refused:?}");
    assert!(refused.message.contains("0.0.9"), "{}", refused.message);
    tauri::async_runtime::block_on(server.stop()).unwrap();
}

#[test]
fn an_equal_or_older_release_is_never_offered() {
    let ours = key();
    let app = app(&ours.public);
    let (releases, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = cloud(releases.path(), data.path());
    let files = serve_bytes(ARTIFACT.to_vec(), "application/octet-stream");
    for v in ["0.0.9", "0.1.0"] {
        publish(releases.path(), v, &files.url, &sign(&ours, ARTIFACT, v));
    }
    assert!(check(&app, &server.url()).unwrap().is_none());
    assert!(app.app.state::<Updates>().pending().is_none());

    // A feed that answers with an older or the same version anyway (a misconfigured or
    // hostile server): the app's own comparison refuses it.
    for v in ["0.0.9", "0.1.0", "0.1.0-beta.1"] {
        let feed = serde_json::json!({
            "version": v, "notes": "", "url": files.url, "signature": sign(&ours, ARTIFACT, v),
        });
        let hostile = serve_bytes(feed.to_string().into_bytes(), "application/json");
        let base = hostile.url.trim_end_matches("/Rollbook.tar.gz").to_owned();
        assert!(check(&app, &base).unwrap().is_none(), "{v} offered");
    }
    assert_eq!(files.hits.load(Ordering::SeqCst), 0, "nothing downloaded");
    tauri::async_runtime::block_on(server.stop()).unwrap();
}

#[test]
fn a_feed_that_is_not_https_is_refused_with_a_clear_error() {
    let app = app(&key().public);
    for url in [
        "http://updates.example",
        "ftp://updates.example",
        "not a url",
    ] {
        let e = check(&app, url).err().expect("refused");
        assert_eq!(e.code, ErrorCode::UpdateRefused, "{url}");
    }
    // Nothing listens here: offline, not a crash.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = check(&app, &format!("http://127.0.0.1:{port}"))
        .err()
        .expect("offline");
    assert_eq!(e.code, ErrorCode::Offline, "{e:?}");
}

/// Installing waits for a payment or an import (nothing is downloaded), and does not happen
/// when the backup before it fails.
#[test]
fn no_install_during_a_payment_or_without_a_backup() {
    let ours = key();
    let app = app(&ours.public);
    let (releases, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = cloud(releases.path(), data.path());
    let files = serve_bytes(ARTIFACT.to_vec(), "application/octet-stream");
    publish(
        releases.path(),
        "0.2.0",
        &files.url,
        &sign(&ours, ARTIFACT, "0.2.0"),
    );
    let handle = app.app.handle().clone();
    let install = || {
        let steps = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = steps.clone();
        let result = tauri::async_runtime::block_on(super::install(&handle, move |p| {
            seen.lock().unwrap().push(p);
        }));
        let steps = steps.lock().unwrap().clone();
        (result, steps)
    };

    // Nothing found yet.
    assert_eq!(install().0.unwrap_err().code, ErrorCode::NotFound);
    check(&app, &server.url()).unwrap().expect("offered");

    let payment = handle.state::<Arc<Busy>>().begin("a payment").unwrap();
    let (result, steps) = install();
    let e = result.unwrap_err();
    assert_eq!(e.code, ErrorCode::WorkInProgress);
    assert!(e.message.contains("a payment"), "{}", e.message);
    assert!(steps.is_empty());
    assert_eq!(files.hits.load(Ordering::SeqCst), 0, "nothing downloaded");
    drop(payment);

    // The backup folder is gone (an unplugged disk): no backup, so no install.
    let store = handle.state::<AppState>().store().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let chosen = folder.path().join("usb");
    std::fs::create_dir(&chosen).unwrap();
    rollbook_core::backup::set_folder(&store, Some(&chosen)).unwrap();
    // Backups work here: what follows fails only because the folder goes.
    rollbook_core::backup::back_up(&store, &chosen).unwrap();
    std::fs::remove_dir_all(&chosen).unwrap();
    std::fs::write(&chosen, b"not a folder any more").unwrap();
    let (result, steps) = install();
    let e = result.unwrap_err();
    assert_eq!(e.code, ErrorCode::Io, "{e:?}");
    assert!(e.message.contains("not installed"), "{e:?}");
    assert_eq!(
        files.hits.load(Ordering::SeqCst),
        1,
        "downloaded and verified first"
    );
    assert_eq!(
        steps.first(),
        Some(&UpdateProgress::Started {
            content_length: Some(ARTIFACT.len() as u64)
        })
    );
    assert_eq!(
        &steps[steps.len() - 2..],
        [UpdateProgress::Finished, UpdateProgress::BackingUp],
        "stopped at the backup: {steps:?}"
    );
    assert!(
        app.app.state::<Updates>().pending().is_some(),
        "still offered"
    );
    // And a payment may start again once the refused install is over.
    drop(handle.state::<Arc<Busy>>().begin("a payment").unwrap());
    tauri::async_runtime::block_on(server.stop()).unwrap();
}
