//! Background sync: while the app runs, sync with the school's cloud every half minute (at
//! once when asked), backing off with jitter while it is unreachable, so sync resumes on its
//! own when the network returns. After each attempt the UI gets a `sync-status` event.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rollbook_core::ErrorCode;
use rollbook_sync::Backoff;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::AppState;

/// How often an idle, enrolled app syncs.
const EVERY: Duration = Duration::from_secs(30);
/// How long to wait after a refusal that needs a person (a revoked device).
const AFTER_REFUSAL: Duration = Duration::from_secs(300);

/// Wakes the sync thread early ("Sync now", a change made here).
#[derive(Default)]
pub struct Trigger {
    asked: Mutex<bool>,
    wake: Condvar,
}

impl Trigger {
    pub fn now(&self) {
        *self.asked.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.wake.notify_all();
    }

    fn wait(&self, timeout: Duration) {
        let guard = self.asked.lock().unwrap_or_else(|p| p.into_inner());
        let (mut asked, _) = self
            .wake
            .wait_timeout_while(guard, timeout, |asked| !*asked)
            .unwrap_or_else(|p| p.into_inner());
        *asked = false;
    }
}

pub fn spawn<R: Runtime>(app: AppHandle<R>, trigger: Arc<Trigger>) {
    std::thread::spawn(move || {
        let mut backoff = Backoff::default();
        loop {
            let wait = match app.state::<AppState>().store() {
                Ok(store) => match rollbook_core::sync::enrolment(&store) {
                    Ok(Some(_)) => {
                        let result = rollbook_sync::sync_now(&store);
                        if let Ok(status) = rollbook_core::sync::status(&store) {
                            let _ = app.emit("sync-status", &status);
                        }
                        match result {
                            Ok(_) => {
                                backoff.reset();
                                EVERY
                            }
                            Err(e) if e.code == ErrorCode::Offline => {
                                tracing::info!("sync: cloud unreachable; trying again later");
                                backoff.next_delay(jitter())
                            }
                            Err(e) => {
                                tracing::warn!(code = ?e.code, "sync stopped: {}", e.message);
                                AFTER_REFUSAL
                            }
                        }
                    }
                    _ => EVERY,
                },
                Err(_) => EVERY,
            };
            trigger.wait(wait);
        }
    });
}

/// A number in [0, 1) that differs between PCs and attempts.
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}
