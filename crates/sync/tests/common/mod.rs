//! What the sync tests share: a real Rollbook cloud (the server over SQLite, on 127.0.0.1,
//! port 0), a TCP proxy in front of it whose faults a test arms while it runs, real encrypted
//! office PCs (`rollbook_core::Store` in temp folders, enrolled through their own proxy), and
//! the views of a school the tests compare between PCs.

#![allow(dead_code)] // each test file uses its own part of this

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rollbook_core::attendance::{self, MarkInput, RollInput};
use rollbook_core::fees::{
    self, EntryKind, HeadInput, PaymentInput, PaymentMethod, StructureInput,
};
use rollbook_core::guardians::{GuardianInput, Relation};
use rollbook_core::school::{self, SchoolInput, SetupInput};
use rollbook_core::students::{self, StudentFilter, StudentInput};
use rollbook_core::years::{TermInput, YearInput};
use rollbook_core::{Id, Store, calendar, classes};
use rollbook_protocol::Pulled;
use rollbook_server::server::{self, Running, ServeOptions};
use rollbook_server::storage::sqlite::SqliteStore;
use rollbook_server::storage::{Device, Store as _};

// ---------------------------------------------------------------------------------------
// The cloud

/// The cloud: a server over SQLite in a folder of its own, on a tokio runtime of its own.
pub struct Cloud {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    _keep: tempfile::TempDir,
    running: Option<Running>,
    addr: Option<SocketAddr>,
    /// A second handle on the server's database, to look at what the server holds.
    inspector: SqliteStore,
    /// The school made at start.
    pub school_id: String,
}

impl Cloud {
    pub fn start() -> Cloud {
        let keep = tempfile::tempdir().unwrap();
        let dir = keep.path().to_path_buf();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let inspector = SqliteStore::open(&dir).unwrap();
        let school_id = rt.block_on(async {
            inspector
                .create_school("St. Mary's School")
                .await
                .unwrap()
                .id
        });
        let mut cloud = Cloud {
            rt,
            dir,
            _keep: keep,
            running: None,
            addr: None,
            inspector,
            school_id,
        };
        cloud.up();
        cloud
    }

    /// Serves (again) on the same address as before, or a new one the first time. No rate
    /// limit: the tests sync far more often than an office does.
    pub fn up(&mut self) {
        let listen = self.addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap());
        let dir = self.dir.clone();
        let running = self.rt.block_on(async move {
            let store = Arc::new(SqliteStore::open(&dir).unwrap());
            let options = ServeOptions {
                rate_limit_per_minute: 0,
                ..ServeOptions::new(listen)
            };
            server::start(store, options).await.unwrap()
        });
        self.addr = Some(running.addr);
        self.running = Some(running);
    }

    /// Stops the server (requests under way finish first).
    pub fn down(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.stop()).unwrap();
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr.unwrap()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Another school on the same server (each property-test case gets its own).
    pub fn new_school(&self, name: &str) -> String {
        self.rt
            .block_on(self.inspector.create_school(name))
            .unwrap()
            .id
    }

    /// A one-time enrolment code for the school made at start.
    pub fn code(&self) -> String {
        self.code_for(&self.school_id)
    }

    pub fn code_for(&self, school_id: &str) -> String {
        self.rt
            .block_on(
                self.inspector
                    .create_enrol_code(school_id, None, chrono::Duration::hours(1)),
            )
            .unwrap()
            .code
    }

    /// Every entry the server holds for `school_id`, in stream order (read as a device of
    /// the school that has made nothing, so nothing is left out).
    pub fn stream(&self, school_id: &str) -> Vec<Pulled> {
        let observer = Device {
            device_id: "test-observer".into(),
            school_id: school_id.into(),
        };
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self
                .rt
                .block_on(self.inspector.pull(&observer, after, 1000))
                .unwrap();
            assert!(page.next_cursor >= after, "the server's cursor went back");
            out.extend(page.entries);
            if !page.more {
                return out;
            }
            after = page.next_cursor;
        }
    }

    /// The last sequence number the server holds of `device` (an empty push: it only asks).
    pub fn last_seq(&self, school_id: &str, device: Id) -> i64 {
        let device = Device {
            device_id: device.to_string(),
            school_id: school_id.into(),
        };
        self.rt
            .block_on(self.inspector.push(&device, Vec::new()))
            .unwrap()
            .acked_through
    }

    /// Checks the server's stream of `school_id`: each device's entries are its sequence
    /// numbers 1, 2, 3... each once (nothing doubled, nothing skipped), each entry id once,
    /// cursors strictly growing. Answers the number of entries per device.
    pub fn check_stream(&self, school_id: &str) -> std::collections::BTreeMap<String, i64> {
        let stream = self.stream(school_id);
        let mut ids = std::collections::HashSet::new();
        let mut per_device: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
        let mut last_cursor = 0;
        for p in &stream {
            assert!(
                p.cursor > last_cursor,
                "cursor {} after {last_cursor}",
                p.cursor
            );
            last_cursor = p.cursor;
            assert!(
                ids.insert(p.entry.entry_id.clone()),
                "entry {} twice in the stream",
                p.entry.entry_id
            );
            per_device
                .entry(p.entry.device_id.clone())
                .or_default()
                .push(p.entry.seq);
        }
        per_device
            .into_iter()
            .map(|(device, seqs)| {
                let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
                assert_eq!(
                    seqs, expected,
                    "device {device}'s entries on the server are not 1..n once each"
                );
                (device, seqs.len() as i64)
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// The proxy

/// A gate a proxied request or answer waits at until the test opens it (or, for a barrier,
/// until enough have arrived). Arrivals are counted, so the test can wait for them.
#[derive(Debug, Clone, Default)]
pub struct Gate(Arc<(Mutex<GateState>, Condvar)>);

#[derive(Debug, Default)]
struct GateState {
    arrived: usize,
    open: bool,
    opens_at: Option<usize>,
}

/// Nothing in these tests should wait at a gate longer than this.
const GATE_LIMIT: Duration = Duration::from_secs(60);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    /// A gate that opens itself once `n` have arrived.
    pub fn barrier(n: usize) -> Gate {
        let g = Gate::default();
        g.state().opens_at = Some(n);
        g
    }

    fn state(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.0.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn arrive(&self) {
        let mut s = self.state();
        s.arrived += 1;
        if s.opens_at.is_some_and(|n| s.arrived >= n) {
            s.open = true;
        }
        self.0.1.notify_all();
    }

    /// Waits until the gate is open (at most [`GATE_LIMIT`]).
    fn pass(&self) {
        let deadline = Instant::now() + GATE_LIMIT;
        let mut s = self.state();
        while !s.open && Instant::now() < deadline {
            s = self
                .0
                .1
                .wait_timeout(s, Duration::from_millis(100))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    pub fn open(&self) {
        self.state().open = true;
        self.0.1.notify_all();
    }

    /// Waits until `n` have arrived at the gate; panics after `limit`.
    pub fn wait_arrived(&self, n: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut s = self.state();
        while s.arrived < n {
            assert!(
                Instant::now() < deadline,
                "only {} of {n} arrived at the gate",
                s.arrived
            );
            s = self
                .0
                .1
                .wait_timeout(s, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    pub fn arrived(&self) -> usize {
        self.state().arrived
    }
}

/// What the proxy does to one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Reads the request and closes the connection: the server never sees it.
    DropRequest,
    /// Forwards the request, lets the server answer (and commit), then closes the connection
    /// without passing the answer on: the lost acknowledgement.
    DropAnswer,
    /// Answers `500 Internal Server Error` itself; the server never sees the request.
    Answer500,
    /// Passes the server's answer on only after this long.
    Delay(Duration),
    /// Delivers the request to the server twice (a retransmission), passing the second
    /// answer on.
    Twice,
    /// Holds the request at the gate before forwarding it.
    HoldRequest(Gate),
    /// Holds the request at the gate, then drops it and the connection (the client died
    /// while its request waited to go).
    HoldThenDropRequest(Gate),
    /// Holds the server's answer at the gate before passing it on.
    HoldAnswer(Gate),
    /// Passes the answer on normally, then arrives at the gate (a signal to the test).
    SignalAfter(Gate),
}

/// A TCP proxy on 127.0.0.1 in front of the server, reading HTTP/1.1 one request and answer
/// at a time so that faults hit exactly the request they are armed for. Each request goes to
/// the server on a connection of its own (so a restarted server is reached again).
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

struct Shared {
    upstream: SocketAddr,
    /// Faults waiting for a request whose path starts with their prefix, first armed first.
    armed: Mutex<Vec<(String, Fault)>>,
    /// "POST /v1/push" and so on, as they arrived.
    log: Mutex<Vec<String>>,
    stop: AtomicBool,
}

impl Proxy {
    pub fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream,
            armed: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || serve(conn, &s));
            }
        });
        Proxy { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Arms `fault` for the next request whose path starts with `path_prefix` ("/v1/push").
    pub fn arm(&self, path_prefix: &str, fault: Fault) {
        lock(&self.shared.armed).push((path_prefix.to_owned(), fault));
    }

    /// How many armed faults have not hit a request yet.
    pub fn armed(&self) -> usize {
        lock(&self.shared.armed).len()
    }

    pub fn disarm(&self) {
        lock(&self.shared.armed).clear();
    }

    /// The requests seen so far ("POST /v1/push?..."), oldest first.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.log).clone()
    }

    /// How many requests seen so far start with `prefix` ("POST /v1/push").
    pub fn count(&self, prefix: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.starts_with(prefix))
            .count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so that it sees the stop.
        let _ = TcpStream::connect(self.addr);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One HTTP/1.1 message, as read off the wire.
struct Message {
    start_line: String,
    bytes: Vec<u8>,
    close: bool,
}

impl Message {
    /// The request's path ("/v1/push").
    fn path(&self) -> &str {
        self.start_line.split(' ').nth(1).unwrap_or("")
    }
}

const ANSWER_500: &str = "{\"code\":\"internal\",\"message\":\"the proxy refused the request\"}";

/// Serves one client connection, a request at a time; returning closes it.
fn serve(client: TcpStream, shared: &Shared) {
    let Ok(read_half) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = client;
    loop {
        let Ok(Some(request)) = read_message(&mut reader, false) else {
            return;
        };
        lock(&shared.log).push(request.start_line.clone());
        let fault = {
            let mut armed = lock(&shared.armed);
            armed
                .iter()
                .position(|(prefix, _)| request.path().starts_with(prefix.as_str()))
                .map(|i| armed.remove(i).1)
        };
        match &fault {
            Some(Fault::DropRequest) => return,
            Some(Fault::Answer500) => {
                let answer = format!(
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\n\r\n{ANSWER_500}",
                    ANSWER_500.len()
                );
                if writer.write_all(answer.as_bytes()).is_err() {
                    return;
                }
                continue;
            }
            Some(Fault::HoldRequest(gate)) => {
                gate.arrive();
                gate.pass();
            }
            Some(Fault::HoldThenDropRequest(gate)) => {
                gate.arrive();
                gate.pass();
                return;
            }
            _ => {}
        }
        let Some(mut answer) = forward(shared.upstream, &request) else {
            // The server is not there: the client sees its connection close.
            return;
        };
        match &fault {
            Some(Fault::Twice) => match forward(shared.upstream, &request) {
                Some(again) => answer = again,
                None => return,
            },
            Some(Fault::DropAnswer) => return,
            Some(Fault::Delay(d)) => std::thread::sleep(*d),
            Some(Fault::HoldAnswer(gate)) => {
                gate.arrive();
                gate.pass();
            }
            _ => {}
        }
        if writer.write_all(&answer.bytes).is_err() || writer.flush().is_err() {
            return;
        }
        if let Some(Fault::SignalAfter(gate)) = &fault {
            gate.arrive();
        }
        if answer.close || request.close {
            return;
        }
    }
}

/// Sends `request` to the server on a new connection and reads its answer.
fn forward(upstream: SocketAddr, request: &Message) -> Option<Message> {
    let mut conn = TcpStream::connect_timeout(&upstream, Duration::from_secs(5)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
    conn.write_all(&request.bytes).ok()?;
    read_message(&mut BufReader::new(conn), true).ok().flatten()
}

/// Reads one message: its head, and its body by `content-length` or chunks (or, for an
/// answer with neither, to the end of the connection). `None` at a clean end of stream.
fn read_message(r: &mut impl BufRead, is_answer: bool) -> io::Result<Option<Message>> {
    let mut bytes = Vec::new();
    let mut start_line = String::new();
    let (mut length, mut chunked, mut close) = (None, false, false);
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line)? == 0 {
            return if bytes.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        bytes.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        if start_line.is_empty() {
            start_line = text;
            continue;
        }
        if text.is_empty() {
            break;
        }
        if let Some((name, value)) = text.split_once(':') {
            let value = value.trim().to_ascii_lowercase();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => close = value == "close",
                _ => {}
            }
        }
    }
    if chunked {
        loop {
            let mut size_line = Vec::new();
            r.read_until(b'\n', &mut size_line)?;
            bytes.extend_from_slice(&size_line);
            let text = String::from_utf8_lossy(&size_line);
            let size = usize::from_str_radix(text.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
            if size == 0 {
                loop {
                    let mut trailer = Vec::new();
                    r.read_until(b'\n', &mut trailer)?;
                    bytes.extend_from_slice(&trailer);
                    if trailer.is_empty() || trailer == b"\r\n" || trailer == b"\n" {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk)?;
            bytes.extend_from_slice(&chunk);
        }
    } else if let Some(n) = length {
        let mut body = vec![0; n];
        r.read_exact(&mut body)?;
        bytes.extend_from_slice(&body);
    } else if is_answer {
        r.read_to_end(&mut bytes)?;
        close = true;
    }
    Ok(Some(Message {
        start_line,
        bytes,
        close,
    }))
}

// ---------------------------------------------------------------------------------------
// Office PCs

/// An office PC: a real encrypted store in a folder of its own, talking to the cloud through
/// a proxy of its own. Every sync checks that the PC's pull cursor and the server's last
/// sequence number of the PC never go backwards.
pub struct Pc {
    pub name: String,
    dir: tempfile::TempDir,
    store: Option<Store>,
    pub proxy: Proxy,
    school_id: Option<String>,
    /// (local pull cursor, server's last sequence number of this PC) after the last sync.
    seen: Mutex<(i64, i64)>,
}

impl Pc {
    pub fn new(name: &str, cloud: &Cloud) -> Pc {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        Pc {
            name: name.to_owned(),
            dir,
            store: Some(store),
            proxy: Proxy::start(cloud.addr()),
            school_id: None,
            seen: Mutex::new((0, 0)),
        }
    }

    pub fn store(&self) -> &Store {
        self.store.as_ref().expect("the PC's store is closed")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The app closes (or the process dies): the store is dropped.
    pub fn close(&mut self) {
        self.store = None;
    }

    /// The app starts again on the same folder.
    pub fn reopen(&mut self) {
        self.store = Some(Store::open(self.dir.path()).unwrap());
    }

    /// The PC's disk is replaced and `backup` restored onto it; the app starts again. The
    /// restored database is another device to the cloud, with its own sequence, and its
    /// cursor is the backup's: progress is watched afresh from here.
    pub fn restore(&mut self, backup: &Path) {
        self.close();
        rollbook_core::backup::restore(self.dir.path(), backup, None).unwrap();
        self.reopen();
        *lock(&self.seen) = (0, 0);
    }

    /// Enrols with `school_id` (a new one-time code), through this PC's proxy.
    pub fn enrol(&mut self, cloud: &Cloud, school_id: &str) {
        let code = cloud.code_for(school_id);
        rollbook_sync::enrol(self.store(), &self.proxy.url(), &code, &self.name).unwrap();
        self.school_id = Some(school_id.to_owned());
    }

    pub fn school_id(&self) -> &str {
        self.school_id.as_deref().expect("the PC is not enrolled")
    }

    /// Syncs, and checks that neither this PC's cursor nor the server's count of its entries
    /// went backwards, whatever the outcome.
    pub fn sync(&self, cloud: &Cloud) -> rollbook_core::Result<rollbook_core::sync::SyncReport> {
        let result = rollbook_sync::sync_now(self.store());
        self.check_progress(cloud);
        result
    }

    /// Asserts the cursor and the server's sequence number of this PC have not gone back
    /// since the last look, and remembers them.
    pub fn check_progress(&self, cloud: &Cloud) {
        let mut seen = lock(&self.seen);
        let cursor = self.cursor();
        let seq = cloud.last_seq(self.school_id(), self.store().device_id());
        assert!(
            cursor >= seen.0,
            "{}: the pull cursor went back from {} to {cursor}",
            self.name,
            seen.0
        );
        assert!(
            seq >= seen.1,
            "{}: the server's last sequence number went back from {} to {seq}",
            self.name,
            seen.1
        );
        *seen = (cursor, seq);
    }

    /// Syncs and expects it to work.
    pub fn sync_ok(&self, cloud: &Cloud) -> rollbook_core::sync::SyncReport {
        match self.sync(cloud) {
            Ok(r) => r,
            Err(e) => panic!("{}: sync failed: {e:?}", self.name),
        }
    }

    /// The pull cursor this PC keeps.
    pub fn cursor(&self) -> i64 {
        rollbook_core::sync::enrolment(self.store())
            .unwrap()
            .expect("enrolled")
            .cursor
    }

    /// Changes made here that the server has not acknowledged.
    pub fn pending(&self) -> i64 {
        rollbook_core::sync::status(self.store()).unwrap().pending
    }
}

impl std::ops::Deref for Pc {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store()
    }
}

// ---------------------------------------------------------------------------------------
// A school

/// The school's working year runs around today, every day a school day, so attendance can
/// be taken on the last few days whenever the tests run.
pub struct School {
    pub class: Id,
    pub term: Id,
    pub tuition: Id,
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `n` past days (from two days ago back), as `YYYY-MM-DD`: attendance dates that are not in
/// the future in any time zone.
pub fn recent_days(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| (today() - chrono::Duration::days(2 + i as i64)).to_string())
        .collect()
}

/// Sets up the school on `store`: a year and term around today, a class, a tuition head
/// and the class's line for it (not yet applied: apply it once the students are in).
pub fn set_up_school(store: &Store) -> School {
    let start = today() - chrono::Duration::days(150);
    let end = today() + chrono::Duration::days(200);
    school::setup(
        store,
        &SetupInput {
            school: SchoolInput {
                name: "St. Mary's School".into(),
                country: "IN".into(),
                time_zone: Some("Asia/Kolkata".into()),
                ..Default::default()
            },
            year: Some(YearInput {
                name: "This year".into(),
                start_date: start.to_string(),
                end_date: end.to_string(),
            }),
            terms: vec![TermInput {
                name: "Term 1".into(),
                start_date: start.to_string(),
                end_date: end.to_string(),
            }],
        },
    )
    .unwrap();
    let year = rollbook_core::years::list(store).unwrap()[0].clone();
    calendar::set_working_days(store, year.year.id, &[1, 2, 3, 4, 5, 6, 7]).unwrap();
    let class = classes::create(
        store,
        &classes::ClassInput {
            name: "Grade 5 B".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let term = year.terms[0].id;
    let tuition = fees::add_head(
        store,
        &HeadInput {
            name: "Tuition".into(),
            optional: false,
        },
    )
    .unwrap()
    .id;
    fees::set_structure(
        store,
        &StructureInput {
            class_id: class,
            term_id: term,
            head_id: tuition,
            amount: "1500".into(),
            due_date: (today() + chrono::Duration::days(30)).to_string(),
            fine_kind: Default::default(),
            fine_amount: String::new(),
            fine_cap: String::new(),
        },
    )
    .unwrap();
    School {
        class,
        term,
        tuition,
    }
}

pub fn student_input(class: Id, adm: &str, given: &str) -> StudentInput {
    StudentInput {
        admission_no: adm.into(),
        given_name: given.into(),
        family_name: "Rao".into(),
        class_id: Some(class),
        guardians: vec![GuardianInput {
            name: format!("Parent of {given}"),
            relation: Relation::Mother,
            phone: "+91 98450 12345".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub fn add_student(store: &Store, class: Id, adm: &str, given: &str) -> Id {
    students::create(store, &student_input(class, adm, given))
        .unwrap()
        .student
        .id
}

/// Admits `n` students at once (an import), numbered `PREFIX-1`...
pub fn admit_many(store: &Store, class: Id, prefix: &str, n: usize) -> Vec<Id> {
    let inputs: Vec<StudentInput> = (1..=n)
        .map(|i| {
            student_input(
                class,
                &format!("{prefix}-{i}"),
                &format!("Pupil {prefix}{i}"),
            )
        })
        .collect();
    students::create_many(store, &inputs).unwrap()
}

/// The student form filled in from the student as stored on `store`.
pub fn input_of(store: &Store, id: Id) -> StudentInput {
    StudentInput::from(&students::get(store, id).unwrap())
}

pub fn edit_student(store: &Store, id: Id, change: impl FnOnce(&mut StudentInput)) {
    let mut input = input_of(store, id);
    change(&mut input);
    students::update(store, id, &input).unwrap();
}

/// Takes cash from a student; answers the receipt number.
pub fn pay(store: &Store, student: Id, amount: &str) -> String {
    fees::pay(
        store,
        &PaymentInput {
            student_id: student,
            amount: amount.into(),
            method: PaymentMethod::Cash,
            reference: String::new(),
            bank: String::new(),
            allocations: vec![],
            dues: vec![],
            cashier: None,
        },
    )
    .unwrap()
    .receipt_no
}

/// Marks one student on the roll of `date` (a late mark is ten minutes late).
pub fn mark(store: &Store, class: Id, date: &str, student: Id, code: &str) {
    attendance::save_roll(
        store,
        &RollInput {
            class_id: class,
            date: date.into(),
            session: String::new(),
            marks: vec![MarkInput {
                student_id: student,
                code: code.into(),
                late_minutes: (code == "L").then_some(10),
                reason: None,
            }],
            taken_by: None,
        },
    )
    .unwrap();
}

/// What a user sees of the school on a PC: every student (every field, the class, the
/// primary guardian), each one's fee statement, and each class's roll on `dates`.
pub fn view(store: &Store, dates: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rows = students::list(store, &StudentFilter::default()).unwrap();
    rows.sort_by(|a, b| a.admission_no.cmp(&b.admission_no));
    for row in rows {
        // The list row carries every field the tests change (and the primary guardian);
        // reading each student whole is far slower, for nothing more.
        out.push(format!("student {row:?}"));
        for line in fees::statement(store, row.id).unwrap() {
            out.push(format!(
                "  {:?} {:?} {} balance={} void={} id={}",
                line.entry.kind,
                line.entry.receipt_no,
                line.entry.amount,
                line.balance,
                line.void,
                line.entry.id
            ));
        }
    }
    for class in classes::list(store).unwrap() {
        out.push(format!(
            "class {} ({} active)",
            class.class.name, class.student_count
        ));
        for date in dates {
            let roll = attendance::get_roll(store, class.class.id, date, "").unwrap();
            for e in roll.entries.iter().filter(|e| e.code.is_some()) {
                out.push(format!(
                    "  {date} {} {:?} late={:?} {:?}",
                    e.admission_no, e.code, e.late_minutes, e.reason
                ));
            }
        }
    }
    out
}

/// Every payment's receipt number on `store`, sorted (a payment held twice shows twice).
pub fn receipts(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for s in students::list(store, &StudentFilter::default()).unwrap() {
        for line in fees::statement(store, s.id).unwrap() {
            if line.entry.kind == EntryKind::Payment {
                out.push(line.entry.receipt_no.clone().unwrap_or_default());
            }
        }
    }
    out.sort();
    out
}

/// Asserts every PC shows the same school, each of `expected_receipts` exactly once on each,
/// and no other payment.
pub fn assert_converged(pcs: &[&Pc], dates: &[String], expected_receipts: &[String]) {
    let mut expected = expected_receipts.to_vec();
    expected.sort();
    let first = view(pcs[0], dates);
    for pc in pcs {
        assert_eq!(pc.pending(), 0, "{} has changes the server lacks", pc.name);
        let got = receipts(pc);
        assert_eq!(got, expected, "{}: payments not each exactly once", pc.name);
        let v = view(pc, dates);
        if v != first {
            let diff: Vec<String> = v
                .iter()
                .zip(first.iter())
                .filter(|(a, b)| a != b)
                .take(5)
                .map(|(a, b)| format!("{}: {a}\n{}: {b}", pc.name, pcs[0].name))
                .collect();
            panic!(
                "{} and {} differ ({} vs {} lines):\n{}",
                pc.name,
                pcs[0].name,
                v.len(),
                first.len(),
                diff.join("\n")
            );
        }
        let doctor = pc.doctor().unwrap();
        assert!(doctor.ok, "{}: {doctor:?}", pc.name);
        assert!(
            rollbook_core::sync::status(pc).unwrap().parked.is_empty(),
            "{}: parked entries",
            pc.name
        );
    }
}

/// How many students `store` holds.
pub fn student_count(store: &Store) -> usize {
    students::list(store, &StudentFilter::default())
        .unwrap()
        .len()
}
