use crate::components::Page;
use crate::flow::Auth;
use crate::i18n::*;
use crate::routes::go;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use phone_mfa_contract::MethodKind;

/// Which ending, for the design gallery (`crate::preview`; never set in production
/// builds): the method changed or added, as the query would say.
#[derive(Debug, Clone, Default)]
pub struct ConfirmedPreview {
    pub changed: Option<i64>,
    pub added: Option<i64>,
}

/// After the code confirmed a number. Three endings, each its own words:
/// - first-time setup: the number is confirmed; Continue leads to "Your account is now
///   secure" (`/setup/confirmed`);
/// - a phone added from Sign in & Security (`?added=<method id>`): back there;
/// - a number changed (`?changed=<method id>`): the new number replaced the old one,
///   which was told by text (and the account by e-mail); back to Sign in & Security.
#[component]
pub fn PhoneConfirmed() -> impl IntoView {
    let i18n = use_i18n();
    let auth = Auth::get();
    let (changed, added) = match crate::preview::preview::<ConfirmedPreview>() {
        Some(p) => (p.changed, p.added),
        None => {
            let query = use_query_map().get_untracked();
            let id_in = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
            (id_in("changed"), id_in("added"))
        }
    };
    let which = changed.or(added);
    let phone = move || {
        let methods = auth.session.get()?.methods;
        let mut phones = methods.into_iter().filter(|m| m.kind == MethodKind::Phone);
        match which {
            Some(id) => phones.find(|m| m.id == id),
            None => phones.next_back(),
        }?
        .masked_phone
    };
    let title = Signal::derive(move || {
        if changed.is_some() {
            t_string!(i18n, confirmed.title_changed)
        } else {
            t_string!(i18n, confirmed.title)
        }
        .to_string()
    });
    let next = if which.is_some() {
        "/account"
    } else {
        "/setup/secure"
    };
    // The account's first method brought recovery codes: they are shown next, once.
    let next = if auth.new_recovery_codes.with_untracked(Vec::is_empty) {
        next.to_owned()
    } else {
        format!("/recovery-codes?next={next}")
    };
    view! {
        <Page title=title sign_out=which.is_none()>
            <div class="alert success" role="status">
                <p>{move || phone().map(|p| t_string!(i18n, confirmed.send_to, phone = p).to_string())}</p>
            </div>
            {changed.is_some().then(|| view! { <p>{t!(i18n, confirmed.old_number_told)}</p> })}
            <button type="button" class="button primary" id="confirmed-continue" on:click=move |_| go(&next, true)>
                {t!(i18n, app.continue_label)}
            </button>
        </Page>
    }
}
