//! Project automation, one module per subcommand (see xtask/Cargo.toml for what each
//! crate is for):
//!
//! - `cargo xtask run [--port N]`: install what is missing, build the app, serve it.
//! - `cargo xtask test`: every check (format, lints, native tests, the server suite on
//!   SQLite and on PostgreSQL, browser tests, end to end).
//! - `cargo xtask build`: the release app (precompressed) and the server.
//! - `cargo xtask storyboard`: screenshots of every step of the real flows.
//! - `cargo xtask bench`: sizes, browser timings and budgets.
//! - `cargo xtask sizes`: the production build weighed against the size guards (also a
//!   step of `cargo xtask test`).
//! - `cargo xtask phone-metadata <xml>`: moves to another libphonenumber metadata
//!   version, printing every example number whose verdict changes.
//!
//! Tools are installed only when missing or at the wrong version, so a second run
//! with nothing changed starts quickly.

// The translation check runs as a test (`cargo test -p xtask`).
mod bench;
mod build;
mod first_paint;
#[cfg(test)]
mod locales;
mod phone_metadata;
mod postgres;
#[cfg(test)]
mod rules;
mod run;
mod split;
mod storyboard;
mod test;
mod tools;

use bench::*;
use build::*;
use run::*;
use storyboard::*;
use test::*;
use tools::*;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime};

pub(crate) const TRUNK_VERSION: &str = "0.21.14";
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root).expect("project root exists");
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("build") => ensure_tools()
            .and_then(|_| build_app(true))
            .and_then(|_| build_server()),
        Some("storyboard") => ensure_tools().and_then(|_| storyboard(None)),
        Some("bench") => ensure_tools().and_then(|_| bench()),
        Some("sizes") => ensure_tools().and_then(|_| size_guards()),
        Some("phone-metadata") => match args.get(1) {
            Some(xml) => phone_metadata::update(xml),
            None => Err("usage: cargo xtask phone-metadata <PhoneNumberMetadata.xml>".into()),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <run [--port N] | test | build | storyboard | bench | sizes | phone-metadata <xml>>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) type Result<T = ()> = std::result::Result<T, String>;

pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// PATH with the npm-installed tools (wasm-opt) first, so trunk finds them.
pub(crate) fn tool_path() -> String {
    let bin = project_root().join("node_modules/.bin");
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

pub(crate) fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).env("PATH", tool_path());
    c
}

pub(crate) fn status(mut c: Command) -> Result {
    let shown = format!("{c:?}");
    let st = c.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({st})"))
    }
}

pub(crate) fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn step(what: &str) {
    println!("\n==> {what}");
}
