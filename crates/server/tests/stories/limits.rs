//! Limits and malformed requests: every refusal has the `ApiError` shape.

use rollbook_protocol::{MAX_BATCH, MAX_BODY_BYTES};
use serde_json::json;

use crate::common::{TestServer, backends, entries, raw_http};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_413() {
    let server = TestServer::start(&crate::common::Backend::Sqlite).await;
    let school = server.school("Green Valley School").await;
    let d1 = server.device(&school.id, "d1").await;

    // Declared far too large: refused before a byte of it is read.
    let addr = server.url.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        d1.token,
        MAX_BODY_BYTES * 3
    );
    let answer = tokio::task::spawn_blocking(move || raw_http(&addr, head.as_bytes()))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");

    // Sent in full, a little too large: read to its end, so the client sees the answer.
    let mut body = br#"{"entries": [], "padding": ""#.to_vec();
    body.resize(MAX_BODY_BYTES + 10, b'x');
    body.extend_from_slice(br#""}"#);
    let refused = server
        .send::<serde_json::Value>(
            server
                .http
                .post(server.at("/v1/push"))
                .bearer_auth(&d1.token)
                .header("content-type", "application/json")
                .body(body),
        )
        .await
        .unwrap_err();
    assert!(refused.is(413, "payload_too_large"), "{refused:?}");

    // Just under the limit is read.
    let mut body = br#"{"entries": [], "padding": ""#.to_vec();
    body.resize(MAX_BODY_BYTES - 10, b'x');
    body.extend_from_slice(br#""}"#);
    let (status, _) = server
        .send_raw(
            server
                .http
                .post(server.at("/v1/push"))
                .bearer_auth(&d1.token)
                .body(body),
        )
        .await;
    assert_eq!(status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_entries_are_400_and_none_is_kept() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let too_many = entries("d1", 1..=MAX_BATCH as i64 + 1);
        let refused = server.push(&d1.token, &too_many).await.unwrap_err();
        assert!(refused.is(400, "bad_request"), "{refused:?}");
        assert_eq!(server.push(&d1.token, &[]).await.unwrap().acked_through, 0);
        let most = server
            .push(&d1.token, &too_many[..MAX_BATCH])
            .await
            .unwrap();
        assert_eq!(most.acked_through, MAX_BATCH as i64);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_over_its_rate_is_429_with_retry_after() {
    let server = TestServer::start_limited(&crate::common::Backend::Sqlite, 5).await;
    let school = server.school("Green Valley School").await;
    let d1 = server.device(&school.id, "d1").await;
    let d2 = server.device(&school.id, "d2").await;
    for _ in 0..5 {
        server.pull(&d1.token, 0, 10).await.unwrap();
    }
    let limited = server.pull(&d1.token, 0, 10).await.unwrap_err();
    assert!(limited.is(429, "rate_limited"), "{limited:?}");
    let wait: u64 = limited.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=12).contains(&wait), "{wait}");
    let pushed = server.push(&d1.token, &[]).await.unwrap_err();
    assert!(
        pushed.is(429, "rate_limited"),
        "every route counts: {pushed:?}"
    );
    // Another device has its own budget.
    server.pull(&d2.token, 0, 10).await.unwrap();

    // Guessing at tokens or codes spends the address's budget (d1 and d2 used 2 enrolments).
    for _ in 0..3 {
        server.enrol("AAAA-AAAA-AA", "x").await.unwrap_err();
    }
    let guessing = server.enrol("AAAA-AAAA-AA", "x").await.unwrap_err();
    assert!(guessing.is(429, "rate_limited"), "{guessing:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_400_in_the_api_error_shape() {
    let server = TestServer::start(&crate::common::Backend::Sqlite).await;
    let school = server.school("Green Valley School").await;
    let d1 = server.device(&school.id, "d1").await;
    let push = || {
        server
            .http
            .post(server.at("/v1/push"))
            .bearer_auth(&d1.token)
    };
    let cases = [
        push().body("{not json"),
        push().body(""),
        push().json(&json!({"entries": 5})),
        push().json(&json!({"entries": [{"seq": 1}]})),
        push().json(&json!([])),
        server
            .http
            .post(server.at("/v1/enrol"))
            .body("{\"code\": 1}"),
        server.http.post(server.at("/v1/enrol")).body("\u{0}"),
    ];
    for (i, request) in cases.into_iter().enumerate() {
        let refused = server.send::<serde_json::Value>(request).await.unwrap_err();
        assert!(refused.is(400, "bad_request"), "case {i}: {refused:?}");
    }

    let wrong_method = server
        .send::<serde_json::Value>(server.http.get(server.at("/v1/push")))
        .await
        .unwrap_err();
    assert_eq!(wrong_method.status, 405, "{wrong_method:?}");
    let (status, health) = server
        .send_raw(server.http.get(server.at("/v1/health")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(health, json!({"ok": true}));
    server.stop().await;
}
