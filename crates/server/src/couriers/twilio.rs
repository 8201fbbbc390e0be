//! Twilio adapter: texts through the Messages API, calls through the Calls API with
//! inline TwiML that reads the code digit by digit, three times.
//! <https://www.twilio.com/docs/messaging/api/message-resource>,
//! <https://www.twilio.com/docs/voice/api/call-resource>.

use super::{BoxFuture, CodeCourier, CodeDelivery, DeliveryError};
use crate::i18n;
use phone_mfa_contract::phone::mask_e164;
use phone_mfa_contract::Channel;

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
}

impl Twilio {
    pub fn new(config: TwilioConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a TLS client with default settings");
        Twilio { config, http }
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

impl CodeCourier for Twilio {
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let base = self.config.base_url.trim_end_matches('/');
            let sid = &self.config.account_sid;
            let (url, body) = match d.channel {
                Channel::Sms => {
                    let (field, from) = self.sender_field();
                    (
                        format!("{base}/2010-04-01/Accounts/{sid}/Messages.json"),
                        vec![
                            ("To", d.to_e164.clone()),
                            (field, from.to_owned()),
                            ("Body", d.sms_body()),
                        ],
                    )
                }
                Channel::Voice => (
                    format!("{base}/2010-04-01/Accounts/{sid}/Calls.json"),
                    vec![
                        ("To", d.to_e164.clone()),
                        ("From", self.config.from.clone()),
                        ("Twiml", Self::twiml(d)),
                    ],
                ),
            };
            let res = self
                .http
                .post(url)
                .basic_auth(sid, Some(&self.config.auth_token))
                .form(&body)
                .send()
                .await
                .map_err(|e| DeliveryError::Failed(format!("twilio unreachable: {}", e.without_url())))?;
            if res.status().is_success() {
                tracing::info!(channel = ?d.channel, phone = %mask_e164(&d.to_e164), "code handed to twilio");
                Ok(())
            } else {
                Err(DeliveryError::Failed(format!("twilio answered {}", res.status())))
            }
        })
    }
}
