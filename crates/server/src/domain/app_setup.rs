//! Authenticator-app setup (issue 20 item 1). A session that may add a method asks for
//! a key: the server makes a 160-bit secret, keeps it sealed for this session for
//! [`APP_SETUP_TTL_SECS`], and answers the key, its `otpauth://` URI and the URI's QR
//! code. The app's first code confirms it: only then is the method stored (the secret
//! still sealed), and the key is never sent again. A wrong code counts against the
//! account's wrong-code budget like any other (G1, G2).

use crate::domain::accounts::{self, audit};
use crate::domain::change_reports::{self, Change};
use crate::domain::codes::{self, finish, Passed, Verdict};
use crate::domain::{deliveries, recovery, sessions};
use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{is_sealed, new_totp_secret, open, seal};
use crate::state::AppState;
use crate::store::methods::MethodRow;
use crate::store::{self, Conn, Store, StoreResult};
use crate::totp;
use axum::http::StatusCode;
use phone_mfa_contract::policy::APP_SETUP_TTL_SECS;
use phone_mfa_contract::{AppSetupView, ErrorCode, MethodKind, Purpose, QrView, SessionStage, VerifiedView};

/// The name authenticator apps list the account under.
pub const ISSUER: &str = "Phone MFA";

/// What an authenticator-app secret of this account is sealed against.
pub fn seal_context(account_id: i64) -> String {
    format!("totp:{account_id}")
}

/// The `otpauth://` URI authenticator apps read (Google Authenticator's Key URI
/// format): the issuer and the account's e-mail as label, 6 digits, 30 s, SHA-1.
pub fn otpauth_uri(secret: &str, email: &str) -> String {
    let enc =
        |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={}",
        enc(ISSUER),
        enc(email),
        enc(ISSUER),
        totp::STEP_SECS
    )
}

/// The QR code of `text` as an SVG path of its dark modules (medium error correction,
/// which phone cameras read easily off a screen).
pub fn qr(text: &str) -> QrView {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .expect("an otpauth URI fits a QR code");
    let size = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % size, i / size));
        }
    }
    QrView {
        size: size as u32,
        path,
    }
}

fn already_has_app() -> AppError {
    AppError::new(StatusCode::CONFLICT, ErrorCode::Conflict, i18n::APP_ALREADY_ADDED)
}

/// The account's methods, if this session may add an app now (in the transaction,
/// holding the account): the rules of any method added (A3, changes not paused), and
/// one app per account.
async fn may_add_app(tx: &mut Conn, session: &Session, now: i64) -> AppResult<Vec<MethodRow>> {
    // One request at a time per account, on every server (crate::store).
    store::lock_account(tx, session.account_id).await?;
    let methods = store::methods::list(tx, session.account_id).await?;
    codes::authorize(session, Purpose::Setup, !methods.is_empty(), now)?;
    change_reports::require_changes_allowed(tx, session.account_id, !methods.is_empty(), now).await?;
    if methods.iter().any(|m| m.kind == MethodKind::AuthenticatorApp) {
        return Err(already_has_app());
    }
    Ok(methods)
}

/// An authenticator-app secret as stored (sealed), opened. One that does not open is
/// the operator's problem (another `PHONE_MFA_SECRET`), never the person's.
pub fn open_secret(server_secret: &[u8], account_id: i64, sealed: &str) -> AppResult<String> {
    open(server_secret, &seal_context(account_id), sealed).ok_or_else(|| {
        tracing::error!(
            account_id,
            "an authenticator-app secret does not open with this server's secret"
        );
        AppError::internal()
    })
}

/// A new key for this session (replacing one shown before).
pub async fn start(state: &AppState, session: Session) -> AppResult<AppSetupView> {
    let now = state.now();
    let secret = new_totp_secret();
    let sealed = seal(&state.config.secret, &seal_context(session.account_id), &secret);
    state
        .store
        .write(async |tx| -> AppResult<_> {
            may_add_app(tx, &session, now).await?;
            Ok(store::app_enrolments::put(tx, &session.token_hash, session.account_id, &sealed, now).await?)
        })
        .await?;
    let uri = otpauth_uri(&secret, &session.email);
    Ok(AppSetupView {
        qr: qr(&uri),
        key: secret,
        uri,
        expires_in_s: APP_SETUP_TTL_SECS,
    })
}

/// The app's first code: adds the method if it matches the key this session was shown.
pub async fn confirm(state: &AppState, session: Session, ip: &str, typed: &str) -> AppResult<Passed> {
    let now = state.now();
    let st = state;
    let verdict = state
        .store
        .write(async |tx| -> AppResult<_> {
            let methods = may_add_app(tx, &session, now).await?;
            let expired = || AppError::new(StatusCode::GONE, ErrorCode::CodeExpired, i18n::APP_SETUP_EXPIRED);
            let (sealed, shown_at) = store::app_enrolments::find(tx, &session.token_hash, session.account_id)
                .await?
                .ok_or_else(expired)?;
            if now - shown_at >= APP_SETUP_TTL_SECS {
                return Err(expired());
            }
            accounts::check_not_locked(tx, session.account_id, now).await?;
            let code = codes::typed_code(typed)?;
            let secret = open_secret(&st.config.secret, session.account_id, &sealed)?;
            let Some(step) = totp::matching_step(&secret, &code, now) else {
                crate::metrics::code_checked("wrong");
                return Ok(Verdict::Refused(
                    accounts::record_wrong_code(
                        tx,
                        session.account_id,
                        accounts::WrongCode::AppSetup,
                        now,
                        ip,
                    )
                    .await?,
                ));
            };
            crate::metrics::code_checked("right");
            store::accounts::clear_code_failures(tx, session.account_id).await?;
            store::app_enrolments::delete(tx, &session.token_hash).await?;
            let first = methods.is_empty();
            let id =
                store::methods::add_authenticator_app(tx, session.account_id, &sealed, first, now).await?;
            // The code that confirmed it is used: it cannot sign in too.
            store::methods::use_totp_step(tx, id, step).await?;
            audit(
                tx,
                Some(session.account_id),
                "method_added",
                "authenticator_app",
                ip,
                now,
            )
            .await?;
            let origin = st.config.public_origin();
            let notice =
                change_reports::notice(tx, &session, &Change::AppAdded { method_id: id }, &origin, now)
                    .await?;
            deliveries::queue(tx, &notice, now).await?;
            sessions::after_methods_changed(tx, session.account_id, &session.token_hash).await?;
            let recovery_codes = if first {
                recovery::issue(tx, &st.config.secret, session.account_id, now).await?
            } else {
                Vec::new()
            };
            let token = sessions::second_factor_passed(tx, &session, ip, now).await?;
            let method = accounts::method(tx, session.account_id, id).await?;
            Ok(Verdict::Passed {
                view: VerifiedView {
                    session: accounts::session_view(tx, session.account_id, SessionStage::SignedIn, now, now)
                        .await?,
                    method: Some(method.view()),
                    recovery_codes,
                },
                notice_queued: true,
                new_cookie: Some(token),
                browser_token: None,
            })
        })
        .await?;
    finish(state, verdict).await
}

/// Seals every authenticator-app secret still stored in clear (written before secrets
/// were sealed): run at start-up, once per row. Returns how many were sealed.
pub async fn seal_plain_secrets(store: &Store, server_secret: &[u8]) -> StoreResult<u64> {
    store
        .write(async |tx| {
            let mut sealed = 0;
            for (id, account_id, stored) in store::methods::app_secrets(tx).await? {
                if !is_sealed(&stored) {
                    let value = seal(server_secret, &seal_context(account_id), &stored);
                    store::methods::set_app_secret(tx, id, &value).await?;
                    sealed += 1;
                }
            }
            Ok(sealed)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_names_the_issuer_and_the_account() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "ana+mfa@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Phone%20MFA:ana%2Bmfa%40example%2Ecom?secret=JBSWY3DPEHPK3PXP&issuer=Phone%20MFA&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_qr_code_is_a_square_of_unit_modules() {
        let view = qr("otpauth://totp/Phone%20MFA:a%40b?secret=JBSWY3DPEHPK3PXP");
        assert!(
            view.size >= 21 && (view.size - 17).is_multiple_of(4),
            "a QR version's width: {}",
            view.size
        );
        // The three finder patterns' corners are dark.
        let last = view.size - 1;
        for (x, y) in [(0, 0), (last, 0), (0, last)] {
            assert!(view.path.contains(&format!("M{x} {y}h1v1h-1z")), "({x}, {y})");
        }
        // The module beside a finder pattern's edge (its separator) is light.
        assert!(!view.path.contains("M7 0h1v1h-1z"));
    }
}
