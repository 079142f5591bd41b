//! The commands through Tauri's mock runtime, with the app's real configuration and
//! capabilities, called with the arguments the UI sends.

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

struct Harness {
    _dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn app_with(state: AppState, dir: tempfile::TempDir) -> Harness {
    let app = mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(state)
        .manage(std::sync::Arc::new(crate::sync::Trigger::default()))
        .manage(std::sync::Arc::new(crate::busy::Busy::default()))
        .manage(crate::update::Updates::default())
        .manage(crate::opened::Opened::default())
        .invoke_handler(super::handler())
        .build(tauri::generate_context!())
        .expect("build the app");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    Harness {
        _dir: dir,
        _app: app,
        window,
    }
}

fn app() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(Ok(dir.path().to_path_buf()));
    app_with(state, dir)
}

fn call(h: &Harness, cmd: &str, args: Value) -> Result<Value, Value> {
    let response = get_ipc_response(
        &h.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )?;
    Ok(response.deserialize::<Value>().expect("JSON response"))
}

fn setup(h: &Harness) {
    call(h, "setup_school", json!({ "input": {
        "school": { "name": "St. Mary's School", "address": "", "country": "IN", "time_zone": "Asia/Kolkata" },
        "year": { "name": "2026-27", "start_date": "2026-04-01", "end_date": "2027-03-31" },
        "terms": [{ "name": "Term 1", "start_date": "2026-04-01", "end_date": "2026-09-30" }]
    }}))
    .expect("setup");
}

#[test]
fn first_run_setup_then_status_shows_the_school() {
    let h = app();
    let before = call(&h, "app_status", json!({})).unwrap();
    assert_eq!(before["school"], Value::Null);
    setup(&h);
    let after = call(&h, "app_status", json!({})).unwrap();
    assert_eq!(after["school"]["name"], "St. Mary's School");
    assert_eq!(after["school"]["currency"], "INR");
    assert_eq!(
        call(&h, "list_years", json!({})).unwrap()[0]["terms"][0]["name"],
        "Term 1"
    );
}

#[test]
fn a_class_and_a_student_are_added_and_found_by_typing() {
    let h = app();
    setup(&h);
    let class = call(&h, "create_class", json!({ "input": { "name": "", "grade": "5", "section": "b", "class_teacher": "Ms. Rao" } })).unwrap();
    assert_eq!(class["name"], "Grade 5 B");
    let student = call(&h, "create_student", json!({ "input": {
        "admission_no": "A-101", "given_name": "Aarav", "family_name": "Sharma", "dob": "2016-05-14",
        "class_id": class["id"], "status": "active", "admission_date": "",
        "guardians": [{ "name": "Rakesh Sharma", "relation": "father", "phone": "98765 43210", "alt_phone": "", "email": "", "whatsapp_consent": true }]
    }}))
    .unwrap();
    assert_eq!(student["class_name"], "Grade 5 B");
    assert_eq!(student["guardians"][0]["phone"], "+919876543210");

    let hits = call(
        &h,
        "search_students",
        json!({ "query": "aar", "limit": null }),
    )
    .unwrap();
    assert_eq!(hits[0]["admission_no"], "A-101");
    let listed = call(
        &h,
        "list_students",
        json!({ "filter": { "class_id": class["id"] } }),
    )
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let classes = call(&h, "list_classes", json!({})).unwrap();
    assert_eq!(classes[0]["student_count"], 1);
}

/// The student list's first screen: the first rows only, in the list's order; all without
/// a limit.
#[test]
fn the_student_list_comes_first_rows_first() {
    let h = app();
    setup(&h);
    for (adm, given, family) in [
        ("A-3", "Zara", "Khan"),
        ("A-1", "Aarav", "Iyer"),
        ("A-2", "Diya", "Patel"),
    ] {
        call(
            &h,
            "create_student",
            json!({ "input": {
                "admission_no": adm, "given_name": given, "family_name": family, "dob": "",
                "class_id": null, "status": "active", "admission_date": "", "guardians": []
            }}),
        )
        .unwrap();
    }
    let names = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["family_name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = call(&h, "list_students", json!({ "filter": {}, "limit": null })).unwrap();
    assert_eq!(names(all), ["Iyer", "Khan", "Patel"]);
    let first = call(&h, "list_students", json!({ "filter": {}, "limit": 2 })).unwrap();
    assert_eq!(names(first), ["Iyer", "Khan"]);
    let more = call(&h, "list_students", json!({ "filter": {}, "limit": 10 })).unwrap();
    assert_eq!(names(more).len(), 3);
}

/// The roll call screen's calls: the roll, a save, a re-mark, the history; and a card scan
/// that is refused with the code the check-in screen branches on.
#[test]
fn a_roll_is_taken_and_remarked_over_ipc() {
    let h = app();
    setup(&h);
    let class = call(
        &h,
        "create_class",
        json!({ "input": { "name": "Grade 5 B" } }),
    )
    .unwrap();
    for (adm, name) in [("A1", "Aarav"), ("A2", "Bela")] {
        call(&h, "create_student", json!({ "input": {
            "admission_no": adm, "given_name": name, "class_id": class["id"], "status": "active", "guardians": []
        }}))
        .unwrap();
    }
    let roll = call(
        &h,
        "get_roll",
        json!({ "classId": class["id"], "date": "2026-11-18", "session": "" }),
    )
    .unwrap();
    assert_eq!(roll["taken"], false);
    let ids: Vec<Value> = roll["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["student_id"].clone())
        .collect();
    let save = |codes: [&str; 2]| {
        call(
            &h,
            "save_roll",
            json!({ "input": {
                "class_id": class["id"], "date": "2026-11-18", "session": "",
                "marks": [
                    { "student_id": ids[0], "code": codes[0] },
                    { "student_id": ids[1], "code": codes[1], "late_minutes": 12 }
                ]
            }}),
        )
    };
    assert_eq!(save(["P", "A"]).unwrap()["marked"], 2);
    let again = save(["P", "L"]).unwrap();
    assert_eq!(
        (again["changed"].as_u64(), again["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    let roll = call(
        &h,
        "get_roll",
        json!({ "classId": class["id"], "date": "2026-11-18", "session": "" }),
    )
    .unwrap();
    assert_eq!(roll["entries"][1]["code"], "L");
    assert_eq!(roll["entries"][1]["late_minutes"], 12);
    let history = call(
        &h,
        "mark_history",
        json!({ "studentId": ids[1], "date": "2026-11-18", "session": "day" }),
    )
    .unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);

    let err = call(&h, "save_roll", json!({ "input": {
        "class_id": class["id"], "date": "2026-11-21", "session": "", "marks": [{ "student_id": ids[0], "code": "P" }]
    }}))
    .unwrap_err();
    assert_eq!(err["code"], "validation");
    assert_eq!(err["field"], "date");

    let cards = call(&h, "class_cards", json!({ "classId": class["id"] })).unwrap();
    assert_eq!(cards.as_array().unwrap().len(), 2);
    assert!(cards[0]["qr_svg"].as_str().unwrap().contains("<svg"));
    let refused = call(&h, "check_in", json!({ "code": "RB0000000000000000000" })).unwrap_err();
    assert_eq!(refused["code"], "not_found");
}

/// The fee counter's calls: a structure applied, a payment taken with its receipt, the
/// balance, a reprint marked duplicate, a reversal.
#[test]
fn a_payment_is_taken_and_reversed_over_ipc() {
    let h = app();
    setup(&h);
    let class = call(
        &h,
        "create_class",
        json!({ "input": { "name": "Grade 5 B" } }),
    )
    .unwrap();
    let student = call(&h, "create_student", json!({ "input": {
        "admission_no": "A1", "given_name": "Aarav", "class_id": class["id"], "status": "active", "guardians": []
    }}))
    .unwrap();
    let term = call(&h, "list_years", json!({})).unwrap()[0]["terms"][0]["id"].clone();
    let head = call(
        &h,
        "add_fee_head",
        json!({ "input": { "name": "Tuition" } }),
    )
    .unwrap();
    call(&h, "set_fee_structure", json!({ "input": {
        "class_id": class["id"], "term_id": term, "head_id": head["id"], "amount": "1500.00", "due_date": ""
    }}))
    .unwrap();
    let applied = call(
        &h,
        "apply_fee_structure",
        json!({ "classId": class["id"], "termId": term, "proRata": false }),
    )
    .unwrap();
    assert_eq!(applied["charges"], 1);
    let receipt = call(
        &h,
        "take_payment",
        json!({ "input": {
            "student_id": student["id"], "amount": "500", "method": "cash"
        }}),
    )
    .unwrap();
    assert_eq!(receipt["balance_after"], 100_000);
    assert_eq!(receipt["duplicate"], false);
    assert!(receipt["qr_svg"].as_str().unwrap().contains("<svg"));
    let no = receipt["receipt_no"].clone();
    let balance = call(&h, "fee_balance", json!({ "studentId": student["id"] })).unwrap();
    assert_eq!(balance["balance"], 100_000);
    let again = call(&h, "print_receipt", json!({ "receiptNo": no })).unwrap();
    assert_eq!(again["duplicate"], true);
    let err = call(
        &h,
        "take_payment",
        json!({ "input": {
            "student_id": student["id"], "amount": "5000", "method": "cash"
        }}),
    )
    .unwrap_err();
    assert_eq!(err["field"], "amount");
    call(
        &h,
        "reverse_payment",
        json!({ "input": { "receipt_no": no, "reason": "Wrong student" } }),
    )
    .unwrap();
    let lines = call(&h, "fee_statement", json!({ "studentId": student["id"] })).unwrap();
    assert_eq!(
        lines.as_array().unwrap().last().unwrap()["balance"],
        150_000
    );
}

/// Settings' backup section: a backup taken and listed, then restored while the app runs,
/// with the store reopened on the restored file.
#[test]
fn a_backup_is_taken_and_restored_over_ipc() {
    let h = app();
    setup(&h);
    call(
        &h,
        "create_class",
        json!({ "input": { "name": "Grade 5 B" } }),
    )
    .unwrap();
    let taken = call(&h, "back_up_now", json!({})).unwrap();
    let status = call(&h, "backup_status", json!({})).unwrap();
    assert_eq!(status["backups"].as_array().unwrap().len(), 1);
    assert_eq!(status["backups"][0]["path"], taken["path"]);
    call(
        &h,
        "create_class",
        json!({ "input": { "name": "Grade 6 A" } }),
    )
    .unwrap();
    assert_eq!(
        call(&h, "list_classes", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let kept = call(&h, "restore_backup", json!({ "path": taken["path"] })).unwrap();
    assert!(kept.as_str().unwrap().contains("before-restore"));
    let classes = call(&h, "list_classes", json!({})).unwrap();
    assert_eq!(
        classes.as_array().unwrap().len(),
        1,
        "the store is the backup's now"
    );
    let refused = call(&h, "restore_backup", json!({ "path": "/nonexistent.rbk" })).unwrap_err();
    assert_eq!(refused["code"], "database_corrupt");
    assert_eq!(
        call(&h, "list_classes", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1,
        "still open"
    );
}

#[test]
fn validation_errors_cross_ipc_with_their_code_and_fields() {
    let h = app();
    setup(&h);
    let err = call(&h, "create_student", json!({ "input": {
        "admission_no": "", "given_name": "Aarav", "family_name": "", "dob": "2016-02-30", "status": "active",
        "admission_date": "", "guardians": [{ "name": "X", "relation": "mother", "phone": "123", "alt_phone": "", "email": "", "whatsapp_consent": false }]
    }}))
    .unwrap_err();
    assert_eq!(err["code"], "validation");
    assert_eq!(err["field"], "admission_no");
    let fields: Vec<&str> = err["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["admission_no", "dob", "guardians[0].phone"]);
}

#[test]
fn a_photo_round_trips_as_base64() {
    use base64::Engine;
    let h = app();
    setup(&h);
    let s = call(&h, "create_student", json!({ "input": {
        "admission_no": "A-1", "given_name": "Diya", "family_name": "", "dob": "", "status": "active", "admission_date": "", "guardians": []
    }}))
    .unwrap();
    let mut png = std::io::Cursor::new(Vec::new());
    image_png(&mut png);
    let b64 = base64::engine::general_purpose::STANDARD.encode(png.get_ref());
    call(
        &h,
        "set_student_photo",
        json!({ "id": s["id"], "photo": b64 }),
    )
    .unwrap();
    let back = call(&h, "get_student_photo", json!({ "id": s["id"] })).unwrap();
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(back.as_str().unwrap())
        .unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "stored as JPEG");
    let err = call(
        &h,
        "set_student_photo",
        json!({ "id": s["id"], "photo": "not base64!" }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "photo");
}

/// A tiny valid PNG (1×1, red), written by hand so the shell needs no image crate.
fn image_png(out: &mut std::io::Cursor<Vec<u8>>) {
    use std::io::Write;
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
        0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8,
        0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    out.write_all(PNG).unwrap();
}

#[test]
fn a_store_that_cannot_open_is_reported_on_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(rollbook_core::store::DB_FILE),
        vec![7u8; 4096],
    )
    .unwrap();
    let state = AppState::open(Ok(dir.path().to_path_buf()));
    let h = app_with(state, dir);
    // Unreadable bytes and a database under another key look the same: the answer offered
    // is the recovery key (or a backup).
    let err = call(&h, "app_status", json!({})).unwrap_err();
    assert_eq!(err["code"], "recovery_key_needed");
    let err = call(&h, "list_classes", json!({})).unwrap_err();
    assert_eq!(err["code"], "recovery_key_needed");
}

#[test]
fn a_database_from_another_pc_opens_with_its_recovery_key() {
    let from = tempfile::tempdir().unwrap();
    let store = rollbook_core::Store::open(from.path()).unwrap();
    let recovery = store.recovery_key().unwrap();
    drop(store);
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        from.path().join(rollbook_core::store::DB_FILE),
        dir.path().join(rollbook_core::store::DB_FILE),
    )
    .unwrap();
    let state = AppState::open(Ok(dir.path().to_path_buf()));
    let h = app_with(state, dir);
    let err = call(&h, "app_status", json!({})).unwrap_err();
    assert_eq!(err["code"], "recovery_key_needed");
    let wrong = rollbook_core::store::DatabaseKey::generate().recovery_text();
    let err = call(
        &h,
        "open_with_recovery_key",
        json!({ "recoveryKey": wrong }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "recovery_key_needed");
    call(
        &h,
        "open_with_recovery_key",
        json!({ "recoveryKey": recovery }),
    )
    .unwrap();
    let status = call(&h, "app_status", json!({})).unwrap();
    assert!(status["school"].is_null(), "opened: not yet set up");
}

/// Every command the UI's wrappers call is registered and allowed by the window's
/// capability; anything else is refused.
#[test]
fn every_command_the_ui_calls_is_registered_and_permitted() {
    let h = app();
    setup(&h);
    let wrappers = include_str!("../../../ui/src/lib/ipc/commands.ts");
    let names: Vec<&str> = wrappers
        .split("invoke<")
        .skip(1)
        .filter_map(|chunk| chunk.split('\'').nth(1))
        .collect();
    assert!(names.len() >= 18, "found {names:?}");
    for name in names {
        match call(&h, name, json!({})) {
            Ok(_) => {}
            Err(Value::Object(e)) => assert!(e.contains_key("code"), "{name}: {e:?}"),
            // Missing arguments are reported as text by Tauri before the command runs.
            Err(Value::String(s)) => assert!(s.contains("missing required key"), "{name}: {s}"),
            Err(other) => panic!("{name}: {other:?}"),
        }
    }
    let refused = call(&h, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).unwrap_err();
    assert!(refused.to_string().contains("not"), "{refused}");
}

/// The import wizard's calls, as it makes them: open, preview with progress, import, see
/// it in the history, undo it; and the exports written where the save dialog said.
#[test]
fn a_file_is_imported_and_undone_and_exports_are_written() {
    let h = app();
    setup(&h);
    let dir = tempfile::tempdir().unwrap();
    // The blank template has one example row: a real xlsx to import.
    let template = dir.path().join("template.xlsx");
    call(&h, "export_template", json!({ "out": template })).unwrap();
    assert!(template.metadata().unwrap().len() > 1000);

    let opened = call(&h, "import_open", json!({ "path": template })).unwrap();
    assert_eq!(opened["format"], "xlsx");
    let options = json!({ "mode": "upsert", "create_classes": true, "skip_bad_rows": false });
    let preview = call(
        &h,
        "import_preview",
        json!({ "path": template, "options": options, "progress": "__CHANNEL__:1" }),
    )
    .unwrap();
    assert_eq!(preview["counts"]["insert"], 1, "{preview}");
    assert_eq!(preview["can_import"], true);
    let outcome = call(
        &h,
        "import_run",
        json!({ "path": template, "options": options, "progress": "__CHANNEL__:2" }),
    )
    .unwrap();
    assert_eq!(outcome["committed"], true, "{outcome}");
    assert_eq!(outcome["inserted"], 1);
    let history = call(&h, "import_history", json!({})).unwrap();
    assert_eq!(history[0]["can_undo"], true);

    let register = dir.path().join("register.xlsx");
    call(&h, "export_students", json!({ "out": register })).unwrap();
    assert!(register.exists());
    let roll = dir.path().join("rolls.xlsx");
    call(&h, "export_roll", json!({ "classId": null, "out": roll })).unwrap();
    assert!(roll.exists());
    let refused = call(
        &h,
        "export_students",
        json!({ "out": dir.path().join("register.csv") }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "validation");

    let undone = call(&h, "import_undo_last", json!({})).unwrap();
    assert_eq!(undone["removed"], 1);
    let err = call(
        &h,
        "import_open",
        json!({ "path": dir.path().join("missing.xlsx") }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "io");
}

/// Signing in across IPC: the first administrator, a clerk, the lock, and the error codes the
/// UI branches on (`sign_in_required`, `wrong_pin`, `forbidden`). Uses the real keyring.
#[test]
fn users_sign_in_lock_and_are_refused_with_codes_the_ui_branches_on() {
    let h = app();
    setup(&h);
    assert_eq!(
        call(&h, "session_state", json!({})).unwrap()["status"],
        "open"
    );
    let admin = call(
        &h,
        "add_user",
        json!({ "input": { "name": "Mrs. Iyer", "role": "administrator" }, "pin": "4829" }),
    )
    .unwrap();
    let state = call(&h, "session_state", json!({})).unwrap();
    assert_eq!(state["status"], "signed_out");
    assert_eq!(state["users"][0]["name"], "Mrs. Iyer");
    let e = call(&h, "list_classes", json!({})).unwrap_err();
    assert_eq!(e["code"], "sign_in_required");

    let e = call(
        &h,
        "sign_in",
        json!({ "userId": admin["id"], "pin": "0000" }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "wrong_pin");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    call(
        &h,
        "sign_in",
        json!({ "userId": admin["id"], "pin": "4829" }),
    )
    .unwrap();
    let key = call(&h, "recovery_key", json!({})).unwrap();
    assert_eq!(key.as_str().unwrap().len(), 64);
    let clerk = call(
        &h,
        "add_user",
        json!({ "input": { "name": "Ravi", "role": "clerk" }, "pin": "1357" }),
    )
    .unwrap();
    call(&h, "lock_app", json!({})).unwrap();
    let state = call(&h, "session_state", json!({})).unwrap();
    assert_eq!(state["status"], "locked");
    assert_eq!(state["user"]["name"], "Mrs. Iyer");

    call(
        &h,
        "sign_in",
        json!({ "userId": clerk["id"], "pin": "1357" }),
    )
    .unwrap();
    let e = call(&h, "recovery_key", json!({})).unwrap_err();
    assert_eq!(e["code"], "forbidden");
    let e = call(
        &h,
        "add_fee_head",
        json!({ "input": { "name": "Tuition" } }),
    )
    .unwrap_err();
    assert_eq!(e["code"], "forbidden");
    assert!(
        e["message"].as_str().unwrap().contains("clerk may not"),
        "{e}"
    );
}

/// While an update installs, the fee counter and the import wizard are told to wait, with
/// the code the UI branches on; afterwards they work again. The update commands say what is
/// missing on a PC that is not enrolled with a cloud (there is no feed to ask).
#[test]
fn payments_and_imports_wait_while_an_update_installs() {
    use tauri::Manager;
    let h = app();
    setup(&h);
    let busy = h
        ._app
        .state::<std::sync::Arc<crate::busy::Busy>>()
        .inner()
        .clone();
    let payment = json!({ "input": {
        "student_id": "01900000-0000-7000-8000-000000000000", "amount": "500", "method": "cash"
    }});
    let installing = busy.begin_install().unwrap();
    for (cmd, args) in [
        ("take_payment", payment.clone()),
        (
            "reverse_payment",
            json!({ "input": { "receipt_no": "X-2026-000001", "reason": "Wrong student" } }),
        ),
        ("import_undo_last", json!({})),
    ] {
        let e = call(&h, cmd, args).unwrap_err();
        assert_eq!(e["code"], "work_in_progress", "{cmd}: {e}");
    }
    drop(installing);
    let e = call(&h, "take_payment", payment).unwrap_err();
    assert_ne!(e["code"], "work_in_progress", "{e}");

    assert_eq!(call(&h, "pending_update", json!({})).unwrap(), Value::Null);
    let e = call(&h, "check_for_update", json!({})).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
    assert!(e["message"].as_str().unwrap().contains("enrol"), "{e}");
    let e = call(&h, "install_update", json!({ "progress": "__CHANNEL__:3" })).unwrap_err();
    assert_eq!(e["code"], "not_found", "{e}");
}
