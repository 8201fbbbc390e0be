//! The contract between the Phone MFA app (wasm, in the browser) and its server.
//!
//! A request or answer type exists here once; so do the rules both sides apply to
//! what a person types: [`phone::check_phone`] and [`code::normalize_code`]. The
//! browser runs them for instant feedback, the server runs the very same code again
//! because the browser is never trusted.

pub mod api;
pub mod catalogue;
pub mod code;
mod countries;
pub mod phone;
pub mod policy;
pub mod recovery;

pub use api::*;
