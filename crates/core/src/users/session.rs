//! Signing in, locking and unlocking. The store holds one session (a desktop app has one
//! person at the keyboard); wrong PINs back off with growing delays and lock the user after
//! [`MAX_FAILURES`], counted in the database so a restart does not reset them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::access::Actor;
use super::{User, get_user, pin};
use crate::audit::{self, Action};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::Store;

/// Wrong PINs in a row that lock a user until an administrator resets their PIN.
pub const MAX_FAILURES: u32 = 5;

/// Who is at the keyboard.
#[derive(Debug, Clone, Default)]
pub(crate) enum Session {
    #[default]
    SignedOut,
    Active(Actor),
    /// Locked (idle or on demand): the same person unlocks with their PIN.
    Locked(Actor),
}

impl Session {
    pub(crate) fn active(&self) -> Option<Actor> {
        match self {
            Session::Active(a) => Some(a.clone()),
            _ => None,
        }
    }

    pub(crate) fn user(&self) -> Option<Actor> {
        match self {
            Session::Active(a) | Session::Locked(a) => Some(a.clone()),
            Session::SignedOut => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// No users exist yet: everything is open until the first administrator is added.
    Open,
    SignedOut,
    Locked,
    Active,
}

/// What the lock screen and the title bar show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionState {
    pub status: SessionStatus,
    /// The signed-in (or locked-out) user.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Actor>,
    /// The people who may sign in here, for the sign-in list.
    pub users: Vec<SignInName>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignInName {
    pub id: Id,
    pub name: String,
    pub role: super::Role,
}

pub fn state(store: &Store) -> Result<SessionState> {
    let users: Vec<SignInName> = super::list_unchecked(store)?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| SignInName {
            id: u.id,
            name: u.name,
            role: u.role,
        })
        .collect();
    let session = store.session();
    let status = match (&session, users.is_empty()) {
        (_, true) => SessionStatus::Open,
        (Session::Active(_), _) => SessionStatus::Active,
        (Session::Locked(_), _) => SessionStatus::Locked,
        (Session::SignedOut, _) => SessionStatus::SignedOut,
    };
    Ok(SessionState {
        status,
        user: session.user(),
        users,
    })
}

/// Checks `pin` for `user_id` and, when it matches, signs them in.
pub fn sign_in(store: &Store, user_id: Id, pin: &str) -> Result<Actor> {
    sign_in_at(store, user_id, pin, Utc::now())
}

pub(crate) fn sign_in_at(
    store: &Store,
    user_id: Id,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<Actor> {
    let user = store.read(|c| get_user(c, user_id))?;
    if !user.active {
        return Err(Error::new(
            ErrorCode::Forbidden,
            format!("{} may no longer sign in here.", user.name),
        ));
    }
    let attempts = store.read(|c| attempts(c, user_id))?;
    if attempts.locked {
        return Err(locked(&user));
    }
    if let Some(last) = attempts.last_failure_at {
        let wait = delay_after(attempts.failures);
        let ready = last + chrono::Duration::from_std(wait).unwrap_or_default();
        if now < ready {
            let secs = (ready - now).num_seconds().max(1);
            return Err(Error::new(
                ErrorCode::TryLater,
                format!("Too many wrong PINs. Wait {secs} s before trying again."),
            ));
        }
    }
    let Some(phc) = pin::stored(user_id)? else {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!(
                "{} has no PIN on this computer yet. An administrator can set one \
                 (Settings → Users).",
                user.name
            ),
        ));
    };
    let actor = actor_of(&user);
    if pin::matches(pin, &phc)? {
        store.write(|w| {
            w.conn()
                .execute("DELETE FROM pin_attempts WHERE user_id = ?1", [user_id])?;
            audit::event(w, Some(&actor), Action::SignIn, "")
        })?;
        store.set_session(Session::Active(actor.clone()));
        return Ok(actor);
    }
    let failures = attempts.failures + 1;
    let now_locked = failures >= MAX_FAILURES;
    store.write(|w| {
        w.conn().execute(
            "INSERT INTO pin_attempts (user_id, failures, last_failure_at, locked)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures,
                 last_failure_at = excluded.last_failure_at, locked = excluded.locked",
            rusqlite::params![user_id, failures, now.to_rfc3339(), now_locked],
        )?;
        audit::event(
            w,
            Some(&actor),
            Action::WrongPin,
            &format!("wrong PIN {failures} of {MAX_FAILURES}"),
        )?;
        if now_locked {
            audit::event(w, Some(&actor), Action::UserLocked, "")?;
        }
        Ok(())
    })?;
    if now_locked {
        return Err(locked(&user));
    }
    let left = MAX_FAILURES - failures;
    Err(Error::new(
        ErrorCode::WrongPin,
        format!(
            "Wrong PIN. {left} {} left before {} is locked.",
            if left == 1 { "try" } else { "tries" },
            user.name
        ),
    ))
}

/// Locks the app: the signed-in user stays named on the lock screen and unlocks with their
/// PIN. Locking when nobody is signed in does nothing.
pub fn lock(store: &Store) -> Result<()> {
    if let Session::Active(actor) = store.session() {
        store.write(|w| audit::event(w, Some(&actor), Action::Lock, ""))?;
        store.set_session(Session::Locked(actor));
    }
    Ok(())
}

/// Signs out: the next person picks their name on the sign-in screen.
pub fn sign_out(store: &Store) -> Result<()> {
    if let Some(actor) = store.session().user() {
        store.write(|w| audit::event(w, Some(&actor), Action::SignOut, ""))?;
    }
    store.set_session(Session::SignedOut);
    Ok(())
}

fn locked(user: &User) -> Error {
    Error::new(
        ErrorCode::UserLocked,
        format!(
            "{} is locked after {MAX_FAILURES} wrong PINs. An administrator must reset the PIN.",
            user.name
        ),
    )
}

pub(crate) fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        name: user.name.clone(),
        role: user.role,
        class_ids: user.class_ids.clone(),
    }
}

/// 1, 2, 4, 8 seconds after the first to fourth wrong PIN.
fn delay_after(failures: u32) -> Duration {
    match failures {
        0 => Duration::ZERO,
        n => Duration::from_secs(1 << (n - 1).min(10)),
    }
}

#[derive(Debug, Default)]
struct Attempts {
    failures: u32,
    last_failure_at: Option<DateTime<Utc>>,
    locked: bool,
}

fn attempts(conn: &Connection, user_id: Id) -> Result<Attempts> {
    let row = conn
        .query_row(
            "SELECT failures, last_failure_at, locked FROM pin_attempts WHERE user_id = ?1",
            [user_id],
            |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            },
        )
        .optional()?;
    Ok(match row {
        None => Attempts::default(),
        Some((failures, last, locked)) => Attempts {
            failures,
            last_failure_at: last
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
            locked,
        },
    })
}

/// Whether `user_id` is locked out on this device.
pub(crate) fn is_locked(conn: &Connection, user_id: Id) -> Result<bool> {
    Ok(attempts(conn, user_id)?.locked)
}

/// Minutes without a key press or click before the app locks itself, unless set.
pub const DEFAULT_LOCK_AFTER_MINUTES: u32 = 5;

/// Minutes of idleness after which this computer's app locks itself.
pub fn lock_after_minutes(store: &Store) -> Result<u32> {
    let stored: Option<String> = store.read(|c| {
        Ok(c.query_row(
            "SELECT value FROM device_settings WHERE key = 'lock_after_minutes'",
            [],
            |r| r.get(0),
        )
        .optional()?)
    })?;
    Ok(stored
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_LOCK_AFTER_MINUTES))
}

/// Sets the idle time before the app locks, 1 to 120 minutes (this computer only).
pub fn set_lock_after_minutes(store: &Store, minutes: u32) -> Result<()> {
    store.require(super::Permission::ManageSchool)?;
    if !(1..=120).contains(&minutes) {
        return Err(Error::validation(
            "minutes",
            "The app locks itself after 1 to 120 minutes without use.",
        ));
    }
    store.write(|w| {
        w.conn().execute(
            "INSERT INTO device_settings (key, value) VALUES ('lock_after_minutes', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [minutes.to_string()],
        )?;
        Ok(())
    })
}
