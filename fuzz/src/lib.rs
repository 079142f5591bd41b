//! What the fuzz targets share: a store made once per process, with a school set up (India,
//! day-first dates) and a few classes and students, so a preview plans inserts, updates and
//! unchanged rows, and matches existing classes, as it does in an office.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicBool;
use std::sync::{Once, OnceLock};

use rollbook_core::classes::{self, ClassInput};
use rollbook_core::guardians::{GuardianInput, Relation};
use rollbook_core::import::{self, ImportOptions};
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, StudentInput};
use rollbook_core::{ErrorCode, Store};

struct Fixture {
    // Kept for the life of the process: the store's folder.
    _dir: tempfile::TempDir,
    store: Store,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = Store::open(dir.path()).expect("a new store");
        school::setup(
            &store,
            &SetupInput {
                school: SchoolInput {
                    name: "Fuzz Public School".into(),
                    country: "IN".into(),
                    time_zone: Some("Asia/Kolkata".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .expect("school set up");
        let class = classes::create(
            &store,
            &ClassInput {
                grade: "5".into(),
                section: "B".into(),
                ..Default::default()
            },
        )
        .expect("a class");
        for (adm, given, family, phone) in [
            ("1", "Aarav", "Sharma", "98765 43210"),
            ("SM-101", "Zoë", "D'Souza", "+91 98450 12345"),
        ] {
            students::create(
                &store,
                &StudentInput {
                    admission_no: adm.into(),
                    given_name: given.into(),
                    family_name: family.into(),
                    dob: "2016-05-14".into(),
                    class_id: Some(class.id),
                    guardians: vec![GuardianInput {
                        name: format!("Parent of {given}"),
                        relation: Relation::Father,
                        phone: phone.into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
            )
            .expect("a student");
        }
        Fixture { _dir: dir, store }
    })
}

thread_local! {
    /// The last panic raised inside a third-party crate, while it unwinds.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// libFuzzer's panic hook aborts on every panic, even one that is caught. The core catches
/// calamine's panics on damaged files (`read.rs`, `guarded`) and refuses the file, which is
/// the behaviour wanted, so a panic raised inside a third-party crate is let unwind here;
/// if nothing in the core catches it, [`read_and_preview`] turns it into a crash with its
/// message. A panic anywhere else (Rollbook's code, the harness) aborts as usual.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_dependency = info.location().is_some_and(|l| {
                l.file().contains("/.cargo/registry/") || l.file().contains("index.crates.io")
            });
            if in_dependency {
                let message = info.payload_as_str().unwrap_or_default();
                let at = info.location().map(|l| l.to_string()).unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} at {at}")));
            } else {
                libfuzzer_hook(info);
            }
        }));
    });
}

/// Sets up what every target needs: the panic hook and, for the preview, the store (so its
/// cost is not taken for the first input's).
pub fn init(with_store: bool) {
    install_panic_hook();
    if with_store {
        let _ = fixture();
    }
}

/// Reads `data` as a file and, when it reads, plans an import of it. Either may refuse the
/// file; neither may panic. A refusal must say what is wrong.
pub fn read_and_preview(data: &[u8], preview: bool) -> Option<import::Workbook> {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    match catch_unwind(AssertUnwindSafe(|| check(data, preview))) {
        Ok(book) => book,
        Err(_) => {
            let why = LAST_PANIC.with(|p| p.borrow_mut().take());
            panic!("a panic in a dependency escaped the core: {why:?}");
        }
    }
}

fn check(data: &[u8], preview: bool) -> Option<import::Workbook> {
    let book = match import::read_bytes(data, "fuzz") {
        Ok(book) => book,
        Err(e) => {
            assert_eq!(e.code, ErrorCode::UnreadableFile, "{e:?}");
            assert!(
                e.message.len() > 20,
                "a refusal too short to help: {:?} {:?}",
                e.code,
                e.message
            );
            return None;
        }
    };
    if preview {
        let store = &fixture().store;
        // A file that reads has a sheet to plan: the plan may list problems, but a
        // preview that fails outright (a database error, say) is a bug too.
        if let Err(e) = import::preview(
            store,
            &book,
            &ImportOptions::default(),
            &mut |_| {},
            &AtomicBool::new(false),
        ) {
            panic!("preview failed on a file that reads: {e:?}");
        }
    }
    Some(book)
}
