//! Push and pull between the devices of one school.

use crate::common::{TestServer, backends, entries, entry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_travel_between_devices_of_a_school() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;

        let sent = entries("d1", 1..=3);
        let pushed = server.push(&d1.token, &sent).await.unwrap();
        assert_eq!(pushed.acked_through, 3);
        assert!(pushed.rejected.is_empty());

        let pulled = server.pull(&d2.token, 0, 500).await.unwrap();
        let got: Vec<_> = pulled.entries.iter().map(|p| p.entry.clone()).collect();
        assert_eq!(got, sent, "{backend:?}: entries arrive whole and in order");
        let cursors: Vec<_> = pulled.entries.iter().map(|p| p.cursor).collect();
        assert_eq!(cursors, [1, 2, 3]);
        assert_eq!(pulled.next_cursor, 3);
        assert!(!pulled.more);

        // A device's own entries do not come back, but the cursor moves past them.
        let own = server.pull(&d1.token, 0, 500).await.unwrap();
        assert!(own.entries.is_empty());
        assert_eq!(own.next_cursor, 3);
        assert!(!own.more);

        // Nothing new: the cursor stays.
        let nothing = server.pull(&d2.token, 3, 500).await.unwrap();
        assert!(nothing.entries.is_empty());
        assert_eq!(nothing.next_cursor, 3);

        // The other way round.
        server.push(&d2.token, &[entry("d2", 1)]).await.unwrap();
        let back = server.pull(&d1.token, own.next_cursor, 500).await.unwrap();
        assert_eq!(back.entries.len(), 1);
        assert_eq!(back.entries[0].entry.device_id, "d2");
        assert_eq!(back.entries[0].cursor, 4);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulls_come_in_pages_and_cursors_only_grow() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        let d3 = server.device(&school.id, "d3").await;
        server.push(&d1.token, &entries("d1", 1..=3)).await.unwrap();
        server.push(&d3.token, &entries("d3", 1..=4)).await.unwrap();
        server.push(&d2.token, &entries("d2", 1..=2)).await.unwrap();
        server.push(&d1.token, &entries("d1", 4..=5)).await.unwrap();

        // d3 reads two at a time: its own four entries are skipped, the cursor never falls.
        let (mut after, mut seen, mut pages) = (0, Vec::new(), 0);
        loop {
            let page = server.pull(&d3.token, after, 2).await.unwrap();
            pages += 1;
            assert!(page.next_cursor >= after, "{page:?}");
            assert!(page.entries.len() <= 2);
            for p in &page.entries {
                assert!(p.cursor > after && p.cursor <= page.next_cursor);
                assert_ne!(p.entry.device_id, "d3");
            }
            seen.extend(
                page.entries
                    .iter()
                    .map(|p| (p.cursor, p.entry.entry_id.clone())),
            );
            after = page.next_cursor;
            if !page.more {
                break;
            }
        }
        assert_eq!(pages, 4, "{backend:?}");
        assert_eq!(after, 11, "the last page ends at the stream's end");
        let ids: Vec<_> = seen.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "d1-e1", "d1-e2", "d1-e3", "d2-e1", "d2-e2", "d1-e4", "d1-e5"
            ]
        );
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));

        // After the end, or far beyond it: nothing, and the cursor asked after is kept.
        let beyond = server.pull(&d3.token, 500, 2).await.unwrap();
        assert!(beyond.entries.is_empty());
        assert_eq!(beyond.next_cursor, 500);

        // The default page, and bad parameters.
        let (status, _) = server
            .send_raw(
                server
                    .http
                    .get(server.at("/v1/pull"))
                    .bearer_auth(&d3.token),
            )
            .await;
        assert_eq!(status, 200);
        for query in ["limit=0", "limit=1001", "after=-1", "after=abc", "limit=x"] {
            let refused = server
                .send::<serde_json::Value>(
                    server
                        .http
                        .get(server.at(&format!("/v1/pull?{query}")))
                        .bearer_auth(&d3.token),
                )
                .await
                .unwrap_err();
            assert!(refused.is(400, "bad_request"), "{query}: {refused:?}");
        }
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_stream_is_read_in_full_pages() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        server
            .push(&d1.token, &entries("d1", 1..=1000))
            .await
            .unwrap();
        server
            .push(&d1.token, &entries("d1", 1001..=1200))
            .await
            .unwrap();
        let first = server.pull(&d2.token, 0, 500).await.unwrap();
        assert_eq!(first.entries.len(), 500, "the default page is 500");
        assert!(first.more);
        assert_eq!(first.next_cursor, 500);
        let all = server.pull_all(&d2.token).await;
        assert_eq!(all.len(), 1200);
        assert!(all.iter().zip(1..).all(|(p, c)| p.cursor == c));
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_large_entries_stays_within_the_body_limit() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        let photo = "x".repeat(600_000);
        let big: Vec<_> = (1..=20)
            .map(|seq| rollbook_protocol::Entry {
                record_type: "student_photo".into(),
                payload: serde_json::json!({ "jpeg": photo }).into(),
                ..entry("d1", seq)
            })
            .collect();
        server.push(&d1.token, &big[..10]).await.unwrap();
        server.push(&d1.token, &big[10..]).await.unwrap();
        let first = server.pull(&d2.token, 0, 1000).await.unwrap();
        assert!(first.more, "{backend:?}");
        assert!(
            (10..20).contains(&first.entries.len()),
            "{}",
            first.entries.len()
        );
        let size = serde_json::to_string(&first).unwrap().len();
        assert!(
            size <= rollbook_protocol::MAX_BODY_BYTES + 64 * 1024,
            "{size}"
        );
        let rest = server
            .pull(&d2.token, first.next_cursor, 1000)
            .await
            .unwrap();
        assert!(!rest.more);
        assert_eq!(first.entries.len() + rest.entries.len(), 20);
        server.stop().await;
    }
}
