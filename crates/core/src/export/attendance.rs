//! The monthly attendance register, as schools keep it on paper: one sheet per class, the
//! students down the side, the days of the month across, a code letter in each cell, the
//! days the school is closed shaded grey, and the totals worked out on the right and at the
//! bottom. Totals are values, never formulas, and count working days only, as the
//! attendance reports do.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::Connection;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet};

use super::Export;
use super::sheet::{
    Cell, Formats, MAX_CELL_CHARS, Preamble, SheetNames, Table, date_text, needs_quote,
    school_today, xlsx_error,
};
use crate::attendance::{self, Code, CodeKind, Tally};
use crate::calendar::{self, Calendar, DayKind};
use crate::classes::{self, Class};
use crate::error::{Error, Result};
use crate::id::Id;
use crate::store::Store;
use crate::users::Permission;

/// The table's header row: the preamble takes rows 0 and 1 (school, title) and
/// [`Table::start`] leaves row 2 blank, which here holds the weekday initials.
const HEADER_ROW: u32 = 3;
const WEEKDAY_ROW: u32 = HEADER_ROW - 1;
/// No., Adm. No., Name.
const STUDENT_COLS: u16 = 3;
/// The grey of days the school is closed (Excel's "White, Background 1, Darker 15%").
const CLOSED_GREY: u32 = 0x00D9_D9D9;
/// Shown for a session not marked on a day whose other sessions are.
const NOT_MARKED: &str = "-";
/// A day column's least width, in characters: room for "31".
const DAY_WIDTH: f64 = 3.5;

/// The attendance register of one class for a month (`YYYY-MM`), or with `None` of every
/// class with active students (in the class list's order), one sheet each, as `.xlsx`.
///
/// Each student (active students, in roll-number order) has a cell per day holding the
/// code marked, or with several sessions a day each session's code in order joined by "/"
/// ("P/A"; "-" for a session not marked). Weekends, holidays and days outside the academic
/// year are grey and left blank: a mark kept from before a day became a holiday is neither
/// shown nor counted. On the right, per student: the sessions marked with each code, the
/// sessions attended (late counts as attended, half-day as half) and the percentage of
/// sessions marked that were attended. At the bottom, per day: the sessions attended and the
/// percentage. A month no academic year touches, or text that is not a month, is refused
/// naming `month`.
pub fn monthly_register(store: &Store, class_id: Option<Id>, month: &str) -> Result<Export> {
    super::require_all(store, &[Permission::ViewAttendance, Permission::Export])?;
    let (first, last) = parse_month(month)?;
    // The class list's order; read before the snapshot below, which re-reads each class's
    // students (a class emptied in between gets no sheet).
    let listed: Option<Vec<Class>> = match class_id {
        Some(_) => None,
        None => Some(
            classes::list(store)?
                .into_iter()
                .filter(|s| s.student_count > 0)
                .map(|s| s.class)
                .collect(),
        ),
    };
    let register = store.read(|c| Register::load(c, class_id, listed, first, last))?;
    let export = register.write()?;
    let what = format!(
        "Attendance register for {}: {}",
        first.format("%B %Y"),
        export.sheets.join(", ")
    );
    super::logged(store, &what, export)
}

/// `YYYY-MM` to the month's first and last days.
fn parse_month(text: &str) -> Result<(NaiveDate, NaiveDate)> {
    let t = text.trim();
    let bad = || {
        Error::validation(
            "month",
            format!("\"{t}\" is not a month: expected year and month as YYYY-MM, e.g. 2025-11"),
        )
    };
    let (y, m) = t.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let last = next.and_then(|d| d.pred_opt()).ok_or_else(bad)?;
    Ok((first, last))
}

/// A day of the month: what kind of day it is for the school.
struct Day {
    date: NaiveDate,
    kind: DayKind,
}

impl Day {
    fn working(&self) -> bool {
        self.kind == DayKind::Working
    }
}

/// The kind of each day of the month, from the calendars of the years it touches. A month no
/// year touches is an error: there is no register to keep.
fn month_days(c: &Connection, first: NaiveDate, last: NaiveDate) -> Result<Vec<Day>> {
    let mut calendars: Vec<Calendar> = Vec::new();
    let covering = |cals: &[Calendar], d: NaiveDate| {
        cals.iter()
            .position(|cal| cal.year.start_date <= d && d <= cal.year.end_date)
    };
    let mut days = Vec::with_capacity(31);
    for date in first.iter_days().take_while(|d| *d <= last) {
        if covering(&calendars, date).is_none()
            && let Some(cal) = calendar::for_date(c, date)?
        {
            calendars.push(cal);
        }
        let kind = covering(&calendars, date)
            .map_or(DayKind::OutsideYear, |i| calendars[i].day_kind(date));
        days.push(Day { date, kind });
    }
    if calendars.is_empty() {
        return Err(Error::validation(
            "month",
            format!(
                "{} is in no academic year, so there is no register for it. Add the year in \
                 Settings first.",
                first.format("%B %Y")
            ),
        ));
    }
    Ok(days)
}

/// One student's line: who, and the marks of each day as (session rank, code index).
struct Line {
    admission_no: String,
    name: String,
    /// Per day of the month.
    days: Vec<Vec<(u16, u16)>>,
    /// Sessions on working days with each code (indexed like `Register::codes`).
    by_code: Vec<u32>,
    tally: Tally,
}

struct Sheet {
    class: Class,
    lines: Vec<Line>,
}

/// Everything the workbook shows, read in one snapshot.
struct Register {
    school: crate::school::SchoolProfile,
    first: NaiveDate,
    days: Vec<Day>,
    /// Every code (active first, in the school's order).
    codes: Vec<Code>,
    /// The school's sessions (key, label), then any other session key found in the month's
    /// marks (from before the school changed how it takes attendance).
    sessions: Vec<(String, String)>,
    /// How many of `sessions` are the school's own.
    school_sessions: usize,
    sheets: Vec<Sheet>,
}

impl Register {
    fn load(
        c: &Connection,
        class_id: Option<Id>,
        listed: Option<Vec<Class>>,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Register> {
        let school = crate::school::require(c)?;
        let days = month_days(c, first, last)?;
        let classes = match (class_id, listed) {
            (Some(id), _) => {
                vec![classes::load(c, id)?.ok_or_else(|| Error::not_found("The class"))?]
            }
            (None, Some(listed)) => listed,
            (None, None) => Vec::new(),
        };
        let codes = attendance::load_codes(c)?;
        let code_index: HashMap<&str, u16> = codes
            .iter()
            .enumerate()
            .map(|(i, k)| (k.letter.as_str(), i as u16))
            .collect();
        let mut sessions: Vec<(String, String)> = attendance::load_settings(c)?
            .sessions()
            .into_iter()
            .map(|s| (s.key, s.label))
            .collect();
        let school_sessions = sessions.len();

        let mut sheets = Vec::with_capacity(classes.len());
        let mut at: HashMap<Id, (usize, usize)> = HashMap::new();
        for class in classes {
            let students = attendance::class_students(c, class.id)?;
            if class_id.is_none() && students.is_empty() {
                continue;
            }
            let s = sheets.len();
            let lines = students
                .into_iter()
                .enumerate()
                .map(|(i, (id, admission_no, name))| {
                    at.insert(id, (s, i));
                    Line {
                        admission_no,
                        name,
                        days: vec![Vec::new(); days.len()],
                        by_code: vec![0; codes.len()],
                        tally: Tally::default(),
                    }
                })
                .collect();
            sheets.push(Sheet { class, lines });
        }
        if sheets.is_empty() {
            return Err(Error::validation(
                "class",
                "No class has active students yet, so there is no register to export",
            ));
        }

        // The month's marks in one query (for one class, through its students).
        let mut stmt;
        let mut rows = match class_id {
            Some(id) => {
                stmt = c.prepare_cached(
                    "SELECT m.student_id, m.date, m.session, m.code FROM attendance_marks m
                     JOIN students s ON s.id = m.student_id
                     WHERE s.class_id = ?3 AND m.date BETWEEN ?1 AND ?2",
                )?;
                stmt.query(rusqlite::params![first, last, id])?
            }
            None => {
                stmt = c.prepare_cached(
                    "SELECT student_id, date, session, code FROM attendance_marks
                     WHERE date BETWEEN ?1 AND ?2",
                )?;
                stmt.query(rusqlite::params![first, last])?
            }
        };
        let mut unknown_code = false;
        while let Some(r) = rows.next()? {
            let student: Id = r.get(0)?;
            let Some(&(s, i)) = at.get(&student) else {
                continue; // a student who has left, or is in no class
            };
            let date: NaiveDate = r.get(1)?;
            let Some(day) = date
                .day0()
                .try_into()
                .ok()
                .filter(|d: &usize| *d < days.len())
            else {
                continue;
            };
            let session = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let rank = match sessions.iter().position(|(k, _)| k == session) {
                Some(p) => p,
                None => {
                    sessions.push((session.to_owned(), session.to_owned()));
                    sessions.len() - 1
                }
            };
            let Some(&code) =
                code_index.get(r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?)
            else {
                unknown_code = true;
                continue;
            };
            sheets[s].lines[i].days[day].push((rank as u16, code));
        }
        if unknown_code {
            tracing::warn!("a mark's code is not in attendance_codes; left out of the register");
        }
        // Other session keys (from before the school changed how it takes attendance) come
        // after the school's own, in key order.
        let order = session_order(&sessions, school_sessions);
        let mut register = Register {
            school,
            first,
            days,
            codes,
            sessions,
            school_sessions,
            sheets,
        };
        register.count(&order);
        Ok(register)
    }

    /// Puts each cell's marks in session order and counts the working days' marks.
    fn count(&mut self, order: &[u16]) {
        let kinds: Vec<CodeKind> = self.codes.iter().map(|k| k.kind).collect();
        for sheet in &mut self.sheets {
            for line in &mut sheet.lines {
                for (day, marks) in self.days.iter().zip(&mut line.days) {
                    for m in marks.iter_mut() {
                        m.0 = order[usize::from(m.0)];
                    }
                    marks.sort_unstable();
                    if !day.working() {
                        continue;
                    }
                    for &(_, code) in marks.iter() {
                        line.by_code[usize::from(code)] += 1;
                        line.tally.add(kinds[usize::from(code)], 1);
                    }
                }
            }
        }
        // Session ranks are now positions in this order.
        let mut sorted: Vec<(u16, (String, String))> = order
            .iter()
            .copied()
            .zip(std::mem::take(&mut self.sessions))
            .collect();
        sorted.sort_unstable();
        self.sessions = sorted.into_iter().map(|(_, k)| k).collect();
    }

    /// The code columns: every active code, and any other code counted this month.
    fn code_columns(&self) -> Vec<usize> {
        (0..self.codes.len())
            .filter(|&i| {
                self.codes[i].active
                    || self
                        .sheets
                        .iter()
                        .flat_map(|s| &s.lines)
                        .any(|l| l.by_code[i] > 0)
            })
            .collect()
    }

    /// The text of one student's day: the code, or each session's joined by "/".
    fn cell_text(&self, marks: &[(u16, u16)]) -> Option<Cow<'_, str>> {
        let letter = |code: u16| self.codes[usize::from(code)].letter.as_str();
        match marks {
            [] => None,
            [(rank, code)] if self.school_sessions == 1 && *rank == 0 => {
                Some(Cow::Borrowed(letter(*code)))
            }
            _ => {
                // The school's sessions, when any of them is marked, then the others marked.
                let school = self.school_sessions as u16;
                let mut slots: BTreeSet<u16> = marks.iter().map(|m| m.0).collect();
                if marks.iter().any(|m| m.0 < school) {
                    slots.extend(0..school);
                }
                let parts: Vec<&str> = slots
                    .iter()
                    .map(|slot| {
                        marks
                            .iter()
                            .filter(|m| m.0 == *slot)
                            .map(|m| letter(m.1))
                            .next()
                            .unwrap_or(NOT_MARKED)
                    })
                    .collect();
                Some(Cow::Owned(parts.join("/")))
            }
        }
    }

    fn write(&self) -> Result<Export> {
        let school = &self.school;
        let formats = Formats::for_school(school.date_order);
        let looks = Looks::new();
        let made = date_text(school.date_order, school_today(school));
        let month_name = self.first.format("%B %Y").to_string();
        let code_cols = self.code_columns();
        let day_headers: Vec<String> = (1..=self.days.len()).map(|d| d.to_string()).collect();
        let mut headers: Vec<&str> = vec!["No.", "Adm. No.", "Name"];
        headers.extend(day_headers.iter().map(String::as_str));
        headers.extend(code_cols.iter().map(|&i| self.codes[i].letter.as_str()));
        headers.extend(["Attended", "%"]);
        let first_day_col = STUDENT_COLS;
        let attended_col = first_day_col + (self.days.len() + code_cols.len()) as u16;
        let percent_col = attended_col + 1;
        let legend = self.legend(&code_cols);

        let mut wb = Workbook::new();
        let mut names = SheetNames::default();
        let mut export = Export {
            bytes: Vec::new(),
            sheets: Vec::new(),
            rows: 0,
        };
        let mut cells: Vec<Cell<'_>> = Vec::with_capacity(headers.len());
        for sheet in &self.sheets {
            let name = names.unique(&sheet.class.name);
            let ws = wb.add_worksheet();
            ws.set_name(&name).map_err(xlsx_error)?;
            let title = title(&sheet.class, &month_name, &made);
            let preamble = Preamble {
                heading: &school.name,
                title: &title,
            };
            // The table writes the students and their totals; the day cells are written
            // below, centred, as a register's are.
            let mut table = Table::start(ws, &formats, Some(preamble), &headers)?;
            let mut total = Tally::default();
            for (n, line) in (1u32..).zip(&sheet.lines) {
                cells.clear();
                cells.push(Cell::Number(f64::from(n)));
                cells.push(Cell::text(line.admission_no.as_str()));
                cells.push(Cell::text(line.name.as_str()));
                cells.extend(self.days.iter().map(|_| Cell::Empty));
                for &i in &code_cols {
                    cells.push(Cell::Number(f64::from(line.by_code[i])));
                }
                cells.push(Cell::Number(attended(&line.tally)));
                cells.push(line.tally.percentage.map_or(Cell::Empty, Cell::Number));
                merge(&mut total, &line.tally);
                table.row(&cells)?;
            }
            let rows = table.finish()?;
            export.rows += rows;

            // Day by day: the weekday initial, the codes, the day's totals under the table
            // (outside its filter); the closed days grey and blank.
            let footer = HEADER_ROW + 1 + rows as u32;
            for ((col, day), header) in (first_day_col..).zip(&self.days).zip(&day_headers) {
                let i = usize::from(col - first_day_col);
                let initial = weekday_initial(day.date.weekday());
                if !day.working() {
                    write_label(ws, WEEKDAY_ROW, col, initial, &looks.closed_centred)?;
                    write_label(ws, HEADER_ROW, col, header, &looks.closed_header)?;
                    for row in HEADER_ROW + 1..footer + 2 {
                        ws.write_blank(row, col, &looks.closed)
                            .map_err(xlsx_error)?;
                    }
                    ws.set_column_width(col, DAY_WIDTH).map_err(xlsx_error)?;
                    continue;
                }
                write_label(ws, WEEKDAY_ROW, col, initial, &looks.centred)?;
                write_label(ws, HEADER_ROW, col, header, &looks.header)?;
                let mut tally = Tally::default();
                let mut width = header.len();
                for (row, line) in (HEADER_ROW + 1..).zip(&sheet.lines) {
                    let marks = &line.days[i];
                    for &(_, code) in marks {
                        tally.add(self.codes[usize::from(code)].kind, 1);
                    }
                    if let Some(text) = self.cell_text(marks) {
                        write_code(ws, row, col, &text, &looks)?;
                        width = width.max(text.chars().count());
                    }
                }
                if tally.marked > 0 {
                    ws.write_number_with_format(footer, col, attended(&tally), &looks.centred)
                        .map_err(xlsx_error)?;
                }
                if let Some(p) = tally.percentage {
                    ws.write_number_with_format(footer + 1, col, p, &looks.centred)
                        .map_err(xlsx_error)?;
                }
                let width = (width as f64 + 1.0).max(DAY_WIDTH);
                ws.set_column_width(col, width).map_err(xlsx_error)?;
            }
            // The totals' headers centred over their numbers (a header the table had to
            // quote-prefix keeps the table's own look).
            let first_total_col = attended_col - code_cols.len() as u16;
            let total_headers = &headers[usize::from(first_total_col)..];
            for (col, header) in (first_total_col..).zip(total_headers) {
                if !needs_quote(header) {
                    write_label(ws, HEADER_ROW, col, header, &looks.header)?;
                }
            }
            write_label(ws, footer, 2, "Present", &looks.bold)?;
            write_label(ws, footer + 1, 2, "%", &looks.bold)?;
            ws.write_number(footer, attended_col, attended(&total))
                .map_err(xlsx_error)?;
            if let Some(p) = total.percentage {
                ws.write_number(footer + 1, percent_col, p)
                    .map_err(xlsx_error)?;
            }
            for (row, text) in (footer + 3..).zip(&legend) {
                write_label(ws, row, 0, text, &looks.plain)?;
            }
            ws.set_freeze_panes(HEADER_ROW + 1, STUDENT_COLS)
                .map_err(xlsx_error)?;
            ws.set_repeat_rows(WEEKDAY_ROW, HEADER_ROW)
                .map_err(xlsx_error)?;
            ws.set_landscape();
            export.sheets.push(name);
        }
        export.bytes = wb.save_to_buffer().map_err(xlsx_error)?;
        Ok(export)
    }

    /// The lines under the table: what the codes mean, how sessions are shown, why days
    /// are grey.
    fn legend(&self, code_cols: &[usize]) -> Vec<String> {
        let codes: Vec<String> = code_cols
            .iter()
            .map(|&i| format!("{} {}", self.codes[i].letter, self.codes[i].name))
            .collect();
        let mut lines = vec![format!(
            "Codes: {}. Attended counts late as attended and half-day as half; % is of the \
             sessions marked.",
            codes.join(", ")
        )];
        if self.sessions.len() > 1 {
            lines.push(format!(
                "Each day shows the sessions {} in order, joined by \"/\"; {NOT_MARKED} is a \
                 session not marked.",
                self.sessions
                    .iter()
                    .map(|(_, label)| label.as_str())
                    .collect::<Vec<_>>()
                    .join("/")
            ));
        }
        let mut closed: Vec<String> = Vec::new();
        for (i, day) in self.days.iter().enumerate() {
            match &day.kind {
                DayKind::Holiday { name } => {
                    let prev_same = i > 0
                        && matches!(&self.days[i - 1].kind, DayKind::Holiday { name: n } if n == name);
                    if prev_same {
                        continue;
                    }
                    let end = self.days[i..]
                        .iter()
                        .take_while(
                            |d| matches!(&d.kind, DayKind::Holiday { name: n } if n == name),
                        )
                        .last()
                        .map_or(day.date, |d| d.date);
                    let when = if end == day.date {
                        day.date.day().to_string()
                    } else {
                        format!("{} to {}", day.date.day(), end.day())
                    };
                    closed.push(format!("{name} ({when})"));
                }
                DayKind::OutsideYear if i == 0 || self.days[i - 1].kind != DayKind::OutsideYear => {
                    closed.push("days outside the academic year".to_owned());
                }
                _ => {}
            }
        }
        closed.dedup();
        lines.push(if closed.is_empty() {
            "Grey: no school (weekends).".to_owned()
        } else {
            format!("Grey: no school (weekends; {}).", closed.join("; "))
        });
        lines.into_iter().map(fit_cell).collect()
    }
}

/// Cuts text to what one cell holds (a legend of very many codes or holidays).
fn fit_cell(text: String) -> String {
    if text.encode_utf16().count() <= MAX_CELL_CHARS {
        return text;
    }
    let mut units = 0;
    text.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units < MAX_CELL_CHARS
        })
        .chain(['…'])
        .collect()
}

/// Ranks sessions: the school's own in its order, then the others by key.
fn session_order(sessions: &[(String, String)], school: usize) -> Vec<u16> {
    let mut others: Vec<usize> = (school..sessions.len()).collect();
    others.sort_by(|a, b| sessions[*a].0.cmp(&sessions[*b].0));
    let mut order = vec![0u16; sessions.len()];
    for (rank, i) in (0..school).chain(others).enumerate() {
        order[i] = rank as u16;
    }
    order
}

/// Sessions attended: present and late count one, half-day half.
fn attended(t: &Tally) -> f64 {
    f64::from(t.present + t.late) + 0.5 * f64::from(t.half_day)
}

fn merge(total: &mut Tally, t: &Tally) {
    for (kind, n) in [
        (CodeKind::Present, t.present),
        (CodeKind::Absent, t.absent),
        (CodeKind::Late, t.late),
        (CodeKind::Excused, t.excused),
        (CodeKind::HalfDay, t.half_day),
    ] {
        if n > 0 {
            total.add(kind, n);
        }
    }
}

fn weekday_initial(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "M",
        Weekday::Tue | Weekday::Thu => "T",
        Weekday::Wed => "W",
        Weekday::Fri => "F",
        Weekday::Sat | Weekday::Sun => "S",
    }
}

fn title(class: &Class, month: &str, made: &str) -> String {
    match class.class_teacher.as_str() {
        "" => format!("Attendance register: {}, {month}, made {made}", class.name),
        teacher => format!(
            "Attendance register: {}, {month} (class teacher {teacher}), made {made}",
            class.name
        ),
    }
}

/// The register's own cell looks.
struct Looks {
    plain: Format,
    bold: Format,
    header: Format,
    centred: Format,
    /// Code cells: text, centred; the quoted twin for text starting like a formula.
    code: Format,
    code_quoted: Format,
    closed: Format,
    closed_header: Format,
    closed_centred: Format,
}

impl Looks {
    fn new() -> Self {
        let centred = Format::new().set_align(FormatAlign::Center);
        let grey = Format::new().set_background_color(Color::RGB(CLOSED_GREY));
        let code = centred.clone().set_num_format("@");
        Looks {
            plain: Format::new(),
            bold: Format::new().set_bold(),
            header: centred.clone().set_bold(),
            code_quoted: code.clone().set_quote_prefix(),
            code,
            centred,
            closed_header: grey.clone().set_bold().set_align(FormatAlign::Center),
            closed_centred: grey.clone().set_align(FormatAlign::Center),
            closed: grey,
        }
    }
}

/// Writes the register's own labels (weekday initials, day numbers, "Present", the legend),
/// which are made here, not typed by a user. They still pass the two checks every text cell
/// of an export passes (see `sheet::write_text`): never read as a formula, never longer than
/// a cell holds.
fn write_label(ws: &mut Worksheet, row: u32, col: u16, text: &str, f: &Format) -> Result<()> {
    if needs_quote(text) || text.encode_utf16().count() > MAX_CELL_CHARS {
        return Err(Error::internal(format!(
            "the register's label {:?} cannot be written as it is",
            text.chars().take(40).collect::<String>()
        )));
    }
    ws.write_string_with_format(row, col, text, f)
        .map_err(xlsx_error)?;
    Ok(())
}

/// Writes a day's codes: single letters and digits joined by "/", with "-" for a session not
/// marked, so "-/A" is quote-prefixed as `sheet::write_text` would, and stays text when the
/// cell is edited or the sheet saved as CSV.
fn write_code(ws: &mut Worksheet, row: u32, col: u16, text: &str, looks: &Looks) -> Result<()> {
    let f = if needs_quote(text) {
        &looks.code_quoted
    } else {
        &looks.code
    };
    ws.write_string_with_format(row, col, text, f)
        .map_err(xlsx_error)?;
    Ok(())
}

#[cfg(test)]
#[path = "attendance_tests.rs"]
mod attendance_tests;
