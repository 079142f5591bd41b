//! Network and process faults between two office PCs and a real Rollbook cloud on
//! 127.0.0.1: each PC talks to the cloud through a proxy the test controls, which drops
//! requests before the server sees them, drops the server's answers after it committed,
//! answers 500 itself, answers slowly, holds requests while the server restarts, or holds
//! them while the syncing process (a child process of this test) is killed; and one PC syncs
//! twice at once, or has its batch delivered twice. After every fault and the recovery: nothing
//! lost (every change made on each PC is on the other), nothing doubled (each payment once,
//! each entry once on the server), and neither a PC's pull cursor nor the server's count of
//! a PC's entries ever goes backwards (`Pc::sync` checks both on every attempt).

#![allow(clippy::unwrap_used)] // a test that fails loudly is what a test wants

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    Cloud, Fault, Gate, Pc, School, add_student, admit_many, assert_converged, edit_student, mark,
    pay, recent_days, set_up_school, student_count,
};
use rollbook_core::students::{self, StudentFilter};
use rollbook_core::{ErrorCode, Id, Store, fees};
use rollbook_protocol::MAX_BATCH;

/// Two PCs of one school, in step: A set the school up, B joined it.
struct World {
    cloud: Cloud,
    a: Pc,
    b: Pc,
    school: School,
    /// Asha, Bela, Chen (made on A).
    students: Vec<Id>,
    /// Every payment taken on either PC.
    receipts: Vec<String>,
    /// The admission number of every pupil admitted on either PC.
    admitted: BTreeSet<String>,
    days: Vec<String>,
}

impl World {
    fn new() -> World {
        let cloud = Cloud::start();
        let mut a = Pc::new("Front office", &cloud);
        let school = set_up_school(&a);
        let students = vec![
            add_student(&a, school.class, "S1", "Asha"),
            add_student(&a, school.class, "S2", "Bela"),
            add_student(&a, school.class, "S3", "Chen"),
        ];
        fees::apply_structure(&a, school.class, school.term, false).unwrap();
        let receipts = vec![pay(&a, students[0], "500")];
        let days = recent_days(3);
        mark(&a, school.class, &days[0], students[0], "P");
        let school_id = cloud.school_id.clone();
        a.enrol(&cloud, &school_id);
        a.sync_ok(&cloud);
        let mut b = Pc::new("Accounts", &cloud);
        b.enrol(&cloud, &school_id);
        b.sync_ok(&cloud);
        let w = World {
            cloud,
            a,
            b,
            school,
            students,
            receipts,
            admitted: ["S1", "S2", "S3"].map(String::from).into(),
            days,
        };
        w.check();
        w
    }

    /// A morning's work on one PC, offline: a new pupil, a correction to a name, the roll,
    /// and a payment. `tag` makes the admission number and values unique.
    fn work(&mut self, on_b: bool, tag: &str) {
        let pc = if on_b { &self.b } else { &self.a };
        let class = self.school.class;
        let adm = format!("N-{tag}");
        let new = add_student(pc, class, &adm, &format!("New {tag}"));
        self.admitted.insert(adm);
        edit_student(pc, self.students[1], |i| {
            i.family_name = format!("Rao {tag}");
        });
        mark(pc, class, &self.days[1], new, "P");
        mark(pc, class, &self.days[2], self.students[2], "A");
        let receipt = pay(pc, self.students[0], "100");
        self.receipts.push(receipt);
    }

    /// Admits `n` pupils at once (an import) on one PC, numbered `PREFIX-1`...
    fn admit(&mut self, on_b: bool, prefix: &str, n: usize) {
        let pc = if on_b { &self.b } else { &self.a };
        admit_many(pc, self.school.class, prefix, n);
        self.admitted
            .extend((1..=n).map(|i| format!("{prefix}-{i}")));
    }

    /// Both PCs sync until each has the other's changes, and then agree.
    fn settle(&self) {
        for _ in 0..2 {
            self.a.sync_ok(&self.cloud);
            self.b.sync_ok(&self.cloud);
        }
        self.check();
        for pc in [&self.a, &self.b] {
            let again = pc.sync_ok(&self.cloud);
            assert_eq!((again.pushed, again.pulled, again.pending), (0, 0, 0));
        }
    }

    /// The PCs agree, each has every pupil and each payment once, and the server holds each
    /// PC's entries exactly once, all of them.
    fn check(&self) {
        assert_converged(&[&self.a, &self.b], &self.days, &self.receipts);
        for pc in [&self.a, &self.b] {
            let held: BTreeSet<String> = students::list(pc, &StudentFilter::default())
                .unwrap()
                .into_iter()
                .map(|s| s.admission_no)
                .collect();
            assert!(held == self.admitted, "{}: pupils lost or added", pc.name);
        }
        let held = self.cloud.check_stream(self.school_id());
        for pc in [&self.a, &self.b] {
            let device = pc.device_id();
            assert_eq!(
                held.get(&device.to_string()).copied().unwrap_or(0),
                self.cloud.last_seq(self.school_id(), device),
                "{}: the server's stream and its last sequence number disagree",
                pc.name
            );
        }
    }

    fn school_id(&self) -> &str {
        self.a.school_id()
    }

    fn last_seq(&self, pc: &Pc) -> i64 {
        self.cloud.last_seq(self.school_id(), pc.device_id())
    }
}

fn offline(result: rollbook_core::Result<rollbook_core::sync::SyncReport>) {
    match result {
        Err(e) => assert_eq!(e.code, ErrorCode::Offline, "{e:?}"),
        Ok(r) => panic!("the sync worked through the fault: {r:?}"),
    }
}

#[test]
fn a_connection_dropped_before_the_server_sees_the_request_loses_nothing() {
    let mut w = World::new();
    w.work(false, "a1");
    w.work(true, "b1");

    // A's push never reaches the server.
    let (held, pending) = (w.last_seq(&w.a), w.a.pending());
    w.a.proxy.arm("/v1/push", Fault::DropRequest);
    offline(w.a.sync(&w.cloud));
    assert_eq!(w.last_seq(&w.a), held, "the server saw the dropped push");
    assert_eq!(w.a.pending(), pending, "nothing was acknowledged");
    let status = rollbook_core::sync::status(&w.a).unwrap();
    assert!(status.last_error.is_some(), "{status:?}");

    // B's push goes through, its pull does not: the cursor stays where it was.
    let cursor = w.b.cursor();
    w.b.proxy.arm("/v1/pull", Fault::DropRequest);
    offline(w.b.sync(&w.cloud));
    assert_eq!(w.b.pending(), 0);
    assert_eq!(w.b.cursor(), cursor);

    w.settle();
}

#[test]
fn a_lost_acknowledgement_is_sent_again_and_stored_once() {
    let mut w = World::new();
    w.work(false, "a1");
    w.work(true, "b1");

    // The server commits A's push, but the answer never reaches A.
    let (held, pending) = (w.last_seq(&w.a), w.a.pending());
    w.a.proxy.arm("/v1/push", Fault::DropAnswer);
    offline(w.a.sync(&w.cloud));
    assert_eq!(w.last_seq(&w.a), held + pending, "the server committed it");
    assert_eq!(w.a.pending(), pending, "A does not know that");

    // B already gets A's changes from the server, once.
    w.b.sync_ok(&w.cloud);
    let on_b = common::receipts(&w.b);
    assert_eq!(on_b.len(), w.receipts.len());

    // A sends them again: the server answers the same and stores nothing twice.
    let again = w.a.sync_ok(&w.cloud);
    assert_eq!(again.pushed, pending, "{again:?}");
    assert_eq!(w.last_seq(&w.a), held + pending);
    assert_eq!(w.a.pending(), 0);

    // A pull whose answer is lost: the cursor stays, and the entries come again, once.
    w.work(false, "a2");
    w.a.sync_ok(&w.cloud);
    let cursor = w.b.cursor();
    w.b.proxy.arm("/v1/pull", Fault::DropAnswer);
    offline(w.b.sync(&w.cloud));
    assert_eq!(w.b.cursor(), cursor);
    let got = w.b.sync_ok(&w.cloud);
    assert!(got.pulled > 0, "{got:?}");

    // The lost answer of the second of two push batches.
    w.admit(false, "BULK", 600);
    let pending = w.a.pending();
    assert!(pending > MAX_BATCH as i64, "{pending}");
    let held = w.last_seq(&w.a);
    w.a.proxy.arm("/v1/push", Fault::Delay(Duration::ZERO));
    w.a.proxy.arm("/v1/push", Fault::DropAnswer);
    offline(w.a.sync(&w.cloud));
    assert_eq!(w.last_seq(&w.a), held + pending);
    assert_eq!(w.a.pending(), pending - MAX_BATCH as i64);

    w.settle();
    assert_eq!(student_count(&w.b), 3 + 3 + 600);
}

#[test]
fn a_500_from_in_front_of_the_server_is_retried_later() {
    let mut w = World::new();
    w.work(false, "a1");
    w.work(true, "b1");

    let (held, pending) = (w.last_seq(&w.a), w.a.pending());
    w.a.proxy.arm("/v1/push", Fault::Answer500);
    let e = w.a.sync(&w.cloud).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::Offline,
        "server trouble is a retry: {e:?}"
    );
    assert!(e.message.contains("the proxy refused"), "{e:?}");
    assert_eq!(w.last_seq(&w.a), held);
    assert_eq!(w.a.pending(), pending);

    let cursor = w.b.cursor();
    w.b.proxy.arm("/v1/pull", Fault::Answer500);
    offline(w.b.sync(&w.cloud));
    assert_eq!(w.b.cursor(), cursor);

    w.settle();
}

#[test]
fn slow_answers_still_sync_everything() {
    let mut w = World::new();
    w.work(false, "a1");
    w.work(true, "b1");
    let slow = Duration::from_secs(1);
    for pc in [&w.a, &w.b] {
        pc.proxy.arm("/v1/push", Fault::Delay(slow));
        pc.proxy.arm("/v1/pull", Fault::Delay(slow));
    }
    for pc in [&w.a, &w.b] {
        let started = Instant::now();
        let report = pc.sync_ok(&w.cloud);
        assert!(started.elapsed() >= slow * 2, "{:?}", started.elapsed());
        assert_eq!(report.pending, 0);
    }
    w.settle();
}

#[test]
fn the_server_restarting_between_push_batches_loses_nothing() {
    let mut w = World::new();
    w.work(true, "b1");
    w.admit(false, "BULK", 400);
    fees::apply_structure(&w.a, w.school.class, w.school.term, false).unwrap();
    let pending = w.a.pending();
    assert!(pending > MAX_BATCH as i64, "{pending}");
    let held = w.last_seq(&w.a);

    // The server restarts while A's second batch waits: the sync carries on.
    let gate = Gate::new();
    w.a.proxy.arm("/v1/push", Fault::Delay(Duration::ZERO));
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(gate.clone()));
    let report = std::thread::scope(|s| {
        let store: &Store = &w.a;
        let sync = s.spawn(move || rollbook_sync::sync_now(store));
        gate.wait_arrived(1, Duration::from_secs(60));
        assert_eq!(
            w.cloud.last_seq(w.a.school_id(), w.a.device_id()),
            held + 1000
        );
        w.cloud.down();
        w.cloud.up();
        gate.open();
        sync.join().unwrap()
    });
    let report = report.unwrap();
    w.a.check_progress(&w.cloud);
    assert_eq!((report.pushed, report.pending), (pending, 0));
    assert_eq!(w.last_seq(&w.a), held + pending);

    // The server goes down while the second batch waits, and stays down: the sync fails
    // with the first batch acknowledged; the rest goes when the server is back.
    w.admit(false, "MORE", 600);
    let pending = w.a.pending();
    let held = w.last_seq(&w.a);
    let gate = Gate::new();
    w.a.proxy.arm("/v1/push", Fault::Delay(Duration::ZERO));
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(gate.clone()));
    let result = std::thread::scope(|s| {
        let store: &Store = &w.a;
        let sync = s.spawn(move || rollbook_sync::sync_now(store));
        gate.wait_arrived(1, Duration::from_secs(60));
        w.cloud.down();
        gate.open();
        sync.join().unwrap()
    });
    offline(result);
    w.cloud.up();
    w.a.check_progress(&w.cloud);
    assert_eq!(w.last_seq(&w.a), held + MAX_BATCH as i64);
    assert_eq!(w.a.pending(), pending - MAX_BATCH as i64);

    w.settle();
    assert_eq!(student_count(&w.b), 3 + 1 + 400 + 600);
}

/// Set for a child process of [`a_sync_killed_with_its_process_loses_nothing`]: the data
/// folder of the PC whose sync the child runs (and the parent kills).
const CHILD_DIR: &str = "ROLLBOOK_TEST_KILLED_SYNC_DIR";

/// Not a test of its own: the child process the kill test starts (and kills). Without
/// [`CHILD_DIR`] it does nothing.
#[test]
fn child_process_of_the_kill_test() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let store = Store::open(std::path::Path::new(&dir)).unwrap();
    let _ = rollbook_sync::sync_now(&store);
}

/// Runs A's sync in a child process, waits until `gate` has an arrival, waits `after`, then
/// kills the process (SIGKILL on Unix: no destructor, no rollback but SQLite's own).
fn kill_sync_at(pc: &mut Pc, gate: &Gate, after: Duration) {
    pc.close();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_of_the_kill_test", "--nocapture"])
        .env(CHILD_DIR, pc.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    gate.wait_arrived(1, Duration::from_secs(60));
    std::thread::sleep(after);
    let _ = child.kill();
    child.wait().unwrap();
    gate.open();
    pc.reopen();
}

#[test]
fn a_sync_killed_with_its_process_loses_nothing() {
    let mut w = World::new();
    w.work(false, "a1");
    w.admit(false, "A", 400);
    fees::apply_structure(&w.a, w.school.class, w.school.term, false).unwrap();
    // B has much for A to pull: a first page of 1000 takes a while to apply.
    w.work(true, "b1");
    w.admit(true, "B", 600);
    w.b.sync_ok(&w.cloud);

    // Killed after the server stored A's first batch, before A heard so.
    let pending = w.a.pending();
    assert!(pending > MAX_BATCH as i64, "{pending}");
    let held = w.last_seq(&w.a);
    let gate = Gate::new();
    w.a.proxy.arm("/v1/push", Fault::HoldAnswer(gate.clone()));
    kill_sync_at(&mut w.a, &gate, Duration::ZERO);
    w.a.check_progress(&w.cloud);
    assert_eq!(w.last_seq(&w.a), held + MAX_BATCH as i64);
    assert_eq!(
        w.a.pending(),
        pending,
        "the acknowledgement died with the process"
    );
    assert!(w.a.doctor().unwrap().ok);

    // Killed while the second batch waits to go: it dies with the process. (The first
    // batch's answer is recorded while the second is on its way; the kill comes once the
    // second has long been waiting.)
    let gate = Gate::new();
    w.a.proxy.arm("/v1/push", Fault::Delay(Duration::ZERO));
    w.a.proxy
        .arm("/v1/push", Fault::HoldThenDropRequest(gate.clone()));
    kill_sync_at(&mut w.a, &gate, Duration::from_millis(500));
    w.a.check_progress(&w.cloud);
    assert_eq!(w.last_seq(&w.a), held + MAX_BATCH as i64);
    assert_eq!(w.a.pending(), pending - MAX_BATCH as i64);

    // Killed while applying pulled pages, at a few points in them.
    let cursor = w.a.cursor();
    for ms in [0, 20, 150, 700] {
        let gate = Gate::new();
        w.a.proxy.arm("/v1/pull", Fault::SignalAfter(gate.clone()));
        kill_sync_at(&mut w.a, &gate, Duration::from_millis(ms));
        w.a.check_progress(&w.cloud);
        assert!(w.a.doctor().unwrap().ok);
    }
    assert_eq!(w.a.pending(), 0, "the pushes went through before the pulls");
    assert!(w.a.cursor() >= cursor);

    w.settle();
    assert_eq!(student_count(&w.a), 3 + 2 + 400 + 600);
}

#[test]
fn one_pc_syncing_twice_at_once_stores_everything_once() {
    let mut w = World::new();
    w.work(false, "a1");
    w.work(false, "a2");
    w.work(true, "b1");

    // Two syncs of A (the app's timer and a click) push the same batch at the same moment.
    let both = Gate::barrier(2);
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(both.clone()));
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(both.clone()));
    let results = std::thread::scope(|s| {
        let one = s.spawn(|| w.a.sync(&w.cloud));
        let two = s.spawn(|| w.a.sync(&w.cloud));
        [one.join().unwrap(), two.join().unwrap()]
    });
    for r in results {
        r.unwrap();
    }
    assert_eq!(both.arrived(), 2, "both pushes were under way together");
    assert_eq!(w.a.pending(), 0);
    w.b.sync_ok(&w.cloud);
    w.a.sync_ok(&w.cloud);
    w.check();

    // The same, from two handles on A's folder (a second copy of the app).
    w.work(false, "a3");
    w.work(true, "b2");
    let second = Store::open(w.a.path()).unwrap();
    let both = Gate::barrier(2);
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(both.clone()));
    w.a.proxy.arm("/v1/push", Fault::HoldRequest(both.clone()));
    let pulls = Gate::barrier(2);
    w.a.proxy.arm("/v1/pull", Fault::HoldAnswer(pulls.clone()));
    w.a.proxy.arm("/v1/pull", Fault::HoldAnswer(pulls.clone()));
    let results = std::thread::scope(|s| {
        let one = s.spawn(|| rollbook_sync::sync_now(&w.a));
        let two = s.spawn(|| rollbook_sync::sync_now(&second));
        [one.join().unwrap(), two.join().unwrap()]
    });
    for r in results {
        r.unwrap();
    }
    drop(second);
    w.a.check_progress(&w.cloud);

    // A batch the network delivers twice.
    w.work(false, "a4");
    w.a.proxy.arm("/v1/push", Fault::Twice);
    w.a.proxy.arm("/v1/pull", Fault::Twice);
    w.a.sync_ok(&w.cloud);

    w.settle();
}

/// A PC restored from a backup taken before its last sync: the backup holds the PC's own
/// sequence numbers and receipt counter as they were, while the cloud already holds what the
/// PC made after the backup. A backs up, then admits N-a1, takes a payment, marks the roll
/// and syncs; B pulls them. A is restored from the backup and carries on: admits N-a2, takes
/// a payment, and syncs. The restored database took a new identity, so its new changes and
/// receipts are numbered afresh (no receipt number twice, nothing refused), and it gets back
/// its own changes that the backup lacked: both PCs end with both pupils and both payments.
#[test]
fn a_pc_restored_from_a_backup_older_than_its_last_sync_loses_nothing() {
    let mut w = World::new();
    let folder = tempfile::tempdir().unwrap();
    let backup = rollbook_core::backup::back_up(&w.a, folder.path()).unwrap();

    // After the backup, A admits a pupil, takes a payment, and syncs them; B gets them.
    w.work(false, "a1");
    w.a.sync_ok(&w.cloud);
    w.b.sync_ok(&w.cloud);

    // A's disk is replaced and the backup restored; A carries on and syncs.
    w.a.restore(&backup.path);
    w.work(false, "a2");
    let mut numbers = w.receipts.clone();
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        w.receipts.len(),
        "a receipt number used twice: {:?}",
        w.receipts
    );
    w.a.sync_ok(&w.cloud);
    let refused = rollbook_core::sync::status(&w.a).unwrap().rejected;
    assert!(
        refused.is_empty(),
        "A's new changes were refused: {refused:?}"
    );
    w.settle();
    assert_eq!(student_count(&w.a), 3 + 2);
}

/// A PC set up and used before it ever synced, then restored from a backup of that time (a
/// new disk, say), and only then enrolled: what it made before the restore, under the
/// identity the cloud never knew, goes too, and another PC gets everything.
#[test]
fn a_pc_restored_before_it_ever_synced_sends_what_it_made_before_and_after() {
    let cloud = Cloud::start();
    let mut a = Pc::new("Front office", &cloud);
    let school = set_up_school(&a);
    let asha = add_student(&a, school.class, "S1", "Asha");
    let bela = add_student(&a, school.class, "S2", "Bela");
    fees::apply_structure(&a, school.class, school.term, false).unwrap();
    let first = pay(&a, asha, "500");
    let folder = tempfile::tempdir().unwrap();
    let backup = rollbook_core::backup::back_up(&a, folder.path()).unwrap();
    a.restore(&backup.path);
    let chen = add_student(&a, school.class, "S3", "Chen");
    let second = pay(&a, bela, "300");

    let school_id = cloud.school_id.clone();
    a.enrol(&cloud, &school_id);
    a.sync_ok(&cloud);
    assert_eq!(a.pending(), 0, "everything made here reached the cloud");
    let mut b = Pc::new("Accounts", &cloud);
    b.enrol(&cloud, &school_id);
    b.sync_ok(&cloud);
    a.sync_ok(&cloud);
    assert_converged(&[&a, &b], &[], &[first, second]);
    assert_eq!(student_count(&b), 3);
    assert!(students::get(&b, chen).is_ok());
}
