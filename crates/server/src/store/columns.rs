//! How Rust values map onto columns, the same on both backends. Enums are stored as
//! text: each mapping is written once, here, and a stored value the code does not know
//! (written by a newer server, or by hand) is a loud error, never quietly read as some
//! other value. Queries bind and read them through [`Col`]; flags through [`Flag`].

use phone_mfa_contract::{Channel, DeliveryStatus, Language, MethodKind, OutboxKind, Purpose, SessionStage};
use sqlx::any::{Any, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type, ValueRef};

/// An enum with a text form in the database.
pub trait Column: Copy + Sized + 'static {
    /// What the column holds for this value.
    fn column(self) -> &'static str;
    /// The value a column holds; `None` for a text no value has.
    fn from_column(text: &str) -> Option<Self>;
}

/// A [`Column`] enum as a query parameter or a read column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col<T>(pub T);

impl<T: Column> Type<Any> for Col<T> {
    fn type_info() -> AnyTypeInfo {
        <str as Type<Any>>::type_info()
    }
}

impl<'q, T: Column> Encode<'q, Any> for Col<T> {
    fn encode_by_ref(&self, buf: &mut <Any as Database>::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
        <&str as Encode<'q, Any>>::encode(self.0.column(), buf)
    }
}

impl<'r, T: Column> Decode<'r, Any> for Col<T> {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <String as Decode<'r, Any>>::decode(value)?;
        T::from_column(&text)
            .map(Col)
            .ok_or_else(|| format!("unknown {} in the database: {text:?}", std::any::type_name::<T>()).into())
    }
}

/// A yes/no column: `BOOLEAN` on PostgreSQL, an integer 0/1 on SQLite (which has no
/// boolean type, so a read gives back an integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <bool as Type<Any>>::type_info()
    }
    fn compatible(ty: &AnyTypeInfo) -> bool {
        matches!(
            ty.kind(),
            AnyTypeInfoKind::Bool
                | AnyTypeInfoKind::SmallInt
                | AnyTypeInfoKind::Integer
                | AnyTypeInfoKind::BigInt
        )
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            <bool as Decode<'r, Any>>::decode(value).map(Flag)
        } else {
            match <i64 as Decode<'r, Any>>::decode(value)? {
                0 => Ok(Flag(false)),
                1 => Ok(Flag(true)),
                other => Err(format!("a flag column holds {other}").into()),
            }
        }
    }
}

macro_rules! text_columns {
    ($($ty:ty { $($variant:path => $text:literal),* $(,)? })*) => {
        $(impl Column for $ty {
            fn column(self) -> &'static str {
                match self { $($variant => $text),* }
            }
            fn from_column(text: &str) -> Option<Self> {
                match text { $($text => Some($variant),)* _ => None }
            }
        })*

        /// Every value of every column enum, each with whether it round-trips.
        #[cfg(test)]
        fn every_value() -> Vec<(&'static str, bool)> {
            vec![$($(($text, <$ty>::from_column($text) == Some($variant) && $variant.column() == $text)),*),*]
        }
    };
}

text_columns! {
    Purpose {
        Purpose::Setup => "setup",
        Purpose::SignIn => "sign_in",
        Purpose::Reauth => "reauth",
        Purpose::PhoneChange => "phone_change",
    }
    Channel {
        Channel::Sms => "sms",
        Channel::Voice => "voice",
    }
    SessionStage {
        SessionStage::MfaSetup => "mfa_setup",
        SessionStage::MfaPending => "mfa_pending",
        SessionStage::SignedIn => "signed_in",
    }
    MethodKind {
        MethodKind::Phone => "phone",
        MethodKind::AuthenticatorApp => "authenticator_app",
    }
    DeliveryStatus {
        DeliveryStatus::Queued => "queued",
        DeliveryStatus::Sent => "sent",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Undelivered => "undelivered",
        DeliveryStatus::Failed => "failed",
    }
    OutboxKind {
        OutboxKind::Sms => "sms",
        OutboxKind::Voice => "voice",
        OutboxKind::Email => "email",
    }
}

/// Languages are stored as their tag (`en`, `es`), which the contract defines.
impl Column for Language {
    fn column(self) -> &'static str {
        self.tag()
    }
    fn from_column(text: &str) -> Option<Self> {
        Language::ALL.into_iter().find(|l| l.tag() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips() {
        for (text, round_trips) in every_value() {
            assert!(round_trips, "{text}");
        }
        for language in Language::ALL {
            assert_eq!(Language::from_column(language.column()), Some(language));
        }
    }

    #[tokio::test]
    async fn an_unknown_stored_value_is_an_error_not_another_value() {
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect("sqlite::memory:")
            .await
            .unwrap();
        let mut read = async |text: &str| {
            let row = sqlx::query("SELECT $1")
                .bind(text.to_owned())
                .fetch_one(&mut conn)
                .await
                .unwrap();
            sqlx::Row::try_get::<Col<Purpose>, _>(&row, 0).map_err(|e| e.to_string())
        };
        assert_eq!(read("reauth").await.unwrap(), Col(Purpose::Reauth));
        assert!(read("phone-change").await.is_err());
        assert!(read("").await.is_err());
        let err = read("SETUP").await.unwrap_err();
        assert!(err.contains("unknown") && err.contains("Purpose"), "{err}");
    }
}
