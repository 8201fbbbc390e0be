//! Every state of the gallery, one function each, listed (with its address and label)
//! in `crate::screens`. Each puts the made-up data its screen needs in place, then
//! renders the screen's own component; words the server would send come from the
//! server's catalogue, in the gallery's current language.

use super::fixtures::*;
use super::server_says;
use crate::components::FieldError;
use crate::flow::{now_ms, Auth};
use crate::i18n::*;
use crate::preview::Preview;
use crate::routes::app_setup::{AppSetupPreview, SetUpApp};
use crate::routes::choose_method::ChooseMethod;
use crate::routes::code::{wrong_code_message, CodePreview, EnterCode};
use crate::routes::confirmed::{ConfirmedPreview, PhoneConfirmed};
use crate::routes::continue_sign_up::LinkExpired;
use crate::routes::create_account::{CheckYourEmail, CreateAccount, CreateAccountPreview};
use crate::routes::current_method::{AppCodePreview, Reauthenticate, SignInMethod};
use crate::routes::dashboard::{Dashboard, DashboardPreview};
use crate::routes::not_found::NotFound;
use crate::routes::phone::{EnterPhone, PhonePreview};
use crate::routes::recovery_codes::SaveRecoveryCodes;
use crate::routes::recovery_sign_in::{RecoverySignInPreview, UseRecoveryCode};
use crate::routes::sign_in::{SignIn, SignInPreview};
use crate::routes::success::AccountSecure;
use crate::routes::this_wasnt_me::{ChangeUndone, ReportChange, ReportLinkFailed};
use crate::routes::troubleshooting::NoCode;
use crate::routes::unavailable::ScreenUnavailable;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use phone_mfa_contract::{
    AccountChangeView, ChangeReportView, ChangeReportedView, Channel, DeliveryProblem, DeliveryStatus,
    DeliveryView, MethodView, SessionStage, UndoOutcome,
};

type Ctx = I18nContext<Locale>;

/// Makes this account the one signed in (untracked: the screen reads the session as it
/// is created, and nothing should re-run).
fn signed_in(stage: SessionStage, methods: Vec<MethodView>) {
    Auth::get()
        .session
        .update_untracked(|s| *s = Some(session(stage, methods)));
}

fn show<T: Clone + Send + Sync + 'static>(state: T) {
    provide_context(Preview(state));
}

fn phone_screen(number: &str, region: &str, touched: bool) -> PhonePreview {
    PhonePreview {
        number: number.into(),
        region: Some(region.into()),
        touched,
        ..Default::default()
    }
}

fn code_screen(pending: crate::flow::PendingCode) -> CodePreview {
    CodePreview {
        pending,
        attempts_left: None,
        error: None,
        sent: None,
        resend_problem: None,
    }
}

fn method_options(_: Ctx, phone_unavailable: Option<String>, required: bool) {
    show(options(phone_unavailable, required));
}

pub fn sign_in_empty(_: Ctx) -> AnyView {
    view! { <SignIn /> }.into_any()
}

fn problem(field_id: &'static str, message: String) -> FieldError {
    FieldError { field_id, message }
}

pub fn sign_in_missing(i18n: Ctx) -> AnyView {
    show(SignInPreview {
        errors: vec![
            problem("email", t_string!(i18n, sign_in.email_missing).to_string()),
            problem("password", t_string!(i18n, sign_in.password_missing).to_string()),
        ],
        signed_out: false,
    });
    view! { <SignIn /> }.into_any()
}

pub fn sign_in_refused(i18n: Ctx) -> AnyView {
    show(SignInPreview {
        errors: vec![problem(
            "email",
            server_says(i18n, "errors.invalid_credentials", None),
        )],
        signed_out: false,
    });
    view! { <SignIn /> }.into_any()
}

pub fn sign_in_signed_out(_: Ctx) -> AnyView {
    show(SignInPreview {
        errors: vec![],
        signed_out: true,
    });
    view! { <SignIn /> }.into_any()
}

pub fn create_account_empty(_: Ctx) -> AnyView {
    view! { <CreateAccount /> }.into_any()
}

pub fn create_account_errors(i18n: Ctx) -> AnyView {
    let min = phone_mfa_contract::policy::MIN_PASSWORD_CHARS;
    show(CreateAccountPreview {
        email: "pat@example".into(),
        errors: vec![
            problem("email", t_string!(i18n, create_account.email_invalid).to_string()),
            problem(
                "password",
                t_string!(i18n, create_account.password_short, min = min).to_string(),
            ),
        ],
    });
    view! { <CreateAccount /> }.into_any()
}

pub fn create_account_check_email(_: Ctx) -> AnyView {
    view! { <CheckYourEmail email="new.person@example.com".to_owned() on_again=|| {} /> }.into_any()
}

pub fn create_account_link_expired(i18n: Ctx) -> AnyView {
    let message = server_says(i18n, "errors.link_expired", None);
    view! { <LinkExpired message=message /> }.into_any()
}

pub fn choose_method_recommended(i18n: Ctx) -> AnyView {
    method_options(i18n, None, false);
    view! { <ChooseMethod /> }.into_any()
}

pub fn choose_method_required(i18n: Ctx) -> AnyView {
    method_options(i18n, None, true);
    view! { <ChooseMethod /> }.into_any()
}

pub fn choose_method_prescriber(i18n: Ctx) -> AnyView {
    let reason = t_string!(i18n, choose_method.not_for_prescribers).to_string();
    method_options(i18n, Some(reason), true);
    view! { <ChooseMethod /> }.into_any()
}

pub fn phone_empty(_: Ctx) -> AnyView {
    show(phone_screen("", "US", false));
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_invalid(_: Ctx) -> AnyView {
    show(phone_screen("201 555", "US", true));
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_extension(_: Ctx) -> AnyView {
    show(phone_screen("201-555-0123 ext. 2", "US", false));
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_landline(_: Ctx) -> AnyView {
    show(phone_screen("020 7946 0018", "GB", false));
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_valid(_: Ctx) -> AnyView {
    show(phone_screen("(201) 555-0123", "US", false));
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_sending(_: Ctx) -> AnyView {
    show(PhonePreview {
        sending: true,
        ..phone_screen("(201) 555-0123", "US", false)
    });
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_server_error(i18n: Ctx) -> AnyView {
    show(PhonePreview {
        server_error: Some(server_says(i18n, "rate_limits.phone", None)),
        ..phone_screen("(201) 555-0123", "US", true)
    });
    view! { <EnterPhone /> }.into_any()
}

pub fn phone_change(_: Ctx) -> AnyView {
    show(PhonePreview {
        change: Some(1),
        ..phone_screen("", "US", false)
    });
    view! { <EnterPhone /> }.into_any()
}

pub fn code_fresh(_: Ctx) -> AnyView {
    show(code_screen(pending(Channel::Sms, true, 0.0, 30)));
    view! { <EnterCode /> }.into_any()
}

/// A sign-in's code: "Don't ask again on this browser" and "I do not have access to my
/// phone" are offered.
pub fn code_sign_in(_: Ctx) -> AnyView {
    let mut p = pending(Channel::Sms, true, 0.0, 30);
    p.challenge.purpose = phone_mfa_contract::Purpose::SignIn;
    p.next = "/account".into();
    show(code_screen(p));
    view! { <EnterCode /> }.into_any()
}

pub fn code_voice(_: Ctx) -> AnyView {
    show(code_screen(pending(Channel::Voice, true, 0.0, 30)));
    view! { <EnterCode /> }.into_any()
}

pub fn code_resend_ready(_: Ctx) -> AnyView {
    show(code_screen(pending(Channel::Sms, true, 45.0, 30)));
    view! { <EnterCode /> }.into_any()
}

pub fn code_wrong_3_left(i18n: Ctx) -> AnyView {
    show(CodePreview {
        attempts_left: Some(3),
        error: Some(wrong_code_message(
            i18n,
            &server_says(i18n, "errors.code_wrong", None),
            Some(3),
        )),
        ..code_screen(pending(Channel::Sms, true, 40.0, 30))
    });
    view! { <EnterCode /> }.into_any()
}

pub fn code_wrong_1_left(i18n: Ctx) -> AnyView {
    show(CodePreview {
        attempts_left: Some(1),
        error: Some(wrong_code_message(
            i18n,
            &server_says(i18n, "errors.code_wrong", None),
            Some(1),
        )),
        ..code_screen(pending(Channel::Sms, true, 40.0, 30))
    });
    view! { <EnterCode /> }.into_any()
}

pub fn code_new_sent(i18n: Ctx) -> AnyView {
    show(CodePreview {
        sent: Some(t_string!(i18n, code.resent_sms).to_string()),
        ..code_screen(pending(Channel::Sms, true, 0.0, 30))
    });
    view! { <EnterCode /> }.into_any()
}

pub fn code_rate_limited(i18n: Ctx) -> AnyView {
    let mut p = pending(Channel::Sms, true, 90.0, 30);
    p.challenge.sends_left = 0;
    show(CodePreview {
        resend_problem: Some(server_says(i18n, "rate_limits.account", None)),
        ..code_screen(p)
    });
    view! { <EnterCode /> }.into_any()
}

pub fn code_locked(_: Ctx) -> AnyView {
    let mut locked = pending(Channel::Sms, true, 60.0, 30);
    locked.locked_until_ms = Some(now_ms() + (phone_mfa_contract::policy::LOCKOUT_SECS * 1000) as f64);
    show(code_screen(locked));
    view! { <EnterCode /> }.into_any()
}

pub fn code_expired(_: Ctx) -> AnyView {
    show(code_screen(pending(Channel::Sms, true, 601.0, 30)));
    view! { <EnterCode /> }.into_any()
}

pub fn code_landline(_: Ctx) -> AnyView {
    show(code_screen(pending(Channel::Voice, false, 0.0, 30)));
    view! { <EnterCode /> }.into_any()
}

/// The code screen once the provider has reported on the send.
fn reported(channel: Channel, status: DeliveryStatus, problem: Option<DeliveryProblem>) -> AnyView {
    let mut p = pending(channel, true, 5.0, 30);
    p.challenge.delivery = DeliveryView {
        status,
        problem,
        error_code: None,
    };
    show(code_screen(p));
    view! { <EnterCode /> }.into_any()
}

pub fn code_delivered(_: Ctx) -> AnyView {
    reported(Channel::Sms, DeliveryStatus::Delivered, None)
}

pub fn code_opted_out(_: Ctx) -> AnyView {
    reported(
        Channel::Sms,
        DeliveryStatus::Failed,
        Some(DeliveryProblem::OptedOut),
    )
}

pub fn code_undelivered_landline(_: Ctx) -> AnyView {
    reported(
        Channel::Sms,
        DeliveryStatus::Undelivered,
        Some(DeliveryProblem::Landline),
    )
}

pub fn code_unreachable(_: Ctx) -> AnyView {
    reported(
        Channel::Sms,
        DeliveryStatus::Undelivered,
        Some(DeliveryProblem::Unreachable),
    )
}

pub fn code_blocked(_: Ctx) -> AnyView {
    reported(
        Channel::Sms,
        DeliveryStatus::Undelivered,
        Some(DeliveryProblem::Blocked),
    )
}

pub fn code_call_not_answered(_: Ctx) -> AnyView {
    reported(
        Channel::Voice,
        DeliveryStatus::Undelivered,
        Some(DeliveryProblem::NotAnswered),
    )
}

pub fn confirmed_setup(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![phone(1, "0123", true, true, Channel::Sms)],
    );
    view! { <PhoneConfirmed /> }.into_any()
}

pub fn confirmed_changed(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![
            authenticator_app(1, true),
            phone(2, "0167", false, true, Channel::Sms),
        ],
    );
    show(ConfirmedPreview {
        changed: Some(2),
        added: None,
    });
    view! { <PhoneConfirmed /> }.into_any()
}

pub fn secure_done(_: Ctx) -> AnyView {
    view! { <AccountSecure /> }.into_any()
}

pub fn sign_in_method_both(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::MfaPending,
        vec![
            phone(1, "0123", true, true, Channel::Sms),
            authenticator_app(2, false),
        ],
    );
    view! { <SignInMethod /> }.into_any()
}

pub fn sign_in_method_wrong_app_code(i18n: Ctx) -> AnyView {
    signed_in(
        SessionStage::MfaPending,
        vec![
            phone(1, "0123", true, true, Channel::Sms),
            authenticator_app(2, false),
        ],
    );
    show(AppCodePreview {
        code: "492816".into(),
        error: server_says(i18n, "errors.code_wrong", None),
    });
    view! { <SignInMethod /> }.into_any()
}

pub fn confirm_before_adding(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![
            authenticator_app(1, true),
            phone(2, "0123", false, true, Channel::Sms),
        ],
    );
    view! { <Reauthenticate /> }.into_any()
}

pub fn dashboard_no_mfa(_: Ctx) -> AnyView {
    signed_in(SessionStage::SignedIn, vec![]);
    view! { <Dashboard /> }.into_any()
}

pub fn dashboard_one(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![phone(1, "0123", true, true, Channel::Sms)],
    );
    view! { <Dashboard /> }.into_any()
}

pub fn dashboard_two(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![
            authenticator_app(1, true),
            phone(2, "0123", false, false, Channel::Voice),
        ],
    );
    view! { <Dashboard /> }.into_any()
}

fn dashboard_with(state: DashboardPreview) -> AnyView {
    signed_in(
        SessionStage::SignedIn,
        vec![
            authenticator_app(1, true),
            phone(2, "0123", false, true, Channel::Sms),
        ],
    );
    show(state);
    view! { <Dashboard /> }.into_any()
}

pub fn dashboard_remove_confirm(_: Ctx) -> AnyView {
    dashboard_with(DashboardPreview {
        confirming: Some(2),
        status: None,
    })
}

pub fn dashboard_saved(i18n: Ctx) -> AnyView {
    dashboard_with(DashboardPreview {
        confirming: None,
        status: Some(t_string!(i18n, dashboard.saved).to_string()),
    })
}

pub fn dashboard_removed(i18n: Ctx) -> AnyView {
    signed_in(SessionStage::SignedIn, vec![authenticator_app(1, true)]);
    show(DashboardPreview {
        confirming: None,
        status: Some(t_string!(i18n, dashboard.removed).to_string()),
    });
    view! { <Dashboard /> }.into_any()
}

/// Every way in: an app, a phone, few recovery codes left, two remembered browsers.
pub fn dashboard_alternatives(_: Ctx) -> AnyView {
    let mut s = session(
        SessionStage::SignedIn,
        vec![
            authenticator_app(1, true),
            phone(2, "0123", false, true, Channel::Sms),
        ],
    );
    s.recovery_codes_left = 3;
    s.remembered_browsers = vec![
        remembered_browser(7, "Firefox, Windows", 1),
        remembered_browser(8, "", 12),
    ];
    Auth::get().session.update_untracked(|now| *now = Some(s));
    view! { <Dashboard /> }.into_any()
}

/// Signed in with a recovery code after losing the phone.
pub fn dashboard_recovered(i18n: Ctx) -> AnyView {
    let mut s = session(
        SessionStage::SignedIn,
        vec![phone(1, "0123", true, true, Channel::Sms)],
    );
    s.recovery_codes_left = 9;
    Auth::get().session.update_untracked(|now| *now = Some(s));
    show(DashboardPreview {
        confirming: None,
        status: Some(t_string!(i18n, dashboard.recovered, count = 9).to_string()),
    });
    view! { <Dashboard /> }.into_any()
}

pub fn app_setup_fresh(_: Ctx) -> AnyView {
    signed_in(SessionStage::MfaSetup, vec![]);
    show(AppSetupPreview {
        setup: app_setup(),
        code: String::new(),
        error: None,
        expired: false,
    });
    view! { <SetUpApp /> }.into_any()
}

pub fn app_setup_wrong_code(i18n: Ctx) -> AnyView {
    signed_in(SessionStage::MfaSetup, vec![]);
    show(AppSetupPreview {
        setup: app_setup(),
        code: "492816".into(),
        error: Some(server_says(i18n, "errors.code_wrong", None)),
        expired: false,
    });
    view! { <SetUpApp /> }.into_any()
}

pub fn app_setup_expired(i18n: Ctx) -> AnyView {
    signed_in(SessionStage::MfaSetup, vec![]);
    show(AppSetupPreview {
        setup: app_setup(),
        code: String::new(),
        error: Some(server_says(i18n, "methods.app_setup_expired", None)),
        expired: true,
    });
    view! { <SetUpApp /> }.into_any()
}

pub fn recovery_codes_shown(_: Ctx) -> AnyView {
    signed_in(SessionStage::SignedIn, vec![authenticator_app(1, true)]);
    Auth::get()
        .new_recovery_codes
        .update_untracked(|c| *c = recovery_codes());
    view! { <SaveRecoveryCodes /> }.into_any()
}

pub fn recovery_codes_gone(_: Ctx) -> AnyView {
    signed_in(SessionStage::SignedIn, vec![authenticator_app(1, true)]);
    Auth::get().new_recovery_codes.update_untracked(Vec::clear);
    view! { <SaveRecoveryCodes /> }.into_any()
}

pub fn recovery_sign_in_empty(_: Ctx) -> AnyView {
    signed_in(
        SessionStage::MfaPending,
        vec![phone(1, "0123", true, true, Channel::Sms)],
    );
    show(RecoverySignInPreview {
        code: String::new(),
        error: None,
    });
    view! { <UseRecoveryCode /> }.into_any()
}

pub fn recovery_sign_in_wrong(i18n: Ctx) -> AnyView {
    signed_in(
        SessionStage::MfaPending,
        vec![phone(1, "0123", true, true, Channel::Sms)],
    );
    show(RecoverySignInPreview {
        code: "7KQ4-M2XH-9PD3X".into(),
        error: Some(server_says(i18n, "errors.code_wrong", None)),
    });
    view! { <UseRecoveryCode /> }.into_any()
}

pub fn dashboard_prescriber(_: Ctx) -> AnyView {
    let mut s = session(SessionStage::SignedIn, vec![]);
    s.phone_allowed = false;
    Auth::get().session.update_untracked(|now| *now = Some(s));
    view! { <Dashboard /> }.into_any()
}

pub fn dashboard_five(_: Ctx) -> AnyView {
    let mut methods = vec![authenticator_app(1, true)];
    for (i, last4) in ["0123", "0145", "0167", "0189", "0101"].iter().enumerate() {
        let channel = if i % 2 == 0 { Channel::Sms } else { Channel::Voice };
        methods.push(phone(i as i64 + 2, last4, false, true, channel));
    }
    signed_in(SessionStage::SignedIn, methods);
    view! { <Dashboard /> }.into_any()
}

pub fn no_code_nothing(_: Ctx) -> AnyView {
    view! { <NoCode /> }.into_any()
}

pub fn unavailable_offline(_: Ctx) -> AnyView {
    view! { <ScreenUnavailable /> }.into_any()
}

pub fn not_found_page(_: Ctx) -> AnyView {
    view! { <NotFound /> }.into_any()
}

const CHANGE_MADE_AT: i64 = 1_790_000_000;

fn removed_phone() -> AccountChangeView {
    AccountChangeView::PhoneRemoved {
        masked_phone: "•••-•••-0145".into(),
    }
}

pub fn this_wasnt_me_asking(_: Ctx) -> AnyView {
    let report = ChangeReportView {
        change: AccountChangeView::PhoneChanged {
            from_masked: "•••-•••-0123".into(),
            to_masked: "•••-•••-0167".into(),
        },
        made_at: CHANGE_MADE_AT,
    };
    let problem: Option<String> = None;
    view! { <ReportChange report=report on_confirm=Callback::new(|_| {}) busy=false problem=problem /> }
        .into_any()
}

fn change_undone(outcome: UndoOutcome) -> AnyView {
    let done = ChangeReportedView {
        change: removed_phone(),
        outcome,
        later_changes_undone: 1,
        sessions_ended: 2,
        changes_paused_until: CHANGE_MADE_AT + phone_mfa_contract::policy::CHANGES_PAUSED_SECS,
    };
    view! { <ChangeUndone done=done /> }.into_any()
}

pub fn this_wasnt_me_done(_: Ctx) -> AnyView {
    change_undone(UndoOutcome::Undone)
}

pub fn this_wasnt_me_no_room(_: Ctx) -> AnyView {
    change_undone(UndoOutcome::NoRoom)
}

pub fn this_wasnt_me_used(i18n: Ctx) -> AnyView {
    let message = server_says(i18n, "errors.report_link_used", None);
    view! { <ReportLinkFailed message=message /> }.into_any()
}
