//! English and Spanish: errors answer in the request's language; texts, calls and
//! emails go out in the account's language, which the app keeps in step.

use crate::common;

use common::*;
use phone_mfa_contract::*;
use serde_json::json;

const PHONE: &str = "2015550123";

async fn last_email(s: &TestServer) -> String {
    s.deliveries_settled().await;
    sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'email' ORDER BY id DESC LIMIT 1")
        .fetch_one(&s.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn errors_answer_in_the_language_the_request_asks_for() {
    let s = server().await;
    let c = s.client();
    let bad_password = |lang: &'static str| {
        let c = c.clone();
        let base = s.base.clone();
        async move {
            c.raw(
                c.http
                    .post(format!("{base}{}", paths::SIGN_IN))
                    .header(CSRF_HEADER, CSRF_HEADER_VALUE)
                    .header("accept-language", lang)
                    .json(&json!({"email": "nobody@example.com", "password": "wrong wrong wrong"})),
            )
            .await
        }
    };
    let es = bad_password("es-MX,es;q=0.9,en;q=0.5").await;
    assert_eq!(es.status, 401, "{:?}", es.body);
    assert_eq!(
        es.body["message"],
        "El correo electrónico o la contraseña no son correctos. Revísalos y vuelve a intentarlo"
    );
    let en = bad_password("en-GB").await;
    assert_eq!(
        en.body["message"],
        "The email or password is not right. Check them and try again"
    );
    // A language we don't have: English, still the same machine-readable error.
    let other = bad_password("fr-CH, de;q=0.8").await;
    assert_eq!(other.body["message"], en.body["message"]);
    assert_eq!((other.error(), es.error()), (en.error(), en.error()));
}

#[tokio::test]
async fn a_spanish_account_gets_its_codes_and_emails_in_spanish() {
    let s = server().await;
    let c = s.client();
    let r = c
        .post(
            paths::SIGN_UP,
            json!({"email": "ana@example.com", "password": PASSWORD, "language": "es"}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let mail = last_email(&s).await;
    assert!(
        mail.starts_with("Termina de crear tu cuenta de Phone MFA"),
        "{mail}"
    );
    let r = c
        .post(paths::SIGN_UP_CONFIRM, json!({ "token": link_token(&mail) }))
        .await;
    assert_eq!(r.body["language"], "es");

    let ch = c.start(Purpose::Setup, Channel::Sms, Some(PHONE), None).await;
    let text = s.last_delivery().sms_body();
    assert!(
        text.contains(" es tu código de Phone MFA. No lo compartas"),
        "{text}"
    );
    assert!(text.ends_with(&format!(" #{}", s.last_code())), "{text}");
    assert_eq!(c.verify(&challenge_id(&ch), &s.last_code()).await.status, 200);
    let mail = last_email(&s).await;
    assert!(
        mail.starts_with("Se agregó un número de teléfono a tu cuenta"),
        "{mail}"
    );
    assert!(
        mail.contains("•••-•••-0123") && mail.contains("Si no fuiste tú"),
        "{mail}"
    );

    let methods = c.methods().await;
    c.start(Purpose::Reauth, Channel::Voice, None, Some(methods[0].id))
        .await;
    let call = s.last_delivery().voice_script();
    assert!(call.starts_with("Hola. Te llamamos de Phone MFA"), "{call}");
}

#[tokio::test]
async fn switching_language_changes_what_the_account_is_sent() {
    let s = server().await;
    // Signed up without saying: the request's language (none here) means English.
    let c = s.with_phone("bo@example.com", PHONE).await;
    assert_eq!(c.session().await.body["language"], "en");
    let id = c.methods().await[0].id;
    c.start(Purpose::Reauth, Channel::Sms, None, Some(id)).await;
    assert!(s
        .last_delivery()
        .sms_body()
        .contains(" is your Phone MFA code. Don't share it"));

    let r = c
        .send(
            reqwest::Method::PUT,
            paths::SESSION_LANGUAGE,
            Some(json!({"language": "es"})),
        )
        .await;
    assert_eq!(
        (r.status, &r.body["language"]),
        (200, &json!("es")),
        "{:?}",
        r.body
    );
    s.clock.advance(60);
    c.start(Purpose::Reauth, Channel::Sms, None, Some(id)).await;
    assert!(s
        .last_delivery()
        .sms_body()
        .contains(" es tu código de Phone MFA."));

    // Only our languages, and only for a signed-in person.
    let bad = c
        .send(
            reqwest::Method::PUT,
            paths::SESSION_LANGUAGE,
            Some(json!({"language": "fr"})),
        )
        .await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let stranger = s
        .client()
        .send(
            reqwest::Method::PUT,
            paths::SESSION_LANGUAGE,
            Some(json!({"language": "es"})),
        )
        .await;
    assert_eq!(stranger.status, 401);
}
