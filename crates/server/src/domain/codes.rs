//! The codes service: send a one-time code by text or call, resend it, verify it; and
//! the authenticator-app check, which shares the wrong-code lockout. Each runs its
//! checks and changes in one transaction holding the account (and, for a send, the
//! number, IP and account send counts), and calls the courier only after it commits.

use crate::couriers::{twilio, Accepted, CodeDelivery, Notice};
use crate::domain::accounts::{self, audit, MethodRow};
use crate::domain::change_reports::{self, Change};
use crate::domain::limits::{self, SendKey};
use crate::domain::sessions;
use crate::error::{AppError, AppResult};
use crate::http::extract::Session;
use crate::i18n;
use crate::secrets::{code_mac, code_matches, new_code, new_token, phone_fingerprint};
use crate::state::AppState;
use crate::store;
use crate::store::{Column, Conn};
use axum::http::StatusCode;
use phone_mfa_contract::code::normalize_code;
use phone_mfa_contract::phone::{check_phone, mask_e164, Channels};
use phone_mfa_contract::policy::{CODE_TTL_SECS, MAX_PHONES_PER_ACCOUNT, RESEND_COOLDOWN_SECS};
use phone_mfa_contract::{
    ChallengeView, Channel, DeliveryStatus, DeliveryView, ErrorCode, Language, MethodKind, Purpose,
    SessionStage, StartChallengeRequest, VerifiedView,
};

/// A code request of this session, or 404 (another session's looks like none).
async fn load(c: &mut Conn, session: &Session, id: &str) -> AppResult<store::challenges::ChallengeRow> {
    store::challenges::find(c, id, session.account_id, &session.token_hash)
        .await?
        .ok_or_else(|| AppError::not_found(i18n::CODE_REQUEST_GONE))
}

/// Is this session at a stage where a code for `purpose` makes sense?
pub(crate) fn authorize(session: &Session, purpose: Purpose, has_methods: bool, now: i64) -> AppResult<()> {
    match (purpose, session.stage) {
        (Purpose::Setup, SessionStage::MfaSetup) => Ok(()),
        // No method yet (setup was skipped): the first one needs no re-authentication.
        (Purpose::Setup, SessionStage::SignedIn) if !has_methods => Ok(()),
        (Purpose::Setup | Purpose::PhoneChange, SessionStage::SignedIn) => {
            accounts::require_recent_factor(session, now)
        }
        (Purpose::SignIn, SessionStage::MfaPending) => Ok(()),
        (Purpose::Reauth, SessionStage::SignedIn) => Ok(()),
        (Purpose::SignIn, _) => Err(AppError::wrong_stage(i18n::NOT_SIGNING_IN)),
        _ => Err(AppError::wrong_stage(i18n::error(ErrorCode::WrongStage))),
    }
}

/// A code for this purpose adds or changes a method (paused after a reported change).
fn changes_methods(purpose: Purpose) -> bool {
    matches!(purpose, Purpose::Setup | Purpose::PhoneChange)
}

fn channel_not_supported() -> AppError {
    AppError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::ChannelNotSupported,
        i18n::CANNOT_TEXT_CALL_INSTEAD,
    )
    .field("channel")
}

struct Destination {
    e164: String,
    /// A new number, formatted for the person who just typed it.
    typed: Option<String>,
    sms_ok: bool,
    method_id: Option<i64>,
}

fn phone_method(methods: &[MethodRow], id: Option<i64>) -> AppResult<&MethodRow> {
    let id = id.ok_or_else(|| AppError::bad_request(i18n::METHOD_ID_REQUIRED).field("method_id"))?;
    methods
        .iter()
        .find(|m| m.id == id && m.kind == MethodKind::Phone)
        .ok_or_else(|| AppError::not_found(i18n::PHONE_NOT_ON_ACCOUNT))
}

struct Sent {
    view: ChallengeView,
    delivery: CodeDelivery,
}

/// Sends a code to a new number (setup, phone change) or to one
/// of the account's phones (sign-in, re-authentication).
pub async fn send(
    state: &AppState,
    session: Session,
    ip: &str,
    req: StartChallengeRequest,
) -> AppResult<ChallengeView> {
    // Check a new number before touching the database: bad input costs nothing.
    let new_phone = match (&req.phone, req.purpose) {
        (Some(input), Purpose::Setup | Purpose::PhoneChange) => Some(
            check_phone(&input.number, &input.region, |r| state.config.country_allowed(r))
                .map_err(AppError::phone)?,
        ),
        (None, Purpose::Setup | Purpose::PhoneChange) => {
            return Err(AppError::phone(phone_mfa_contract::phone::PhoneProblem::Empty))
        }
        (Some(_), _) => return Err(AppError::bad_request(i18n::PHONE_ONLY_FOR_SETUP)),
        (None, _) => None,
    };
    if session.epcs_prescriber && matches!(req.purpose, Purpose::Setup | Purpose::PhoneChange) {
        return Err(epcs_unavailable());
    }
    let now = state.now();
    let st = state;
    let sent = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            let methods = store::methods::list(tx, session.account_id).await?;
            authorize(&session, req.purpose, !methods.is_empty(), now)?;
            if changes_methods(req.purpose) {
                change_reports::require_changes_allowed(tx, session.account_id, !methods.is_empty(), now)
                    .await?;
            }
            let dest = match req.purpose {
                Purpose::Setup => {
                    let phone = new_phone.expect("checked above");
                    ensure_can_add_phone(&methods, &phone.e164)?;
                    Destination {
                        typed: Some(phone.international),
                        e164: phone.e164,
                        sms_ok: phone.channels.sms,
                        method_id: None,
                    }
                }
                Purpose::PhoneChange => {
                    let phone = new_phone.expect("checked above");
                    let existing = phone_method(&methods, req.method_id)?.id;
                    if methods
                        .iter()
                        .any(|m| m.phone_e164.as_deref() == Some(phone.e164.as_str()))
                    {
                        return Err(already_added());
                    }
                    Destination {
                        typed: Some(phone.international),
                        e164: phone.e164,
                        sms_ok: phone.channels.sms,
                        method_id: Some(existing),
                    }
                }
                Purpose::SignIn | Purpose::Reauth => {
                    let m = phone_method(&methods, req.method_id)?;
                    Destination {
                        typed: None,
                        e164: m.phone_e164.clone().unwrap_or_default(),
                        sms_ok: m.sms_ok,
                        method_id: Some(m.id),
                    }
                }
            };
            let id = new_token(18);
            let ticket = SendTicket {
                account_id: session.account_id,
                ip,
                e164: &dest.e164,
                sms_ok: dest.sms_ok,
                channel: req.channel,
                language: session.language,
            };
            let (code, mut sent) = prepare_send(tx, st, &ticket, (&id, 1), req.purpose, now).await?;
            sent.view.new_phone = dest.typed.clone();
            store::challenges::insert(
                tx,
                &store::challenges::NewChallenge {
                    id: &id,
                    account_id: session.account_id,
                    session_hash: &session.token_hash,
                    purpose: req.purpose,
                    method_id: dest.method_id,
                    phone_e164: &dest.e164,
                    sms_ok: dest.sms_ok,
                    channel: req.channel,
                    code_mac: &code_mac(&st.config.secret, &id, &code),
                    now,
                },
            )
            .await?;
            audit(
                tx,
                Some(session.account_id),
                "code_sent",
                &format!(
                    "purpose={} channel={} phone={}",
                    req.purpose.column(),
                    req.channel.column(),
                    mask_e164(&dest.e164)
                ),
                ip,
                now,
            )
            .await?;
            Ok::<_, AppError>(sent)
        })
        .await?;
    deliver(state, sent).await
}

/// Where a code is about to go, and who asked.
struct SendTicket<'a> {
    account_id: i64,
    ip: &'a str,
    e164: &'a str,
    sms_ok: bool,
    channel: Channel,
    /// The account's language: the text or call is in it.
    language: Language,
}

/// The checks every send makes, first or resend: a text needs a number that takes
/// texts, a locked account gets no codes, and every send limit must allow it. Counts
/// the send and returns a fresh code with the answer for the app.
async fn prepare_send(
    tx: &mut Conn,
    st: &AppState,
    t: &SendTicket<'_>,
    (challenge_id, send_seq): (&str, i64),
    purpose: Purpose,
    now: i64,
) -> AppResult<(String, Sent)> {
    if t.channel == Channel::Sms && !t.sms_ok {
        return Err(channel_not_supported());
    }
    let attempts_left = accounts::check_not_locked(tx, t.account_id, now).await?;
    let fp = phone_fingerprint(&st.config.secret, t.e164);
    let key = SendKey {
        phone_fp: &fp,
        ip: t.ip,
        account_id: t.account_id,
    };
    limits::lock(tx, &key).await?;
    let sends_left = limits::check(tx, &st.config.limits, &key, now).await?;
    limits::record(tx, &key, now).await?;
    let code = new_code();
    let sent = Sent {
        view: ChallengeView {
            id: challenge_id.to_owned(),
            purpose,
            channel: t.channel,
            masked_phone: mask_e164(t.e164),
            new_phone: None,
            channels: Channels {
                sms: t.sms_ok,
                voice: true,
            },
            expires_in_s: CODE_TTL_SECS,
            resend_in_s: RESEND_COOLDOWN_SECS,
            sends_left,
            attempts_left,
            delivery: DeliveryView::default(),
        },
        delivery: CodeDelivery {
            challenge_id: challenge_id.to_owned(),
            send_seq,
            to_e164: t.e164.to_owned(),
            channel: t.channel,
            code: code.clone(),
            host: st.config.public_host.clone(),
            language: t.language,
        },
    };
    Ok((code, sent))
}

/// Hands the code to the courier (after the send is committed) and records what the
/// provider said; the answer carries it, so a number that cannot get this text is
/// told at once.
async fn deliver(state: &AppState, sent: Sent) -> AppResult<ChallengeView> {
    let Sent { mut view, delivery } = sent;
    let started = std::time::Instant::now();
    let result = state.courier.deliver(&delivery).await;
    let outcome = match &result {
        Ok(accepted) => accepted.status.column(),
        Err(_) => "error",
    };
    crate::metrics::code_sent(
        delivery.channel.column(),
        phone_mfa_contract::phone::region_of(&delivery.to_e164),
        outcome,
        started.elapsed().as_secs_f64(),
    );
    let accepted = result.map_err(|e| {
        tracing::warn!(error = ?e, phone = %mask_e164(&delivery.to_e164), "code delivery failed");
        AppError::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::DeliveryFailed,
            i18n::error(ErrorCode::DeliveryFailed),
        )
    })?;
    if accepted != Accepted::QUEUED {
        let error = accepted.error_code.map(i64::from);
        state
            .store
            .write(async |tx| {
                store::challenges::record_delivery(
                    tx,
                    &delivery.challenge_id,
                    delivery.send_seq,
                    accepted.status,
                    error,
                )
                .await
            })
            .await?;
    }
    view.delivery = delivery_view(accepted.status, delivery.channel, accepted.error_code);
    Ok(view)
}

/// What the app is told of a delivery.
pub fn delivery_view(status: DeliveryStatus, channel: Channel, error_code: Option<u32>) -> DeliveryView {
    DeliveryView {
        status,
        problem: twilio::problem(status, channel, error_code),
        error_code,
    }
}

/// How the latest send of a code request is getting on (the code screen polls this).
pub async fn delivery(state: &AppState, session: Session, id: &str) -> AppResult<DeliveryView> {
    let ch = state.store.read(async |c| load(c, &session, id).await).await?;
    let error_code = ch.delivery_error.and_then(|e| u32::try_from(e).ok());
    Ok(delivery_view(ch.delivery_status, ch.channel, error_code))
}

pub fn epcs_unavailable() -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::MethodUnavailable,
        i18n::error(ErrorCode::MethodUnavailable),
    )
}

fn already_added() -> AppError {
    AppError::new(
        StatusCode::CONFLICT,
        ErrorCode::PhoneAlreadyAdded,
        i18n::error(ErrorCode::PhoneAlreadyAdded),
    )
    .field("phone")
}

fn ensure_can_add_phone(methods: &[MethodRow], e164: &str) -> AppResult<()> {
    let phones = methods.iter().filter(|m| m.kind == MethodKind::Phone).count();
    if methods.iter().any(|m| m.phone_e164.as_deref() == Some(e164)) {
        return Err(already_added());
    }
    if phones >= MAX_PHONES_PER_ACCOUNT {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::PhoneLimitReached,
            i18n::error(ErrorCode::PhoneLimitReached),
        ));
    }
    Ok(())
}

/// A new code (the one before stays valid until its own expiry, rule C4), optionally by
/// the other channel. Not before the cooldown; never resets the wrong-code count.
pub async fn resend(
    state: &AppState,
    session: Session,
    ip: &str,
    id: &str,
    other_channel: Option<Channel>,
) -> AppResult<ChallengeView> {
    let now = state.now();
    let st = state;
    let sent = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            let ch = load(tx, &session, id).await?;
            if ch.consumed_at.is_some() {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::CodeExpired,
                    i18n::CODE_USED,
                ));
            }
            // After a send that failed for good (a number that opted out, a phone
            // that is off) the other channel is offered at once. The same channel
            // waits as always: calling again a phone that just declined is harassment,
            // and a failed text is still paid for.
            let switching = other_channel.is_some_and(|c| c != ch.channel);
            let wait = if switching && ch.delivery_status.is_failure() {
                0
            } else {
                ch.sent_at + RESEND_COOLDOWN_SECS - now
            };
            if wait > 0 {
                let mut e = AppError::too_many(ErrorCode::ResendTooSoon, i18n::resend_in(wait), wait);
                e.body.sends_left =
                    Some(limits::account_sends_left(tx, &st.config.limits, session.account_id, now).await?);
                return Err(e);
            }
            let channel = other_channel.unwrap_or(ch.channel);
            let ticket = SendTicket {
                account_id: session.account_id,
                ip,
                e164: &ch.phone_e164,
                sms_ok: ch.sms_ok,
                channel,
                language: session.language,
            };
            let (code, sent) =
                prepare_send(tx, st, &ticket, (&ch.id, ch.send_seq + 1), ch.purpose, now).await?;
            store::challenges::renew(
                tx,
                &ch.id,
                &code_mac(&st.config.secret, &ch.id, &code),
                channel,
                now,
            )
            .await?;
            audit(
                tx,
                Some(session.account_id),
                "code_resent",
                &format!("channel={} phone={}", channel.column(), mask_e164(&ch.phone_e164)),
                ip,
                now,
            )
            .await?;
            Ok(sent)
        })
        .await?;
    deliver(state, sent).await
}

/// A second factor passed: what the app shows, and the session's new token (rule A2).
pub struct Passed {
    pub view: VerifiedView,
    pub new_token: Option<String>,
    /// The token of a browser just remembered, for its cookie.
    pub browser_token: Option<String>,
}

/// "Don't ask again on this browser", asked with a sign-in's second factor: the
/// browser's User-Agent, to name it by on the dashboard.
pub struct RememberBrowser<'a> {
    pub user_agent: &'a str,
    /// The browser's remembered-browser cookie, if it has one already.
    pub replaces: Option<&'a str>,
}

/// What a verify transaction decided. A wrong code must still be committed (the count
/// goes up), so it travels as a value rather than as the transaction's error.
// One per request, moved once: boxing the large variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Verdict {
    Passed {
        view: VerifiedView,
        /// An account-change notice was queued (domain/deliveries.rs).
        notice_queued: bool,
        new_cookie: Option<String>,
        browser_token: Option<String>,
    },
    Refused(AppError),
}

/// Checks a typed code and, if right, applies it (by purpose) as a second factor passed.
pub async fn verify(
    state: &AppState,
    session: Session,
    ip: &str,
    id: &str,
    typed: &str,
    remember: Option<RememberBrowser<'_>>,
) -> AppResult<Passed> {
    let now = state.now();
    let st = state;
    let verdict = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            let ch = load(tx, &session, id).await?;
            let methods = store::methods::list(tx, session.account_id).await?;
            authorize(&session, ch.purpose, !methods.is_empty(), now)?;
            if changes_methods(ch.purpose) {
                change_reports::require_changes_allowed(tx, session.account_id, !methods.is_empty(), now)
                    .await?;
            }
            still_applies(&ch, &methods)?;
            // Locked: the same answer whatever the code, right ones included.
            accounts::check_not_locked(tx, session.account_id, now)
                .await
                .inspect_err(|e| {
                    if e.body.error == ErrorCode::LockedOut {
                        crate::metrics::code_checked("locked");
                    }
                })?;
            let code = typed_code(typed)?;
            if ch.consumed_at.is_some() {
                crate::metrics::code_checked("used");
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::CodeExpired,
                    i18n::CODE_USED_REQUEST_NEW,
                ));
            }
            if now >= ch.expires_at {
                crate::metrics::code_checked("expired");
                return Err(AppError::new(
                    StatusCode::GONE,
                    ErrorCode::CodeExpired,
                    i18n::error(ErrorCode::CodeExpired),
                ));
            }
            if !matches_live_code(&st.config.secret, &ch, &code, now) {
                crate::metrics::code_checked("wrong");
                return Ok(Verdict::Refused(
                    accounts::record_wrong_code(tx, session.account_id, accounts::WrongCode::Phone, now, ip)
                        .await?,
                ));
            }
            // Single use: claimed in the same transaction that checked it.
            if !store::challenges::claim(tx, &ch.id, now).await? {
                return Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::CodeExpired,
                    i18n::CODE_USED,
                ));
            }
            store::accounts::clear_code_failures(tx, session.account_id).await?;
            crate::metrics::code_checked("right");
            audit(
                tx,
                Some(session.account_id),
                "code_verified",
                &format!("purpose={}", ch.purpose.column()),
                ip,
                now,
            )
            .await?;
            let mut verdict = apply_success(tx, st, &session, &ch, &methods, now, ip).await?;
            if let (
                Purpose::SignIn,
                Some(r),
                Verdict::Passed {
                    browser_token, view, ..
                },
            ) = (ch.purpose, &remember, &mut verdict)
            {
                *browser_token = Some(super::remembered::remember(tx, &session, r, ip, now).await?);
                view.session =
                    accounts::session_view(tx, session.account_id, SessionStage::SignedIn, now, now).await?;
            }
            Ok(verdict)
        })
        .await?;
    finish(state, verdict).await
}

/// The six digits of a typed code, or a clear 422 saying what is wrong with it (rule
/// C8): it costs no attempt.
pub(crate) fn typed_code(typed: &str) -> AppResult<String> {
    normalize_code(typed).map_err(|p| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CodeFormat,
            i18n::code_problem(p),
        )
        .field("code")
    })
}

/// Rule C4: the request's current code, or the one before a resend while it lasts
/// (texts arrive late). Both are always compared, so the time taken does not say
/// which matched.
fn matches_live_code(secret: &[u8], ch: &store::challenges::ChallengeRow, code: &str, now: i64) -> bool {
    let current = code_matches(secret, &ch.id, code, &ch.code_mac);
    let previous = ch
        .previous
        .as_ref()
        .is_some_and(|(mac, expires_at)| code_matches(secret, &ch.id, code, mac) & (now < *expires_at));
    current | previous
}

/// Re-checks, inside the transaction that will apply the code, what was checked when
/// it was sent (rule A4): the account may have changed since in another tab or session.
fn still_applies(ch: &store::challenges::ChallengeRow, methods: &[MethodRow]) -> AppResult<()> {
    match ch.purpose {
        Purpose::Setup => ensure_can_add_phone(methods, &ch.phone_e164),
        Purpose::PhoneChange => {
            let changed = phone_method(methods, ch.method_id)?.id;
            if methods
                .iter()
                .any(|m| m.id != changed && m.phone_e164.as_deref() == Some(ch.phone_e164.as_str()))
            {
                return Err(already_added());
            }
            Ok(())
        }
        // The code went to a phone of the account: it must still be there, same number.
        Purpose::SignIn | Purpose::Reauth => {
            let same = methods.iter().any(|m| {
                Some(m.id) == ch.method_id && m.phone_e164.as_deref() == Some(ch.phone_e164.as_str())
            });
            if same {
                Ok(())
            } else {
                Err(AppError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
                    i18n::PHONE_REMOVED_MEANWHILE,
                ))
            }
        }
    }
}

/// What a right code changed, gathered while applying it.
struct Success {
    method: Option<MethodRow>,
    notice: Option<Notice>,
    /// The account's methods changed: every other session ends (rule A7).
    methods_changed: bool,
}

/// What a right code does, by purpose.
async fn apply_success(
    tx: &mut Conn,
    st: &AppState,
    session: &Session,
    ch: &store::challenges::ChallengeRow,
    methods: &[MethodRow],
    now: i64,
    ip: &str,
) -> AppResult<Verdict> {
    let mut out = Success {
        method: None,
        notice: None,
        methods_changed: false,
    };
    let language = session.language;
    let origin = &st.config.public_origin();
    match ch.purpose {
        Purpose::Setup => {
            let first = methods.is_empty();
            let id = store::methods::add_phone(
                tx,
                session.account_id,
                &ch.phone_e164,
                ch.sms_ok,
                ch.channel,
                first,
                now,
            )
            .await?;
            audit(
                tx,
                Some(session.account_id),
                "method_added",
                &format!("phone={}", mask_e164(&ch.phone_e164)),
                ip,
                now,
            )
            .await?;
            out.method = store::methods::list(tx, session.account_id)
                .await?
                .into_iter()
                .find(|m| m.id == id);
            let change = Change::phone_added(id, &ch.phone_e164);
            out.notice = Some(change_reports::notice(tx, session, &change, origin, now).await?);
            out.methods_changed = true;
        }
        Purpose::SignIn => {
            audit(
                tx,
                Some(session.account_id),
                "sign_in_completed",
                "factor=phone",
                ip,
                now,
            )
            .await?;
        }
        Purpose::Reauth => {
            audit(
                tx,
                Some(session.account_id),
                "reauthenticated",
                "factor=phone",
                ip,
                now,
            )
            .await?;
        }
        Purpose::PhoneChange => {
            let old = phone_method(methods, ch.method_id)?.clone();
            let method_id = old.id;
            let default_channel = if ch.sms_ok { ch.channel } else { Channel::Voice };
            store::methods::change_phone(
                tx,
                session.account_id,
                method_id,
                &ch.phone_e164,
                ch.sms_ok,
                default_channel,
            )
            .await?;
            let old_masked = old.phone_e164.as_deref().map(mask_e164).unwrap_or_default();
            audit(
                tx,
                Some(session.account_id),
                "phone_changed",
                &format!("from={old_masked} to={}", mask_e164(&ch.phone_e164)),
                ip,
                now,
            )
            .await?;
            out.method = store::methods::list(tx, session.account_id)
                .await?
                .into_iter()
                .find(|m| m.id == method_id);
            if let Some(old_e164) = &old.phone_e164 {
                let text = i18n::old_number_text(language, true, origin);
                super::deliveries::queue_text(tx, old_e164, &text, now).await?;
            }
            let change = Change::phone_changed(&old, &ch.phone_e164);
            out.notice = Some(change_reports::notice(tx, session, &change, origin, now).await?);
            out.methods_changed = true;
        }
    }
    if out.methods_changed {
        sessions::after_methods_changed(tx, session.account_id, &session.token_hash).await?;
    }
    if let Some(notice) = &out.notice {
        super::deliveries::queue(tx, notice, now).await?;
    }
    // Whatever it was for, a right code is a second factor just passed.
    let token = sessions::second_factor_passed(tx, session, ip, now).await?;
    let first_method = ch.purpose == Purpose::Setup && methods.is_empty();
    let recovery_codes = if first_method {
        super::recovery::issue(tx, &st.config.secret, session.account_id, now).await?
    } else {
        Vec::new()
    };
    Ok(Verdict::Passed {
        view: VerifiedView {
            session: accounts::session_view(tx, session.account_id, SessionStage::SignedIn, now, now).await?,
            method: out.method.as_ref().map(MethodRow::view),
            recovery_codes,
        },
        notice_queued: out.notice.is_some(),
        new_cookie: Some(token),
        browser_token: None,
    })
}

pub(crate) async fn finish(state: &AppState, verdict: Verdict) -> AppResult<Passed> {
    match verdict {
        Verdict::Refused(err) => Err(err),
        Verdict::Passed {
            view,
            notice_queued,
            new_cookie,
            browser_token,
        } => {
            if notice_queued {
                state.deliveries_due.notify_one();
            }
            Ok(Passed {
                view,
                new_token: new_cookie,
                browser_token,
            })
        }
    }
}

/// The authenticator-app code, for sign-in or re-authentication.
pub async fn verify_app(
    state: &AppState,
    session: Session,
    ip: &str,
    purpose: Purpose,
    typed: &str,
    remember: Option<RememberBrowser<'_>>,
) -> AppResult<Passed> {
    let now = state.now();
    let st = state;
    let verdict = state
        .store
        .write(async |tx| -> AppResult<_> {
            // One request at a time per account, on every server (crate::store).
            store::lock_account(tx, session.account_id).await?;
            match (purpose, session.stage) {
                (Purpose::SignIn, SessionStage::MfaPending) | (Purpose::Reauth, SessionStage::SignedIn) => {}
                _ => return Err(AppError::wrong_stage(i18n::APP_CODE_NOT_EXPECTED)),
            }
            let methods = store::methods::list(tx, session.account_id).await?;
            let app = methods
                .iter()
                .find(|m| m.kind == MethodKind::AuthenticatorApp)
                .ok_or_else(|| AppError::not_found(i18n::NO_APP))?;
            accounts::check_not_locked(tx, session.account_id, now).await?;
            let code = typed_code(typed)?;
            let secret = super::app_setup::open_secret(
                &st.config.secret,
                session.account_id,
                app.totp_secret.as_deref().unwrap_or_default(),
            )?;
            let step = crate::totp::matching_step(&secret, &code, now);
            match step {
                // A step at or before the last one used is a replay: refused like a wrong code.
                Some(step) if step > app.totp_last_step => {
                    store::methods::use_totp_step(tx, app.id, step).await?;
                }
                _ => {
                    return Ok(Verdict::Refused(
                        accounts::record_wrong_code(
                            tx,
                            session.account_id,
                            accounts::WrongCode::App,
                            now,
                            ip,
                        )
                        .await?,
                    ))
                }
            }
            store::accounts::clear_code_failures(tx, session.account_id).await?;
            let event = if purpose == Purpose::SignIn {
                "sign_in_completed"
            } else {
                "reauthenticated"
            };
            audit(
                tx,
                Some(session.account_id),
                event,
                "factor=authenticator_app",
                ip,
                now,
            )
            .await?;
            let new_cookie = Some(sessions::second_factor_passed(tx, &session, ip, now).await?);
            let browser_token = match (&remember, purpose) {
                (Some(r), Purpose::SignIn) => {
                    Some(super::remembered::remember(tx, &session, r, ip, now).await?)
                }
                _ => None,
            };
            let stage = SessionStage::SignedIn;
            Ok(Verdict::Passed {
                view: VerifiedView {
                    session: accounts::session_view(tx, session.account_id, stage, now, now).await?,
                    method: None,
                    recovery_codes: Vec::new(),
                },
                notice_queued: false,
                new_cookie,
                browser_token,
            })
        })
        .await?;
    finish(state, verdict).await
}
