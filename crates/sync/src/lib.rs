//! Rollbook's sync client: enrols this device with the school's cloud, pushes the outbox in
//! order, pulls the school's other devices' changes and has the core apply them. Blocking
//! (the desktop shell runs it on its blocking pool; the CLI calls it directly).
//!
//! Every step is safe to repeat: a push the server already holds is answered the same, and a
//! pulled page is applied with its cursor in one transaction. So a dropped connection, a
//! lost acknowledgement or a killed process costs a retry, never a lost or doubled change.

mod backoff;
mod http;

use rollbook_core::sync as core_sync;
use rollbook_core::{Result, Store};
use rollbook_protocol::{
    EnrolCode, EnrolRequest, EnrolResponse, Entry, MAX_BATCH, PullResponse, PushRequest,
    PushResponse,
};

pub use backoff::Backoff;
pub use http::Client;

pub use rollbook_core::sync::SyncReport;

/// Enrols this device with `server_url` using a one-time `code`, and keeps the token.
pub fn enrol(store: &Store, server_url: &str, code: &str, device_name: &str) -> Result<String> {
    store.require(rollbook_core::users::Permission::ManageSchool)?;
    core_sync::check_server_url(server_url)?;
    let client = Client::new(server_url, None)?;
    let answer: rollbook_protocol::EnrolResponse = client.post(
        "/enrol",
        &EnrolRequest {
            code: code.trim().to_owned(),
            device_id: store.device_id().to_string(),
            device_name: device_name.to_owned(),
        },
    )?;
    core_sync::save_enrolment(store, server_url, &answer)?;
    Ok(answer.school_name)
}

/// Pushes everything pending, then pulls until the server has nothing more. Records the
/// outcome in the sync status either way.
pub fn sync_now(store: &Store) -> Result<SyncReport> {
    let result = sync_inner(store);
    let outcome = result.as_ref().map(|_| ());
    core_sync::finish(store, outcome)?;
    result
}

fn sync_inner(store: &Store) -> Result<SyncReport> {
    let Some(enrolment) = core_sync::enrolment(store)? else {
        return Err(rollbook_core::Error::new(
            rollbook_core::ErrorCode::NotSetUp,
            "This computer is not enrolled with Rollbook's cloud yet.",
        ));
    };
    let own = store.device_id().to_string();
    let mut report = SyncReport::default();

    // Push each identity's entries in order. A restored database first sends what its
    // former identity left waiting, then its new identity's. Each identity the cloud has no
    // token for here is enrolled first, with a code an enrolled identity asks for: the new
    // one after a restore (the former's token asks), or a former one that never synced or
    // whose token this keyring lost (the current one asks).
    let mut token = enrolment
        .former_device_id
        .is_none()
        .then(|| enrolment.token.clone());
    for device in core_sync::pending_identities(store)? {
        let device_token = if device == own {
            current_token(store, &enrolment, &mut token)?
        } else if let Some(t) = core_sync::token_for(store, &device)? {
            t
        } else {
            let asker = current_token(store, &enrolment, &mut token)?;
            enrol_identity(store, &enrolment.server_url, &asker, &device)?
        };
        let client = Client::new(&enrolment.server_url, Some(&device_token))?;
        push_all(store, &client, &device, &mut report)?;
    }

    // Pull every page after our cursor.
    let token = current_token(store, &enrolment, &mut token)?;
    let client = Client::new(&enrolment.server_url, Some(&token))?;
    report.pulled += pull_all(store, &client, enrolment.cursor)?;

    // Entries parked here may apply now that more has arrived.
    report.pulled += core_sync::retry_parked(store)? as i64;
    report.pending = core_sync::status(store)?.pending;
    Ok(report)
}

/// Most pulled pages applied in one transaction.
const PAGES_PER_COMMIT: usize = 8;

/// Pulls and applies every page after `cursor`, in order. The next page is fetched while
/// pages are applied (up to [`PAGES_PER_COMMIT`] ahead), so the cloud's time and the
/// network's are hidden behind the local work, and those that arrived meanwhile are applied
/// together. A failed fetch ends the pull after the pages before it are applied; a failed
/// apply stops the fetching. Answers how many entries were applied.
fn pull_all(store: &Store, client: &Client, cursor: i64) -> Result<i64> {
    let (pages, arrived) = std::sync::mpsc::sync_channel::<Result<PullResponse>>(PAGES_PER_COMMIT);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut cursor = cursor;
            loop {
                let page: Result<PullResponse> =
                    client.get(&format!("/pull?after={cursor}&limit={MAX_BATCH}"));
                let next = page.as_ref().ok().map(|p| (p.next_cursor, p.more));
                if pages.send(page).is_err() {
                    return; // The applying side stopped.
                }
                match next {
                    Some((next, more)) if more && next > cursor => cursor = next,
                    _ => return,
                }
            }
        });
        let Ok(first) = arrived.recv() else {
            return Ok(0);
        };
        // More than one page to pull is a catch-up (a new PC, or one back after weeks).
        let catch_up = first.as_ref().is_ok_and(|page| page.more);
        let apply_all = move || {
            let mut applied = 0;
            let mut next = Some(first);
            while let Some(page) = next.take().or_else(|| arrived.recv().ok()) {
                // The pages that arrived meanwhile go in the same transaction.
                let mut pages = vec![page?];
                let mut failed = None;
                while pages.len() < PAGES_PER_COMMIT {
                    match arrived.try_recv() {
                        Ok(Ok(page)) => pages.push(page),
                        Ok(Err(e)) => {
                            failed = Some(e);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                applied += core_sync::apply_pages(store, &pages)? as i64;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            Ok(applied)
        };
        if catch_up {
            core_sync::catching_up(store, apply_all)
        } else {
            apply_all()
        }
    })
}

/// Pushes `device`'s waiting entries, a batch at a time, until the server holds them all or
/// stops acknowledging (a gap it wants resent from where it is). The next batch is read
/// while the one before is on its way, and each answer is recorded while the next batch is
/// on its way, so the cloud's work and this computer's overlap. A resent batch costs
/// nothing: the cloud answers what it already holds the same.
fn push_all(store: &Store, client: &Client, device: &str, report: &mut SyncReport) -> Result<()> {
    // No buffer: a batch is handed over only when the one before has been answered.
    let (to_send, batches) = std::sync::mpsc::sync_channel::<Vec<Entry>>(0);
    let (answered, answers) = std::sync::mpsc::channel::<(i64, Result<PushResponse>)>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for batch in batches {
                let first = batch.first().map_or(0, |e| e.seq);
                let answer = client.post("/push", &PushRequest { entries: batch });
                let failed = answer.is_err();
                if answered.send((first, answer)).is_err() || failed {
                    return;
                }
            }
        });
        let mut after = None;
        let mut unanswered = 0;
        let mut more = true;
        while more {
            let batch = core_sync::outgoing_after(store, device, after, MAX_BATCH)?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                break;
            };
            after = Some(last);
            if to_send.send(batch).is_err() {
                break; // The post before failed; its answer says why.
            }
            unanswered += 1;
            // Every batch but the one just handed over has been answered.
            while unanswered > 1 {
                let Ok((first, answer)) = answers.recv() else {
                    break;
                };
                unanswered -= 1;
                more &= record(store, device, first, answer?, report)?;
            }
        }
        drop(to_send);
        for (first, answer) in answers {
            record(store, device, first, answer?, report)?;
        }
        Ok(())
    })
}

/// Records the cloud's answer to a batch starting at `first`. Answers whether the cloud took
/// the batch (rather than asking for earlier entries first).
fn record(
    store: &Store,
    device: &str,
    first: i64,
    answer: PushResponse,
    report: &mut SyncReport,
) -> Result<bool> {
    core_sync::acknowledge(store, device, &answer)?;
    report.rejected += answer.rejected.len() as i64;
    if answer.acked_through < first {
        return Ok(false);
    }
    report.pushed += answer.acked_through - first + 1;
    Ok(true)
}

/// This identity's token; for a restored database whose new identity the cloud does not
/// know yet, enrols it first with a code its former identity asks for.
fn current_token(
    store: &Store,
    enrolment: &core_sync::Enrolment,
    token: &mut Option<String>,
) -> Result<String> {
    if let Some(t) = token {
        return Ok(t.clone());
    }
    let former = enrolment.former_device_id.as_deref().unwrap_or_default();
    let own = store.device_id().to_string();
    let new_token = enrol_identity(store, &enrolment.server_url, &enrolment.token, &own)?;
    tracing::info!(
        was = former,
        "enrolled this restored computer's new identity"
    );
    Ok(token.insert(new_token).clone())
}

/// Enrols `device`, one of this database's identities, with a one-time code that the
/// identity holding `asker` (a token) asks the cloud for, and keeps the token it gets.
fn enrol_identity(store: &Store, server_url: &str, asker: &str, device: &str) -> Result<String> {
    let code: EnrolCode =
        Client::new(server_url, Some(asker))?.post("/enrol-codes", &serde_json::json!({}))?;
    let answer: EnrolResponse = Client::new(server_url, None)?.post(
        "/enrol",
        &EnrolRequest {
            code: code.code,
            device_id: device.to_owned(),
            device_name: format!(
                "This computer before a restore ({})",
                device.get(..8).unwrap_or(device)
            ),
        },
    )?;
    core_sync::save_identity_token(store, device, &answer)?;
    Ok(answer.token)
}
