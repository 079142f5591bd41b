//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "rollbook",
    version,
    about = "Rollbook: a school office's students, classes and records, offline."
)]
pub struct Cli {
    /// The data folder (default: $ROLLBOOK_DATA_DIR, else this user's app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON (see docs/CLI.md).
    #[arg(long, global = true)]
    pub json: bool,
    /// Act as this user (needed once the school has users); the PIN is asked for on the
    /// terminal, or read from stdin with --pin-stdin.
    #[arg(long, global = true, value_name = "NAME", env = "ROLLBOOK_USER")]
    pub user: Option<String>,
    /// Read PINs from stdin, one per line (first the --user's, then any new PIN).
    #[arg(long, global = true)]
    pub pin_stdin: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up the school (first run).
    Init(InitArgs),
    /// Academic years.
    #[command(subcommand)]
    Year(YearCommand),
    /// Terms of an academic year.
    #[command(subcommand)]
    Term(TermCommand),
    /// Classes.
    #[command(subcommand)]
    Class(ClassCommand),
    /// Students.
    #[command(subcommand)]
    Student(StudentCommand),
    /// Find students by name, admission number or guardian phone.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Check the database's integrity and schema version.
    Doctor,
    /// Import students from a spreadsheet (xlsx, xlsm, xls, ods, csv).
    Import(ImportArgs),
    /// The import history, newest first: when, who, the file, what each import did.
    Imports,
    /// Save class rolls, the student register or the import template as an Excel file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Take and read attendance.
    #[command(subcommand)]
    Attendance(AttendanceCommand),
    /// Back up the database now, or list the backups.
    Backup {
        /// The folder to write to (default: the folder chosen for this installation).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// List the backups instead of taking one.
        #[arg(long)]
        list: bool,
    },
    /// Restore the database from a backup; the current one is kept aside. Close the app first.
    Restore {
        /// The backup file (.rbk).
        file: PathBuf,
        /// The backup is from another PC: ask for the school's recovery key (read from stdin
        /// with --pin-stdin, after any PIN).
        #[arg(long)]
        recovery_key: bool,
    },
    /// Open this data folder's database with the school's recovery key (a new PC, or a lost
    /// keyring) and keep the key in this computer's keyring.
    Recover,
    /// Show the recovery key, for an administrator to write down.
    RecoveryKey,
    /// Sync with the school's cloud: enrol this computer, sync now, see where things stand.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Staff (who take rolls and check in with their cards).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Fee heads, structures, payments, balances and reversals.
    #[command(subcommand)]
    Fees(FeesCommand),
    /// The people who sign in, and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the --user's PIN (exit code 0 when it is right).
    Unlock,
}

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Join the school's cloud with a one-time code from its administrator.
    Enrol {
        /// The cloud's address, https://... (http only to this computer).
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
        /// A name people recognise for this computer (default: its host name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Send this computer's changes and fetch the others', now.
    Now,
    /// Enrolment, changes waiting, the last sync, and changes the cloud refused.
    Status,
    /// Mark a refused change as dealt with (administrators).
    Resolve {
        /// The refused entry's id, as `sync status` lists it.
        entry_id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user (the first must be an administrator); asks for their PIN.
    Add {
        #[arg(long)]
        name: String,
        /// administrator, accountant, clerk or teacher.
        #[arg(long)]
        role: String,
        /// A teacher's class (repeat for several).
        #[arg(long = "class", value_name = "CLASS")]
        classes: Vec<String>,
    },
    /// Every user, their role, and whether they are locked on this computer.
    List,
    /// Set a new PIN for a user (an administrator's job); clears a lock.
    ResetPin {
        /// The user's name.
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum FeesCommand {
    /// Fee heads (tuition, transport, exam...).
    #[command(subcommand)]
    Head(FeeHeadCommand),
    /// The fee structure of a class and term.
    #[command(subcommand)]
    Structure(FeeStructureCommand),
    /// Charge a class's students for a term's structure (once; students who join later are
    /// charged when they join).
    Apply {
        #[arg(long)]
        class: String,
        /// The term's name in the current year, e.g. "Term 1".
        #[arg(long)]
        term: String,
        /// Charge students who join after today for the days left in the term.
        #[arg(long)]
        pro_rata: bool,
    },
    /// A concession for a student: --percent or --fixed, on one head or all.
    Concession {
        #[arg(long, value_name = "ADM")]
        student: String,
        #[arg(long)]
        head: Option<String>,
        #[arg(long, conflicts_with = "fixed", required_unless_present = "fixed")]
        percent: Option<String>,
        #[arg(long)]
        fixed: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Take a payment; prints the receipt number.
    Pay {
        #[arg(long, value_name = "ADM")]
        student: String,
        #[arg(long)]
        amount: String,
        /// cash, cheque, bank_transfer, mobile_money or card.
        #[arg(long, default_value = "cash")]
        method: String,
        /// The cheque number or transaction reference.
        #[arg(long, default_value = "")]
        reference: String,
        /// The cheque's bank.
        #[arg(long, default_value = "")]
        bank: String,
        /// The staff member taking the money (by name), printed as the cashier.
        #[arg(long, value_name = "NAME")]
        cashier: Option<String>,
    },
    /// A student's dues by term and head, and the balance.
    Balance {
        #[arg(long, value_name = "ADM")]
        student: String,
    },
    /// Every entry of a student's account with the running balance.
    Statement {
        #[arg(long, value_name = "ADM")]
        student: String,
    },
    /// Save a receipt as a PDF (A5), e.g. to send to a parent.
    ReceiptPdf {
        #[arg(long, value_name = "NO")]
        receipt: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: std::path::PathBuf,
        /// Mark it as a duplicate copy.
        #[arg(long)]
        duplicate: bool,
    },
    /// Check a receipt against the ledger: the text of its QR code, or its number with the
    /// verification code printed on it.
    Verify {
        /// The receipt number, or the QR code's text (RBR1|...).
        receipt: String,
        /// The verification code printed on the receipt (e.g. EF2D-C242).
        #[arg(long)]
        code: Option<String>,
    },
    /// Record the cash counted at the end of a day against what the day book expects.
    CloseCash {
        /// YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        counted: String,
        #[arg(long, default_value = "")]
        note: String,
        /// Close one cashier's drawer (by name) rather than the whole day's cash.
        #[arg(long, value_name = "NAME")]
        cashier: Option<String>,
    },
    /// Reverse a payment (the receipt stays, void).
    Reverse {
        #[arg(long, value_name = "NO")]
        receipt: String,
        #[arg(long)]
        reason: String,
        /// The staff member reversing it (by name).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum FeeHeadCommand {
    Add {
        #[arg(long)]
        name: String,
        /// Charged only to students who take it (a transport route).
        #[arg(long)]
        optional: bool,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum FeeStructureCommand {
    /// Set the amount of a head for a class and term.
    Set {
        #[arg(long)]
        class: String,
        #[arg(long)]
        term: String,
        #[arg(long)]
        head: String,
        #[arg(long)]
        amount: String,
        /// YYYY-MM-DD
        #[arg(long)]
        due: Option<String>,
        /// A late fine per day after the due date...
        #[arg(long, conflicts_with = "fine_fixed")]
        fine_per_day: Option<String>,
        /// ...or a fixed late fine.
        #[arg(long)]
        fine_fixed: Option<String>,
        /// The most a per-day fine reaches.
        #[arg(long)]
        fine_cap: Option<String>,
    },
    /// The structure, optionally of one class.
    List {
        #[arg(long)]
        class: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Add a staff member.
    Add {
        #[arg(long)]
        name: String,
        /// "Teacher", "Driver"...
        #[arg(long, default_value = "")]
        role: String,
    },
    /// List the staff.
    List,
}

#[derive(Subcommand, Debug)]
pub enum AttendanceCommand {
    /// Take a class's roll: the students named are absent, late or on leave; everyone else
    /// in the class is present. Marking again updates the marks.
    Mark {
        /// The class's name, e.g. "Grade 5 B".
        #[arg(long)]
        class: String,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// The session (day, am, pm, p1...; default: the first of the day).
        #[arg(long, default_value = "")]
        session: String,
        /// Admission numbers of the absent students, comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "ADM,...")]
        absent: Vec<String>,
        /// Late students with their minutes, e.g. A3:10, comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "ADM:MIN,...")]
        late: Vec<String>,
        /// Admission numbers of students on leave (excused), comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "ADM,...")]
        excused: Vec<String>,
        /// The staff member taking the roll (by name), kept in each mark's history.
        #[arg(long, value_name = "NAME")]
        taken_by: Option<String>,
    },
    /// Show a class's roll for a date.
    Show {
        #[arg(long)]
        class: String,
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        session: String,
    },
    /// A student's attendance and percentage (default: this academic year to today).
    Student {
        admission_no: String,
        /// YYYY-MM-DD
        #[arg(long)]
        from: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Class rolls: one class with --class, else a sheet for every class.
    Roll {
        /// The class's name, e.g. "Grade 5 B".
        #[arg(long)]
        class: Option<String>,
        /// The file to write (.xlsx).
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Every student with their guardians, in the import's columns (re-imports as it is).
    Students {
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// The monthly attendance register: one class with --class, else a sheet per class.
    Register {
        #[arg(long)]
        class: Option<String>,
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Students owing fees past their due date, with the amount overdue.
    Defaulters {
        #[arg(long)]
        class: Option<String>,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// A day's receipts by method with the cash total (default: today).
    Daybook {
        /// YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// A student's fee statement: every entry with the running balance.
    Statement {
        #[arg(long, value_name = "ADM")]
        student: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Collection against expected for a term, by class.
    Collection {
        #[arg(long)]
        term: String,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// The audit report: every change and event in a date range, per user or per student.
    Audit {
        /// YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// YYYY-MM-DD
        #[arg(long)]
        to: String,
        /// Only this user's actions.
        #[arg(long = "for-user", value_name = "NAME")]
        for_user: Option<String>,
        /// Only this student's records (admission number).
        #[arg(long, value_name = "ADM")]
        student: Option<String>,
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// A blank import template with an example row and instructions.
    Template {
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The school's name.
    #[arg(long)]
    pub school: String,
    /// ISO 3166 country code, e.g. IN, KE, US.
    #[arg(long)]
    pub country: String,
    /// ISO 4217 currency code (default: the country's).
    #[arg(long)]
    pub currency: Option<String>,
    /// DMY or MDY (default: the country's).
    #[arg(long)]
    pub date_order: Option<String>,
    /// IANA time zone, e.g. Asia/Kolkata (default: this computer's).
    #[arg(long)]
    pub time_zone: Option<String>,
    /// Country whose local phone numbers guardians give (default: --country).
    #[arg(long)]
    pub phone_country: Option<String>,
    #[arg(long, default_value = "")]
    pub address: String,
}

#[derive(Subcommand, Debug)]
pub enum YearCommand {
    /// Add an academic year (the first becomes the current one).
    Add {
        #[arg(long)]
        name: String,
        /// YYYY-MM-DD
        #[arg(long)]
        start: String,
        /// YYYY-MM-DD
        #[arg(long)]
        end: String,
    },
    /// List years with their terms.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TermCommand {
    /// Add a term to a year.
    Add {
        /// The year's name, e.g. 2026-27.
        #[arg(long)]
        year: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClassCommand {
    /// Add a class, e.g. --name "Grade 5 B".
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        teacher: String,
    },
    /// List classes with their student counts.
    List,
}

#[derive(Subcommand, Debug)]
pub enum StudentCommand {
    /// Add a student.
    Add(StudentAddArgs),
    /// List students.
    List {
        /// Only this class (by name).
        #[arg(long)]
        class: Option<String>,
        /// active, left or graduated.
        #[arg(long)]
        status: Option<String>,
    },
    /// Show one student by admission number.
    Show { admission_no: String },
}

#[derive(Args, Debug)]
pub struct StudentAddArgs {
    #[arg(long)]
    pub admission_no: String,
    #[arg(long)]
    pub given: String,
    #[arg(long, default_value = "")]
    pub family: String,
    /// The class's name, e.g. "Grade 5 B".
    #[arg(long)]
    pub class: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    pub dob: Option<String>,
    /// male, female or other.
    #[arg(long)]
    pub gender: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    pub admission_date: Option<String>,
    #[arg(long, requires = "guardian_phone")]
    pub guardian_name: Option<String>,
    /// Local or international; stored in E.164.
    #[arg(long, requires = "guardian_name")]
    pub guardian_phone: Option<String>,
    /// father, mother, guardian, grandparent, sibling or other.
    #[arg(long, default_value = "guardian")]
    pub guardian_relation: String,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The spreadsheet.
    pub file: PathBuf,
    /// The sheet to read (default: the first with recognisable headers).
    #[arg(long)]
    pub sheet: Option<String>,
    /// insert (new students only), update (existing only) or upsert (both).
    #[arg(long, default_value = "upsert")]
    pub mode: String,
    /// Create the classes the file names that do not exist.
    #[arg(long)]
    pub create_classes: bool,
    /// Import the good rows and skip rows with problems.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Show what would happen, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The 1-based row holding the headers (default: found automatically).
    #[arg(long)]
    pub header_row: Option<u32>,
}
