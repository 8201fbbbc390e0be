//! Couriers deliver codes (text, call) and notices (e-mail). Each kind is a trait so
//! the development outbox, a provider (Twilio for codes, an SMTP server for e-mail), or
//! a counting test double can be plugged in without the flows knowing.

pub mod smtp;
pub mod twilio;

use crate::i18n;
use crate::store::{self, Store};
use phone_mfa_contract::{Channel, DeliveryStatus, Language, OutboxKind};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A code on its way to a phone.
#[derive(Debug, Clone)]
pub struct CodeDelivery {
    /// The code request it is for, and this send of it (a resend is a new send): where
    /// the provider reports how it got on (`paths::twilio_status`).
    pub challenge_id: String,
    pub send_seq: i64,
    pub to_e164: String,
    pub channel: Channel,
    pub code: String,
    /// Host for the WebOTP line that ends a text: `@host #123456`.
    pub host: String,
    /// The account's language: the text or the call is in it.
    pub language: Language,
}

impl CodeDelivery {
    /// The text message. The last line lets browsers with WebOTP fill the code in.
    pub fn sms_body(&self) -> String {
        i18n::sms_body(self.language, &self.code, &self.host)
    }

    /// What the phone call says: the code digit by digit, three times.
    pub fn voice_script(&self) -> String {
        i18n::voice_script(self.language, &self.code)
    }
}

/// What the provider said when it took a code's text or call. Error codes are
/// Twilio's (<https://www.twilio.com/docs/api/errors>); the dev outbox uses them too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub status: DeliveryStatus,
    pub error_code: Option<u32>,
}

impl Accepted {
    /// Taken, on its way; reports follow.
    pub const QUEUED: Accepted = Accepted {
        status: DeliveryStatus::Queued,
        error_code: None,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// The provider refused or could not be reached.
    Failed(String),
}

/// Delivers codes by text or call, and plain texts (the notice to a number that left
/// an account).
pub trait CodeCourier: Send + Sync + 'static {
    /// Hands the code to the provider. A provider that refuses this recipient for good
    /// (a number that opted out, a landline) answers `Ok` with a failed status: the
    /// person is told why; an outage or a misconfiguration is a [`DeliveryError`].
    fn deliver<'a>(&'a self, delivery: &'a CodeDelivery) -> BoxFuture<'a, Result<Accepted, DeliveryError>>;
    fn text<'a>(&'a self, to_e164: &'a str, body: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// An e-mail notice to the account holder.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(&'a self, notice: &'a Notice) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// Documented test numbers (dev mode): texts to this number are never delivered...
pub const TEST_NUMBER_SMS_NEVER_ARRIVES: &str = "+12015550199";
/// ...and calls to this one are never answered. Used to show the troubleshooting flow.
pub const TEST_NUMBER_CALL_NEVER_ANSWERED: &str = "+12015550198";
/// Texts to this number fail: it replied STOP (Twilio 21610). Calls get through.
pub const TEST_NUMBER_OPTED_OUT: &str = "+12015550197";
/// Texts to this number are undelivered: a landline (Twilio 30006). Calls get through.
pub const TEST_NUMBER_LANDLINE: &str = "+12015550196";
/// Neither texts (Twilio 30003) nor calls (no answer) reach this phone: it is off.
pub const TEST_NUMBER_UNREACHABLE: &str = "+12015550195";
/// Texts to this number are blocked by the carrier (Twilio 30004). Calls get through.
pub const TEST_NUMBER_BLOCKED: &str = "+12015550194";

/// The development courier: stores every text and call transcript in the `outbox`
/// table, readable at `GET /api/dev/outbox`.
pub struct DevOutbox {
    pub store: Store,
    pub clock: Arc<dyn crate::clock::Clock>,
}

impl DevOutbox {
    async fn store(
        &self,
        kind: OutboxKind,
        to: String,
        body: String,
        delivered: bool,
    ) -> Result<(), DeliveryError> {
        let now = self.clock.now();
        self.store
            .write(async |c| store::outbox::insert(c, kind, &to, &body, delivered, now).await)
            .await
            .map_err(|e: sqlx::Error| DeliveryError::Failed(e.to_string()))
    }
}

impl CodeCourier for DevOutbox {
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<Accepted, DeliveryError>> {
        Box::pin(async move {
            let (kind, body) = match d.channel {
                Channel::Sms => (OutboxKind::Sms, d.sms_body()),
                Channel::Voice => (OutboxKind::Voice, d.voice_script()),
            };
            let outcome = dev_outcome(&d.to_e164, d.channel);
            // A text or call that "never arrives" is accepted by the provider but not
            // delivered: exactly what the person experiences. The outbox shows it as such.
            let delivered = outcome.status == DeliveryStatus::Delivered;
            self.store(kind, d.to_e164.clone(), body, delivered).await?;
            Ok(outcome)
        })
    }

    fn text<'a>(&'a self, to_e164: &'a str, body: &'a str) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let delivered = Self::text_delivered(to_e164);
            self.store(OutboxKind::Sms, to_e164.to_owned(), body.to_owned(), delivered)
                .await
        })
    }
}

impl DevOutbox {
    fn text_delivered(to_e164: &str) -> bool {
        dev_outcome(to_e164, Channel::Sms).status == DeliveryStatus::Delivered
    }
}

/// What the dev outbox reports for a text or call to a number: the documented test
/// numbers below each act out one way a delivery goes wrong, with the status and error
/// code Twilio would report; every other number receives what it is sent.
pub fn dev_outcome(to_e164: &str, channel: Channel) -> Accepted {
    let (status, error_code) = match (to_e164, channel) {
        (TEST_NUMBER_SMS_NEVER_ARRIVES, Channel::Sms) | (TEST_NUMBER_CALL_NEVER_ANSWERED, Channel::Voice) => {
            (DeliveryStatus::Sent, None)
        }
        (TEST_NUMBER_OPTED_OUT, Channel::Sms) => (DeliveryStatus::Failed, Some(21610)),
        (TEST_NUMBER_LANDLINE, Channel::Sms) => (DeliveryStatus::Undelivered, Some(30006)),
        (TEST_NUMBER_UNREACHABLE, Channel::Sms) => (DeliveryStatus::Undelivered, Some(30003)),
        (TEST_NUMBER_UNREACHABLE, Channel::Voice) => (DeliveryStatus::Undelivered, None),
        (TEST_NUMBER_BLOCKED, Channel::Sms) => (DeliveryStatus::Undelivered, Some(30004)),
        _ => (DeliveryStatus::Delivered, None),
    };
    Accepted { status, error_code }
}

impl Mailer for DevOutbox {
    fn send<'a>(&'a self, n: &'a Notice) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.store(
                OutboxKind::Email,
                n.to_email.clone(),
                format!("{}\n\n{}", n.subject, n.body),
                true,
            )
            .await
        })
    }
}
