//! Twilio's status callbacks: how each code's text or call got on
//! (<https://www.twilio.com/docs/messaging/guides/track-outbound-message-status>).
//! Only requests signed with the account's auth token are believed
//! (<https://www.twilio.com/docs/usage/webhooks/webhooks-security>): anyone can POST
//! here, and a forged "delivered" would hide a failure from the person waiting.

use crate::couriers::twilio;
use crate::state::AppState;
use crate::store;
use crate::store::Column;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use phone_mfa_contract::paths;
use sha1::Sha1;

/// `X-Twilio-Signature`: Base64 of HMAC-SHA1, keyed by the auth token, over the URL
/// Twilio called followed by every POST parameter, sorted by name, as name then value.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

fn signed(auth_token: &str, url: &str, params: &[(String, String)], given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    let expected = signature(auth_token, url, params);
    subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes()).into()
}

/// `POST /api/twilio/status/{challenge}/{send_seq}` (form-encoded, from Twilio).
/// Answers 204 whether or not the report changed anything (a report on a replaced
/// send, or one older than what is known, is dropped); 403 without a valid signature.
pub async fn status(
    State(state): State<AppState>,
    Path((challenge_id, send_seq)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(config) = &state.config.twilio else {
        return StatusCode::NOT_FOUND;
    };
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    // The URL Twilio was given: the public origin, not whatever Host a proxy passed on.
    let url = format!(
        "{}{}",
        state.config.public_origin(),
        paths::twilio_status(&challenge_id, send_seq)
    );
    let given = headers.get("x-twilio-signature").and_then(|v| v.to_str().ok());
    if !signed(&config.auth_token, &url, &params, given) {
        tracing::warn!(
            signature = if given.is_some() { "wrong" } else { "missing" },
            "a twilio status callback was refused: its signature does not match"
        );
        return StatusCode::FORBIDDEN;
    }
    let param = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let Some(reported) = param("MessageStatus").or_else(|| param("CallStatus")) else {
        return StatusCode::NO_CONTENT;
    };
    let Some(status) = twilio::status(reported) else {
        tracing::warn!(reported, "a twilio status this server does not know");
        return StatusCode::NO_CONTENT;
    };
    crate::metrics::delivery_reported(status.column());
    let error_code: Option<i64> = param("ErrorCode").and_then(|c| c.parse().ok());
    let recorded = state
        .store
        .write(async |tx| {
            store::challenges::record_delivery(tx, &challenge_id, send_seq, status, error_code).await
        })
        .await;
    match recorded {
        Ok(changed) => {
            if status.is_failure() {
                tracing::warn!(challenge = %challenge_id, ?status, error_code, changed, "code not delivered");
            } else {
                tracing::info!(challenge = %challenge_id, ?status, changed, "code delivery report");
            }
            StatusCode::NO_CONTENT
        }
        // Twilio retries a report that got a 5xx.
        Err(e) => {
            tracing::error!(error = %e, "cannot record a twilio status");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Twilio's webhook security documentation (and its helper libraries' tests).
    #[test]
    fn signs_as_twilio_documents() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675310"),
            ("Digits", "1234"),
            ("From", "+14158675310"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(
            signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &params),
            "GvWf1cFY/Q7PnoempGyD5oXAezc="
        );
    }
}
