//! `cargo run -p rollbook-typegen` rewrites `ui/src/lib/ipc/types.ts`;
//! `cargo run -p rollbook-typegen -- --check` exits 1 if that file differs from what the
//! Rust types say (CI runs this, so the UI can never drift from the IPC boundary).

use std::path::PathBuf;
use std::process::ExitCode;

use rollbook_core as core;
use ts_rs::TS;

/// Every type that crosses IPC, in the order they are written.
fn declarations() -> Vec<String> {
    macro_rules! decls {
        ($($t:ty),* $(,)?) => { vec![$(<$t as TS>::decl(&ts_rs::Config::default())),*] };
    }
    decls![
        core::ErrorCode,
        core::FieldError,
        core::Error,
        core::Id,
        core::hlc::Hlc,
        core::status::AppStatus,
        core::school::DateOrder,
        core::school::SchoolProfile,
        core::school::SchoolInput,
        core::school::SetupInput,
        core::school::CountryDefaults,
        core::years::AcademicYear,
        core::years::Term,
        core::years::YearWithTerms,
        core::years::YearInput,
        core::years::TermInput,
        core::classes::Class,
        core::classes::ClassSummary,
        core::classes::ClassInput,
        core::students::Gender,
        core::students::StudentStatus,
        core::students::Student,
        core::students::StudentInput,
        core::students::StudentDetail,
        core::students::StudentRow,
        core::students::StudentFilter,
        core::guardians::Relation,
        core::guardians::Guardian,
        core::guardians::GuardianInput,
        core::guardians::LinkedGuardian,
        core::guardians::SiblingRef,
        core::search::MatchKind,
        core::search::SearchHit,
        core::import::fields::Field,
        core::import::ImportMode,
        core::import::ColumnChoice,
        core::import::ImportOptions,
        core::import::SheetInfo,
        core::import::OpenedFile,
        core::import::ColumnMapping,
        core::import::RowAction,
        core::import::CellProblem,
        core::import::RowPlan,
        core::import::ImportCounts,
        core::import::ImportPreview,
        core::import::ImportOutcome,
        core::import::ImportRecord,
        core::import::UndoSummary,
        core::import::ImportPhase,
        core::import::ImportProgress,
        core::calendar::Holiday,
        core::calendar::HolidayInput,
        core::calendar::DayKind,
        core::calendar::Calendar,
        core::attendance::SessionMode,
        core::attendance::CodeKind,
        core::attendance::Code,
        core::attendance::SessionInfo,
        core::attendance::AttendanceSettings,
        core::attendance::SettingsInput,
        core::attendance::CodeInput,
        core::attendance::MarkInput,
        core::attendance::RollInput,
        core::attendance::RollSaved,
        core::attendance::MarkChange,
        core::attendance::RollEntry,
        core::attendance::Roll,
        core::attendance::ClassNotTaken,
        core::attendance::Tally,
        core::attendance::StudentMark,
        core::attendance::StudentAttendance,
        core::attendance::DayAttendance,
        core::attendance::StudentPercentage,
        core::attendance::ClassAttendance,
        core::attendance::ChronicAbsentee,
        core::staff::Staff,
        core::staff::StaffInput,
        core::staff::StaffArrival,
        core::cards::HolderKind,
        core::cards::CardView,
        core::cards::CheckInOutcome,
        core::cards::CheckIn,
        core::fees::EntryKind,
        core::fees::PaymentMethod,
        core::fees::FeeHead,
        core::fees::HeadInput,
        core::fees::FineKind,
        core::fees::StructureInput,
        core::fees::StructureLine,
        core::fees::ConcessionKind,
        core::fees::ConcessionInput,
        core::fees::Concession,
        core::fees::Applied,
        core::fees::Allocation,
        core::fees::LedgerEntry,
        core::fees::Due,
        core::fees::StudentFees,
        core::fees::StatementLine,
        core::fees::AllocationInput,
        core::fees::DueRef,
        core::fees::PaymentInput,
        core::fees::ReversalInput,
        core::fees::ReceiptLine,
        core::fees::Receipt,
        core::fees::ReceiptCheck,
        core::fees::DayBookLine,
        core::fees::DayBookReversal,
        core::fees::MethodTotal,
        core::fees::CashierCash,
        core::fees::CashClosing,
        core::fees::DayBook,
        core::fees::Defaulter,
        core::fees::ClassCollection,
        core::fees::Collection,
        core::backup::BackupInfo,
        core::backup::BackupStatus,
        core::users::Role,
        core::users::Actor,
        core::users::User,
        core::users::UserInput,
        core::users::SessionStatus,
        core::users::SignInName,
        core::users::SessionState,
        core::audit::AuditQuery,
        core::audit::FieldChange,
        core::audit::AuditRow,
        core::sync::RejectedEntry,
        core::sync::ParkedEntry,
        core::sync::SyncStatus,
        core::sync::SyncReport,
        core::update::UpdateInfo,
        core::update::UpdateProgress,
    ]
}

fn render() -> String {
    let mut out = String::from(
        "// Generated by `cargo run -p rollbook-typegen` from the Rust types of the IPC boundary.\n\
         // Do not edit: CI fails when this file differs from what the Rust types say.\n\n",
    );
    for d in declarations() {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn target() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/ipc/types.ts")
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let wanted = render();
    let path = target();
    if check {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == wanted {
            println!("IPC types are up to date ({})", path.display());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} has drifted from the Rust types. Run `cargo run -p rollbook-typegen` and commit the result.",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    if let Some(dir) = path.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    match std::fs::write(&path, wanted) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
