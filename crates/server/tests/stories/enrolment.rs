//! Enrolment: one-time codes, tokens, re-installs and revocation.

use rollbook_server::storage::Store;

use crate::common::{Backend, TestServer, backends, entry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_enrols_one_device_once() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let code = server.code(&school.id).await;

        // Typed loosely: lower case, no dashes, spaces around.
        let typed = format!(" {} ", code.replace('-', "").to_lowercase());
        let enrolled = server.enrol(&typed, "d1").await.unwrap();
        assert_eq!(enrolled.school_id, school.id);
        assert_eq!(enrolled.school_name, "Green Valley School");
        assert!(enrolled.token.len() >= 43, "{backend:?}");
        server.pull(&enrolled.token, 0, 10).await.unwrap();

        let again = server.enrol(&code, "d2").await.unwrap_err();
        assert!(again.is(404, "not_found"), "{again:?}");
        assert!(again.error.message.contains("used"), "{again:?}");
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_expired_codes_are_refused() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;

        let unknown = server.enrol("ABCD-EFGH-JK", "d1").await.unwrap_err();
        assert!(unknown.is(404, "not_found"), "{unknown:?}");

        let expired = server
            .store
            .create_enrol_code(&school.id, None, chrono::Duration::seconds(-1))
            .await
            .unwrap();
        let refused = server.enrol(&expired.code, "d1").await.unwrap_err();
        assert!(refused.is(404, "not_found"), "{refused:?}");
        assert!(refused.error.message.contains("expired"), "{refused:?}");

        let bad = server.enrol("", "").await.unwrap_err();
        assert!(bad.is(400, "bad_request"), "{bad:?}");
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_refused_until_the_device_enrols_again() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let school = server.school("Green Valley School").await;
        let d1 = server.device(&school.id, "d1").await;
        let d2 = server.device(&school.id, "d2").await;
        server.push(&d1.token, &[entry("d1", 1)]).await.unwrap();

        server.store.revoke_device("d1").await.unwrap();
        let pulled = server.pull(&d1.token, 0, 10).await.unwrap_err();
        assert!(pulled.is(401, "revoked"), "{pulled:?}");
        let pushed = server.push(&d1.token, &[entry("d1", 2)]).await.unwrap_err();
        assert!(pushed.is(401, "revoked"), "{pushed:?}");
        let code = server.enrol_code(&d1.token).await.unwrap_err();
        assert!(code.is(401, "revoked"), "{code:?}");
        // Revoking one device leaves the others, and what it had pushed, alone.
        assert_eq!(
            server.pull(&d2.token, 0, 10).await.unwrap().entries.len(),
            1
        );
        assert_eq!(
            server.store.revoke_device("nobody").await,
            Err(rollbook_server::storage::StoreError::NoSuchDevice)
        );

        // No token, or a made-up one.
        let none = server
            .send::<serde_json::Value>(server.http.get(server.at("/v1/pull")))
            .await
            .unwrap_err();
        assert!(none.is(401, "unauthorized"), "{none:?}");
        let made_up = server.pull("not-a-token", 0, 10).await.unwrap_err();
        assert!(made_up.is(401, "unauthorized"), "{made_up:?}");

        // A new code brings it back with a new token; the old one stays refused.
        let again = server.device(&school.id, "d1").await;
        assert_ne!(again.token, d1.token);
        let pushed = server.push(&again.token, &[entry("d1", 2)]).await.unwrap();
        assert_eq!(pushed.acked_through, 2, "its sequence carries on");
        let old = server.pull(&d1.token, 0, 10).await.unwrap_err();
        assert_eq!(old.status.as_u16(), 401, "{old:?}");
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reinstall_gets_a_new_token_and_another_school_is_refused() {
    for backend in backends() {
        let server = TestServer::start(&backend).await;
        let a = server.school("School A").await;
        let b = server.school("School B").await;
        let first = server.device(&a.id, "d1").await;
        let second = server.device(&a.id, "d1").await;
        assert_ne!(first.token, second.token);
        server.pull(&second.token, 0, 10).await.unwrap();
        let replaced = server.pull(&first.token, 0, 10).await.unwrap_err();
        assert!(replaced.is(401, "unauthorized"), "{replaced:?}");

        let b_code = server.code(&b.id).await;
        let refused = server.enrol(&b_code, "d1").await.unwrap_err();
        assert!(refused.is(409, "conflict"), "{refused:?}");
        // The refusal did not use the code up, nor touch the device's enrolment.
        server.pull(&second.token, 0, 10).await.unwrap();
        let other = server.enrol(&b_code, "d9").await.unwrap();
        assert_eq!(other.school_id, b.id);
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_device_makes_codes_for_its_school() {
    for backend in backends() {
        check_device_codes(&backend).await;
    }
}

async fn check_device_codes(backend: &Backend) {
    let server = TestServer::start(backend).await;
    let school = server.school("Green Valley School").await;
    let d1 = server.device(&school.id, "d1").await;
    let code = server.enrol_code(&d1.token).await.unwrap();
    assert_eq!(code.code.len(), 12, "{code:?}");
    assert_eq!(code.code.matches('-').count(), 2, "{code:?}");
    let expires = chrono::DateTime::parse_from_rfc3339(&code.expires_at).unwrap();
    let hours =
        (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours}");
    let enrolled = server.enrol(&code.code, "d2").await.unwrap();
    assert_eq!(enrolled.school_id, school.id);
    server.stop().await;
}
