//! How a push is applied, whatever the storage: which entries are new, which are stored as
//! accepted or as rejected, and what the device is answered. The storage reads what it
//! already holds for the batch's sequence numbers, asks [`plan`], and writes the result in
//! the same transaction.

use std::collections::HashMap;

use rollbook_protocol::{Entry, PushResponse, Rejection, validate};

/// What the server already holds for one of the device's sequence numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub entry_id: String,
    /// Why it was refused, when it was kept as rejected.
    pub rejection: Option<Rejection>,
}

/// The outcome of applying one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// New entries for the school's stream, in order.
    pub accepted: Vec<Entry>,
    /// New entries kept as rejected.
    pub rejected: Vec<(Entry, Rejection)>,
    /// The answer; `acked_through` is the device's new last sequence number.
    pub response: PushResponse,
}

/// Applies `entries` (all the device's own) after `last_seq`, given what is `held` for the
/// batch's sequence numbers up to `last_seq`.
pub fn plan(entries: Vec<Entry>, last_seq: i64, held: &HashMap<i64, Held>) -> Plan {
    let mut last = last_seq;
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    let mut answer: Vec<Rejection> = Vec::new();
    // What this batch itself stored, for a batch that names a sequence number twice.
    let mut stored_now: HashMap<i64, Held> = HashMap::new();
    for entry in entries {
        if entry.seq <= last {
            match held.get(&entry.seq).or_else(|| stored_now.get(&entry.seq)) {
                Some(h) if h.entry_id == entry.entry_id => {
                    if let Some(r) = &h.rejection {
                        report(&mut answer, r.clone());
                    }
                }
                Some(_) => report(
                    &mut answer,
                    Rejection {
                        entry_id: entry.entry_id.clone(),
                        seq: entry.seq,
                        code: "conflict".to_owned(),
                        reason: format!(
                            "the server already holds another entry as number {} of this device",
                            entry.seq
                        ),
                    },
                ),
                None => report(
                    &mut answer,
                    Rejection {
                        entry_id: entry.entry_id.clone(),
                        seq: entry.seq,
                        code: "bad_entry".to_owned(),
                        reason: "sequence numbers start at 1".to_owned(),
                    },
                ),
            }
        } else if entry.seq == last + 1 {
            last = entry.seq;
            let rejection = validate(&entry);
            stored_now.insert(
                entry.seq,
                Held {
                    entry_id: entry.entry_id.clone(),
                    rejection: rejection.clone(),
                },
            );
            match rejection {
                None => accepted.push(entry),
                Some(r) => {
                    report(&mut answer, r.clone());
                    rejected.push((entry, r));
                }
            }
        } else {
            // A gap: the device resends from `last + 1`.
            break;
        }
    }
    Plan {
        accepted,
        rejected,
        response: PushResponse {
            acked_through: last,
            rejected: answer,
        },
    }
}

/// Adds a rejection to the answer once.
fn report(answer: &mut Vec<Rejection>, r: Rejection) {
    if !answer.contains(&r) {
        answer.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, id: &str) -> Entry {
        Entry {
            entry_id: id.into(),
            device_id: "d1".into(),
            seq,
            record_type: "student".into(),
            record_id: "s1".into(),
            op: "insert".into(),
            payload: serde_json::json!({"given_name": "Asha"}).into(),
            hlc: 42,
            created_at: "2026-11-22T10:00:00Z".into(),
            user_id: None,
            user_name: None,
        }
    }

    #[test]
    fn new_entries_are_accepted_in_order() {
        let p = plan(vec![entry(1, "a"), entry(2, "b")], 0, &HashMap::new());
        assert_eq!(p.accepted.len(), 2);
        assert_eq!(p.response.acked_through, 2);
        assert!(p.response.rejected.is_empty());
    }

    #[test]
    fn a_gap_stops_the_batch() {
        let p = plan(vec![entry(3, "c"), entry(4, "d")], 1, &HashMap::new());
        assert!(p.accepted.is_empty());
        assert_eq!(p.response.acked_through, 1);
    }

    #[test]
    fn invalid_entries_are_kept_rejected_and_do_not_block() {
        let bad = Entry {
            op: "upsert".into(),
            ..entry(1, "a")
        };
        let p = plan(vec![bad, entry(2, "b")], 0, &HashMap::new());
        assert_eq!(p.rejected.len(), 1);
        assert_eq!(p.accepted.len(), 1);
        assert_eq!(p.response.acked_through, 2);
        assert_eq!(p.response.rejected[0].code, "bad_op");
    }

    #[test]
    fn held_entries_are_skipped_and_conflicts_named() {
        let rejection = Rejection {
            entry_id: "a".into(),
            seq: 1,
            code: "bad_op".into(),
            reason: "r".into(),
        };
        let held = HashMap::from([
            (
                1,
                Held {
                    entry_id: "a".into(),
                    rejection: Some(rejection.clone()),
                },
            ),
            (
                2,
                Held {
                    entry_id: "b".into(),
                    rejection: None,
                },
            ),
        ]);
        let p = plan(
            vec![entry(1, "a"), entry(2, "other"), entry(3, "c")],
            2,
            &held,
        );
        assert_eq!(p.accepted.len(), 1);
        assert_eq!(p.response.acked_through, 3);
        assert_eq!(p.response.rejected.len(), 2);
        assert_eq!(p.response.rejected[0], rejection);
        assert_eq!(p.response.rejected[1].code, "conflict");
    }

    #[test]
    fn a_sequence_number_named_twice_in_one_batch_is_stored_once() {
        let p = plan(vec![entry(1, "a"), entry(1, "a")], 0, &HashMap::new());
        assert_eq!(p.accepted.len(), 1);
        assert!(p.response.rejected.is_empty());
        let p = plan(vec![entry(0, "z")], 0, &HashMap::new());
        assert_eq!(p.response.rejected[0].code, "bad_entry");
    }
}
