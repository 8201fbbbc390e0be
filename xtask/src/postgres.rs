//! The PostgreSQL the server's suite runs on a second time (issue 15).
//!
//! This project's machines run PostgreSQL 15 at 127.0.0.1:5432 with trust
//! authentication and a database `test`. Where none answers, it is installed and
//! started as the other tools are (Debian's `postgresql`, the recipe in the project's
//! toolchain guide); where that cannot be done (not root), the run stops and says how.
//! The suite is never skipped.

use crate::{cmd, output, status, step, Result};

/// `PHONE_MFA_TEST_DATABASE_URL` if set, else the machines' database `test`.
pub fn test_url() -> String {
    std::env::var("PHONE_MFA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn answers(url: &str) -> bool {
    output("psql", &[url, "-Atc", "select 1"]).is_some_and(|o| o.trim() == "1")
}

fn as_root() -> bool {
    output("id", &["-u"]).is_some_and(|o| o.trim() == "0")
}

/// Makes sure the suite's PostgreSQL answers; returns its URL.
pub fn ensure() -> Result<String> {
    step("Checking PostgreSQL for the server suite");
    let url = test_url();
    if answers(&url) {
        println!("{url} answers");
        return Ok(url);
    }
    let default = std::env::var("PHONE_MFA_TEST_DATABASE_URL").is_err();
    if !default {
        return Err(format!(
            "PHONE_MFA_TEST_DATABASE_URL={url} does not answer (psql {url} -c 'select 1' fails); \
             start that server, or unset the variable to use a local PostgreSQL"
        ));
    }
    if !as_root() {
        return Err(
            "no PostgreSQL answers at 127.0.0.1:5432 and installing one needs root: \
             run `sudo apt-get install -y postgresql`, set the 127.0.0.1 and ::1 lines of \
             pg_hba.conf to trust, start it (`sudo pg_ctlcluster 15 main start`), create the \
             database (`createdb -h 127.0.0.1 -U postgres test`), or point \
             PHONE_MFA_TEST_DATABASE_URL at one"
                .into(),
        );
    }
    if output("pg_lsclusters", &["-h"])
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        println!("installing PostgreSQL (apt-get install postgresql)");
        status(cmd("apt-get", &["update", "-qq"]))?;
        let mut install = cmd("apt-get", &["install", "-y", "-qq", "postgresql"]);
        install.env("DEBIAN_FRONTEND", "noninteractive");
        status(install)?;
    }
    let clusters = output("pg_lsclusters", &["-h"]).unwrap_or_default();
    let Some((version, name)) = clusters.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        Some((f.next()?.to_owned(), f.next()?.to_owned()))
    }) else {
        return Err("PostgreSQL is installed but has no cluster (pg_lsclusters is empty)".into());
    };
    // Loopback connections without a password, as on the project's machines.
    let hba = format!("/etc/postgresql/{version}/{name}/pg_hba.conf");
    if let Ok(text) = std::fs::read_to_string(&hba) {
        let trusted: String = text
            .lines()
            .map(|l| {
                let loopback = l.starts_with("host") && (l.contains("127.0.0.1/32") || l.contains("::1/128"));
                if loopback {
                    l.replace("scram-sha-256", "trust").replace("md5", "trust")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&hba, trusted + "\n").map_err(|e| format!("{hba}: {e}"))?;
    }
    let running = clusters.contains("online");
    let action = if running { "reload" } else { "start" };
    println!("{action}ing PostgreSQL {version}/{name}");
    status(cmd(
        "pg_ctlcluster",
        &["--skip-systemctl-redirect", &version, &name, action],
    ))?;
    for _ in 0..50 {
        if answers("postgres://postgres@127.0.0.1:5432/postgres") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    if !answers(&url) {
        let _ = output(
            "psql",
            &[
                "postgres://postgres@127.0.0.1:5432/postgres",
                "-c",
                "CREATE DATABASE test",
            ],
        );
    }
    if answers(&url) {
        println!("{url} answers");
        Ok(url)
    } else {
        Err(format!("PostgreSQL was started but {url} does not answer"))
    }
}
