//! `POST /v1/enrol` and `POST /v1/enrol-codes`.

use axum::Json;
use axum::extract::State;
use chrono::SecondsFormat;
use rollbook_protocol::{EnrolCode, EnrolRequest, EnrolResponse};

use crate::app::AppState;
use crate::codes;
use crate::error::Failure;
use crate::extract::{AddressLimit, AuthDevice, JsonBody};
use crate::storage::{EnrolOutcome, Enrolment, Store};
use crate::token;

/// Longest device id and device name taken, in characters.
const MAX_ID_CHARS: usize = 200;

/// A device joins the school of a one-time code and gets its bearer token.
pub async fn enrol<S: Store>(
    State(state): State<AppState<S>>,
    _: AddressLimit,
    JsonBody(request): JsonBody<EnrolRequest>,
) -> Result<Json<EnrolResponse>, Failure> {
    // The id is kept as sent: the device's entries carry it exactly so.
    let device_id = request.device_id.as_str();
    let device_name = request.device_name.trim();
    if device_id.trim().is_empty() || device_id.chars().count() > MAX_ID_CHARS {
        return Err(Failure::bad_request(format!(
            "the device id must be 1 to {MAX_ID_CHARS} characters"
        )));
    }
    if device_name.is_empty() || device_name.chars().count() > MAX_ID_CHARS {
        return Err(Failure::bad_request(format!(
            "the device name must be 1 to {MAX_ID_CHARS} characters"
        )));
    }
    let token = token::generate().map_err(|e| {
        tracing::error!("no randomness for a token: {e}");
        Failure::internal()
    })?;
    let outcome = state
        .store
        .enrol(Enrolment {
            code_hash: codes::hash(&request.code),
            device_id: device_id.to_owned(),
            device_name: device_name.to_owned(),
            token_hash: token::hash(&token),
        })
        .await?;
    match outcome {
        EnrolOutcome::Enrolled(school) => Ok(Json(EnrolResponse {
            school_id: school.id,
            school_name: school.name,
            token,
        })),
        EnrolOutcome::UnknownCode => Err(Failure::not_found(
            "no such enrolment code; check it, or ask for a new one",
        )),
        EnrolOutcome::ExpiredCode => Err(Failure::not_found(
            "this enrolment code has expired; ask for a new one",
        )),
        EnrolOutcome::UsedCode => Err(Failure::not_found(
            "this enrolment code has been used; ask for a new one",
        )),
        EnrolOutcome::DeviceInOtherSchool => Err(Failure::conflict(
            "this device is enrolled with another school",
        )),
    }
}

/// An enrolled device asks for a one-time code for another device of its school. The body,
/// if any, is ignored: the code is always for the caller's own school.
pub async fn enrol_code<S: Store>(
    State(state): State<AppState<S>>,
    AuthDevice(device): AuthDevice,
) -> Result<Json<EnrolCode>, Failure> {
    let issued = state
        .store
        .create_enrol_code(
            &device.school_id,
            Some(&device.device_id),
            codes::validity(),
        )
        .await?;
    Ok(Json(EnrolCode {
        code: codes::display(&issued.code),
        expires_at: issued.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }))
}
