//! Attendance at the size of a large school: 2,000 students in 50 classes of 40, a year of
//! 200 school days marked through `attendance::save_roll` (400,000 marks, each with its
//! outbox entry), then, each against a baseline measured in the same run:
//!
//! - (a) saving one class's roll of 40: on a day not yet marked (inserts) and again with
//!   every code changed (updates, keeping the history), 50 saves each; the baseline is a
//!   bare `INSERT` of 40 rows into a scratch table in one transaction, with the store's
//!   durability (WAL, `synchronous=FULL`);
//! - (b) the monthly register of every class (`export::monthly_register`, a month of 22
//!   school days), median of 5, against Python's XlsxWriter writing the same grid with the
//!   same formats;
//! - (c) one student's yearly percentage (`attendance::student_summary`), 50 students;
//! - (d) a class's summary for a month (`attendance::class_summary`), every class; the
//!   baseline of (c) and (d) is a plain `SELECT count(*)` over the same marks.
//!
//! `cargo bench -p rollbook-core --bench attendance` prints the tables for
//! docs/BENCHMARKS.md. The baseline of (b) needs `python3` with XlsxWriter
//! (`scripts/bench-setup.sh` installs it); without it the bench prints the other figures.

mod common;

use common::{Baseline, median};

use std::io::Cursor;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Datelike, NaiveDate};
use rollbook_core::attendance::{self, MarkInput, RollInput};
use rollbook_core::calendar::{self, HolidayInput};
use rollbook_core::classes::{self, ClassInput};
use rollbook_core::export;
use rollbook_core::students::{self, StudentInput};
use rollbook_core::years::{self, YearInput};
use rollbook_core::{Error, Id, Result, Store};
use rusqlite::{Connection, OpenFlags};

const STUDENTS: usize = 2_000;
const CLASSES: usize = 50;
const PER_CLASS: usize = STUDENTS / CLASSES;
const DAYS: usize = 200;
const SAVES: usize = 50;
const ROUNDS: usize = 5;
/// The register's month: 22 school days, all marked.
const MONTH: &str = "2025-09";
const MONTH_FROM: &str = "2025-09-01";
const MONTH_TO: &str = "2025-09-30";
const YEAR_FROM: &str = "2025-06-01";
const YEAR_TO: &str = "2026-03-31";

const GIVEN: &[&str] = &[
    "Aarav", "Vivaan", "Ananya", "Diya", "Saanvi", "Ishaan", "Kavya", "Rohan", "José", "María",
    "Zoë", "Wanjiru", "Kamau", "Amina", "Chinedu", "Kwame", "Fatima", "Omar", "Liam", "Thabo",
];
const FAMILY: &[&str] = &[
    "Sharma", "Patel", "Kumar", "Singh", "Iyer", "Nair", "Mwangi", "Otieno", "Okafor", "Mensah",
    "Álvarez", "Müller", "O'Brien", "Nguyễn", "Dlamini", "Khan", "D'Souza", "Menon",
];

/// The holidays of the bench's year (a long weekend, Diwali, the winter break...).
const HOLIDAYS: &[(&str, &str, &str)] = &[
    ("Independence Day", "2025-08-15", ""),
    ("Gandhi Jayanti", "2025-10-02", ""),
    ("Diwali", "2025-10-20", "2025-10-24"),
    ("Winter break", "2025-12-24", "2026-01-01"),
    ("Republic Day", "2026-01-26", ""),
    ("Holi", "2026-03-04", ""),
];

struct School {
    classes: Vec<Id>,
    /// Per class, its students.
    students: Vec<Vec<Id>>,
    /// The year's school days, in order; the first `DAYS` are marked.
    days: Vec<NaiveDate>,
}

fn io(context: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(context, &e)
}

/// A code for a student on a day: about 91% present, 4% absent, 2% late, 2% on leave, 1%
/// half-day, spread by a hash so every class and day differs.
fn code_for(student: usize, day: usize) -> (&'static str, Option<u32>) {
    let h = (student as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((day as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .rotate_left(29)
        .wrapping_mul(0x1656_67B1_9E37_79F9)
        >> 40;
    match h % 100 {
        0..=3 => ("A", None),
        4..=5 => ("L", Some(5 + (h % 25) as u32)),
        6..=7 => ("E", None),
        8 => ("H", None),
        _ => ("P", None),
    }
}

fn roll(class: Id, date: NaiveDate, students: &[Id], offset: usize, day: usize) -> RollInput {
    RollInput {
        class_id: class,
        date: date.to_string(),
        session: String::new(),
        marks: students
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (code, late_minutes) = code_for(offset + i, day);
                MarkInput {
                    student_id: *s,
                    code: code.into(),
                    late_minutes,
                    reason: None,
                }
            })
            .collect(),
        taken_by: None,
    }
}

fn seed(store: &Store) -> Result<School> {
    common::set_up_school(store)?;
    let year = years::add_year(
        store,
        &YearInput {
            name: "2025-26".into(),
            start_date: YEAR_FROM.into(),
            end_date: YEAR_TO.into(),
        },
    )?;
    for (name, start, end) in HOLIDAYS {
        calendar::add_holiday(
            store,
            year.id,
            &HolidayInput {
                name: (*name).into(),
                start_date: (*start).into(),
                end_date: (*end).into(),
            },
        )?;
    }
    let cal = calendar::get(store, Some(year.id))?;
    let days = cal.working_days_between(year.start_date, year.end_date);
    let mut class_ids = Vec::with_capacity(CLASSES);
    for i in 0..CLASSES {
        let c = classes::create(
            store,
            &ClassInput {
                name: format!("Grade {} {}", 1 + i / 5, ["A", "B", "C", "D", "E"][i % 5]),
                ..Default::default()
            },
        )?;
        class_ids.push(c.id);
    }
    let inputs: Vec<StudentInput> = (0..STUDENTS)
        .map(|i| StudentInput {
            admission_no: format!("{}/{:05}", 2015 + i % 10, i),
            given_name: GIVEN[i % GIVEN.len()].into(),
            family_name: FAMILY[(i / GIVEN.len()) % FAMILY.len()].into(),
            class_id: Some(class_ids[i / PER_CLASS]),
            ..Default::default()
        })
        .collect();
    let ids = students::create_many(store, &inputs)?;
    let students: Vec<Vec<Id>> = ids.chunks(PER_CLASS).map(<[Id]>::to_vec).collect();
    Ok(School {
        classes: class_ids,
        students,
        days,
    })
}

/// Every class's roll for each of the first `DAYS` school days, as a school would take
/// them: one `save_roll` per class per day.
fn mark_the_year(store: &Store, school: &School) -> Result<Duration> {
    let mut slowest = Duration::ZERO;
    for (d, date) in school.days.iter().take(DAYS).enumerate() {
        for (c, class) in school.classes.iter().enumerate() {
            let input = roll(*class, *date, &school.students[c], c * PER_CLASS, d);
            let t = Instant::now();
            attendance::save_roll(store, &input)?;
            slowest = slowest.max(t.elapsed());
        }
    }
    Ok(slowest)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.1}")
    }
}

/// p50, p99 and max of some timings, sorted in place.
struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    Stats {
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        max: times[times.len() - 1],
    }
}

fn row(what: &str, s: &Stats) {
    println!("| {what} | {} | {} | {} |", ms(s.p50), ms(s.p99), ms(s.max));
}

fn ratio(ours: &Stats, base: &Stats) -> String {
    format!(
        "p50 {:.1}×, p99 {:.1}×",
        ours.p50.as_secs_f64() / base.p50.as_secs_f64(),
        ours.p99.as_secs_f64() / base.p99.as_secs_f64()
    )
}

fn sql(e: rusqlite::Error) -> Error {
    Error::internal(format!("baseline: {e}"))
}

/// (a)'s baseline: a fresh database beside the store's, with its durability, and a table
/// shaped like `attendance_marks`; each sample inserts 40 rows in one transaction.
fn bare_inserts(dir: &Path) -> Result<Vec<Duration>> {
    let mut conn = Connection::open(dir.join("scratch.db")).map_err(sql)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    conn.execute_batch(
        "CREATE TABLE marks (
            id TEXT PRIMARY KEY, student_id TEXT NOT NULL, date TEXT NOT NULL,
            session TEXT NOT NULL, code TEXT NOT NULL, late_minutes INTEGER,
            reason TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, marked_at TEXT NOT NULL,
            marked_by TEXT NOT NULL DEFAULT '', device_id TEXT NOT NULL,
            UNIQUE (student_id, date, session)) STRICT",
    )
    .map_err(sql)?;
    let device = Id::new();
    let students: Vec<Id> = (0..PER_CLASS).map(|_| Id::new()).collect();
    let mut times = Vec::with_capacity(SAVES);
    for n in 0..SAVES {
        let date = format!("2025-09-{:02}", 1 + n % 28);
        let session = format!("s{n}");
        let t = Instant::now();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO marks (id, student_id, date, session, code, late_minutes,
                        reason, source, marked_at, marked_by, device_id)
                     VALUES (?1, ?2, ?3, ?4, 'P', NULL, '', 'roll', '2025-09-01T03:00:00.000Z',
                        '', ?5)",
                )
                .map_err(sql)?;
            for s in &students {
                stmt.execute(rusqlite::params![Id::new(), s, date, session, device])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        times.push(t.elapsed());
    }
    Ok(times)
}

/// (a): 50 saves of a class's roll on days not yet marked (classes in turn on the days after
/// the marked ones), then 50 re-marks of marked days with every code changed.
fn saves(store: &Store, school: &School) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let fresh: Vec<(usize, NaiveDate)> = school.days[DAYS..]
        .iter()
        .flat_map(|d| (0..CLASSES).map(move |c| (c, *d)))
        .take(SAVES)
        .collect();
    if fresh.len() < SAVES {
        return Err(Error::internal("the year has too few days left unmarked"));
    }
    let mut new_days = Vec::with_capacity(SAVES);
    for (n, (c, date)) in fresh.into_iter().enumerate() {
        let input = roll(
            school.classes[c],
            date,
            &school.students[c],
            c * PER_CLASS,
            DAYS + n,
        );
        let t = Instant::now();
        let saved = attendance::save_roll(store, &input)?;
        new_days.push(t.elapsed());
        assert_eq!(saved.marked as usize, PER_CLASS, "a fresh day inserts");
    }
    let mut re_marks = Vec::with_capacity(SAVES);
    for n in 0..SAVES {
        let (c, d) = (n % CLASSES, 7 * n % DAYS);
        let mut input = roll(
            school.classes[c],
            school.days[d],
            &school.students[c],
            c * PER_CLASS,
            d,
        );
        for m in &mut input.marks {
            let (code, late) = if m.code == "P" {
                ("A", None)
            } else {
                ("P", None)
            };
            m.code = code.into();
            m.late_minutes = late;
        }
        let t = Instant::now();
        let saved = attendance::save_roll(store, &input)?;
        re_marks.push(t.elapsed());
        assert_eq!(saved.changed as usize, PER_CLASS, "every mark changes");
    }
    Ok((new_days, re_marks))
}

/// A read-only connection to the store's file, for the count baselines.
fn reader(store: &Store) -> Result<Connection> {
    Connection::open_with_flags(store.path(), OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql)
}

/// (c): a student's percentage over the year, and the baseline count.
fn student_figures(store: &Store, school: &School) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let conn = reader(store)?;
    let mut count = conn
        .prepare("SELECT count(*) FROM attendance_marks WHERE student_id = ?1")
        .map_err(sql)?;
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for n in 0..SAVES {
        let student = school.students[n % CLASSES][(n * 7) % PER_CLASS];
        let t = Instant::now();
        let s = attendance::student_summary(store, student, Some(YEAR_FROM), Some(YEAR_TO))?;
        ours.push(t.elapsed());
        let t = Instant::now();
        let marks: u32 = count.query_row([student], |r| r.get(0)).map_err(sql)?;
        base.push(t.elapsed());
        assert!(s.tally.marked >= DAYS as u32 && marks >= s.tally.marked);
    }
    Ok((ours, base))
}

/// (d): a class's month, every class, and the baseline count.
fn class_figures(store: &Store, school: &School) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let conn = reader(store)?;
    let mut count = conn
        .prepare(
            "SELECT count(*) FROM attendance_marks WHERE date BETWEEN ?1 AND ?2
               AND student_id IN (SELECT id FROM students WHERE class_id = ?3)",
        )
        .map_err(sql)?;
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for class in &school.classes {
        let t = Instant::now();
        let s = attendance::class_summary(store, *class, Some(MONTH_FROM), Some(MONTH_TO))?;
        ours.push(t.elapsed());
        let t = Instant::now();
        let marks: u32 = count
            .query_row(rusqlite::params![MONTH_FROM, MONTH_TO, class], |r| r.get(0))
            .map_err(sql)?;
        base.push(t.elapsed());
        assert_eq!(
            s.tally.marked, marks,
            "every September mark is on a school day"
        );
    }
    Ok((ours, base))
}

/// The register's grid for the baseline: every sheet's cells read back from Rollbook's own
/// file, and which day columns are grey.
fn grid_json(bytes: &[u8], month_days: &[NaiveDate], working: &[NaiveDate]) -> Result<String> {
    let bad = |e: calamine::XlsxError| Error::internal(format!("reading the register: {e}"));
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(bad)?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(bad)?;
        let (rows, cols) = range.end().map_or((0, 0), |e| (e.0 + 1, e.1 + 1));
        let cells: Vec<Vec<serde_json::Value>> = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| match range.get_value((r, c)) {
                        Some(Data::String(s)) => serde_json::json!(s),
                        Some(Data::Float(f)) => serde_json::json!(f),
                        Some(Data::Int(i)) => serde_json::json!(i),
                        _ => serde_json::Value::Null,
                    })
                    .collect()
            })
            .collect();
        // The students run from under the header to the "Present" row.
        let present = (0..rows)
            .find(|r| range.get_value((*r, 2)) == Some(&Data::String("Present".into())))
            .ok_or_else(|| Error::internal("no Present row"))?;
        sheets.push(serde_json::json!({
            "name": name,
            "students": present - 4,
            "rows": cells,
        }));
    }
    let closed: Vec<usize> = month_days
        .iter()
        .enumerate()
        .filter(|(_, d)| !working.contains(d))
        .map(|(i, _)| i)
        .collect();
    Ok(serde_json::to_string(&serde_json::json!({
        "header_row": 3,
        "weekday_row": 2,
        "first_day_col": 3,
        "days": month_days.len(),
        "closed": closed,
        "sheets": sheets,
    }))?)
}

/// (b)'s baseline, run by `python3 -c`: XlsxWriter writing the register's cells with its
/// formats (bold title and headers, centred codes and day totals, text-formatted names,
/// quote prefixes where text starts like a formula, grey closed days from the weekday row to
/// the day totals, frozen panes, autofilter, widths, landscape, repeated header rows).
/// The JSON is read before timing; each round builds the whole workbook in memory.
const XLSXWRITER: &str = r##"
import io, json, sys, time
import xlsxwriter

RISKY = ("=", "+", "-", "@", "\t", "\r")

def build(spec):
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    f = wb.add_format
    bold, header = f({"bold": True}), f({"bold": True, "align": "center"})
    text, text_q = f({"num_format": "@"}), f({"num_format": "@", "quote_prefix": True})
    centred = f({"align": "center"})
    code = f({"align": "center", "num_format": "@"})
    code_q = f({"align": "center", "num_format": "@", "quote_prefix": True})
    grey = f({"bg_color": "#D9D9D9"})
    grey_h = f({"bg_color": "#D9D9D9", "bold": True, "align": "center"})
    grey_c = f({"bg_color": "#D9D9D9", "align": "center"})
    hr, wr, d0, nd = spec["header_row"], spec["weekday_row"], spec["first_day_col"], spec["days"]
    closed = set(spec["closed"])
    for sheet in spec["sheets"]:
        ws = wb.add_worksheet(sheet["name"])
        rows, footer = sheet["rows"], hr + 1 + sheet["students"]
        ncols = len(rows[hr])
        widths = [0] * ncols
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                day = c - d0 if d0 <= c < d0 + nd else None
                if day in closed and wr <= r <= footer + 1:
                    fmt = grey_h if r == hr else grey_c if r == wr else grey
                    if v is None:
                        ws.write_blank(r, c, None, fmt)
                    else:
                        ws.write_string(r, c, v, fmt)
                    continue
                if v is None:
                    continue
                if isinstance(v, str):
                    if r == 0:
                        fmt = bold
                    elif r == hr:
                        fmt = header if c >= d0 else bold
                    elif r == wr:
                        fmt = centred
                    elif hr < r < footer:
                        risky = v.startswith(RISKY)
                        fmt = (code_q if risky else code) if day is not None else (text_q if risky else text)
                    elif r < footer + 2:
                        fmt = bold
                    else:
                        fmt = None
                    ws.write_string(r, c, v, fmt)
                    width = len(v)
                else:
                    ws.write_number(r, c, v, centred if day is not None else None)
                    width = len(str(v))
                if hr <= r < footer:
                    widths[c] = max(widths[c], width)
        ws.freeze_panes(hr + 1, 3)
        ws.autofilter(hr, 0, footer - 1, ncols - 1)
        for c, w in enumerate(widths):
            if d0 <= c < d0 + nd:
                ws.set_column(c, c, max(w + 1, 3.5))
            else:
                ws.set_column(c, c, min(max(w + 2, 5), 45))
        ws.repeat_rows(wr, hr)
        ws.fit_to_pages(1, 0)
        ws.set_landscape()
    wb.close()
    return out.getvalue()

spec = json.load(open(sys.argv[1], encoding="utf-8"))
seconds, data = [], b""
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    data = build(spec)
    seconds.append(time.perf_counter() - t)
open(sys.argv[2], "wb").write(data)
print(json.dumps({"seconds": seconds, "xlsxwriter": xlsxwriter.__version__}))
"##;

/// Runs the XlsxWriter baseline; the inner `Err` says why it could not, for the table.
fn xlsxwriter(dir: &Path, json: &str) -> Result<std::result::Result<Baseline, String>> {
    let input = dir.join("register.json");
    let output = dir.join("xlsxwriter.xlsx");
    std::fs::write(&input, json).map_err(io("register.json"))?;
    let out = match Command::new("python3")
        .args(["-c", XLSXWRITER])
        .arg(&input)
        .arg(&output)
        .arg(ROUNDS.to_string())
        .output()
    {
        Ok(out) => out,
        Err(e) => return Ok(Err(format!("python3 could not be run ({e})"))),
    };
    if !out.status.success() {
        return Ok(Err(format!(
            "python3 with XlsxWriter failed ({}); install it with scripts/bench-setup.sh",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
                .trim()
        )));
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let times = report["seconds"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_f64)
                .map(Duration::from_secs_f64)
                .collect()
        })
        .unwrap_or_default();
    Ok(Ok(Baseline {
        times,
        version: report["xlsxwriter"].as_str().unwrap_or("?").to_owned(),
        bytes: std::fs::metadata(&output)
            .map_err(io("xlsxwriter.xlsx"))?
            .len(),
    }))
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir().map_err(io("temp dir"))?;
    let store = Store::open(&dir.path().join("data"))?;
    let t = Instant::now();
    let school = seed(&store)?;
    eprintln!(
        "seeded {STUDENTS} students in {CLASSES} classes, {} school days in the year, in {:.1} s",
        school.days.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let slowest = mark_the_year(&store, &school)?;
    let marking = t.elapsed();
    let db_bytes = std::fs::metadata(store.path()).map_or(0, |m| m.len());
    println!(
        "Marked {DAYS} days × {CLASSES} classes of {PER_CLASS} ({} marks) through \
         attendance::save_roll in {:.1} s ({:.1} ms a roll on average, slowest {}); \
         database {} MB",
        DAYS * STUDENTS,
        marking.as_secs_f64(),
        marking.as_secs_f64() * 1000.0 / (DAYS * CLASSES) as f64,
        ms(slowest),
        db_bytes / 1_000_000
    );
    println!();

    // (a) saving a roll.
    let (new_days, re_marks) = saves(&store, &school)?;
    let bare = bare_inserts(dir.path())?;
    let (new_days, re_marks, bare) = (stats(new_days), stats(re_marks), stats(bare));
    println!("(a) Saving one class's roll of {PER_CLASS}, {SAVES} saves each (ms)");
    println!();
    println!("| | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    row(
        "`attendance::save_roll`, a day not yet marked (40 inserts)",
        &new_days,
    );
    row(
        "`attendance::save_roll`, every mark changed (40 updates + history)",
        &re_marks,
    );
    row(
        "baseline: bare INSERT of 40 rows in one transaction (WAL, synchronous=FULL)",
        &bare,
    );
    println!();
    println!(
        "ratio to baseline: new day {}; re-mark {}. Target: under 50 ms: {}",
        ratio(&new_days, &bare),
        ratio(&re_marks, &bare),
        if new_days.p99.max(re_marks.p99) < Duration::from_millis(50) {
            "met"
        } else {
            "not met"
        }
    );
    println!();

    // (b) the monthly register of every class.
    let mut ours = Vec::with_capacity(ROUNDS);
    let mut made = None;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let e = export::monthly_register(&store, None, MONTH)?;
        ours.push(t.elapsed());
        made = Some(e);
    }
    let made = made.ok_or_else(|| Error::internal("no rounds"))?;
    let mut one_class = Vec::with_capacity(ROUNDS);
    for n in 0..ROUNDS {
        let t = Instant::now();
        export::monthly_register(&store, Some(school.classes[n]), MONTH)?;
        one_class.push(t.elapsed());
    }
    let (best, worst) = (
        ours.iter().min().copied().unwrap_or_default(),
        ours.iter().max().copied().unwrap_or_default(),
    );
    let ours_median = median(ours);
    let first =
        NaiveDate::parse_from_str(MONTH_FROM, "%Y-%m-%d").map_err(|_| Error::internal("date"))?;
    let month_days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .collect();
    let cols = 3 + month_days.len() + 5 + 2;
    println!(
        "(b) Monthly register, {MONTH}: {} sheets, {} students, {} columns; median of {ROUNDS} (ms)",
        made.sheets.len(),
        made.rows,
        cols
    );
    println!();
    println!("| | median | min | max | file |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| Rollbook `export::monthly_register` (reads the store, writes the xlsx) | {} | {} | {} | {} KiB |",
        ms(ours_median),
        ms(best),
        ms(worst),
        made.bytes.len() / 1024
    );
    let json = grid_json(&made.bytes, &month_days, &school.days)?;
    common::print_xlsxwriter(xlsxwriter(dir.path(), &json)?, ours_median, ms);
    println!(
        "one class's register (40 students): median {} ms. Target: the whole school under 1 s: {}",
        ms(median(one_class)),
        if worst < Duration::from_secs(1) {
            "met"
        } else {
            "not met"
        }
    );
    println!();

    // (c) and (d).
    let (student_ours, student_base) = student_figures(&store, &school)?;
    let (class_ours, class_base) = class_figures(&store, &school)?;
    let (so, sb, co, cb) = (
        stats(student_ours),
        stats(student_base),
        stats(class_ours),
        stats(class_base),
    );
    println!(
        "(c) One student's percentage for the year, {SAVES} students; (d) a class's summary for {MONTH}, all {CLASSES} classes (ms)"
    );
    println!();
    println!("| | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    row(
        "(c) `attendance::student_summary`, 2025-06-01 to 2026-03-31",
        &so,
    );
    row(
        "(c) baseline: `SELECT count(*)` of the student's marks",
        &sb,
    );
    row("(d) `attendance::class_summary`, one month", &co);
    row(
        "(d) baseline: `SELECT count(*)` of the class's marks that month",
        &cb,
    );
    println!();
    println!(
        "ratio to baseline: (c) {}; (d) {}. Target: under 50 ms each: {}",
        ratio(&so, &sb),
        ratio(&co, &cb),
        if so.p99.max(co.p99) < Duration::from_millis(50) {
            "met"
        } else {
            "not met"
        }
    );
    Ok(())
}
