//! The `rollbook-server` binary: the administrator's commands and `serve`, plain and TLS.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;

use crate::common::raw_http;

fn server_bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rollbook-server"));
    command.env_remove("ROLLBOOK_SERVER_DATA_DIR");
    command.env_remove("ROLLBOOK_SERVER_DATABASE_URL");
    command
}

/// Runs a command to its end: (success, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = server_bin()
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A running `serve`, stopped when dropped.
struct Serving {
    child: Child,
    url: String,
}

impl Serving {
    fn start(dir: &Path, extra: &[&str]) -> Self {
        let mut child = server_bin()
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    fn addr(&self) -> String {
        self.url.split("://").nth(1).unwrap().to_owned()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post_json(addr: &str, path: &str, token: Option<&str>, body: &str) -> String {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    raw_http(
        addr,
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

fn json_body(answer: &str) -> serde_json::Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{answer}: {e}"))
}

#[test]
fn the_admin_commands_print_what_a_script_needs_and_serve_prints_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(
        dir.path(),
        &["school", "add", "--name", "Green Valley School"],
    );
    assert!(ok, "{err}");
    let school_id = out.trim().to_owned();
    assert_eq!(out.lines().count(), 1, "{out}");
    uuid::Uuid::parse_str(&school_id).unwrap();

    let (ok, out, err) = run(dir.path(), &["enrol-code", "--school", &school_id]);
    assert!(ok, "{err}");
    let code = out.trim().to_owned();
    assert_eq!(code.len(), 12, "{out}");
    assert_eq!(code.matches('-').count(), 2, "{out}");

    let (ok, _, err) = run(dir.path(), &["enrol-code", "--school", "no-such-school"]);
    assert!(!ok);
    assert!(err.contains("no such school"), "{err}");
    let (ok, _, err) = run(dir.path(), &["device", "revoke", "--device", "nobody"]);
    assert!(!ok);
    assert!(err.contains("no such device"), "{err}");
    let (ok, _, err) = run(dir.path(), &["school", "add", "--name", "  "]);
    assert!(!ok, "{err}");

    let serving = Serving::start(dir.path(), &[]);
    assert!(
        serving.url.starts_with("http://127.0.0.1:"),
        "{}",
        serving.url
    );
    assert!(!serving.url.ends_with(":0"));
    let addr = serving.addr();

    let answer = post_json(
        &addr,
        "/v1/enrol",
        None,
        &format!(r#"{{"code": "{code}", "device_id": "d1", "device_name": "Front office"}}"#),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let enrolled = json_body(&answer);
    assert_eq!(enrolled["school_id"], school_id.as_str());
    let token = enrolled["token"].as_str().unwrap().to_owned();
    let answer = post_json(&addr, "/v1/push", Some(&token), r#"{"entries": []}"#);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Revoked from the command line while the server runs.
    let (ok, out, err) = run(dir.path(), &["device", "revoke", "--device", "d1"]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "revoked d1");
    let answer = post_json(&addr, "/v1/push", Some(&token), r#"{"entries": []}"#);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(json_body(&answer)["code"], "revoked");
}

#[test]
fn serve_speaks_tls_when_given_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes the test certificate");
    assert!(made.status.success(), "{made:?}");

    let data = dir.path().join("data");
    let serving = Serving::start(
        &data,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        serving.url.starts_with("https://127.0.0.1:"),
        "{}",
        serving.url
    );

    let mut roots = rustls::RootCertStore::empty();
    let cert_der = rustls::pki_types::CertificateDer::from_pem_file(&cert).unwrap();
    roots.add(cert_der).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(serving.addr()).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    tls.write_all(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(json_body(&answer), serde_json::json!({"ok": true}));

    // Plain HTTP to the TLS port gets no answer.
    let plain = raw_http(
        &serving.addr(),
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(!plain.contains("200 OK"), "{plain}");
}
