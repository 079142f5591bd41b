//! The schema's history. Each step is the SQL file beside the module of the table it
//! concerns; steps are only ever appended. The version lives in `PRAGMA user_version`.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations, SchemaVersion};

use super::checks;
use crate::error::{Error, ErrorCode, Result};

fn steps() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("0001_device.sql")),
        M::up(include_str!("0002_outbox.sql")),
        M::up(include_str!("../school/0003_school.sql")),
        M::up(include_str!("../years/0004_years.sql")),
        M::up(include_str!("../classes/0005_classes.sql")),
        M::up(include_str!("../students/0006_students.sql")),
        M::up(include_str!("../guardians/0007_guardians.sql")),
        M::up(include_str!("../search/0008_search.sql")),
        M::up(include_str!("../import/0009_imports.sql")),
        M::up(include_str!("../calendar/0010_calendar.sql")),
        M::up(include_str!("../attendance/0011_attendance.sql")),
        M::up(include_str!("../staff/0012_staff.sql")),
        M::up(include_str!("../cards/0013_cards.sql")),
        M::up(include_str!("../fees/0014_fees.sql")),
        M::up(include_str!("../fees/0015_cash_closings.sql")),
        M::up(include_str!("../school/0016_school_logo.sql")),
        M::up(include_str!("../backup/0017_device_settings.sql")),
        M::up(include_str!("../users/0018_users.sql")),
        M::up(include_str!("../audit/0019_audit.sql")),
        M::up(include_str!("../sync/0020_sync.sql")),
        M::up_with_hook(
            include_str!("../import/0021_import_user.sql"),
            checks::as_comparisons,
        ),
        M::up(include_str!("0022_device_identities.sql")),
        M::up(include_str!("../fees/0023_ledger_duplicates.sql")),
        M::up(include_str!("../attendance/0024_mark_history_from_log.sql")),
        M::up(include_str!("../sync/0025_sync_error_code.sql")),
        M::up(include_str!("0026_outbox_acks.sql")),
    ])
}

/// The number of steps in [`steps`]: the schema version this build writes. A test keeps
/// the two in step.
const STEP_COUNT: usize = 26;

pub(super) fn latest() -> usize {
    STEP_COUNT
}

pub(super) fn current(conn: &Connection) -> usize {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map(|v| usize::try_from(v).unwrap_or(0))
        .unwrap_or(0)
}

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let migrations = steps();
    match migrations.current_version(conn) {
        Ok(SchemaVersion::Outside(found)) => {
            return Err(Error::new(
                ErrorCode::SchemaTooNew,
                format!(
                    "This database was updated by a newer version of Rollbook (schema {found}); \
                     this version understands schema {} at most. Install the newer Rollbook. \
                     The database was left untouched.",
                    latest()
                ),
            ));
        }
        Ok(_) => {}
        Err(e) => {
            return Err(Error::internal(format!(
                "cannot read the schema version: {e}"
            )));
        }
    }
    migrations.to_latest(conn).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
        other => Error::internal(format!("the database could not be upgraded: {other}")),
    })
}

/// Migrates to `version` only: a database as an earlier build left it, for upgrade tests.
#[cfg(test)]
pub(super) fn migrate_to(conn: &mut Connection, version: usize) {
    steps()
        .to_version(conn, version)
        .expect("migrate to an earlier version");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_count_matches_the_list() {
        let mut conn = Connection::open_in_memory().unwrap();
        steps().to_latest(&mut conn).unwrap();
        assert_eq!(current(&conn), STEP_COUNT);
        assert!(steps().validate().is_ok());
    }
}
