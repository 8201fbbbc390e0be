//! Keeps the app's relocations when it is built to be split (`--cfg phone_mfa_split`,
//! see xtask/src/split.rs): wasm-split needs them, and only the app, not the validator
//! worker, is split.
//!
//! Generates the `i18n` module (src/i18n.rs includes it) from locales/en.json and
//! locales/es.json: every key becomes a checked name, so a key missing from the code
//! or a mistyped interpolation fails the build.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    if std::env::var_os("CARGO_CFG_PHONE_MFA_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bin=phone-mfa=--emit-relocs");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // `t_string!` with values ("Send a new code (available in {{ time }})").
    let options = ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("en")?.add_locale("es")?.parse_options(options);
    let translations = TranslationsInfos::parse(cfg)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
