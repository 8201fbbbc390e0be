//! The rules: what may happen, in what order. Calls `store` for data (inside one
//! transaction per request) and `couriers` to send; knows nothing of HTTP beyond the
//! error type it answers with.

pub mod accounts;
pub mod app_setup;
pub mod change_reports;
pub mod codes;
pub mod deliveries;
pub mod limits;
pub mod passwords;
pub mod recovery;
pub mod remembered;
pub mod retention;
pub mod sessions;
pub mod sign_ups;
