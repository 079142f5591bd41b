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
