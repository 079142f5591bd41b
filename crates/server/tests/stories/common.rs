//! Starting servers on each storage, and a small client for the API.

use std::sync::Arc;

use reqwest::StatusCode;
use rollbook_protocol::{ApiError, EnrolResponse, Entry, PullResponse, PushResponse};
use rollbook_server::server::{self, Running, ServeOptions};
use rollbook_server::storage::postgres::PgStore;
use rollbook_server::storage::sqlite::SqliteStore;
use rollbook_server::storage::{AnyStore, School, Store};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A storage to run the stories against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

/// SQLite, and PostgreSQL when `ROLLBOOK_TEST_DATABASE_URL` names a server.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    match std::env::var("ROLLBOOK_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => all.push(Backend::Postgres(url)),
        _ => eprintln!("ROLLBOOK_TEST_DATABASE_URL is not set: PostgreSQL is not tested"),
    }
    all
}

impl Backend {
    /// A new, empty store, and what to clear away after it.
    async fn open(&self) -> (AnyStore, Leftover) {
        match self {
            Self::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let store = SqliteStore::open(dir.path()).unwrap();
                (AnyStore::Sqlite(store), Leftover::Dir(dir))
            }
            Self::Postgres(url) => {
                // A database of its own for each server: the tests run side by side.
                let admin: tokio_postgres::Config = url.parse().unwrap();
                let (client, connection) = admin.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                let name = format!("rollbook_test_{}", uuid::Uuid::new_v4().simple());
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                let mut config = admin.clone();
                config.dbname(&name);
                let store = PgStore::connect_with(config).await.unwrap();
                (
                    AnyStore::Postgres(Box::new(store)),
                    Leftover::Database(Box::new(admin), name),
                )
            }
        }
    }
}

/// What a test server leaves behind.
enum Leftover {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    /// The database, dropped when the server stops (through the admin connection settings).
    Database(Box<tokio_postgres::Config>, String),
}

/// A server on 127.0.0.1, its store (for what only the administrator does) and a client.
pub struct TestServer {
    pub url: String,
    pub store: Arc<AnyStore>,
    pub http: reqwest::Client,
    running: Option<Running>,
    leftover: Leftover,
}

/// A refusal as the API answers it: always the `ApiError` shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub error: ApiError,
    pub retry_after: Option<String>,
}

impl Refusal {
    pub fn is(&self, status: u16, code: &str) -> bool {
        self.status.as_u16() == status && self.error.code == code
    }
}

pub type Answer<T> = Result<T, Refusal>;

/// An enrolled device.
#[derive(Debug, Clone)]
pub struct TestDevice {
    pub token: String,
}

impl TestServer {
    pub async fn start(backend: &Backend) -> Self {
        Self::start_limited(backend, 0).await
    }

    pub async fn start_limited(backend: &Backend, rate_limit_per_minute: u32) -> Self {
        let (store, leftover) = backend.open().await;
        let store = Arc::new(store);
        let mut options = ServeOptions::new("127.0.0.1:0".parse().unwrap());
        options.rate_limit_per_minute = rate_limit_per_minute;
        let running = server::start(Arc::clone(&store), options).await.unwrap();
        Self {
            url: running.url(),
            store,
            http: client(),
            running: Some(running),
            leftover,
        }
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.unwrap();
        }
        if let Leftover::Database(admin, name) = &self.leftover {
            let (client, connection) = admin.connect(tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client
                .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
    }

    pub async fn school(&self, name: &str) -> School {
        self.store.create_school(name).await.unwrap()
    }

    /// A new code for `school_id`, as people are shown it.
    pub async fn code(&self, school_id: &str) -> String {
        let issued = self
            .store
            .create_enrol_code(school_id, None, chrono::Duration::hours(24))
            .await
            .unwrap();
        rollbook_server::codes::display(&issued.code)
    }

    pub async fn enrol(&self, code: &str, device_id: &str) -> Answer<EnrolResponse> {
        let body = json!({"code": code, "device_id": device_id, "device_name": "Front office"});
        self.send(self.http.post(self.at("/v1/enrol")).json(&body))
            .await
    }

    /// Enrols `device_id` into `school_id` with a fresh code.
    pub async fn device(&self, school_id: &str, device_id: &str) -> TestDevice {
        let code = self.code(school_id).await;
        let enrolled = self.enrol(&code, device_id).await.unwrap();
        assert_eq!(enrolled.school_id, school_id);
        TestDevice {
            token: enrolled.token,
        }
    }

    pub async fn push(&self, token: &str, entries: &[Entry]) -> Answer<PushResponse> {
        self.send(
            self.http
                .post(self.at("/v1/push"))
                .bearer_auth(token)
                .json(&json!({ "entries": entries })),
        )
        .await
    }

    pub async fn pull(&self, token: &str, after: i64, limit: usize) -> Answer<PullResponse> {
        self.send(
            self.http
                .get(self.at(&format!("/v1/pull?after={after}&limit={limit}")))
                .bearer_auth(token),
        )
        .await
    }

    /// Every entry from other devices of the caller's school, page by page.
    pub async fn pull_all(&self, token: &str) -> Vec<rollbook_protocol::Pulled> {
        let (mut after, mut all) = (0, Vec::new());
        loop {
            let page = self.pull(token, after, 1000).await.unwrap();
            assert!(page.next_cursor >= after);
            all.extend(page.entries);
            after = page.next_cursor;
            if !page.more {
                return all;
            }
        }
    }

    pub async fn enrol_code(&self, token: &str) -> Answer<rollbook_protocol::EnrolCode> {
        self.send(
            self.http
                .post(self.at("/v1/enrol-codes"))
                .bearer_auth(token),
        )
        .await
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Sends a request and reads its answer: `T` on success, else the `ApiError`.
    pub async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Answer<T> {
        let response = request.send().await.unwrap();
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        if status.is_success() {
            return Ok(serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("unexpected answer {text}: {e}")));
        }
        let error: ApiError = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("a {status} not in the ApiError shape: {text:?}: {e}"));
        Err(Refusal {
            status,
            error,
            retry_after,
        })
    }

    /// Sends a request and reads any JSON answer.
    pub async fn send_raw(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("a {status} answer that is not JSON: {text:?}: {e}"));
        (status, body)
    }
}

/// A client for plain HTTP. The workspace's reqwest brings rustls without a crypto provider,
/// so the process gets ring's (the server's own) first.
fn client() -> reqwest::Client {
    static PROVIDER: std::sync::Once = std::sync::Once::new();
    PROVIDER.call_once(|| {
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::new()
}

/// A well-formed entry: number `seq` of `device_id`.
pub fn entry(device_id: &str, seq: i64) -> Entry {
    Entry {
        entry_id: format!("{device_id}-e{seq}"),
        device_id: device_id.to_owned(),
        seq,
        record_type: "student".into(),
        record_id: format!("{device_id}-s{seq}"),
        op: "insert".into(),
        payload: json!({"given_name": "Asha", "n": seq}).into(),
        hlc: 1000 + seq,
        created_at: "2026-11-22T10:00:00Z".into(),
        user_id: Some("u1".into()),
        user_name: None,
    }
}

pub fn entries(device_id: &str, seqs: std::ops::RangeInclusive<i64>) -> Vec<Entry> {
    seqs.map(|s| entry(device_id, s)).collect()
}

/// Sends raw bytes to `addr` over plain TCP and reads the whole answer (the request should
/// say `Connection: close`). Blocking: call it from a blocking thread.
pub fn raw_http(addr: &str, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}
