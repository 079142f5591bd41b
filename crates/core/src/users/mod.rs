//! The people who sign in: a name, a role, and for teachers their classes. PINs live in the
//! OS keyring (see [`pin`]); sessions and wrong-PIN lockouts in [`session`].

mod access;
mod pin;
mod session;

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

pub use access::{Actor, Permission, Role};
pub use pin::check_shape as check_pin_shape;
pub(crate) use session::Session;
pub use session::{
    DEFAULT_LOCK_AFTER_MINUTES, MAX_FAILURES, SessionState, SessionStatus, SignInName, lock,
    lock_after_minutes, set_lock_after_minutes, sign_in, sign_out, state,
};

use crate::audit::{self, Action};
use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::{Op, RecordType, Store};
use crate::time::now_utc;
use crate::validate::Problems;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct User {
    pub id: Id,
    pub name: String,
    pub role: Role,
    /// A teacher's classes.
    pub class_ids: Vec<Id>,
    pub active: bool,
    /// Locked on this device after too many wrong PINs.
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInput {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub class_ids: Vec<Id>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// The values a user record carries through the outbox.
#[derive(Serialize)]
struct Stored<'a> {
    name: &'a str,
    role: Role,
    class_ids: &'a [Id],
    active: bool,
}

const COLUMNS: &str = "id, name, role, class_ids, active";

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    let classes: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Teacher),
        class_ids: serde_json::from_str(&classes).unwrap_or_default(),
        active: r.get(4)?,
        locked: false,
    })
}

pub(crate) fn any_users(store: &Store) -> Result<bool> {
    store.read(|c| {
        Ok(c.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE active = 1)",
            [],
            |r| r.get(0),
        )?)
    })
}

/// Whether a user other than `except` is called `name` (case aside).
pub(crate) fn name_taken(conn: &Connection, name: &str, except: Id) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1 COLLATE NOCASE AND id <> ?2)",
        rusqlite::params![name, except],
        |r| r.get(0),
    )?)
}

/// Writes a user's row, new or not; the one place users are written (no outbox entry:
/// callers record their change, sync records none).
pub(crate) fn write_row(conn: &Connection, id: Id, input: &UserInput) -> Result<()> {
    conn.execute(
        "INSERT INTO users (id, name, role, class_ids, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
             class_ids = excluded.class_ids, active = excluded.active,
             updated_at = excluded.updated_at",
        rusqlite::params![
            id,
            input.name,
            input.role.as_str(),
            serde_json::to_string(&input.class_ids)?,
            input.active,
            now_utc()
        ],
    )?;
    Ok(())
}

/// A user's row as it is, or none.
pub(crate) fn load(conn: &Connection, id: Id) -> Result<Option<User>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

fn get_user(conn: &Connection, id: Id) -> Result<User> {
    let mut user = load(conn, id)?.ok_or_else(|| Error::not_found("The user"))?;
    user.locked = session::is_locked(conn, id)?;
    Ok(user)
}

fn list_unchecked(store: &Store) -> Result<Vec<User>> {
    store.read(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM users ORDER BY name COLLATE NOCASE"
        ))?;
        let mut users: Vec<User> = stmt
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?;
        for u in &mut users {
            u.locked = session::is_locked(c, u.id)?;
        }
        Ok(users)
    })
}

/// Every user, for the administrator's list.
pub fn list(store: &Store) -> Result<Vec<User>> {
    store.require(Permission::ManageUsers)?;
    list_unchecked(store)
}

/// Finds an active user by name (case aside), for the CLI's `--user`.
pub fn find_by_name(store: &Store, name: &str) -> Result<User> {
    let found = store.read(|c| {
        Ok(c.query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE name = ?1 COLLATE NOCASE AND active = 1"),
            [name.trim()],
            from_row,
        )
        .optional()?)
    })?;
    found.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("There is no user called {:?}.", name.trim()),
        )
    })
}

fn validate(store: &Store, input: &UserInput) -> Result<String> {
    let mut p = Problems::default();
    let name = p.required("name", "The name", &input.name, 100);
    p.finish()?;
    if input.role != Role::Teacher && !input.class_ids.is_empty() {
        return Err(Error::validation(
            "class_ids",
            "Only teachers are given classes; the other roles see every class.",
        ));
    }
    store.read(|c| {
        for class_id in &input.class_ids {
            let exists: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM classes WHERE id = ?1)",
                [class_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::validation(
                    "class_ids",
                    "A chosen class does not exist.",
                ));
            }
        }
        Ok(())
    })?;
    Ok(name)
}

/// Adds a user with their first PIN. The first user of a school must be an administrator;
/// after that only an administrator may add users.
pub fn add(store: &Store, input: &UserInput, pin_text: &str) -> Result<User> {
    let first = !any_users(store)?;
    if first {
        if input.role != Role::Administrator {
            return Err(Error::validation(
                "role",
                "The first user must be an administrator, who then adds everyone else.",
            ));
        }
    } else {
        store.require(Permission::ManageUsers)?;
    }
    let name = validate(store, input)?;
    pin::check_shape(pin_text)?;
    let id = Id::new();
    store.write(|w| {
        if name_taken(w.conn(), &name, id)? {
            return Err(Error::conflict(
                "name",
                format!("There is already a user called {name}."),
            ));
        }
        write_row(
            w.conn(),
            id,
            &UserInput {
                name: name.clone(),
                ..input.clone()
            },
        )?;
        w.record(
            RecordType::User,
            id,
            Op::Insert,
            &Stored {
                name: &name,
                role: input.role,
                class_ids: &input.class_ids,
                active: input.active,
            },
        )?;
        // Last, so that a keyring failure rolls the new user back.
        pin::store(id, pin_text)
    })?;
    store.read(|c| get_user(c, id))
}

/// Changes a user's name, role, classes or whether they may sign in. The last active
/// administrator cannot be demoted or switched off.
pub fn update(store: &Store, id: Id, input: &UserInput) -> Result<User> {
    store.require(Permission::ManageUsers)?;
    let name = validate(store, input)?;
    store.write(|w| {
        let old = get_user(w.conn(), id)?;
        let leaves_admins = old.role == Role::Administrator
            && old.active
            && (input.role != Role::Administrator || !input.active);
        if leaves_admins {
            let others: i64 = w.conn().query_row(
                "SELECT count(*) FROM users
                 WHERE role = 'administrator' AND active = 1 AND id <> ?1",
                [id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(Error::validation(
                    "role",
                    "This is the last administrator; make someone else an administrator first.",
                ));
            }
        }
        if name_taken(w.conn(), &name, id)? {
            return Err(Error::conflict(
                "name",
                format!("There is already a user called {name}."),
            ));
        }
        write_row(
            w.conn(),
            id,
            &UserInput {
                name: name.clone(),
                ..input.clone()
            },
        )?;
        let new = Stored {
            name: &name,
            role: input.role,
            class_ids: &input.class_ids,
            active: input.active,
        };
        let before = Stored {
            name: &old.name,
            role: old.role,
            class_ids: &old.class_ids,
            active: old.active,
        };
        let changed = crate::diff::changed_fields(&before, &new)?;
        if !changed.is_empty() {
            w.record(RecordType::User, id, Op::Update, &changed)?;
        }
        Ok(())
    })?;
    store.read(|c| get_user(c, id))
}

/// An administrator sets a new PIN for someone (who forgot it, or is locked out, or is new
/// to this computer); their wrong-PIN count starts again.
pub fn reset_pin(store: &Store, user_id: Id, new_pin: &str) -> Result<()> {
    store.require(Permission::ManageUsers)?;
    pin::check_shape(new_pin)?;
    let actor = store.session().active();
    store.write(|w| {
        let user = get_user(w.conn(), user_id)?;
        w.conn()
            .execute("DELETE FROM pin_attempts WHERE user_id = ?1", [user_id])?;
        audit::event_about(
            w,
            actor.as_ref(),
            Action::PinReset,
            (RecordType::User, user_id),
            &format!("PIN of {} reset", user.name),
        )?;
        pin::store(user_id, new_pin)
    })
}

/// The signed-in user changes their own PIN, giving the current one.
pub fn change_own_pin(store: &Store, current: &str, new_pin: &str) -> Result<()> {
    let Some(actor) = store.active_user()? else {
        return Err(Error::new(
            ErrorCode::SignInRequired,
            "Nobody is signed in; add the first administrator instead.",
        ));
    };
    pin::check_shape(new_pin)?;
    let phc = pin::stored(actor.user_id)?;
    if !phc.is_some_and(|h| pin::matches(current, &h).unwrap_or(false)) {
        return Err(Error::validation(
            "current",
            "The current PIN is not right.",
        ));
    }
    store.write(|w| {
        audit::event(w, Some(&actor), Action::PinChanged, "")?;
        pin::store(actor.user_id, new_pin)
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod refusals;
