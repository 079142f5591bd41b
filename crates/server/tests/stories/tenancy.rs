//! The tenancy matrix: for every route, school A's token with school B's ids, cursors and
//! device ids gets a refusal or an empty answer; nothing of B is returned or changed.

use rollbook_protocol::{Entry, Pulled};
use serde_json::json;

use crate::common::{TestDevice, TestServer, backends, entries, entry};

/// Everything B's devices can see of B: each one's pull of the whole stream, and how far
/// the server holds each one's entries.
async fn b_as_seen(server: &TestServer, b1: &TestDevice, b2: &TestDevice) -> BView {
    BView {
        b1_pulls: server.pull_all(&b1.token).await,
        b2_pulls: server.pull_all(&b2.token).await,
        b1_held: server.push(&b1.token, &[]).await.unwrap().acked_through,
        b2_held: server.push(&b2.token, &[]).await.unwrap().acked_through,
    }
}

#[derive(Debug, PartialEq)]
struct BView {
    b1_pulls: Vec<Pulled>,
    b2_pulls: Vec<Pulled>,
    b1_held: i64,
    b2_held: i64,
}

fn mentions_b(entries: &[Pulled]) -> bool {
    entries.iter().any(|p| p.entry.device_id.starts_with('b'))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_schools_token_reaches_nothing_of_another_school() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let a = server.school("School A").await;
        let b = server.school("School B").await;
        let a1 = server.device(&a.id, "a1").await;
        let a2 = server.device(&a.id, "a2").await;
        let b1 = server.device(&b.id, "b1").await;
        let b2 = server.device(&b.id, "b2").await;
        server.push(&b1.token, &entries("b1", 1..=3)).await.unwrap();
        server.push(&b2.token, &entries("b2", 1..=2)).await.unwrap();
        let before = b_as_seen(&server, &b1, &b2).await;
        assert_eq!(before.b2_pulls.len(), 3, "{backend:?}");
        let b_cursors: Vec<i64> = before
            .b1_pulls
            .iter()
            .chain(&before.b2_pulls)
            .map(|p| p.cursor)
            .collect();

        // push: entries carrying B's device id, alone or mixed with A's own: 403, none kept.
        for batch in [
            vec![entry("b1", 4)],
            vec![entry("b1", 1)],
            vec![entry("a1", 1), entry("b2", 3)],
        ] {
            let refused = server.push(&a1.token, &batch).await.unwrap_err();
            assert!(refused.is(403, "forbidden"), "{backend:?}: {refused:?}");
        }
        assert_eq!(server.push(&a1.token, &[]).await.unwrap().acked_through, 0);

        // push: A's own entries that copy B's entry and record ids stay in A.
        let copies: Vec<Entry> = (1..=2)
            .map(|seq| Entry {
                entry_id: format!("b1-e{seq}"),
                record_id: format!("b1-s{seq}"),
                ..entry("a1", seq)
            })
            .collect();
        let pushed = server.push(&a1.token, &copies).await.unwrap();
        assert_eq!(pushed.acked_through, 2);
        let in_a = server.pull(&a2.token, 0, 100).await.unwrap();
        assert_eq!(in_a.entries.len(), 2);
        assert!(in_a.entries.iter().all(|p| p.entry.device_id == "a1"));
        assert_eq!(
            in_a.entries.iter().map(|p| p.cursor).collect::<Vec<_>>(),
            [1, 2],
            "cursors are per school"
        );

        // pull: after each of B's cursors, and with B's ids in the query: nothing of B.
        for after in [0].into_iter().chain(b_cursors.iter().copied()) {
            for token in [&a1.token, &a2.token] {
                let page = server.pull(token, after, 100).await.unwrap();
                assert!(!mentions_b(&page.entries), "{backend:?}: {page:?}");
                assert!(page.next_cursor >= after);
            }
        }
        let (status, body) = server
            .send_raw(
                server
                    .http
                    .get(server.at(&format!("/v1/pull?after=0&school_id={}&device_id=b1", b.id)))
                    .bearer_auth(&a2.token),
            )
            .await;
        assert_eq!(status, 200);
        assert!(!body.to_string().contains("\"b1\""), "{body}");
        assert!(!body.to_string().contains("\"b2\""), "{body}");

        // enrol-codes: B's school id in the body or the query makes a code for A all the same.
        let code = server
            .send::<rollbook_protocol::EnrolCode>(
                server
                    .http
                    .post(server.at(&format!("/v1/enrol-codes?school_id={}", b.id)))
                    .bearer_auth(&a1.token)
                    .json(&json!({"school_id": b.id, "school": b.id})),
            )
            .await
            .unwrap();
        let joined = server.enrol(&code.code, "a3").await.unwrap();
        assert_eq!(joined.school_id, a.id);
        assert_eq!(joined.school_name, "School A");

        // enrol: A's code for B's device is refused (and B's device keeps its token), B's
        // code for A's device too; a school id in the body is ignored.
        let a_code = server.code(&a.id).await;
        let refused = server.enrol(&a_code, "b1").await.unwrap_err();
        assert!(refused.is(409, "conflict"), "{refused:?}");
        let b_code = server.code(&b.id).await;
        let refused = server.enrol(&b_code, "a1").await.unwrap_err();
        assert!(refused.is(409, "conflict"), "{refused:?}");
        let joined = server
            .send::<rollbook_protocol::EnrolResponse>(
                server
                    .http
                    .post(server.at("/v1/enrol"))
                    .bearer_auth(&a1.token)
                    .json(&json!({
                        "code": a_code, "device_id": "a4", "device_name": "x", "school_id": b.id
                    })),
            )
            .await
            .unwrap();
        assert_eq!(joined.school_id, a.id);

        // Routes that do not exist, with B's ids in them.
        for path in [
            format!("/v1/schools/{}", b.id),
            "/v1/devices/b1".to_owned(),
            format!("/v1/pull/{}", b.id),
        ] {
            let refused = server
                .send::<serde_json::Value>(server.http.get(server.at(&path)).bearer_auth(&a1.token))
                .await
                .unwrap_err();
            assert!(refused.is(404, "not_found"), "{path}: {refused:?}");
        }

        // B sees exactly what it saw, and nothing of A.
        let after = b_as_seen(&server, &b1, &b2).await;
        assert_eq!(after, before, "{backend:?}");
        assert!(
            after
                .b1_pulls
                .iter()
                .chain(&after.b2_pulls)
                .all(|p| p.entry.device_id.starts_with('b'))
        );
        server.stop().await;
    }
}
