//! The IPC commands. Each is a few lines: take the store, call the core on a blocking
//! thread (SQLite and image work never run on the UI thread), return its result. Errors
//! reach the UI as the core's `{code, message, field, details}`.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rollbook_core::classes::{self, Class, ClassInput, ClassSummary};
use rollbook_core::school::{self, CountryDefaults, SchoolInput, SchoolProfile, SetupInput};
use rollbook_core::search::{self, SearchHit};
use rollbook_core::status::{self, AppStatus};
use rollbook_core::students::{self, StudentDetail, StudentFilter, StudentInput, StudentRow};
use rollbook_core::years::{self, AcademicYear, Term, TermInput, YearInput, YearWithTerms};
use rollbook_core::{Error, Id, Result, Store};
use tauri::State;

use crate::state::AppState;

/// Every command, for `Builder::invoke_handler`; generic so the tests can use the mock runtime.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app_status,
        first_screen_shown,
        country_defaults,
        setup_school,
        update_school,
        set_school_logo,
        remove_school_logo,
        get_school_logo,
        list_years,
        add_year,
        add_term,
        list_classes,
        create_class,
        update_class,
        list_students,
        get_student,
        create_student,
        update_student,
        search_students,
        set_student_photo,
        remove_student_photo,
        get_student_photo,
        files::import_open,
        files::import_preview,
        files::import_run,
        files::import_cancel,
        files::import_error_report,
        files::import_history,
        files::import_undo_last,
        files::export_roll,
        files::export_students,
        files::export_template,
        files::export_register,
        attendance::attendance_settings,
        attendance::update_attendance_settings,
        attendance::save_attendance_code,
        attendance::get_calendar,
        attendance::set_working_days,
        attendance::add_holiday,
        attendance::remove_holiday,
        attendance::get_roll,
        attendance::save_roll,
        attendance::mark_history,
        attendance::registers_not_taken,
        attendance::student_attendance,
        attendance::class_attendance,
        attendance::chronic_absentees,
        attendance::class_cards,
        attendance::staff_cards,
        attendance::reissue_card,
        attendance::check_in,
        attendance::list_staff,
        attendance::create_staff,
        attendance::update_staff,
        attendance::staff_arrivals,
        fees::fee_heads,
        fees::add_fee_head,
        fees::fee_structure,
        fees::set_fee_structure,
        fees::apply_fee_structure,
        fees::add_concession,
        fees::set_optional_head,
        fees::fee_balance,
        fees::fee_statement,
        fees::take_payment,
        fees::reverse_payment,
        fees::print_receipt,
        fees::verify_receipt,
        fees::save_receipt_pdf,
        backup::backup_status,
        backup::set_backup_folder,
        backup::back_up_now,
        backup::restore_backup,
        backup::opened_backup,
        users::session_state,
        users::sign_in,
        users::lock_app,
        users::sign_out,
        users::lock_after_minutes,
        users::set_lock_after_minutes,
        users::list_users,
        users::add_user,
        users::update_user,
        users::reset_user_pin,
        users::change_own_pin,
        users::audit_report,
        users::export_audit,
        users::recovery_key,
        users::open_with_recovery_key,
        sync::sync_status,
        sync::sync_now,
        sync::enrol_device,
        sync::resolve_sync_rejection,
        fees::day_book,
        fees::close_cash,
        fees::defaulters,
        fees::fee_collection,
        fees::export_defaulters,
        fees::export_day_book,
        fees::export_collection,
        fees::export_statement,
        update::pending_update,
        update::check_for_update,
        update::install_update,
    ]
}

mod attendance;
mod backup;
mod fees;
mod files;
mod sync;
mod update;
mod users;

/// Runs `f` with the store on tokio's blocking pool.
async fn with_store<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store: Arc<Store> = state.store()?;
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::internal(format!("the operation stopped unexpectedly: {e}")))?
}

/// Makes an export's bytes with the store on the blocking pool and saves them at `out` (a
/// path from the save dialog), checked first so a bad name fails before any work.
async fn save_export(
    state: State<'_, AppState>,
    out: std::path::PathBuf,
    make: impl FnOnce(&Store) -> Result<Vec<u8>> + Send + 'static,
) -> Result<()> {
    with_store(state, move |s| {
        rollbook_core::export::check_path(&out)?;
        rollbook_core::export::write_file(&out, &make(s)?)
    })
    .await
}

#[tauri::command]
async fn app_status(state: State<'_, AppState>) -> Result<AppStatus> {
    with_store(state, |s| status::status(s, env!("CARGO_PKG_VERSION"))).await
}

/// The UI says its first screen is up and takes keys: logged with the time since start-up
/// (what the start-up benchmark reads; support sees slow starts in the log).
#[tauri::command]
async fn first_screen_shown() -> Result<()> {
    let ms = crate::startup::ms();
    tracing::info!(ms, "first screen interactive");
    Ok(())
}

#[tauri::command]
async fn country_defaults(country: String) -> Result<CountryDefaults> {
    school::defaults_for_country(&country)
}

#[tauri::command]
async fn setup_school(state: State<'_, AppState>, input: SetupInput) -> Result<SchoolProfile> {
    with_store(state, move |s| school::setup(s, &input)).await
}

#[tauri::command]
async fn update_school(state: State<'_, AppState>, input: SchoolInput) -> Result<SchoolProfile> {
    with_store(state, move |s| school::update(s, &input)).await
}

#[tauri::command]
async fn list_years(state: State<'_, AppState>) -> Result<Vec<YearWithTerms>> {
    with_store(state, years::list).await
}

#[tauri::command]
async fn add_year(state: State<'_, AppState>, input: YearInput) -> Result<AcademicYear> {
    with_store(state, move |s| years::add_year(s, &input)).await
}

#[tauri::command]
async fn add_term(state: State<'_, AppState>, year: String, input: TermInput) -> Result<Term> {
    with_store(state, move |s| years::add_term(s, &year, &input)).await
}

#[tauri::command]
async fn list_classes(state: State<'_, AppState>) -> Result<Vec<ClassSummary>> {
    with_store(state, classes::list).await
}

#[tauri::command]
async fn create_class(state: State<'_, AppState>, input: ClassInput) -> Result<Class> {
    with_store(state, move |s| classes::create(s, &input)).await
}

#[tauri::command]
async fn update_class(state: State<'_, AppState>, id: Id, input: ClassInput) -> Result<Class> {
    with_store(state, move |s| classes::update(s, id, &input)).await
}

/// The students a filter matches, in the list's order; with `limit`, the first rows only
/// (the list's first screen: fewer rows to send and to draw).
#[tauri::command]
async fn list_students(
    state: State<'_, AppState>,
    filter: StudentFilter,
    limit: Option<usize>,
) -> Result<Vec<StudentRow>> {
    with_store(state, move |s| students::list_up_to(s, &filter, limit)).await
}

#[tauri::command]
async fn get_student(state: State<'_, AppState>, id: Id) -> Result<StudentDetail> {
    with_store(state, move |s| students::get(s, id)).await
}

#[tauri::command]
async fn create_student(state: State<'_, AppState>, input: StudentInput) -> Result<StudentDetail> {
    with_store(state, move |s| students::create(s, &input)).await
}

#[tauri::command]
async fn update_student(
    state: State<'_, AppState>,
    id: Id,
    input: StudentInput,
) -> Result<StudentDetail> {
    with_store(state, move |s| students::update(s, id, &input)).await
}

#[tauri::command]
async fn search_students(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
) -> Result<Vec<SearchHit>> {
    let limit = limit.unwrap_or(search::DEFAULT_LIMIT).min(500);
    with_store(state, move |s| search::search(s, &query, limit)).await
}

#[tauri::command]
async fn set_student_photo(state: State<'_, AppState>, id: Id, photo: String) -> Result<()> {
    with_store(state, move |s| {
        let bytes = BASE64.decode(photo.trim()).map_err(|_| {
            Error::validation("photo", "The photo did not arrive intact; choose it again")
        })?;
        students::set_photo(s, id, &bytes)
    })
    .await
}

#[tauri::command]
async fn remove_student_photo(state: State<'_, AppState>, id: Id) -> Result<()> {
    with_store(state, move |s| students::remove_photo(s, id)).await
}

#[tauri::command]
async fn get_student_photo(state: State<'_, AppState>, id: Id) -> Result<Option<String>> {
    with_store(state, move |s| {
        Ok(students::photo(s, id)?.map(|b| BASE64.encode(b)))
    })
    .await
}

#[tauri::command]
async fn set_school_logo(state: State<'_, AppState>, logo: String) -> Result<()> {
    with_store(state, move |s| {
        let bytes = BASE64.decode(logo.trim()).map_err(|_| {
            Error::validation("logo", "The logo did not arrive intact; choose it again")
        })?;
        school::set_logo(s, &bytes)
    })
    .await
}

#[tauri::command]
async fn remove_school_logo(state: State<'_, AppState>) -> Result<()> {
    with_store(state, school::remove_logo).await
}

/// The logo as base64 PNG, or null.
#[tauri::command]
async fn get_school_logo(state: State<'_, AppState>) -> Result<Option<String>> {
    with_store(state, move |s| {
        Ok(school::logo(s)?.map(|b| BASE64.encode(b)))
    })
    .await
}

#[cfg(test)]
mod tests;
