//! The audit report as Excel (the transparency report a school gives on request): every
//! change and event in a date range, per user or per student, one row per changed field with
//! its old and new value. Times are the school's local time.

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use super::Export;
use super::sheet::{Cell, Formats, Preamble, Table, xlsx_error};
use crate::audit::{Action, AuditQuery, AuditRow};
use crate::error::Result;
use crate::store::Store;

const SHEET: &str = "Audit";

pub fn audit_export(store: &Store, q: &AuditQuery) -> Result<Export> {
    let rows = crate::audit::report(store, q)?;
    let school = store.read(crate::school::require)?;
    let formats = Formats::for_school(school.date_order);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(xlsx_error)?;
    let title = format!("Audit report, {} to {}{}", q.from, q.to, scope(store, q)?);
    let mut table = Table::start(
        ws,
        &formats,
        Some(Preamble {
            heading: &school.name,
            title: &title,
        }),
        &[
            "When",
            "User",
            "Device",
            "Action",
            "Record",
            "Record ID",
            "Field",
            "Old Value",
            "New Value",
            "Detail",
        ],
    )?;
    for row in &rows {
        let when = when(&school, row);
        let device = row.device_id.to_string();
        let base = |field: Cell<'static>, old: String, new: String| {
            vec![
                Cell::text(when.clone()),
                Cell::text(row.user.clone()),
                Cell::text(device.clone()),
                Cell::text(row.action.clone()),
                Cell::text(row.record_type.clone()),
                Cell::text(row.record_id.clone()),
                field,
                Cell::text(old),
                Cell::text(new),
                Cell::text(row.detail.clone()),
            ]
        };
        if row.changes.is_empty() {
            table.row(&base(Cell::Empty, String::new(), String::new()))?;
        }
        for change in &row.changes {
            table.row(&base(
                Cell::text(change.field.clone()),
                value_text(&change.old),
                value_text(&change.new),
            ))?;
        }
    }
    let written = table.finish()?;
    let export = Export {
        bytes: wb.save_to_buffer().map_err(xlsx_error)?,
        sheets: vec![SHEET.to_owned()],
        rows: written,
    };
    crate::audit::log(store, Action::Export, &title)?;
    Ok(export)
}

/// ", for Ravi" or ", for student A101 Asha Rao".
fn scope(store: &Store, q: &AuditQuery) -> Result<String> {
    let mut out = String::new();
    if let Some(user_id) = q.user_id {
        let name: Option<String> = store.read(|c| {
            Ok(rusqlite::OptionalExtension::optional(c.query_row(
                "SELECT name FROM users WHERE id = ?1",
                [user_id],
                |r| r.get(0),
            ))?)
        })?;
        out.push_str(&format!(
            ", for {}",
            name.unwrap_or_else(|| user_id.to_string())
        ));
    }
    if let Some(student_id) = q.student_id {
        let s = crate::students::get(store, student_id)?;
        out.push_str(&format!(
            ", for student {} {} {}",
            s.student.admission_no, s.student.given_name, s.student.family_name
        ));
    }
    Ok(out)
}

fn when(school: &crate::school::SchoolProfile, row: &AuditRow) -> String {
    match chrono::DateTime::parse_from_rfc3339(&row.at) {
        Ok(t) => {
            let local = crate::school::local_time(school, t.with_timezone(&chrono::Utc));
            format!(
                "{} {}",
                super::date_text(school.date_order, local.date()),
                local.format("%H:%M:%S")
            )
        }
        Err(_) => row.at.clone(),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
