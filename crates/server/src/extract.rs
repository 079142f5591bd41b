//! What handlers take from a request: the authenticated device, a JSON body, the client's
//! address and its rate limit. Each fails with a [`Failure`], so every refusal has the
//! `ApiError` shape.

use std::net::IpAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use http_body_util::BodyExt;
use rollbook_protocol::MAX_BODY_BYTES;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::error::Failure;
use crate::server::PeerAddr;
use crate::storage::{Device, Store, TokenStatus};
use crate::token;

/// The client's address, as the listener saw it (none when the router is served without
/// connection info).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl Peer {
    fn from_parts(parts: &Parts) -> Self {
        Self(
            parts
                .extensions
                .get::<ConnectInfo<PeerAddr>>()
                .map(|ConnectInfo(PeerAddr(addr))| addr.ip()),
        )
    }

    /// The rate limiter's key for requests that carry no valid token.
    pub fn limit_key(self) -> String {
        match self.0 {
            Some(ip) => format!("ip:{ip}"),
            None => "ip:unknown".to_owned(),
        }
    }
}

/// The device whose bearer token came with the request, within its rate limit.
#[derive(Debug, Clone)]
pub struct AuthDevice(pub Device);

impl<S: Store> FromRequestParts<AppState<S>> for AuthDevice {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(token::from_authorization);
        let status = match bearer {
            Some(t) => state.store.authenticate(&token::hash(t)).await?,
            None => TokenStatus::Unknown,
        };
        let device = match status {
            TokenStatus::Valid(device) => device,
            refused => {
                // Guessing at tokens costs the guesser's address its budget.
                state.limit(&Peer::from_parts(parts).limit_key())?;
                return Err(match (refused, bearer) {
                    (TokenStatus::Revoked, _) => Failure::revoked(),
                    (_, None) => {
                        Failure::unauthorized("an `Authorization: Bearer TOKEN` is needed")
                    }
                    _ => Failure::unauthorized("unknown token"),
                });
            }
        };
        state.limit(&format!("device:{}", device.device_id))?;
        Ok(Self(device))
    }
}

/// A body larger than the limit but at most this is read to its end before the 413, so that
/// the client, still sending, reads the answer instead of a reset connection.
const DRAIN_UP_TO: usize = 2 * MAX_BODY_BYTES;

/// A JSON body of at most `MAX_BODY_BYTES`, whatever the content type says.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > DRAIN_UP_TO as u64) {
            // Far too large: refused before a byte of it is read.
            return Err(Failure::payload_too_large());
        }
        let mut body = req.into_body();
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let frame = frame
                .map_err(|e| Failure::bad_request(format!("the body could not be read: {e}")))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            seen = seen.saturating_add(data.len());
            if seen > DRAIN_UP_TO {
                break;
            }
            if seen <= MAX_BODY_BYTES {
                bytes.extend_from_slice(&data);
            }
        }
        if seen > MAX_BODY_BYTES {
            return Err(Failure::payload_too_large());
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| Failure::bad_request(format!("the body is not the JSON expected: {e}")))
    }
}

/// Charges a request that carries no token (an enrolment) to the client's address, before
/// its body is read.
#[derive(Debug, Clone, Copy)]
pub struct AddressLimit;

impl<S: Store> FromRequestParts<AppState<S>> for AddressLimit {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        state.limit(&Peer::from_parts(parts).limit_key())?;
        Ok(Self)
    }
}
