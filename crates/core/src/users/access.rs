//! Who may do what. Every public operation of the core asks the store for a [`Permission`]
//! before it reads or writes; the answer depends on the signed-in user's [`Role`] (and, for
//! teachers, their classes). A school with no users yet is open: setting it up comes first.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorCode, Result};
use crate::id::Id;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Administrator,
    /// Fees, reversals and reports.
    Accountant,
    /// Students, imports, taking payments, attendance.
    Clerk,
    /// Attendance of their own classes; students read-only.
    Teacher,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Accountant,
        Role::Clerk,
        Role::Teacher,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Accountant => "accountant",
            Role::Clerk => "clerk",
            Role::Teacher => "teacher",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        let t = text.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == t || (t == "admin" && *r == Role::Administrator))
    }

    fn title(self) -> &'static str {
        match self {
            Role::Administrator => "An administrator",
            Role::Accountant => "An accountant",
            Role::Clerk => "A clerk",
            Role::Teacher => "A teacher",
        }
    }

    /// Whether this role may do `p` at all (teachers are further held to their classes).
    pub fn allows(self, p: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Administrator => true,
            Role::Accountant => matches!(
                p,
                P::ViewStudents
                    | P::ViewAttendance
                    | P::TakePayments
                    | P::ReversePayments
                    | P::ManageFees
                    | P::ViewFeeReports
                    | P::Export
                    | P::BackUp
            ),
            Role::Clerk => matches!(
                p,
                P::ViewStudents
                    | P::EditStudents
                    | P::ImportStudents
                    | P::ViewAttendance
                    | P::TakeAttendance
                    | P::TakePayments
                    | P::Export
                    | P::BackUp
            ),
            Role::Teacher => matches!(p, P::ViewStudents | P::ViewAttendance | P::TakeAttendance),
        }
    }
}

/// What an operation needs. Each public core function names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Search and read students, guardians, classes and the school's settings.
    ViewStudents,
    /// Add and edit students and guardians, issue ID cards.
    EditStudents,
    /// Bulk-import class lists.
    ImportStudents,
    /// Read rolls and attendance reports.
    ViewAttendance,
    /// Take a roll (teachers: of their own classes) and check people in.
    TakeAttendance,
    /// Take fee payments, print receipts, close one's own cash drawer.
    TakePayments,
    /// Reverse a payment.
    ReversePayments,
    /// Fee heads, structures, concessions, fines.
    ManageFees,
    /// Defaulters, collections, day books, statements.
    ViewFeeReports,
    /// Write lists and reports to files.
    Export,
    /// Take a backup now.
    BackUp,
    /// The school, its years, classes, calendar, staff, attendance settings, logo, backup
    /// folder, restores.
    ManageSchool,
    /// Add users, change roles, reset other people's PINs.
    ManageUsers,
    /// Read and export the audit trail.
    ViewAudit,
}

impl Permission {
    fn doing(self) -> &'static str {
        use Permission as P;
        match self {
            P::ViewStudents => "read student records",
            P::EditStudents => "change student records",
            P::ImportStudents => "import class lists",
            P::ViewAttendance => "read attendance",
            P::TakeAttendance => "take attendance",
            P::TakePayments => "take payments",
            P::ReversePayments => "reverse payments",
            P::ManageFees => "change the fee setup",
            P::ViewFeeReports => "read fee reports",
            P::Export => "export data",
            P::BackUp => "take backups",
            P::ManageSchool => "change the school's settings",
            P::ManageUsers => "manage users",
            P::ViewAudit => "read the audit trail",
        }
    }

    fn who_can(self) -> String {
        let names: Vec<&str> = Role::ALL
            .into_iter()
            .filter(|r| r.allows(self))
            .map(Role::as_str)
            .collect();
        match names.as_slice() {
            [one] => format!("an {one}"),
            [init @ .., last] => format!("an {} or {last}", init.join(", ")),
            [] => "nobody".into(),
        }
    }
}

/// The signed-in user, as permission checks and the audit trail see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Actor {
    pub user_id: Id,
    pub name: String,
    pub role: Role,
    /// A teacher's classes (empty for other roles).
    pub class_ids: Vec<Id>,
}

impl Actor {
    fn refuse(&self, p: Permission) -> Error {
        Error::new(
            ErrorCode::Forbidden,
            format!(
                "{} may not {} (signed in as {}). Ask {} to do it.",
                self.role.title(),
                p.doing(),
                self.name,
                p.who_can()
            ),
        )
    }
}

impl Store {
    /// Checks that whoever is signed in may do `p`; in a school with no users, everyone may.
    /// Returns the signed-in user, if any, for the audit trail and receipts.
    pub fn require(&self, p: Permission) -> Result<Option<Actor>> {
        match self.active_user()? {
            Some(actor) if actor.role.allows(p) => Ok(Some(actor)),
            Some(actor) => Err(actor.refuse(p)),
            None => Ok(None),
        }
    }

    /// [`Store::require`] for work on one class: a teacher only for their own classes.
    pub fn require_class(&self, p: Permission, class_id: Id) -> Result<Option<Actor>> {
        let actor = self.require(p)?;
        if let Some(a) = &actor
            && a.role == Role::Teacher
            && !a.class_ids.contains(&class_id)
        {
            return Err(Error::new(
                ErrorCode::Forbidden,
                format!(
                    "{} is a teacher of other classes; only a class's own teacher, a clerk or \
                     an administrator may {} for it.",
                    a.name,
                    p.doing()
                ),
            ));
        }
        Ok(actor)
    }

    /// The signed-in, unlocked user. `None` in a school with no users; an error when users
    /// exist and nobody is signed in or the app is locked.
    pub(crate) fn active_user(&self) -> Result<Option<Actor>> {
        if let Some(actor) = self.session().active() {
            return Ok(Some(actor));
        }
        if super::any_users(self)? {
            let who = self.session().user().map(|a| a.name);
            return Err(Error::new(
                ErrorCode::SignInRequired,
                match who {
                    Some(name) => format!("Rollbook is locked. {name}, enter your PIN to go on."),
                    None => "Sign in with your PIN first.".to_owned(),
                },
            ));
        }
        Ok(None)
    }
}
