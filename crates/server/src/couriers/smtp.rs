//! E-mail through an SMTP server (lettre): sign-up links and account-change notices.
//!
//! Settings (README, "Configuration"):
//! - `PHONE_MFA_SMTP_URL`: `smtps://host[:465]` (TLS from the start),
//!   `smtp://host[:587]?tls=required` (STARTTLS, refused if the server does not offer
//!   it), or `smtp://host[:25]` without TLS, accepted only for a relay on this machine
//!   (`localhost`, `127.0.0.1`, `::1`). Opportunistic TLS is refused: an attacker on
//!   the path can strip it and read the links and the password.
//! - `PHONE_MFA_SMTP_USERNAME` and `PHONE_MFA_SMTP_PASSWORD` (or `user:password@` in
//!   the URL): credentials, sent only over TLS or to the local relay.
//! - `PHONE_MFA_SMTP_FROM`: the sender, `Phone MFA <no-reply@example.com>`.
//! - `PHONE_MFA_SMTP_CA_FILE`: a PEM certificate to trust besides the public roots
//!   (a relay with a private certificate authority).

use super::{BoxFuture, DeliveryError, Mailer, Notice};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How long connecting may take (lettre's timeout covers the connection; the outbox
/// limits a whole attempt, domain/deliveries.rs).
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// TLS from the first byte (`smtps://`, port 465).
    Tls,
    /// STARTTLS, required (`smtp://…?tls=required`, port 587).
    StartTls,
    /// None: only to a relay on this machine (`smtp://localhost`, port 25).
    LocalRelay,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password, if the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender, checked when the setting is read.
    pub from: Mailbox,
    pub ca_file: Option<PathBuf>,
}

/// Never prints the password (configuration is logged at startup by some deployments).
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("from", &self.from.to_string())
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

fn is_this_machine(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl SmtpConfig {
    /// Reads `PHONE_MFA_SMTP_*`: `None` without a URL, an error naming the setting when
    /// one is unusable.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<SmtpConfig>, String> {
        let Some(raw) = var("PHONE_MFA_SMTP_URL") else {
            return Ok(None);
        };
        let url = url::Url::parse(&raw).map_err(|e| format!("PHONE_MFA_SMTP_URL is not a URL ({e})"))?;
        // An IPv6 address without its URL brackets, as it is looked up.
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) if !host.to_string().is_empty() => host.to_string(),
            _ => return Err("PHONE_MFA_SMTP_URL names no host".into()),
        };
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => SmtpSecurity::Tls,
            ("smtp", Some("required")) => SmtpSecurity::StartTls,
            ("smtp", None) if is_this_machine(&host) => SmtpSecurity::LocalRelay,
            ("smtp", None) => {
                return Err(format!(
                    "PHONE_MFA_SMTP_URL: {host} is not this machine, and mail to it would travel \
                     unencrypted: use smtps://{host} or smtp://{host}?tls=required"
                ))
            }
            ("smtp", Some(other)) => {
                return Err(format!(
                    "PHONE_MFA_SMTP_URL: tls={other} is not accepted, only tls=required \
                     (opportunistic TLS can be stripped by anyone on the path)"
                ))
            }
            (scheme, _) => {
                return Err(format!(
                    "PHONE_MFA_SMTP_URL must start with smtps:// or smtp://, not {scheme}://"
                ))
            }
        };
        let port = url.port().unwrap_or(match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::LocalRelay => 25,
        });
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| "PHONE_MFA_SMTP_URL: the credentials are not UTF-8".to_owned())
        };
        let user = match var("PHONE_MFA_SMTP_USERNAME") {
            Some(user) => Some(user),
            None if !url.username().is_empty() => Some(decode(url.username())?),
            None => None,
        };
        let password = match var("PHONE_MFA_SMTP_PASSWORD") {
            Some(password) => Some(password),
            None => url.password().map(decode).transpose()?,
        };
        let credentials =
            match (user, password) {
                (Some(user), Some(password)) => Some((user, password)),
                (None, None) => None,
                _ => return Err(
                    "PHONE_MFA_SMTP_USERNAME and PHONE_MFA_SMTP_PASSWORD go together: set both or neither"
                        .into(),
                ),
            };
        let from = var("PHONE_MFA_SMTP_FROM").ok_or(
            "PHONE_MFA_SMTP_FROM is required with PHONE_MFA_SMTP_URL (Phone MFA <no-reply@example.com>)",
        )?;
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("PHONE_MFA_SMTP_FROM is not an address ({e}): {from}"))?;
        Ok(Some(SmtpConfig {
            host,
            port,
            security,
            credentials,
            from,
            ca_file: var("PHONE_MFA_SMTP_CA_FILE").map(PathBuf::from),
        }))
    }
}

/// The SMTP mailer: one connection per message (notices are rare; nothing to pool).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// Fails on a CA file that cannot be read or is not a PEM certificate.
    pub fn new(config: &SmtpConfig) -> Result<Smtp, String> {
        let mut params = TlsParameters::builder(config.host.clone());
        if let Some(path) = &config.ca_file {
            let pem =
                std::fs::read(path).map_err(|e| format!("PHONE_MFA_SMTP_CA_FILE {}: {e}", path.display()))?;
            let ca = Certificate::from_pem(&pem)
                .map_err(|e| format!("PHONE_MFA_SMTP_CA_FILE {}: {e}", path.display()))?;
            params = params.add_root_certificate(ca);
        }
        let params = || {
            params
                .clone()
                .build_rustls()
                .map_err(|e| format!("SMTP TLS settings: {e}"))
        };
        let tls = match config.security {
            SmtpSecurity::Tls => Tls::Wrapper(params()?),
            SmtpSecurity::StartTls => Tls::Required(params()?),
            SmtpSecurity::LocalRelay => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Smtp {
            transport: builder.build(),
            from: config.from.clone(),
        })
    }

    fn message(&self, notice: &Notice) -> Result<Message, DeliveryError> {
        let to = notice
            .to_email
            .parse::<Mailbox>()
            .map_err(|e| DeliveryError::Failed(format!("recipient is not an address: {e}")))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(notice.subject.clone())
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(notice.body.clone())
            .map_err(|e| DeliveryError::Failed(format!("cannot build the message: {e}")))
    }
}

impl Mailer for Smtp {
    fn send<'a>(&'a self, notice: &'a Notice) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let message = self.message(notice)?;
            self.transport
                .send(message)
                .await
                .map(drop)
                .map_err(|e| DeliveryError::Failed(format!("SMTP: {e}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<SmtpConfig>, String> {
        SmtpConfig::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    const FROM: (&str, &str) = ("PHONE_MFA_SMTP_FROM", "Phone MFA <no-reply@example.com>");

    #[test]
    fn tls_or_a_relay_on_this_machine_nothing_in_between() {
        let security = |url: &str| {
            read(&[("PHONE_MFA_SMTP_URL", url), FROM]).map(|c| {
                let c = c.unwrap();
                (c.security, c.port)
            })
        };
        assert_eq!(security("smtps://mail.example.com"), Ok((SmtpSecurity::Tls, 465)));
        assert_eq!(
            security("smtp://mail.example.com?tls=required"),
            Ok((SmtpSecurity::StartTls, 587))
        );
        assert_eq!(
            security("smtp://mail.example.com:2525?tls=required"),
            Ok((SmtpSecurity::StartTls, 2525))
        );
        assert_eq!(security("smtp://localhost"), Ok((SmtpSecurity::LocalRelay, 25)));
        assert_eq!(
            security("smtp://127.0.0.1:1025"),
            Ok((SmtpSecurity::LocalRelay, 1025))
        );
        assert_eq!(security("smtp://[::1]"), Ok((SmtpSecurity::LocalRelay, 25)));
        for refused in [
            "smtp://mail.example.com",
            "smtp://mail.example.com?tls=opportunistic",
            "smtp://localhost.example.com",
            "http://mail.example.com",
            "mail.example.com",
        ] {
            assert!(security(refused).is_err(), "{refused} was accepted");
        }
    }

    #[test]
    fn credentials_come_from_the_url_or_the_environment_and_never_print() {
        let c = read(&[
            (
                "PHONE_MFA_SMTP_URL",
                "smtps://me%40example.com:p%3Ass@mail.example.com",
            ),
            FROM,
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.credentials, Some(("me@example.com".into(), "p:ss".into())));
        let c = read(&[
            ("PHONE_MFA_SMTP_URL", "smtps://mail.example.com"),
            ("PHONE_MFA_SMTP_USERNAME", "me"),
            ("PHONE_MFA_SMTP_PASSWORD", "hunter2-secret"),
            FROM,
        ])
        .unwrap()
        .unwrap();
        assert_eq!(c.credentials, Some(("me".into(), "hunter2-secret".into())));
        assert!(!format!("{c:?}").contains("hunter2"), "{c:?}");
        let half = read(&[
            ("PHONE_MFA_SMTP_URL", "smtps://mail.example.com"),
            ("PHONE_MFA_SMTP_USERNAME", "me"),
            FROM,
        ]);
        assert!(half.unwrap_err().contains("go together"));
    }

    #[test]
    fn a_sender_is_required_and_must_be_an_address() {
        let url = ("PHONE_MFA_SMTP_URL", "smtps://mail.example.com");
        assert!(read(&[url]).unwrap_err().contains("PHONE_MFA_SMTP_FROM"));
        assert!(read(&[url, ("PHONE_MFA_SMTP_FROM", "not an address")]).is_err());
        assert_eq!(read(&[FROM]).unwrap().map(|c| c.host), None);
    }
}
