//! The server's words for people, in English and Spanish: error messages (in the
//! language the request asks for), and the texts, calls and emails (in the account's
//! language).
//!
//! Every message is a `Text` with both languages as fields, so a message without its
//! Spanish does not compile. Messages with figures in them are functions that return
//! a `Msg` built from both wordings.

use axum::extract::Request;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;
use phone_mfa_contract::code::CodeProblem;
use phone_mfa_contract::phone::PhoneProblem;
use phone_mfa_contract::policy::{
    MAX_PASSWORD_CHARS, MAX_PHONES_PER_ACCOUNT, MIN_PASSWORD_CHARS, SIGN_UP_LINK_TTL_SECS,
};
use phone_mfa_contract::Language;
use std::fmt;

tokio::task_local! {
    /// The language the current request asked to be answered in.
    static REQUEST_LANGUAGE: Language;
}

/// Middleware: answers each request in the language of its `Accept-Language` header
/// (the app sends the one the person is reading), English when it names none of ours.
pub async fn answer_in_request_language(req: Request, next: Next) -> Response {
    let language = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default();
    REQUEST_LANGUAGE.scope(language, next.run(req)).await
}

/// The language of the request being answered (English outside a request).
pub fn request_language() -> Language {
    REQUEST_LANGUAGE.try_with(|l| *l).unwrap_or_default()
}

/// One message in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub es: &'static str,
}

impl Text {
    pub fn get(self, language: Language) -> &'static str {
        match language {
            Language::En => self.en,
            Language::Es => self.es,
        }
    }
}

/// A message to render once the language is known.
pub enum Msg {
    Text(Text),
    Formatted(Box<dyn Fn(Language) -> String + Send + Sync>),
}

impl Msg {
    pub fn formatted(f: impl Fn(Language) -> String + Send + Sync + 'static) -> Msg {
        Msg::Formatted(Box::new(f))
    }
    pub fn render(&self, language: Language) -> String {
        match self {
            Msg::Text(t) => t.get(language).to_owned(),
            Msg::Formatted(f) => f(language),
        }
    }
}

impl From<Text> for Msg {
    fn from(t: Text) -> Msg {
        Msg::Text(t)
    }
}

impl fmt::Debug for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

macro_rules! texts {
    ($($(#[$doc:meta])* $name:ident = $en:literal / $es:literal;)*) => {
        $($(#[$doc])* pub const $name: Text = Text { en: $en, es: $es };)*
        /// Every fixed message, for the completeness test.
        #[cfg(test)]
        pub const ALL_TEXTS: &[(&str, Text)] = &[$((stringify!($name), $name)),*];
    };
}

texts! {
    SIGN_IN_TO_CONTINUE = "Sign in to continue" / "Inicia sesión para continuar";
    SESSION_TIMED_OUT = "Your session timed out. Sign in again" / "Tu sesión venció. Vuelve a iniciar sesión";
    FINISH_SIGNING_IN = "Finish signing in first" / "Primero termina de iniciar sesión";
    NOT_SIGNING_IN = "You are not signing in right now" / "Ahora mismo no estás iniciando sesión";
    REAUTH_REQUIRED = "For your security, confirm it's you with your current method first"
        / "Por tu seguridad, primero confirma que eres tú con tu método actual";
    INTERNAL = "Something went wrong on our side. Try again in a moment"
        / "Algo salió mal de nuestro lado. Vuelve a intentarlo en un momento";
    WRONG_PASSWORD = "The email or password is not right. Check them and try again"
        / "El correo electrónico o la contraseña no son correctos. Revísalos y vuelve a intentarlo";
    EMAIL_FORMAT = "Enter an email address in the right format, like name@example.com"
        / "Escribe un correo electrónico con el formato correcto, como nombre@ejemplo.com";
    NO_SETUP_TO_SKIP = "There is no setup to skip" / "No hay ninguna configuración que omitir";
    MFA_REQUIRED = "A partner you use requires multi-factor authentication, so it can't be skipped"
        / "Una entidad asociada que usas exige la autenticación de múltiples factores, así que no se puede omitir";
    EPCS = "Text message and phone call codes are not available to medical providers who prescribe controlled substances. Use an authenticator app or a security key"
        / "Los códigos por mensaje de texto y llamada telefónica no están disponibles para profesionales médicos que recetan sustancias controladas. Usa una aplicación de autenticación o una llave de seguridad";
    /// The reason shown beside the method on the choose-method screen.
    EPCS_REASON = "Text message and phone call codes are not available to medical providers who prescribe controlled substances."
        / "Los códigos por mensaje de texto y llamada telefónica no están disponibles para profesionales médicos que recetan sustancias controladas.";
    APP_SETUP_SOON = "Setting up an authenticator app here is coming soon."
        / "Pronto podrás configurar aquí una aplicación de autenticación.";
    CANNOT_TEXT_CALL_INSTEAD = "This number can't receive text messages. Choose \"Call me\" instead"
        / "Este número no puede recibir mensajes de texto. Elige \"Llámame\"";
    CANNOT_TEXT = "This number can't receive text messages" / "Este número no puede recibir mensajes de texto";
    METHOD_ID_REQUIRED = "method_id is required" / "Falta method_id";
    PHONE_NOT_ON_ACCOUNT = "That phone is not on your account" / "Ese teléfono no está en tu cuenta";
    METHOD_NOT_ON_ACCOUNT = "That method is not on your account" / "Ese método no está en tu cuenta";
    PHONE_ONLY_FOR_SETUP = "A phone number is only sent to set one up or change it"
        / "Solo se envía un número de teléfono para configurarlo o cambiarlo";
    PHONE_ALREADY_ADDED = "This phone number is already on your account" / "Este número de teléfono ya está en tu cuenta";
    CODE_REQUEST_GONE = "This code request is no longer valid. Request a new code"
        / "Esta solicitud de código ya no es válida. Pide un código nuevo";
    CODE_USED = "This code was already used" / "Este código ya se usó";
    CODE_USED_REQUEST_NEW = "This code was already used. Request a new code" / "Este código ya se usó. Pide un código nuevo";
    CODE_EXPIRED = "This code has expired. Request a new code" / "Este código venció. Pide un código nuevo";
    CODE_WRONG = "That code is not right. Check the code and try again" / "Ese código no es correcto. Revísalo y vuelve a intentarlo";
    SEND_FAILED = "We couldn't send the code just now. Try again in a moment"
        / "No pudimos enviar el código en este momento. Vuelve a intentarlo en un momento";
    NO_APP = "There is no authenticator app on your account" / "No hay ninguna aplicación de autenticación en tu cuenta";
    APP_CODE_NOT_EXPECTED = "An authenticator code is not expected right now"
        / "Ahora mismo no se espera un código de aplicación de autenticación";
    ONLY_PHONES_HAVE_CHANNELS = "Only a phone has a text or call choice"
        / "Solo un teléfono permite elegir entre mensaje de texto y llamada";
    LAST_METHOD = "You can't remove your only sign-in method. Add another method first"
        / "No puedes quitar tu único método de inicio de sesión. Primero agrega otro método";
    RATE_PHONE_BURST = "We just sent codes to this number. Wait a few seconds, then try again"
        / "Acabamos de enviar códigos a este número. Espera unos segundos y vuelve a intentarlo";
    RATE_PHONE = "Too many codes were sent to this number. Try again in a few minutes"
        / "Se enviaron demasiados códigos a este número. Vuelve a intentarlo en unos minutos";
    RATE_IP = "Too many codes were requested from your network. Try again in a few minutes"
        / "Se pidieron demasiados códigos desde tu red. Vuelve a intentarlo en unos minutos";
    RATE_ACCOUNT = "You've requested too many codes today. Try again tomorrow, or use another method"
        / "Pediste demasiados códigos hoy. Vuelve a intentarlo mañana o usa otro método";
    CLOCK_ADVANCE = "The clock moves forward by 1 to 86,400 seconds at a time"
        / "El reloj avanza de 1 a 86.400 segundos cada vez";
    NO_SUCH_ENDPOINT = "There is no such API endpoint" / "Ese punto de acceso de la API no existe";
    SEND_JSON = "Send the request as application/json" / "Envía la solicitud como application/json";
    NOT_JSON = "The request body is not valid JSON" / "El cuerpo de la solicitud no es JSON válido";
    TOO_LARGE = "The request body is too large" / "El cuerpo de la solicitud es demasiado grande";
    CROSS_SITE = "Cross-site requests are not allowed" / "No se permiten solicitudes entre sitios";
    MISSING_CSRF_HEADER = "This request is missing its security header" / "A esta solicitud le falta su encabezado de seguridad";
    BAD_PATH = "The address has a part that is not right, such as an id that is not a number"
        / "La dirección tiene una parte incorrecta, como un identificador que no es un número";
    METHOD_NOT_ALLOWED = "This API endpoint does not take that HTTP method"
        / "Este punto de acceso de la API no acepta ese método HTTP";
    TIMED_OUT = "The request took too long. Try again in a moment"
        / "La solicitud tardó demasiado. Vuelve a intentarlo en un momento";
    BUSY = "We're busy right now. Try again in a moment"
        / "Estamos ocupados en este momento. Vuelve a intentarlo en un momento";
    UNAVAILABLE = "We can't reach our records right now, so nothing was done or sent. Try again in a moment"
        / "No podemos acceder a nuestros registros en este momento, así que no se hizo ni se envió nada. Vuelve a intentarlo en un momento";
    CHANGED_MEANWHILE = "Your account changed while you were doing this. Reload and try again"
        / "Tu cuenta cambió mientras hacías esto. Vuelve a cargar la página e inténtalo de nuevo";
    PHONE_REMOVED_MEANWHILE = "That phone was removed from your account. Choose another method"
        / "Ese teléfono se quitó de tu cuenta. Elige otro método";
    LINK_EXPIRED = "This link has expired or was already used. Create your account again to get a new one"
        / "Este enlace venció o ya se usó. Vuelve a crear tu cuenta para recibir uno nuevo";
}

/// Wrong passwords held this key (rule G7): when to try again, in whole minutes.
pub fn password_held(retry_after_s: i64) -> Msg {
    let minutes = (retry_after_s + 59) / 60;
    Msg::formatted(move |l| match (l, minutes) {
        (Language::En, 1) => "Too many sign-in attempts. For your security, try again in 1 minute".to_owned(),
        (Language::En, m) => {
            format!("Too many sign-in attempts. For your security, try again in {m} minutes")
        }
        (Language::Es, 1) => {
            "Demasiados intentos de inicio de sesión. Por tu seguridad, vuelve a intentarlo en 1 minuto"
                .to_owned()
        }
        (Language::Es, m) => format!(
            "Demasiados intentos de inicio de sesión. Por tu seguridad, vuelve a intentarlo en {m} minutos"
        ),
    })
}

/// Too many sign-up e-mails to this address or from this network (in whole minutes).
pub fn sign_up_emails_held(retry_after_s: i64) -> Msg {
    let minutes = (retry_after_s + 59) / 60;
    Msg::formatted(move |l| {
        match (l, minutes) {
        (Language::En, 1) => "We've sent several e-mails for this already. Check your inbox, or try again in 1 minute".to_owned(),
        (Language::En, m) => format!("We've sent several e-mails for this already. Check your inbox, or try again in {m} minutes"),
        (Language::Es, 1) => "Ya enviamos varios correos para esto. Revisa tu bandeja de entrada o vuelve a intentarlo en 1 minuto".to_owned(),
        (Language::Es, m) => format!("Ya enviamos varios correos para esto. Revisa tu bandeja de entrada o vuelve a intentarlo en {m} minutos"),
    }
    })
}

/// The sign-up e-mail to an address without an account: the link to continue.
pub fn sign_up_link_email(language: Language, host: &str, token: &str) -> (&'static str, String) {
    let link = format!("http://{host}/create-account/continue#token={token}");
    let hours = SIGN_UP_LINK_TTL_SECS / 3600;
    match language {
        Language::En => (
            "Finish creating your Phone MFA account",
            format!(
                "To finish creating your Phone MFA account, open this link:\n{link}\n\nThe link works once, for {hours} hour.\nIf you did not ask to create an account, ignore this e-mail: nothing happens without the link.\n\nPhone MFA"
            ),
        ),
        Language::Es => (
            "Termina de crear tu cuenta de Phone MFA",
            format!(
                "Para terminar de crear tu cuenta de Phone MFA, abre este enlace:\n{link}\n\nEl enlace funciona una sola vez, durante {hours} hora.\nSi no pediste crear una cuenta, ignora este correo: no pasa nada sin el enlace.\n\nPhone MFA"
            ),
        ),
    }
}

/// The sign-up e-mail to an address that already has an account: a notice, no link.
pub fn sign_up_taken_email(language: Language, host: &str) -> (&'static str, String) {
    match language {
        Language::En => (
            "Someone tried to create an account with your e-mail",
            format!(
                "Someone tried to create a Phone MFA account with this e-mail address, which already has an account.\nIf it was you, sign in instead: http://{host}/sign-in\nIf it wasn't you, there is nothing to do: your account has not changed.\n\nPhone MFA"
            ),
        ),
        Language::Es => (
            "Alguien intentó crear una cuenta con tu correo",
            format!(
                "Alguien intentó crear una cuenta de Phone MFA con este correo electrónico, que ya tiene una cuenta.\nSi fuiste tú, inicia sesión: http://{host}/sign-in\nSi no fuiste tú, no tienes que hacer nada: tu cuenta no cambió.\n\nPhone MFA"
            ),
        ),
    }
}

pub fn password_too_short() -> Msg {
    Msg::formatted(|l| match l {
        Language::En => format!("Your password must be at least {MIN_PASSWORD_CHARS} characters"),
        Language::Es => format!("Tu contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres"),
    })
}

pub fn password_too_long() -> Msg {
    Msg::formatted(|l| match l {
        Language::En => format!("Your password must be {MAX_PASSWORD_CHARS} characters or fewer"),
        Language::Es => format!("Tu contraseña debe tener {MAX_PASSWORD_CHARS} caracteres o menos"),
    })
}

pub fn phones_limit() -> Msg {
    Msg::formatted(|l| match l {
        Language::En => {
            format!("You can add up to {MAX_PHONES_PER_ACCOUNT} phone numbers. Remove one to add another")
        }
        Language::Es => {
            format!("Puedes agregar hasta {MAX_PHONES_PER_ACCOUNT} números de teléfono. Quita uno para agregar otro")
        }
    })
}

/// Why no more phones can be set up (the choose-method screen).
pub fn phones_full(language: Language) -> String {
    match language {
        Language::En => {
            format!("You already have {MAX_PHONES_PER_ACCOUNT} phone numbers, the most an account can have.")
        }
        Language::Es => format!(
            "Ya tienes {MAX_PHONES_PER_ACCOUNT} números de teléfono, el máximo que puede tener una cuenta."
        ),
    }
}

pub fn resend_in(seconds: i64) -> Msg {
    Msg::formatted(move |l| match (l, seconds) {
        (Language::En, 1) => "You can request a new code in 1 second".to_owned(),
        (Language::En, s) => format!("You can request a new code in {s} seconds"),
        (Language::Es, 1) => "Podrás pedir un código nuevo en 1 segundo".to_owned(),
        (Language::Es, s) => format!("Podrás pedir un código nuevo en {s} segundos"),
    })
}

pub fn locked_out(minutes: i64) -> Msg {
    Msg::formatted(move |l| match (l, minutes) {
        (Language::En, 1) => "Too many wrong codes. For your security, try again in 1 minute".to_owned(),
        (Language::En, m) => format!("Too many wrong codes. For your security, try again in {m} minutes"),
        (Language::Es, 1) => {
            "Demasiados códigos incorrectos. Por tu seguridad, vuelve a intentarlo en 1 minuto".to_owned()
        }
        (Language::Es, m) => {
            format!("Demasiados códigos incorrectos. Por tu seguridad, vuelve a intentarlo en {m} minutos")
        }
    })
}

/// A field the request got wrong (API clients only: the app never sends these).
pub fn bad_field(detail: String) -> Msg {
    Msg::formatted(move |l| match l {
        Language::En => format!("The request has a missing, unknown or wrongly typed field: {detail}"),
        Language::Es => {
            format!("A la solicitud le falta un campo, tiene uno desconocido o de tipo incorrecto: {detail}")
        }
    })
}

pub fn unreadable(detail: String) -> Msg {
    Msg::formatted(move |l| match l {
        Language::En => format!("The request could not be read: {detail}"),
        Language::Es => format!("No se pudo leer la solicitud: {detail}"),
    })
}

/// The app's catalogue (`locales/*.json`), read at build time: words the app and the
/// server both say (why a number or a code is refused) are written there once.
static APP_CATALOGUE: std::sync::LazyLock<[serde_json::Value; 2]> = std::sync::LazyLock::new(|| {
    let parse = |json: &str| {
        serde_json::from_str(json).expect("locales/*.json is valid JSON (the app builds from it)")
    };
    [
        parse(include_str!("../../../locales/en.json")),
        parse(include_str!("../../../locales/es.json")),
    ]
});

/// A message of the app's catalogue, in both languages; `None` if either lacks it.
pub fn from_app_catalogue(section: &str, key: &str) -> Option<Text> {
    let [en, es] = &*APP_CATALOGUE;
    Some(Text {
        en: en.get(section)?.get(key)?.as_str()?,
        es: es.get(section)?.get(key)?.as_str()?,
    })
}

fn shared(section: &str, key: &str) -> Text {
    from_app_catalogue(section, key)
        .unwrap_or_else(|| panic!("locales/*.json lacks {section}.{key} (a test checks every one)"))
}

/// Why a phone number is refused: the app's words (`phone_problem.*`).
pub fn phone_problem(problem: PhoneProblem) -> Text {
    let key = serde_json::to_value(problem).expect("a unit variant serialises");
    shared("phone_problem", key.as_str().expect("named in snake_case"))
}

/// Why a typed code is refused: the app's words (`code_problem.*`).
pub fn code_problem(problem: CodeProblem) -> Text {
    shared("code_problem", code_problem_key(problem))
}

pub fn code_problem_key(problem: CodeProblem) -> &'static str {
    match problem {
        CodeProblem::Empty => "empty",
        CodeProblem::NotDigits => "not_digits",
        CodeProblem::WrongLength => "wrong_length",
    }
}

// ------------------------------------------------------------ texts, calls, emails

/// The text message. Its last line lets browsers with WebOTP fill the code in, and
/// must stay exactly `@host #code` in every language.
pub fn sms_body(language: Language, code: &str, host: &str) -> String {
    let minutes = phone_mfa_contract::policy::CODE_TTL_SECS / 60;
    let words = match language {
        Language::En => {
            format!(
                "Your Phone MFA code is {code}. It expires in {minutes} minutes. Don't share it with anyone."
            )
        }
        Language::Es => {
            format!(
                "Tu código de Phone MFA es {code}. Vence en {minutes} minutos. No lo compartas con nadie."
            )
        }
    };
    format!("{words}\n\n@{host} #{code}")
}

/// What the phone call says: the code digit by digit, three times.
pub fn voice_script(language: Language, code: &str) -> String {
    let spoken = code.chars().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
    match language {
        Language::En => format!(
            "Hello. This is Phone MFA with your security code. Your code is: {spoken}. Again, your code is: {spoken}. One last time, your code is: {spoken}. Goodbye."
        ),
        Language::Es => format!(
            "Hola. Te llamamos de Phone MFA con tu código de seguridad. Tu código es: {spoken}. Otra vez, tu código es: {spoken}. Por última vez, tu código es: {spoken}. Adiós."
        ),
    }
}

/// The BCP 47 tag a voice provider reads the script in (TwiML `<Say language>`).
pub fn voice_language(language: Language) -> &'static str {
    match language {
        Language::En => "en-US",
        Language::Es => "es-MX",
    }
}

/// What changed on the account, for the notice email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    PhoneAdded(&'a str),
    PhoneChanged { from: &'a str, to: &'a str },
    PhoneRemoved(&'a str),
    AppRemoved,
}

/// Subject and first paragraph of the account-change email.
pub fn account_change(language: Language, change: AccountChange) -> (&'static str, String) {
    use AccountChange::*;
    match (language, change) {
        (Language::En, PhoneAdded(m)) => (
            "A phone number was added to your account",
            format!("The phone number {m} was added to your Phone MFA account for sign-in codes."),
        ),
        (Language::Es, PhoneAdded(m)) => (
            "Se agregó un número de teléfono a tu cuenta",
            format!("Se agregó el número de teléfono {m} a tu cuenta de Phone MFA para los códigos de inicio de sesión."),
        ),
        (Language::En, PhoneChanged { from, to }) => (
            "Your phone number was changed",
            format!("The phone number for sign-in codes on your Phone MFA account was changed from {from} to {to}."),
        ),
        (Language::Es, PhoneChanged { from, to }) => (
            "Se cambió tu número de teléfono",
            format!("El número de teléfono para los códigos de inicio de sesión de tu cuenta de Phone MFA se cambió de {from} a {to}."),
        ),
        (Language::En, PhoneRemoved(m)) => (
            "A sign-in method was removed from your account",
            format!("The phone number {m} was removed from your Phone MFA account."),
        ),
        (Language::Es, PhoneRemoved(m)) => (
            "Se quitó un método de inicio de sesión de tu cuenta",
            format!("Se quitó el número de teléfono {m} de tu cuenta de Phone MFA."),
        ),
        (Language::En, AppRemoved) => (
            "A sign-in method was removed from your account",
            "An authenticator app was removed from your Phone MFA account.".to_owned(),
        ),
        (Language::Es, AppRemoved) => (
            "Se quitó un método de inicio de sesión de tu cuenta",
            "Se quitó una aplicación de autenticación de tu cuenta de Phone MFA.".to_owned(),
        ),
    }
}

/// The rest of the account-change email: what to do if it wasn't them.
pub fn account_change_footer(language: Language, host: &str) -> String {
    match language {
        Language::En => format!(
            "If this was you, there is nothing else to do.\nIf this wasn't you, secure your account now: http://{host}/this-wasnt-me\n\nPhone MFA"
        ),
        Language::Es => format!(
            "Si fuiste tú, no tienes que hacer nada más.\nSi no fuiste tú, protege tu cuenta ahora: http://{host}/this-wasnt-me\n\nPhone MFA"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phone_and_code_problem_has_the_apps_words_in_both_languages() {
        use CodeProblem as C;
        use PhoneProblem as P;
        let phones = [
            P::Empty,
            P::Extension,
            P::InvalidCharacters,
            P::TooShort,
            P::TooLong,
            P::NotValidInCountry,
            P::CountryNotSupported,
            P::PremiumRate,
            P::SharedCost,
            P::NotAPersonalPhone,
        ];
        for p in phones {
            // Adding a problem breaks this match, and so this list must grow with it.
            match p {
                P::Empty
                | P::Extension
                | P::InvalidCharacters
                | P::TooShort
                | P::TooLong
                | P::NotValidInCountry
                | P::CountryNotSupported
                | P::PremiumRate
                | P::SharedCost
                | P::NotAPersonalPhone => {}
            }
            let key = serde_json::to_value(p).unwrap();
            let text = from_app_catalogue("phone_problem", key.as_str().unwrap());
            assert!(
                text.is_some_and(|t| !t.en.is_empty() && !t.es.is_empty() && t.en != t.es),
                "{p:?}"
            );
        }
        for c in [C::Empty, C::NotDigits, C::WrongLength] {
            match c {
                C::Empty | C::NotDigits | C::WrongLength => {}
            }
            let text = from_app_catalogue("code_problem", code_problem_key(c));
            assert!(
                text.is_some_and(|t| !t.en.is_empty() && !t.es.is_empty() && t.en != t.es),
                "{c:?}"
            );
        }
        assert!(from_app_catalogue("phone_problem", "no_such_problem").is_none());
    }

    #[test]
    fn every_message_has_different_non_empty_english_and_spanish() {
        for (name, text) in ALL_TEXTS {
            assert!(
                !text.en.trim().is_empty() && !text.es.trim().is_empty(),
                "{name} is empty"
            );
            // Only machine words (field names) may read the same in both languages.
            if *name != "SEND_JSON" {
                assert_ne!(text.en, text.es, "{name} is not translated");
            }
        }
        for p in [
            PhoneProblem::Empty,
            PhoneProblem::Extension,
            PhoneProblem::InvalidCharacters,
            PhoneProblem::TooShort,
            PhoneProblem::TooLong,
            PhoneProblem::NotValidInCountry,
            PhoneProblem::CountryNotSupported,
            PhoneProblem::PremiumRate,
            PhoneProblem::SharedCost,
            PhoneProblem::NotAPersonalPhone,
        ] {
            let t = phone_problem(p);
            assert_ne!(t.en, t.es, "{p:?}");
        }
    }

    #[test]
    fn counts_agree_in_both_languages() {
        assert_eq!(
            resend_in(1).render(Language::En),
            "You can request a new code in 1 second"
        );
        assert_eq!(
            resend_in(30).render(Language::Es),
            "Podrás pedir un código nuevo en 30 segundos"
        );
        assert!(locked_out(1).render(Language::Es).ends_with("en 1 minuto"));
        assert!(locked_out(10).render(Language::En).ends_with("in 10 minutes"));
    }

    #[test]
    fn the_webotp_line_is_the_same_in_every_language() {
        for language in Language::ALL {
            let body = sms_body(language, "123456", "example.com");
            assert!(body.ends_with("\n\n@example.com #123456"), "{body}");
            assert!(body.contains("123456."), "{body}");
            assert_eq!(
                voice_script(language, "123456")
                    .matches("1, 2, 3, 4, 5, 6")
                    .count(),
                3
            );
        }
    }

    #[test]
    fn the_request_language_follows_accept_language() {
        assert_eq!(request_language(), Language::En);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(REQUEST_LANGUAGE.scope(Language::Es, async {
            assert_eq!(request_language(), Language::Es);
        }));
    }
}
