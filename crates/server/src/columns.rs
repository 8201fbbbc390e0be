//! Enums stored as text columns. Each mapping is written once, here, and a stored value
//! the code does not know (written by a newer server, or by hand) is a loud error, never
//! quietly read as some other value. Queries bind and read them through [`Col`].

use phone_mfa_contract::{Channel, Language, MethodKind, OutboxKind, Purpose, SessionStage};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

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

impl<T: Column> ToSql for Col<T> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.column()))
    }
}

impl<T: Column> FromSql for Col<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        T::from_column(text).map(Col).ok_or_else(|| {
            FromSqlError::Other(
                format!("unknown {} in the database: {text:?}", std::any::type_name::<T>()).into(),
            )
        })
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

    #[test]
    fn an_unknown_stored_value_is_an_error_not_another_value() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read = |text: &str| conn.query_row("SELECT ?1", [text], |r| r.get::<_, Col<Purpose>>(0));
        assert_eq!(read("reauth").unwrap(), Col(Purpose::Reauth));
        assert!(read("phone-change").is_err());
        assert!(read("").is_err());
        let err = read("SETUP").unwrap_err().to_string();
        assert!(err.contains("unknown") && err.contains("Purpose"), "{err}");
    }
}
