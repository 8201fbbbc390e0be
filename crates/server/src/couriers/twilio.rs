//! Twilio adapter: texts through the Messages API, calls through the Calls API with
//! inline TwiML that reads the code digit by digit, three times.
//! <https://www.twilio.com/docs/messaging/api/message-resource>,
//! <https://www.twilio.com/docs/voice/api/call-resource>.

use super::{Accepted, BoxFuture, CodeCourier, CodeDelivery, DeliveryError};
use crate::i18n;
use phone_mfa_contract::phone::mask_e164;
use phone_mfa_contract::{paths, Channel, DeliveryProblem, DeliveryStatus};

/// `PHONE_MFA_TWILIO_*` settings.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: String,
    /// The sending number (E.164) or a Messaging Service SID (`MG...`).
    pub from: String,
    /// `https://api.twilio.com`; tests point it at a local stub.
    pub base_url: String,
}

impl TwilioConfig {
    /// Reads the adapter's settings; `None` when Twilio is not configured.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<TwilioConfig> {
        Some(TwilioConfig {
            account_sid: var("PHONE_MFA_TWILIO_ACCOUNT_SID")?,
            auth_token: var("PHONE_MFA_TWILIO_AUTH_TOKEN")?,
            from: var("PHONE_MFA_TWILIO_FROM")?,
            base_url: var("PHONE_MFA_TWILIO_BASE_URL").unwrap_or_else(|| "https://api.twilio.com".into()),
        })
    }
}

pub struct Twilio {
    config: TwilioConfig,
    http: reqwest::Client,
    /// Where people reach this server (`Config::public_origin`): Twilio reports each
    /// code's delivery to a path under it.
    status_origin: String,
}

impl Twilio {
    pub fn new(config: TwilioConfig, status_origin: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a TLS client with default settings");
        Twilio {
            config,
            http,
            status_origin,
        }
    }

    /// The status callback URL for one send of a code.
    pub fn status_callback(&self, d: &CodeDelivery) -> String {
        format!(
            "{}{}",
            self.status_origin,
            paths::twilio_status(&d.challenge_id, d.send_seq)
        )
    }

    /// TwiML for the call: the script of `i18n::voice_script` (the code digit by digit,
    /// three times) read in the account's language.
    pub fn twiml(d: &CodeDelivery) -> String {
        let script = d.voice_script();
        let escaped = script
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        format!(
            "<Response><Say language=\"{}\">{escaped}</Say></Response>",
            i18n::voice_language(d.language)
        )
    }

    fn sender_field(&self) -> (&'static str, &str) {
        if self.config.from.starts_with("MG") {
            ("MessagingServiceSid", &self.config.from)
        } else {
            ("From", &self.config.from)
        }
    }
}

/// Twilio errors that refuse this recipient for good: the send is answered with a
/// failed status (and the person told why), not as an outage. (21408, a region not
/// enabled for the account, is the operator's to fix: an error, logged.)
const RECIPIENT_REFUSALS: &[u32] = &[
    21211, // not a valid phone number
    21610, // the number replied STOP
    21612, // no route to this number
    21614, // not a mobile number
];

/// Why a failed text or call did not arrive, from Twilio's error code (none for a
/// call that was not answered).
pub fn problem(status: DeliveryStatus, channel: Channel, error_code: Option<u32>) -> Option<DeliveryProblem> {
    if !status.is_failure() {
        return None;
    }
    Some(match error_code {
        Some(21610) => DeliveryProblem::OptedOut,
        Some(21614 | 30006) => DeliveryProblem::Landline,
        Some(21612 | 30003 | 30005) => DeliveryProblem::Unreachable,
        Some(21408 | 30004 | 30007 | 30034) => DeliveryProblem::Blocked,
        None if channel == Channel::Voice && status == DeliveryStatus::Undelivered => {
            DeliveryProblem::NotAnswered
        }
        _ => DeliveryProblem::Other,
    })
}

/// A status Twilio reports (`MessageStatus` of a text, `CallStatus` of a call).
pub fn status(reported: &str) -> Option<DeliveryStatus> {
    Some(match reported {
        "accepted" | "scheduled" | "queued" | "sending" | "initiated" => DeliveryStatus::Queued,
        "sent" | "ringing" | "in-progress" => DeliveryStatus::Sent,
        "delivered" | "read" | "completed" => DeliveryStatus::Delivered,
        "undelivered" | "busy" | "no-answer" => DeliveryStatus::Undelivered,
        "failed" | "canceled" => DeliveryStatus::Failed,
        _ => return None,
    })
}

impl Twilio {
    /// POSTs `form` to the account's `resource` (`Messages` or `Calls`).
    async fn post(&self, resource: &str, form: &[(&str, String)]) -> Result<Accepted, DeliveryError> {
        let base = self.config.base_url.trim_end_matches('/');
        let sid = &self.config.account_sid;
        let res = self
            .http
            .post(format!("{base}/2010-04-01/Accounts/{sid}/{resource}.json"))
            .basic_auth(sid, Some(&self.config.auth_token))
            .form(form)
            .send()
            .await
            .map_err(|e| DeliveryError::Failed(format!("twilio unreachable: {}", e.without_url())))?;
        let status = res.status();
        if status.is_success() {
            return Ok(Accepted::QUEUED);
        }
        // Twilio's error body: {"code": 21610, "message": "...", "status": 400}.
        let code = res
            .json::<serde_json::Value>()
            .await
            .ok()
            .and_then(|body| body["code"].as_u64())
            .and_then(|c| u32::try_from(c).ok());
        match code {
            Some(code) if status.is_client_error() && RECIPIENT_REFUSALS.contains(&code) => Ok(Accepted {
                status: DeliveryStatus::Failed,
                error_code: Some(code),
            }),
            Some(code) => Err(DeliveryError::Failed(format!(
                "twilio answered {status} (error {code})"
            ))),
            None => Err(DeliveryError::Failed(format!("twilio answered {status}"))),
        }
    }

    fn message(&self, to_e164: &str, body: String) -> Vec<(&'static str, String)> {
        let (field, from) = self.sender_field();
        vec![
            ("To", to_e164.to_owned()),
            (field, from.to_owned()),
            ("Body", body),
        ]
    }
}

impl CodeCourier for Twilio {
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<Accepted, DeliveryError>> {
        Box::pin(async move {
            let callback = ("StatusCallback", self.status_callback(d));
            let accepted = match d.channel {
                Channel::Sms => {
                    let mut form = self.message(&d.to_e164, d.sms_body());
                    form.push(callback);
                    self.post("Messages", &form).await?
                }
                Channel::Voice => {
                    let call = [
                        ("To", d.to_e164.clone()),
                        ("From", self.config.from.clone()),
                        ("Twiml", Self::twiml(d)),
                        callback,
                    ];
                    self.post("Calls", &call).await?
                }
            };
            tracing::info!(
                channel = ?d.channel,
                phone = %mask_e164(&d.to_e164),
                status = ?accepted.status,
                error_code = accepted.error_code,
                "code handed to twilio"
            );
            Ok(accepted)
        })
    }

    fn text<'a>(&'a self, to_e164: &'a str, body: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let accepted = self
                .post("Messages", &self.message(to_e164, body.to_owned()))
                .await?;
            if accepted.status.is_failure() {
                // Never sent (e.g. the number opted out): an error the outbox records.
                return Err(DeliveryError::Failed(format!(
                    "twilio refused the recipient (error {})",
                    accepted.error_code.unwrap_or_default()
                )));
            }
            tracing::info!(phone = %mask_e164(to_e164), "text handed to twilio");
            Ok(())
        })
    }
}
