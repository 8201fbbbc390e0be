//! `cargo xtask run`: build what is stale, then serve the app with its defaults.

use crate::*;

pub(crate) fn run(args: &[String]) -> Result {
    let mut port = std::env::var("PHONE_MFA_PORT").unwrap_or_else(|_| "8080".into());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = it.next().cloned().ok_or("--port needs a number")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    ensure_tools()?;
    build_app(true)?;
    build_server()?;
    step("Starting the server (Ctrl-C stops it)");
    let mut c = cmd("target/debug/phone-mfa-server", &[]);
    c.env("PHONE_MFA_PORT", &port);
    if std::env::var_os("RUST_LOG").is_none() {
        c.env("RUST_LOG", "info,tower_http=warn");
    }
    status(c)
}
