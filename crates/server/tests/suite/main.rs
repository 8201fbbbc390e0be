//! The server's integration tests, in one binary: one link of the server instead of
//! one per file (each of those was ~165 MB of debug build, and CI ran out of disk).
//! Tests that read process-wide figures (peak memory in `password_burst.rs`, response
//! times in `sign_up_timing.rs`) keep a binary of their own.

#[path = "../common/mod.rs"]
mod common;

mod account_security;
mod accounts;
mod alternatives;
mod change_reports;
mod codes;
mod database_outage;
mod deliveries;
mod delivery_status;
mod instances;
mod languages;
mod layout;
mod mail;
mod migrate_to_postgres;
mod operations;
mod retention;
mod sending;
mod twilio;
mod web;
