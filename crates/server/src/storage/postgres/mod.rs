//! The PostgreSQL storage (`--database-url postgres://...`): a small pool of tokio-postgres
//! connections; migrations are numbered SQL files recorded in `schema_migrations`.

mod ops;

use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_postgres::{Client, Config, NoTls};

use super::{Result, StoreError, backend};

/// Connections open at most at once.
const MAX_CONNECTIONS: usize = 16;

/// The schema, one step per entry; a step is never edited once released.
const MIGRATIONS: &[&str] = &[include_str!("schema.sql")];

/// Held while migrating, so that two servers starting at once migrate one after the other.
const MIGRATION_LOCK: i64 = 0x526f_6c6c_626f_6f6b; // "Rollbook"

#[derive(Debug)]
pub struct PgStore {
    config: Config,
    idle: Mutex<Vec<Client>>,
    permits: Semaphore,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        backend(error)
    }
}

/// A pooled connection; goes back to the pool when dropped, unless it broke.
pub(crate) struct Conn<'a> {
    client: Option<Client>,
    store: &'a PgStore,
    _permit: SemaphorePermit<'a>,
}

impl std::ops::Deref for Conn<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
            .as_ref()
            .expect("a pooled connection is present until dropped")
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .expect("a pooled connection is present until dropped")
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && !client.is_closed()
        {
            self.store
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(client);
        }
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Backend(format!("bad database URL: {e}")))?;
        Self::connect_with(config).await
    }

    pub async fn connect_with(config: Config) -> Result<Self> {
        let store = Self {
            config,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(MAX_CONNECTIONS),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub(crate) async fn conn(&self) -> Result<Conn<'_>> {
        let permit = self.permits.acquire().await.map_err(backend)?;
        let idle = loop {
            let next = self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            match next {
                Some(client) if client.is_closed() => continue,
                other => break other,
            }
        };
        let client = match idle {
            Some(client) => client,
            None => {
                let (client, connection) = self.config.connect(NoTls).await?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::warn!("database connection ended: {e}");
                    }
                });
                client
            }
        };
        Ok(Conn {
            client: Some(client),
            store: self,
            _permit: permit,
        })
    }

    async fn migrate(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        conn.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        let result = async {
            conn.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )",
            )
            .await?;
            let applied: i32 = conn
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM schema_migrations",
                    &[],
                )
                .await?
                .get(0);
            for (version, sql) in (1i32..).zip(MIGRATIONS) {
                if version <= applied {
                    continue;
                }
                let tx = conn.transaction().await?;
                tx.batch_execute(sql).await?;
                tx.execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[&version],
                )
                .await?;
                tx.commit().await?;
            }
            Ok::<_, StoreError>(())
        }
        .await;
        conn.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await?;
        result
    }
}
