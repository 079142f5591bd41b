//! `rollbook sync`: enrol, sync now, status, resolve a refused change.

use rollbook_core::{Result, Store};

use crate::args::SyncCommand;
use crate::output::{json, table};
use crate::run::done;

pub fn run(store: &Store, cmd: &SyncCommand, as_json: bool) -> Result<()> {
    match cmd {
        SyncCommand::Enrol { server, code, name } => {
            let name = name.clone().unwrap_or_else(host_name);
            let school = rollbook_sync::enrol(store, server, code, &name)?;
            done(
                as_json,
                &serde_json::json!({ "school": school, "server": server, "device_name": name }),
                &format!("Enrolled {name} with {school}'s cloud at {server}"),
            )
        }
        SyncCommand::Now => {
            let report = rollbook_sync::sync_now(store)?;
            done(
                as_json,
                &report,
                &format!(
                    "Synced: {} sent, {} received, {} refused, {} still waiting",
                    report.pushed, report.pulled, report.rejected, report.pending
                ),
            )
        }
        SyncCommand::Status => {
            let s = rollbook_core::sync::status(store)?;
            if as_json {
                return json(&s);
            }
            match (&s.school_name, &s.server_url) {
                (Some(school), Some(url)) => println!("Enrolled with {school} at {url}"),
                _ => println!("Not enrolled (rollbook sync enrol --server URL --code CODE)"),
            }
            println!("Changes waiting to be sent: {}", s.pending);
            println!(
                "Last sync: {}",
                s.last_sync_at.as_deref().unwrap_or("never")
            );
            if let Some(e) = &s.last_error {
                println!("Last attempt failed: {e}");
            }
            if !s.rejected.is_empty() {
                println!("Changes the cloud refused:");
                let rows: Vec<Vec<String>> = s
                    .rejected
                    .iter()
                    .map(|r| {
                        vec![
                            r.entry_id.clone(),
                            r.record_type.clone(),
                            r.code.clone(),
                            r.reason.clone(),
                        ]
                    })
                    .collect();
                table(&["ENTRY", "RECORD", "CODE", "REASON"], &rows);
            }
            Ok(())
        }
        SyncCommand::Resolve { entry_id } => {
            rollbook_core::sync::resolve_rejection(store, entry_id)?;
            done(
                as_json,
                &serde_json::json!({ "resolved": entry_id }),
                &format!("Marked {entry_id} as dealt with"),
            )
        }
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "Office PC".to_owned())
}
