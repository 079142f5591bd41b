//! Attendance, calendar, staff and card commands: each calls one core function on the
//! blocking pool.

use rollbook_core::attendance::{
    self, AttendanceSettings, ChronicAbsentee, ClassAttendance, ClassNotTaken, Code, CodeInput,
    MarkChange, Roll, RollInput, RollSaved, SettingsInput, StudentAttendance,
};
use rollbook_core::calendar::{self, Calendar, Holiday, HolidayInput};
use rollbook_core::cards::{self, CardView, CheckIn, HolderKind};
use rollbook_core::staff::{self, Staff, StaffArrival, StaffInput};
use rollbook_core::{Id, Result};
use tauri::State;

use super::with_store;
use crate::state::AppState;

#[tauri::command]
pub async fn attendance_settings(state: State<'_, AppState>) -> Result<AttendanceSettings> {
    with_store(state, attendance::settings).await
}

#[tauri::command]
pub async fn update_attendance_settings(
    state: State<'_, AppState>,
    input: SettingsInput,
) -> Result<AttendanceSettings> {
    with_store(state, move |s| attendance::update_settings(s, &input)).await
}

#[tauri::command]
pub async fn save_attendance_code(state: State<'_, AppState>, input: CodeInput) -> Result<Code> {
    with_store(state, move |s| attendance::save_code(s, &input)).await
}

#[tauri::command]
pub async fn get_calendar(state: State<'_, AppState>, year_id: Option<Id>) -> Result<Calendar> {
    with_store(state, move |s| calendar::get(s, year_id)).await
}

#[tauri::command]
pub async fn set_working_days(
    state: State<'_, AppState>,
    year_id: Id,
    days: Vec<u8>,
) -> Result<Calendar> {
    with_store(state, move |s| {
        calendar::set_working_days(s, year_id, &days)
    })
    .await
}

#[tauri::command]
pub async fn add_holiday(
    state: State<'_, AppState>,
    year_id: Id,
    input: HolidayInput,
) -> Result<Holiday> {
    with_store(state, move |s| calendar::add_holiday(s, year_id, &input)).await
}

#[tauri::command]
pub async fn remove_holiday(state: State<'_, AppState>, id: Id) -> Result<()> {
    with_store(state, move |s| calendar::remove_holiday(s, id)).await
}

#[tauri::command]
pub async fn get_roll(
    state: State<'_, AppState>,
    class_id: Id,
    date: String,
    session: String,
) -> Result<Roll> {
    with_store(state, move |s| {
        attendance::get_roll(s, class_id, &date, &session)
    })
    .await
}

#[tauri::command]
pub async fn save_roll(state: State<'_, AppState>, input: RollInput) -> Result<RollSaved> {
    with_store(state, move |s| attendance::save_roll(s, &input)).await
}

#[tauri::command]
pub async fn mark_history(
    state: State<'_, AppState>,
    student_id: Id,
    date: String,
    session: String,
) -> Result<Vec<MarkChange>> {
    with_store(state, move |s| {
        attendance::history(s, student_id, &date, &session)
    })
    .await
}

#[tauri::command]
pub async fn registers_not_taken(
    state: State<'_, AppState>,
    date: String,
    session: String,
) -> Result<Vec<ClassNotTaken>> {
    with_store(state, move |s| {
        attendance::registers_not_taken(s, &date, &session)
    })
    .await
}

#[tauri::command]
pub async fn student_attendance(
    state: State<'_, AppState>,
    student_id: Id,
    from: Option<String>,
    to: Option<String>,
) -> Result<StudentAttendance> {
    with_store(state, move |s| {
        attendance::student_summary(s, student_id, from.as_deref(), to.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn class_attendance(
    state: State<'_, AppState>,
    class_id: Id,
    from: Option<String>,
    to: Option<String>,
) -> Result<ClassAttendance> {
    with_store(state, move |s| {
        attendance::class_summary(s, class_id, from.as_deref(), to.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn chronic_absentees(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
    threshold: Option<u8>,
    class_id: Option<Id>,
) -> Result<Vec<ChronicAbsentee>> {
    with_store(state, move |s| {
        attendance::chronic_absentees(s, from.as_deref(), to.as_deref(), threshold, class_id)
    })
    .await
}

#[tauri::command]
pub async fn class_cards(state: State<'_, AppState>, class_id: Id) -> Result<Vec<CardView>> {
    with_store(state, move |s| cards::class_cards(s, class_id)).await
}

#[tauri::command]
pub async fn staff_cards(state: State<'_, AppState>) -> Result<Vec<CardView>> {
    with_store(state, cards::staff_cards).await
}

#[tauri::command]
pub async fn reissue_card(
    state: State<'_, AppState>,
    holder_kind: HolderKind,
    holder_id: Id,
) -> Result<CardView> {
    with_store(state, move |s| cards::reissue(s, holder_kind, holder_id)).await
}

#[tauri::command]
pub async fn check_in(state: State<'_, AppState>, code: String) -> Result<CheckIn> {
    with_store(state, move |s| cards::check_in(s, &code)).await
}

#[tauri::command]
pub async fn list_staff(state: State<'_, AppState>) -> Result<Vec<Staff>> {
    with_store(state, staff::list).await
}

#[tauri::command]
pub async fn create_staff(state: State<'_, AppState>, input: StaffInput) -> Result<Staff> {
    with_store(state, move |s| staff::create(s, &input)).await
}

#[tauri::command]
pub async fn update_staff(state: State<'_, AppState>, id: Id, input: StaffInput) -> Result<Staff> {
    with_store(state, move |s| staff::update(s, id, &input)).await
}

#[tauri::command]
pub async fn staff_arrivals(
    state: State<'_, AppState>,
    date: Option<String>,
) -> Result<Vec<StaffArrival>> {
    with_store(state, move |s| staff::arrivals(s, date.as_deref())).await
}
