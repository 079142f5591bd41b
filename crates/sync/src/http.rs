//! The HTTP side: JSON over reqwest's blocking client, with the server's errors and the
//! network's failures turned into the core's error codes the UI branches on.

use std::time::Duration;

use rollbook_core::{Error, ErrorCode, Result};
use rollbook_protocol::{API_PREFIX, ApiError};
use serde::Serialize;
use serde::de::DeserializeOwned;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection to one school's cloud.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    pub fn new(server_url: &str, token: Option<&str>) -> Result<Client> {
        rollbook_core::sync::check_server_url(server_url)?;
        // One crypto provider for the process; a second install is a harmless no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .https_only(!is_loopback_http(server_url))
            .build()
            .map_err(|e| Error::internal(format!("cannot make the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base: format!("{}{API_PREFIX}", server_url.trim_end_matches('/')),
            token: token.map(str::to_owned),
        })
    }

    pub fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        answer(req.send())
    }

    pub fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T> {
        let mut req = self.http.get(format!("{}{path_and_query}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        answer(req.send())
    }
}

fn is_loopback_http(url: &str) -> bool {
    url.starts_with("http://")
}

fn answer<T: DeserializeOwned>(sent: reqwest::Result<reqwest::blocking::Response>) -> Result<T> {
    let response = sent.map_err(|e| {
        Error::new(
            ErrorCode::Offline,
            format!("Rollbook's cloud could not be reached ({}).", plain(&e)),
        )
    })?;
    let status = response.status();
    if status.is_success() {
        return response.json::<T>().map_err(|e| {
            Error::new(
                ErrorCode::Offline,
                format!(
                    "The answer from Rollbook's cloud was cut short ({}).",
                    plain(&e)
                ),
            )
        });
    }
    let body: Option<ApiError> = response.json().ok();
    let message = body
        .as_ref()
        .map_or_else(|| format!("HTTP {status}"), |b| b.message.clone());
    // Server trouble and throttling pass; a refusal needs a person.
    let code = if status.is_server_error() || status.as_u16() == 429 {
        ErrorCode::Offline
    } else {
        ErrorCode::SyncRefused
    };
    Err(Error::new(code, format!("Rollbook's cloud: {message}")))
}

/// reqwest's error without the URL (which is not news to the user) and with its cause.
fn plain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}
