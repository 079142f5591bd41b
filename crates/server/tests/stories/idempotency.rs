//! Pushing is idempotent: duplicates, concurrent deliveries, gaps and invalid entries.

use std::sync::Arc;

use rollbook_protocol::Entry;

use crate::common::{TestServer, backends, entries, entry};

/// Entry `seq` of `device_id`, made invalid (an operation there is no such thing as).
fn invalid(device_id: &str, seq: i64) -> Entry {
    Entry {
        op: "upsert".into(),
        ..entry(device_id, seq)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_delivered_twice_is_stored_once_and_answered_the_same() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        let batch = vec![entry("d1", 1), invalid("d1", 2), entry("d1", 3)];

        let first = server.push(&d1.token, &batch).await.unwrap();
        let second = server.push(&d1.token, &batch).await.unwrap();
        assert_eq!(first, second, "{backend:?}");
        assert_eq!(first.acked_through, 3);
        assert_eq!(first.rejected.len(), 1);

        // Part of it again, with one new entry behind: only the new one is added.
        let mut more = batch[1..].to_vec();
        more.push(entry("d1", 4));
        let third = server.push(&d1.token, &more).await.unwrap();
        assert_eq!(third.acked_through, 4);
        assert_eq!(third.rejected, first.rejected);

        let pulled = server.pull_all(&d2.token).await;
        let ids: Vec<_> = pulled.iter().map(|p| p.entry.entry_id.as_str()).collect();
        assert_eq!(ids, ["d1-e1", "d1-e3", "d1-e4"]);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_a_batch_store_it_once() {
    for backend in backends() {
        let server = Arc::new(TestServer::start(&backend).await);
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        for round in 0..5 {
            let first = round * 40 + 1;
            let mut batch = entries("d1", first..=first + 39);
            batch[7] = invalid("d1", first + 7);
            let tasks: Vec<_> = (0..3)
                .map(|_| {
                    let (server, token, batch) =
                        (Arc::clone(&server), d1.token.clone(), batch.clone());
                    tokio::spawn(async move { server.push(&token, &batch).await.unwrap() })
                })
                .collect();
            let mut answers = Vec::new();
            for task in tasks {
                answers.push(task.await.unwrap());
            }
            assert!(
                answers.windows(2).all(|w| w[0] == w[1]),
                "{backend:?}: {answers:?}"
            );
            assert_eq!(answers[0].acked_through, first + 39);
            assert_eq!(answers[0].rejected.len(), 1);
        }
        let pulled = server.pull_all(&d2.token).await;
        assert_eq!(pulled.len(), 5 * 39, "{backend:?}");
        let mut seqs: Vec<_> = pulled.iter().map(|p| p.entry.seq).collect();
        seqs.dedup();
        assert_eq!(seqs.len(), 5 * 39, "each entry once, in order");
        assert!(pulled.windows(2).all(|w| w[0].cursor < w[1].cursor));
        Arc::into_inner(server).unwrap().stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_with_a_gap_is_acknowledged_up_to_what_is_held() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        server.push(&d1.token, &entries("d1", 1..=2)).await.unwrap();

        let gap = server.push(&d1.token, &entries("d1", 4..=5)).await.unwrap();
        assert_eq!(gap.acked_through, 2, "{backend:?}");
        assert!(gap.rejected.is_empty());
        assert_eq!(
            server.pull_all(&d2.token).await.len(),
            2,
            "nothing past the gap"
        );

        // A gap inside a batch: what comes before it is taken.
        let mut batch = entries("d1", 3..=3);
        batch.extend(entries("d1", 5..=6));
        let partial = server.push(&d1.token, &batch).await.unwrap();
        assert_eq!(partial.acked_through, 3);

        let resent = server.push(&d1.token, &entries("d1", 4..=6)).await.unwrap();
        assert_eq!(resent.acked_through, 6);
        let seqs: Vec<_> = server
            .pull_all(&d2.token)
            .await
            .iter()
            .map(|p| p.entry.seq)
            .collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);

        // An empty push says how far the server holds.
        assert_eq!(server.push(&d1.token, &[]).await.unwrap().acked_through, 6);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_entry_is_rejected_with_its_reason_and_those_behind_it_stored() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        let unknown_type = Entry {
            record_type: "invoice".into(),
            ..entry("d1", 2)
        };
        let bad_payload = Entry {
            payload: serde_json::json!([1, 2]).into(),
            ..entry("d1", 4)
        };
        let batch = vec![
            entry("d1", 1),
            unknown_type,
            entry("d1", 3),
            bad_payload,
            entry("d1", 5),
        ];
        let pushed = server.push(&d1.token, &batch).await.unwrap();
        assert_eq!(pushed.acked_through, 5, "{backend:?}");
        let codes: Vec<_> = pushed
            .rejected
            .iter()
            .map(|r| (r.seq, r.entry_id.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                (2, "d1-e2", "unknown_record_type"),
                (4, "d1-e4", "bad_payload")
            ]
        );
        assert!(pushed.rejected[0].reason.contains("invoice"));
        let seqs: Vec<_> = server
            .pull_all(&d2.token)
            .await
            .iter()
            .map(|p| p.entry.seq)
            .collect();
        assert_eq!(seqs, [1, 3, 5]);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_entry_under_a_held_number_is_a_conflict_and_not_stored() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        server.push(&d1.token, &entries("d1", 1..=2)).await.unwrap();
        let impostor = Entry {
            entry_id: "something-else".into(),
            ..entry("d1", 2)
        };
        let pushed = server
            .push(&d1.token, &[impostor, entry("d1", 3)])
            .await
            .unwrap();
        assert_eq!(pushed.acked_through, 3, "{backend:?}");
        assert_eq!(pushed.rejected.len(), 1);
        assert_eq!(pushed.rejected[0].code, "conflict");
        assert_eq!(pushed.rejected[0].entry_id, "something-else");
        let ids: Vec<_> = server
            .pull_all(&d2.token)
            .await
            .iter()
            .map(|p| p.entry.entry_id.clone())
            .collect();
        assert_eq!(ids, ["d1-e1", "d1-e2", "d1-e3"]);
        server.stop().await;
    }
}
