//! "This wasn't me" (rule A6, issue 17 item 4): the link in every account-change
//! e-mail undoes that change, ends every session of the account, pauses method
//! changes for a day and is recorded; it works once, for seven days.

use crate::common;
use common::*;
use phone_mfa_contract::policy::*;
use phone_mfa_contract::*;
use phone_mfa_server::clock::Clock;
use serde_json::json;

const EMAIL: &str = "a@example.com";

/// A new session of the account, signed in with a code sent to its default phone.
async fn signed_in(s: &TestServer) -> Client {
    // Past the short burst limit of the number, whatever was sent to it just before.
    s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
    let c = s.password_only(EMAIL).await;
    let view = c.session().await;
    let method = view.body["methods"][0]["id"].as_i64().expect("a phone");
    let r = c.start(Purpose::SignIn, Channel::Sms, None, Some(method)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    c
}

/// The token of the newest account-change e-mail.
async fn newest_report_token(s: &TestServer) -> String {
    let mail = s.last_email_to(EMAIL).await.expect("an e-mail");
    assert!(mail.contains("/this-wasnt-me#token="), "{mail}");
    link_token(&mail)
}

async fn add_phone(s: &TestServer, c: &Client, number: &str) -> i64 {
    s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
    let r = c.start(Purpose::Setup, Channel::Sms, Some(number), None).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = c.verify(&challenge_id(&r), &s.last_code()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["method"]["id"].as_i64().unwrap()
}

fn phones(methods: &[MethodView]) -> Vec<String> {
    methods.iter().filter_map(|m| m.masked_phone.clone()).collect()
}

#[tokio::test]
async fn a6_this_wasnt_me_puts_a_removed_number_back_ends_every_session_and_pauses_changes() {
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    let second = add_phone(&s, &c, "2015550145").await;
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let token = newest_report_token(&s).await;
    // Another device signed in after the change: it must end too.
    let elsewhere = signed_in(&s).await;
    let anonymous = s.client();

    // Looking changes nothing and needs no session.
    let r = anonymous
        .post(paths::CHANGE_REPORT, json!({ "token": token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let look: ChangeReportView = serde_json::from_value(r.body).unwrap();
    assert_eq!(
        look.change,
        AccountChangeView::PhoneRemoved {
            masked_phone: "•••-•••-0145".into()
        }
    );
    assert_eq!(c.session().await.status, 200);

    let r = anonymous
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let done: ChangeReportedView = serde_json::from_value(r.body).unwrap();
    assert_eq!(done.outcome, UndoOutcome::Undone);
    assert_eq!(done.sessions_ended, 2);
    assert_eq!(done.changes_paused_until, s.clock.now() + CHANGES_PAUSED_SECS);
    assert_eq!(c.session().await.status, 401, "the session that made the change");
    assert_eq!(elsewhere.session().await.status, 401, "a session opened since");
    assert_eq!(
        s.number("SELECT COUNT(*) FROM audit_log WHERE event = 'change_reported'")
            .await,
        1
    );

    // Single use: the same link again, or a look at it, says it was used.
    for path in [paths::CHANGE_REPORT_UNDO, paths::CHANGE_REPORT] {
        let r = anonymous.post(path, json!({ "token": token })).await;
        assert_eq!((r.status, r.error()), (410, "report_link_used"), "{path}");
    }

    // The number is back, and for a day no method can be added, changed or removed.
    let c = signed_in(&s).await;
    let methods = c.methods().await;
    assert_eq!(phones(&methods), ["•••-•••-0123", "•••-•••-0145"]);
    let back = methods[1].id;
    let r = c.send(reqwest::Method::DELETE, &paths::method(back), None).await;
    assert_eq!((r.status, r.error()), (403, "changes_paused"), "{:?}", r.body);
    assert_eq!(
        r.body["retry_after_s"].as_i64(),
        Some(CHANGES_PAUSED_SECS - PHONE_BURST_WINDOW_SECS - 1)
    );
    let r = c
        .start(Purpose::PhoneChange, Channel::Sms, Some("2015550167"), Some(back))
        .await;
    assert_eq!((r.status, r.error()), (403, "changes_paused"), "{:?}", r.body);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550167"), None)
        .await;
    assert_eq!((r.status, r.error()), (403, "changes_paused"), "{:?}", r.body);

    // A day later, changes are allowed again.
    s.clock.advance(CHANGES_PAUSED_SECS);
    let c = signed_in(&s).await;
    let r = c.send(reqwest::Method::DELETE, &paths::method(back), None).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
}

#[tokio::test]
async fn a6_this_wasnt_me_removes_an_added_number_and_puts_a_replaced_one_back() {
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    let added = add_phone(&s, &c, "2015550145").await;
    let added_token = newest_report_token(&s).await;
    s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
    let r = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550167"),
            Some(added),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let changed_token = newest_report_token(&s).await;
    assert_ne!(added_token, changed_token, "a link per change");

    // The change first: 0167 goes back to 0145.
    let r = s
        .client()
        .post(paths::CHANGE_REPORT, json!({ "token": changed_token }))
        .await;
    assert_eq!(
        r.body["change"],
        json!({"kind": "phone_changed", "from_masked": "•••-•••-0145", "to_masked": "•••-•••-0167"})
    );
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": changed_token }))
        .await;
    assert_eq!(r.body["outcome"], "undone", "{:?}", r.body);
    assert_eq!(
        phones(&signed_in(&s).await.methods().await),
        ["•••-•••-0123", "•••-•••-0145"]
    );

    // Then the add: 0145 goes, the first number stays the default.
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": added_token }))
        .await;
    assert_eq!(r.body["outcome"], "undone", "{:?}", r.body);
    let methods = signed_in(&s).await.methods().await;
    assert_eq!(phones(&methods), ["•••-•••-0123"]);
    assert!(methods[0].is_default);
}

#[tokio::test]
async fn a6_undoing_a_first_phone_leaves_the_account_free_to_set_up_its_own() {
    let s = server().await;
    s.with_phone(EMAIL, "2015550123").await;
    let token = newest_report_token(&s).await;
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": token }))
        .await;
    assert_eq!(r.body["outcome"], "undone", "{:?}", r.body);
    // No method left: the pause does not stop the owner from setting one up.
    let c = s.password_only(EMAIL).await;
    assert_eq!(c.session().await.body["stage"], "mfa_setup");
    s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
    let r = c
        .start(Purpose::Setup, Channel::Sms, Some("2015550188"), None)
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
}

#[tokio::test]
async fn a6_a_link_works_for_seven_days_and_a_made_up_one_does_nothing() {
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    add_phone(&s, &c, "2015550145").await;
    let token = newest_report_token(&s).await;
    for made_up in ["", "x", &"A".repeat(43), &format!("{token}x")] {
        let r = s
            .client()
            .post(paths::CHANGE_REPORT_UNDO, json!({ "token": made_up }))
            .await;
        assert_eq!((r.status, r.error()), (410, "report_link_expired"), "{made_up}");
    }
    s.clock.advance(CHANGE_REPORT_LINK_TTL_SECS - 1);
    let r = s
        .client()
        .post(paths::CHANGE_REPORT, json!({ "token": token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    s.clock.advance(1);
    for path in [paths::CHANGE_REPORT, paths::CHANGE_REPORT_UNDO] {
        let r = s.client().post(path, json!({ "token": token })).await;
        assert_eq!((r.status, r.error()), (410, "report_link_expired"), "{path}");
    }
    assert_eq!(s.number("SELECT COUNT(*) FROM methods WHERE account_id = (SELECT id FROM accounts WHERE email = 'a@example.com')").await, 2, "nothing undone");
    assert_eq!(s.number("SELECT COUNT(*) FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE email = 'a@example.com')").await, 1, "nobody signed out");
    assert_eq!(
        s.number("SELECT changes_paused_until FROM accounts WHERE email = 'a@example.com'")
            .await,
        0
    );
}

/// Two clicks at once (a double click, two tabs): the change is undone once.
#[tokio::test]
async fn a6_a_link_used_twice_at_once_undoes_once() {
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    let second = add_phone(&s, &c, "2015550145").await;
    let r = c
        .send(reqwest::Method::DELETE, &paths::method(second), None)
        .await;
    assert_eq!(r.status, 204);
    let token = newest_report_token(&s).await;
    let (a, b) = (s.client(), s.client());
    let (ra, rb) = tokio::join!(
        a.post(paths::CHANGE_REPORT_UNDO, json!({ "token": token })),
        b.post(paths::CHANGE_REPORT_UNDO, json!({ "token": token })),
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 410]);
    assert_eq!(s.number("SELECT COUNT(*) FROM methods WHERE account_id = (SELECT id FROM accounts WHERE email = 'a@example.com')").await, 2, "put back once");
}

/// The link's token is kept only as its SHA-256, and the e-mail is the only place it is.
#[tokio::test]
async fn a6_the_token_is_stored_hashed() {
    let s = server().await;
    s.with_phone(EMAIL, "2015550123").await;
    let token = newest_report_token(&s).await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM change_reports")
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert_eq!(stored, phone_mfa_server::secrets::token_hash(&token));
    let undo: String = sqlx::query_scalar("SELECT undo FROM change_reports")
        .fetch_one(&s.db)
        .await
        .unwrap();
    assert!(!undo.contains(&token));
}

/// Whoever made a change may have made more since: reporting the first undoes them
/// all, newest first. A number added, then changed, is still the number added.
#[tokio::test]
async fn a6_undoing_a_change_undoes_the_changes_made_after_it() {
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    let added = add_phone(&s, &c, "2015550145").await;
    let added_token = newest_report_token(&s).await;
    s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
    let r = c
        .start(
            Purpose::PhoneChange,
            Channel::Sms,
            Some("2015550167"),
            Some(added),
        )
        .await;
    assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": added_token }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["outcome"], "undone");
    assert_eq!(r.body["later_changes_undone"], 1);
    assert_eq!(phones(&signed_in(&s).await.methods().await), ["•••-•••-0123"]);

    // A→B→C on one method, reported at A→B: back to A.
    let s = server().await;
    let c = s.with_phone(EMAIL, "2015550123").await;
    let method = c.methods().await[0].id;
    let mut tokens = vec![];
    for number in ["2015550145", "2015550167"] {
        s.clock.advance(PHONE_BURST_WINDOW_SECS + 1);
        let r = c
            .start(Purpose::PhoneChange, Channel::Sms, Some(number), Some(method))
            .await;
        assert_eq!(c.verify(&challenge_id(&r), &s.last_code()).await.status, 200);
        tokens.push(newest_report_token(&s).await);
    }
    let r = s
        .client()
        .post(paths::CHANGE_REPORT_UNDO, json!({ "token": tokens[0] }))
        .await;
    assert_eq!(
        (
            r.body["outcome"].as_str(),
            r.body["later_changes_undone"].as_u64()
        ),
        (Some("undone"), Some(1))
    );
    assert_eq!(phones(&signed_in(&s).await.methods().await), ["•••-•••-0123"]);
    // The later change's link was used up with it.
    let r = s
        .client()
        .post(paths::CHANGE_REPORT, json!({ "token": tokens[1] }))
        .await;
    assert_eq!(r.error(), "report_link_used");
}
