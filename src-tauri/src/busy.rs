//! Work that an update must not interrupt. A payment or an import holds a [`Task`] while it
//! runs; installing an update holds the [`Installing`] guard, which it gets only when no
//! task is running, and while it holds it no payment or import starts.

use std::sync::{Arc, Mutex};

use rollbook_core::{Error, ErrorCode, Result};

#[derive(Debug, Default)]
pub struct Busy {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Payments and imports running now, by what they are (for the message).
    tasks: Vec<&'static str>,
    installing: bool,
}

/// What a running payment or import holds; dropping it ends the task.
#[derive(Debug)]
pub struct Task {
    busy: Arc<Busy>,
    what: &'static str,
}

/// What the update installer holds; dropping it lets payments and imports start again.
#[derive(Debug)]
pub struct Installing {
    busy: Arc<Busy>,
}

impl Busy {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a payment or an import (`what`: "a payment", "an import"), unless an update is
    /// being installed.
    pub fn begin(self: &Arc<Self>, what: &'static str) -> Result<Task> {
        let mut inner = self.lock();
        if inner.installing {
            return Err(Error::new(
                ErrorCode::WorkInProgress,
                "Rollbook is installing an update and will restart in a moment; try again then.",
            ));
        }
        inner.tasks.push(what);
        Ok(Task {
            busy: self.clone(),
            what,
        })
    }

    /// Claims the app for installing an update, unless a payment or an import is running.
    pub fn begin_install(self: &Arc<Self>) -> Result<Installing> {
        let mut inner = self.lock();
        if let Some(what) = inner.tasks.first() {
            return Err(Error::new(
                ErrorCode::WorkInProgress,
                format!("The update waits: {what} is under way. Install it when that is finished."),
            ));
        }
        if inner.installing {
            return Err(Error::new(
                ErrorCode::WorkInProgress,
                "The update is already being installed.",
            ));
        }
        inner.installing = true;
        Ok(Installing { busy: self.clone() })
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        let mut inner = self.busy.lock();
        if let Some(i) = inner.tasks.iter().position(|w| *w == self.what) {
            inner.tasks.swap_remove(i);
        }
    }
}

impl Drop for Installing {
    fn drop(&mut self) {
        self.busy.lock().installing = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_waits_for_payments_and_imports_and_holds_them_off() {
        let busy = Arc::new(Busy::default());
        let payment = busy.begin("a payment").unwrap();
        let import = busy.begin("an import").unwrap();
        let refused = busy.begin_install().unwrap_err();
        assert_eq!(refused.code, ErrorCode::WorkInProgress);
        assert!(refused.message.contains("a payment"), "{}", refused.message);
        drop(payment);
        let refused = busy.begin_install().unwrap_err();
        assert!(refused.message.contains("an import"), "{}", refused.message);
        drop(import);

        let installing = busy.begin_install().unwrap();
        let held_off = busy.begin("a payment").unwrap_err();
        assert_eq!(held_off.code, ErrorCode::WorkInProgress);
        assert_eq!(
            busy.begin_install().unwrap_err().code,
            ErrorCode::WorkInProgress
        );
        drop(installing);
        drop(busy.begin("a payment").unwrap());
        drop(busy.begin_install().unwrap());
    }
}
