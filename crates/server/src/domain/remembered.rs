//! "Don't ask again on this browser" (issue 20 item 4): after a sign-in's second factor,
//! a browser may be remembered for [`REMEMBER_BROWSER_SECS`]. It gets a cookie of its own
//! holding a random token (stored as SHA-256, bound to the account); a password sign-in
//! from it skips the second factor. Never a re-authentication: the session it opens has
//! no second factor passed, so adding, changing or removing a method still asks for
//! one. Any method change, and "this wasn't me", forgets every browser of the account.

use crate::domain::accounts::audit;
use crate::domain::codes::RememberBrowser;
use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{new_token, token_hash};
use crate::store::{self, Conn, StoreResult};
use axum::http::HeaderValue;
use phone_mfa_contract::policy::{MAX_REMEMBERED_BROWSERS, REMEMBER_BROWSER_SECS};
use phone_mfa_contract::BROWSER_COOKIE;

/// The browser's cookie: `__Host-`, Secure, HttpOnly, SameSite=Strict like the session's
/// (rule W1), kept as long as the browser is remembered.
pub fn cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{BROWSER_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={REMEMBER_BROWSER_SECS}"
    ))
    .expect("tokens are URL-safe base64")
}

/// A name a person recognises their browser by, from its User-Agent: "Firefox, Windows".
/// Approximate on purpose (User-Agents lie and are being frozen); empty when nothing is
/// recognised, and the app says "a browser" in the person's language.
pub fn browser_name(user_agent: &str) -> String {
    let ua = user_agent;
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(token, _)| ua.contains(token))
    .map(|(_, name)| *name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(token, _)| ua.contains(token))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => String::new(),
    }
}

/// Remembers the browser of `session` (whose second factor of a sign-in just passed);
/// returns the token for its cookie. The account keeps its most recently used browsers.
pub async fn remember(
    c: &mut Conn,
    session: &Session,
    browser: &RememberBrowser<'_>,
    ip: &str,
    now: i64,
) -> StoreResult<String> {
    // Remembered before (an old cookie): one row for the browser, not two.
    if let Some(old) = browser.replaces.filter(|t| !t.is_empty()) {
        store::remembered_browsers::forget_token(c, session.account_id, &token_hash(old)).await?;
    }
    let user_agent = browser.user_agent;
    let token = new_token(32);
    let name = browser_name(user_agent);
    store::remembered_browsers::insert(
        c,
        &store::remembered_browsers::NewBrowser {
            account_id: session.account_id,
            token_hash: &token_hash(&token),
            name: &name,
            now,
            expires_at: now + REMEMBER_BROWSER_SECS,
        },
    )
    .await?;
    store::remembered_browsers::keep_latest(c, session.account_id, MAX_REMEMBERED_BROWSERS).await?;
    audit(c, Some(session.account_id), "browser_remembered", &name, ip, now).await?;
    Ok(token)
}

/// The remembered browser behind a cookie, if it is this account's and not expired.
pub async fn recognise(
    c: &mut Conn,
    account_id: i64,
    cookie_token: Option<&str>,
    now: i64,
) -> StoreResult<Option<Vec<u8>>> {
    let Some(token) = cookie_token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    Ok(store::remembered_browsers::recognise(c, account_id, &hash, now)
        .await?
        .then_some(hash))
}

/// "Forget" on the dashboard: that browser is asked for a code at its next sign-in,
/// and a session it let in without one ends.
pub async fn forget(c: &mut Conn, session: &Session, id: i64, ip: &str, now: i64) -> AppResult<()> {
    if !store::remembered_browsers::forget(c, session.account_id, id).await? {
        return Err(AppError::not_found(i18n::BROWSER_NOT_REMEMBERED));
    }
    audit(
        c,
        Some(session.account_id),
        "browser_forgotten",
        &format!("id={id}"),
        ip,
        now,
    )
    .await?;
    Ok(())
}

/// "Forget all browsers".
pub async fn forget_all(c: &mut Conn, session: &Session, ip: &str, now: i64) -> AppResult<()> {
    let n = store::remembered_browsers::forget_all(c, session.account_id).await?;
    audit(
        c,
        Some(session.account_id),
        "browsers_forgotten",
        &format!("count={n}"),
        ip,
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::browser_name;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let cases = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge, Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome, Linux"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari, macOS"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari, iPhone"),
            ("Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox, Android"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Windows"),
            ("curl/8.5.0", ""),
            ("", ""),
        ];
        for (ua, name) in cases {
            assert_eq!(browser_name(ua), name, "{ua}");
        }
    }
}
