//! Binding, serving (plain HTTP or TLS) and stopping.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::{AppState, router};
use crate::limits::DEFAULT_PER_MINUTE;
use crate::storage::Store;
use crate::tls::{self, TlsListener};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Requests per minute per device (0: no limit).
    pub rate_limit_per_minute: u32,
    /// The releases folder of the update feed (none: no updates offered).
    pub releases: Option<PathBuf>,
}

impl ServeOptions {
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            tls: None,
            rate_limit_per_minute: DEFAULT_PER_MINUTE,
            releases: None,
        }
    }
}

/// A server that is accepting requests.
#[derive(Debug)]
pub struct Running {
    /// The address bound (the real port when 0 was asked for).
    pub addr: SocketAddr,
    pub tls: bool,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// `http://ADDR` or `https://ADDR`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, lets requests under way finish, and returns.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.wait().await
    }

    /// Waits until the server ends (after [`Running::stop`], or a failure).
    pub async fn wait(&mut self) -> std::io::Result<()> {
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// A handle that stops the server when sent to (or dropped).
    pub fn take_stopper(&mut self) -> Option<oneshot::Sender<()>> {
        self.stop.take()
    }
}

/// Binds `options.listen` and serves the API from `store` until stopped.
pub async fn start<S: Store>(store: Arc<S>, options: ServeOptions) -> Result<Running, String> {
    let tls_config = match &options.tls {
        Some((cert, key)) => Some(tls::config(cert, key)?),
        None => None,
    };
    let listener = TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = router(
        AppState::new(store, options.rate_limit_per_minute).with_releases(options.releases.clone()),
    )
    .into_make_service_with_connect_info::<PeerAddr>();
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let tls = tls_config.is_some();
    let task = match tls_config {
        Some(config) => {
            let listener = TlsListener::new(listener, config).map_err(|e| e.to_string())?;
            tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
            })
        }
        None => tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
        }),
    };
    Ok(Running {
        addr,
        tls,
        stop: Some(stop),
        task,
    })
}

/// The client's address, from either listener.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, TcpListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        Self(*stream.remote_addr())
    }
}
