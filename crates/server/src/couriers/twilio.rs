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

impl Twilio {
    /// POSTs `form` to the account's `resource` (`Messages` or `Calls`).
    async fn post(&self, resource: &str, form: &[(&str, String)]) -> Result<(), DeliveryError> {
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
        if res.status().is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Failed(format!("twilio answered {}", res.status())))
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
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            match d.channel {
                Channel::Sms => {
                    self.post("Messages", &self.message(&d.to_e164, d.sms_body()))
                        .await?
                }
                Channel::Voice => {
                    let call = [
                        ("To", d.to_e164.clone()),
                        ("From", self.config.from.clone()),
                        ("Twiml", Self::twiml(d)),
                    ];
                    self.post("Calls", &call).await?
                }
            }
            tracing::info!(channel = ?d.channel, phone = %mask_e164(&d.to_e164), "code handed to twilio");
            Ok(())
        })
    }

    fn text<'a>(&'a self, to_e164: &'a str, body: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.post("Messages", &self.message(to_e164, body.to_owned()))
                .await?;
            tracing::info!(phone = %mask_e164(to_e164), "text handed to twilio");
            Ok(())
        })
    }
}
