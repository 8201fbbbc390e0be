//! Couriers deliver codes (text, call) and notices (e-mail). Each kind is a trait so
//! the development outbox, a provider (Twilio for codes, an SMTP server for e-mail), or
//! a counting test double can be plugged in without the flows knowing.

pub mod smtp;
pub mod twilio;

use crate::i18n;
use crate::store::{self, Store};
use phone_mfa_contract::{Channel, Language, OutboxKind};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A code on its way to a phone.
#[derive(Debug, Clone)]
pub struct CodeDelivery {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// The provider refused or could not be reached.
    Failed(String),
}

/// Delivers codes by text or call, and plain texts (the notice to a number that left
/// an account).
pub trait CodeCourier: Send + Sync + 'static {
    fn deliver<'a>(&'a self, delivery: &'a CodeDelivery) -> BoxFuture<'a, Result<(), DeliveryError>>;
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
    fn deliver<'a>(&'a self, d: &'a CodeDelivery) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let (kind, body, delivered) = match d.channel {
                Channel::Sms => (OutboxKind::Sms, d.sms_body(), Self::text_delivered(&d.to_e164)),
                Channel::Voice => (
                    OutboxKind::Voice,
                    d.voice_script(),
                    d.to_e164 != TEST_NUMBER_CALL_NEVER_ANSWERED,
                ),
            };
            // A text or call that "never arrives" is accepted by the provider but not
            // delivered: exactly what the person experiences. The outbox shows it as such.
            self.store(kind, d.to_e164.clone(), body, delivered).await
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
        to_e164 != TEST_NUMBER_SMS_NEVER_ARRIVES
    }
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
