//! E-mail that leaves (issue 17): a production-mode server sends its e-mail through a
//! real SMTP server process (aiosmtpd, tests/smtp_sink.py), over STARTTLS with a
//! password, and the tests read what that server received.
//!
//! Needs `python3` with aiosmtpd (`cargo xtask test` installs it; by hand:
//! `python3 -m pip install aiosmtpd`).

use crate::common;

use common::*;
use phone_mfa_contract::*;
use phone_mfa_server::config::Config;
use phone_mfa_server::couriers::smtp::{Smtp, SmtpConfig};
use phone_mfa_server::couriers::{Mailer, Notice};
use phone_mfa_server::i18n;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const USER: &str = "phone-mfa";
const SMTP_PASSWORD: &str = "s3cret smtp password";
const ORIGIN: &str = "https://mfa.example.com";

/// An aiosmtpd process with a certificate of its own, killed when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
    out: PathBuf,
    cert: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, certified.cert.pem()).unwrap();
        std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
        let out = dir.path().join("received.jsonl");
        let mut child = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .args([&cert, &key])
            .args([USER, SMTP_PASSWORD])
            .arg(&out)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let port = first.trim().parse().unwrap_or_else(|_| {
            panic!(
                "the SMTP server did not start (is aiosmtpd installed? python3 -m pip install aiosmtpd): {first:?}"
            )
        });
        SmtpSink {
            child,
            port,
            out,
            cert,
            _dir: dir,
        }
    }

    /// The settings an operator would give for this server.
    fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "PHONE_MFA_SMTP_URL",
                format!("smtp://localhost:{}?tls=required", self.port),
            ),
            ("PHONE_MFA_SMTP_USERNAME", USER.into()),
            ("PHONE_MFA_SMTP_PASSWORD", SMTP_PASSWORD.into()),
            (
                "PHONE_MFA_SMTP_FROM",
                "Phone MFA <no-reply@mfa.example.com>".into(),
            ),
            ("PHONE_MFA_SMTP_CA_FILE", self.cert.display().to_string()),
        ]
    }

    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits (up to 10 s) until `n` messages have arrived.
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..100 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{n} messages expected, {} received", self.received().len())
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The production settings of a deployment: its secret, Twilio, its public host and
/// the SMTP server (`extra`).
fn production(extra: Vec<(&'static str, String)>) -> Result<Config, String> {
    let mut vars: Vec<(&str, String)> = vec![
        ("PHONE_MFA_PRODUCTION", "1".into()),
        (
            "PHONE_MFA_SECRET",
            "a production secret of at least 32 chars".into(),
        ),
        ("PHONE_MFA_TWILIO_ACCOUNT_SID", "AC0000".into()),
        ("PHONE_MFA_TWILIO_AUTH_TOKEN", "token".into()),
        ("PHONE_MFA_TWILIO_FROM", "+12025550100".into()),
        ("PHONE_MFA_PUBLIC_HOST", "mfa.example.com".into()),
    ];
    vars.extend(extra);
    Config::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())).map_err(|e| e.0)
}

/// A production server on a fresh database, mailing through `sink` (codes still go to
/// the recording courier, so the test can read them).
async fn production_server(sink: &SmtpSink) -> TestServer {
    let config = production(sink.vars()).unwrap();
    server_with(move |c| {
        let (database, dist_dir) = (c.database.clone(), c.dist_dir.clone());
        *c = config;
        c.database = database;
        c.dist_dir = dist_dir;
    })
    .await
}

fn header<'a>(message: &'a Value, name: &str) -> &'a str {
    message["headers"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} header in {message}"))
}

/// Rule A6 (the e-mail half): a production server's sign-up link and account-change
/// notice really leave, over TLS with the operator's credentials, in the account's
/// language, with the masked number and links to the public HTTPS origin.
#[tokio::test]
async fn production_mail_leaves_over_starttls_in_the_accounts_language_a6() {
    let sink = SmtpSink::start();
    let s = production_server(&sink).await;
    let email = "ana@example.com";

    // Sign-up, in English: the link to continue arrives.
    let c = s.client();
    let r = c
        .post(paths::SIGN_UP, json!({"email": email, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let received = sink.wait_for(1).await;
    let link = &received[0];
    assert_eq!(link["tls"], true, "STARTTLS was used");
    assert_eq!(
        link["authenticated"], true,
        "the operator's credentials were used"
    );
    assert_eq!(link["mail_from"], "no-reply@mfa.example.com");
    assert_eq!(link["rcpt_tos"], json!([email]));
    assert_eq!(header(link, "from"), "Phone MFA <no-reply@mfa.example.com>");
    assert_eq!(header(link, "to"), email);
    let (subject, _) = i18n::sign_up_link_email(Language::En, ORIGIN, "token");
    assert_eq!(header(link, "subject"), subject);
    let content_type = header(link, "content-type").to_ascii_lowercase().replace('"', "");
    assert!(
        content_type.starts_with("text/plain; charset=utf-8"),
        "{content_type}"
    );
    assert!(!header(link, "date").is_empty());
    assert!(header(link, "message-id").starts_with('<'));
    let body = link["body"].as_str().unwrap();
    assert!(
        body.contains(&format!("{ORIGIN}/create-account/continue#token=")),
        "{body}"
    );

    // The link from the delivered message creates the account.
    let r = c
        .post(paths::SIGN_UP_CONFIRM, json!({ "token": link_token(body) }))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    // In Spanish from now on; a phone is added: the notice says so, in Spanish, masked.
    let r = c
        .send(
            reqwest::Method::PUT,
            paths::SESSION_LANGUAGE,
            Some(json!({"language": "es"})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ch = c
        .start(Purpose::Setup, Channel::Sms, Some("+12015550123"), None)
        .await;
    assert_eq!(ch.status, 201, "{:?}", ch.body);
    let v = c.verify(&challenge_id(&ch), &s.last_code()).await;
    assert_eq!(v.status, 200, "{:?}", v.body);
    let received = sink.wait_for(2).await;
    let notice = &received[1];
    assert_eq!(notice["tls"], true);
    assert_eq!(notice["rcpt_tos"], json!([email]));
    let masked = phone_mfa_contract::phone::mask_e164("+12015550123");
    let change = AccountChangeView::PhoneAdded {
        masked_phone: masked.clone(),
    };
    let (subject, _) = i18n::account_change_email(Language::Es, &change, ORIGIN);
    assert_eq!(header(notice, "subject"), subject);
    assert!(
        !subject.is_ascii(),
        "the Spanish subject needs RFC 2047: {subject}"
    );
    let body = notice["body"].as_str().unwrap();
    assert!(body.contains(&masked), "{body}");
    for full in ["2015550123", "555-0123", "555 0123"] {
        assert!(!body.contains(full), "the full number is in the notice: {body}");
    }
    // The "this wasn't me" link, whole: the token follows it on the same line.
    assert!(body.contains(&format!("{ORIGIN}/this-wasnt-me#token=")), "{body}");
    assert_eq!(link_token(body).len(), 43, "{body}");
}

/// The SMTP server's certificate is checked: without the CA that signed it, nothing is
/// sent (no credentials, no message), and the failure says why.
#[tokio::test]
async fn an_smtp_server_whose_certificate_is_not_trusted_gets_nothing() {
    let sink = SmtpSink::start();
    let vars = sink.vars();
    let without_ca: Vec<_> = vars
        .into_iter()
        .filter(|(k, _)| *k != "PHONE_MFA_SMTP_CA_FILE")
        .collect();
    let config = SmtpConfig::from_vars(|name| {
        without_ca
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap()
    .unwrap();
    let notice = Notice {
        to_email: "ana@example.com".into(),
        subject: "s".into(),
        body: "b".into(),
    };
    let err = Smtp::new(&config).unwrap().send(&notice).await.unwrap_err();
    assert!(
        format!("{err:?}").to_lowercase().contains("certificate"),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sink.received().is_empty());
}

/// Production does not start without a way to send e-mail, nor with one that would
/// send it in the clear to another machine.
#[test]
fn production_refuses_to_start_without_a_safe_mailer() {
    let err = production(vec![]).unwrap_err();
    assert!(err.contains("PHONE_MFA_SMTP_URL"), "{err}");
    let err = production(vec![
        ("PHONE_MFA_SMTP_URL", "smtp://mail.example.com".into()),
        ("PHONE_MFA_SMTP_FROM", "no-reply@example.com".into()),
    ])
    .unwrap_err();
    assert!(err.contains("unencrypted"), "{err}");
    production(vec![
        ("PHONE_MFA_SMTP_URL", "smtps://mail.example.com".into()),
        ("PHONE_MFA_SMTP_FROM", "no-reply@example.com".into()),
    ])
    .unwrap();
}
