//! Server configuration: every setting has an embedded default so `cargo xtask run`
//! needs none; each can be overridden by an environment variable (see README,
//! "Configuration").

use crate::store::{Location, PoolSettings};
use phone_mfa_contract::policy;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `PHONE_MFA_ADDR`, default 127.0.0.1:8080.
    pub addr: SocketAddr,
    /// Where the data lives: `PHONE_MFA_DATABASE_URL=postgres://...` for PostgreSQL
    /// (several instances can share it), else the SQLite file `PHONE_MFA_DB`, default
    /// `data/phone-mfa.sqlite3`.
    pub database: Location,
    /// `PHONE_MFA_DATABASE_POOL`: connections to PostgreSQL per instance (default 10).
    /// A request that waits 3 s for one is answered 503.
    pub database_pool: PoolSettings,
    /// `PHONE_MFA_DIST`: the built SPA to serve, default `dist`.
    pub dist_dir: PathBuf,
    /// Dev mode (the default): demo accounts, the dev outbox at `/api/dev/outbox`.
    /// `PHONE_MFA_PRODUCTION=1` turns it off.
    pub dev_mode: bool,
    /// `PHONE_MFA_SECRET`: key for code MACs and phone fingerprints. Dev mode derives a
    /// fixed one; production refuses to start without one.
    pub secret: Vec<u8>,
    /// `PHONE_MFA_ALLOWED_COUNTRIES`: comma-separated ISO regions codes may be sent to.
    pub allowed_countries: Vec<String>,
    /// `PHONE_MFA_PUBLIC_HOST`: where people open the app: the host named in the WebOTP
    /// line of a text (`@host #123456`) and in the links of e-mails (see `public_origin`).
    pub public_host: String,
    pub limits: SendLimits,
    pub password_hashing: PasswordHashing,
    /// `PHONE_MFA_IP_PASSWORD_FAILURES`: wrong passwords from one IP, across every address
    /// it tries, before its sign-ins are slowed (rule G7; raise it where many people share
    /// one address).
    pub password_failures_per_ip: u32,
    /// `PHONE_MFA_IP_SIGN_UPS_PER_HOUR`: sign-up e-mails one IP may cause in an hour.
    pub sign_up_emails_per_ip: u32,
    /// `PHONE_MFA_TWILIO_*`: send real texts and calls through Twilio. Without it codes
    /// go to the dev outbox (dev mode) and production refuses to start.
    pub twilio: Option<crate::couriers::twilio::TwilioConfig>,
    /// `PHONE_MFA_SMTP_*`: send e-mail (sign-up links, account-change notices) through an
    /// SMTP server. Without it e-mail goes to the dev outbox (dev mode) and production
    /// refuses to start.
    pub smtp: Option<crate::couriers::smtp::SmtpConfig>,
    /// Where Prometheus reads `/metrics`. `PHONE_MFA_METRICS_ADDR` (e.g.
    /// `127.0.0.1:9100`) serves it on a listener of its own, off the public one;
    /// `PHONE_MFA_METRICS_PUBLIC=1` (the default in dev mode) on the public listener too.
    /// In production it is on neither unless asked: the figures are the operator's.
    pub metrics_addr: Option<SocketAddr>,
    pub metrics_public: bool,
    /// `PHONE_MFA_AUDIT_RETENTION_DAYS`: how long the audit log is kept (default 400:
    /// a year and its review).
    pub audit_retention_days: i64,
    /// `PHONE_MFA_SUPPORT_EMAIL`: where people who can use none of the methods offered
    /// (a prescriber of controlled substances) are sent for help. Default
    /// `support@` the public host's name (see `support_email()`).
    pub support_email: Option<String>,
}

/// Send limits (security rules, "Send limits"). Defaults are the policy constants; the
/// per-IP limit can be raised where many people share one address (or for a test run).
#[derive(Debug, Clone, Copy)]
pub struct SendLimits {
    pub per_ip: u32,
    pub per_phone: u32,
    pub per_account: u32,
}

impl Default for SendLimits {
    fn default() -> Self {
        SendLimits {
            per_ip: policy::IP_SENDS_PER_WINDOW,
            per_phone: policy::PHONE_SENDS_PER_WINDOW,
            per_account: policy::ACCOUNT_SENDS_PER_WINDOW,
        }
    }
}

/// The cap on concurrent password hashes (rule G7): argon2 takes 19 MiB and a core
/// for each, so more at once than there are cores only costs memory and latency.
#[derive(Debug, Clone, Copy)]
pub struct PasswordHashing {
    /// Hashes at once: one per core by default.
    pub permits: usize,
    /// How long a request waits for a slot before it is answered 503.
    pub queue_wait: std::time::Duration,
}

impl Default for PasswordHashing {
    fn default() -> Self {
        PasswordHashing {
            permits: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_wait: std::time::Duration::from_millis(policy::PASSWORD_HASH_QUEUE_WAIT_MS),
        }
    }
}

/// A configuration value that could not be used.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Defaults for development and tests: dev mode on, nothing read from the environment.
    pub fn development() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: Location::SqliteFile(PathBuf::from("data/phone-mfa.sqlite3")),
            database_pool: PoolSettings::default(),
            dist_dir: PathBuf::from("dist"),
            dev_mode: true,
            secret: b"phone-mfa development secret: never use in production".to_vec(),
            allowed_countries: policy::DEFAULT_ALLOWED_COUNTRIES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            public_host: "127.0.0.1:8080".into(),
            limits: SendLimits::default(),
            password_hashing: PasswordHashing::default(),
            password_failures_per_ip: policy::PASSWORD_FREE_FAILURES_PER_IP,
            sign_up_emails_per_ip: policy::SIGN_UP_EMAILS_PER_IP,
            twilio: None,
            smtp: None,
            metrics_addr: None,
            metrics_public: true,
            audit_retention_days: 400,
            support_email: None,
        }
    }

    /// Reads `PHONE_MFA_*` variables over the development defaults.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Config::development();
        if let Some(port) = var("PHONE_MFA_PORT") {
            let port: u16 = port
                .parse()
                .map_err(|_| ConfigError(format!("PHONE_MFA_PORT is not a port: {port}")))?;
            config.addr.set_port(port);
        }
        if let Some(addr) = var("PHONE_MFA_ADDR") {
            config.addr = addr
                .parse()
                .map_err(|_| ConfigError(format!("PHONE_MFA_ADDR is not an address: {addr}")))?;
        }
        config.public_host = config.addr.to_string();
        match (var("PHONE_MFA_DATABASE_URL"), var("PHONE_MFA_DB")) {
            (Some(_), Some(_)) => {
                return Err(ConfigError(
                    "set PHONE_MFA_DATABASE_URL (PostgreSQL) or PHONE_MFA_DB (an SQLite file), not both"
                        .into(),
                ))
            }
            (Some(url), None) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                config.database = Location::Postgres(url);
            }
            (Some(url), None) => {
                match url.strip_prefix("sqlite://") {
                    Some(path) if !path.is_empty() => config.database = Location::SqliteFile(path.into()),
                    _ => return Err(ConfigError(
                        "PHONE_MFA_DATABASE_URL must start with postgres:// (or sqlite:// and a file path)"
                            .into(),
                    )),
                }
            }
            (None, Some(path)) => config.database = Location::SqliteFile(path.into()),
            (None, None) => {}
        }
        if let Some(n) = var("PHONE_MFA_DATABASE_POOL") {
            config.database_pool.max_connections = n.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                ConfigError(format!("PHONE_MFA_DATABASE_POOL is not a positive number: {n}"))
            })?;
        }
        if let Some(path) = var("PHONE_MFA_DIST") {
            config.dist_dir = path.into();
        }
        if let Some(host) = var("PHONE_MFA_PUBLIC_HOST") {
            config.public_host = host;
        }
        config.dev_mode = !matches!(var("PHONE_MFA_PRODUCTION").as_deref(), Some("1" | "true"));
        match var("PHONE_MFA_SECRET") {
            Some(secret) if secret.len() >= 32 => config.secret = secret.into_bytes(),
            Some(_) => {
                return Err(ConfigError(
                    "PHONE_MFA_SECRET must be at least 32 characters".into(),
                ))
            }
            None if !config.dev_mode => {
                return Err(ConfigError("PHONE_MFA_SECRET is required in production".into()))
            }
            None => {}
        }
        if let Some(list) = var("PHONE_MFA_ALLOWED_COUNTRIES") {
            let regions: Vec<String> = list
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect();
            if let Some(bad) = regions
                .iter()
                .find(|r| phone_mfa_contract::phone::country(r).is_none())
            {
                return Err(ConfigError(format!(
                    "PHONE_MFA_ALLOWED_COUNTRIES: {bad} is not a supported country"
                )));
            }
            config.allowed_countries = regions;
        }
        config.twilio = crate::couriers::twilio::TwilioConfig::from_vars(&var);
        if config.twilio.is_none() && !config.dev_mode {
            return Err(ConfigError(
                "production needs a courier: set PHONE_MFA_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _FROM".into(),
            ));
        }
        config.metrics_public = config.dev_mode;
        if let Some(flag) = var("PHONE_MFA_METRICS_PUBLIC") {
            config.metrics_public = flag == "1";
        }
        if let Some(addr) = var("PHONE_MFA_METRICS_ADDR") {
            config.metrics_addr = Some(
                addr.parse()
                    .map_err(|e| ConfigError(format!("PHONE_MFA_METRICS_ADDR: {addr}: {e}")))?,
            );
        }
        if let Some(address) = var("PHONE_MFA_SUPPORT_EMAIL") {
            let address = address.trim();
            if !address.contains('@') || address.chars().any(char::is_whitespace) {
                return Err(ConfigError(format!(
                    "PHONE_MFA_SUPPORT_EMAIL is not an e-mail address: {address}"
                )));
            }
            config.support_email = Some(address.to_owned());
        }
        if let Some(days) = var("PHONE_MFA_AUDIT_RETENTION_DAYS") {
            config.audit_retention_days = days.parse().ok().filter(|d| *d >= 1).ok_or_else(|| {
                ConfigError(format!(
                    "PHONE_MFA_AUDIT_RETENTION_DAYS: {days} is not a number of days"
                ))
            })?;
        }
        config.smtp = crate::couriers::smtp::SmtpConfig::from_vars(&var).map_err(ConfigError)?;
        if config.smtp.is_none() && !config.dev_mode {
            return Err(ConfigError(
                "production needs a mailer: set PHONE_MFA_SMTP_URL and PHONE_MFA_SMTP_FROM".into(),
            ));
        }
        if let Some(n) = var("PHONE_MFA_IP_SENDS_PER_5_MIN") {
            config.limits.per_ip = n
                .parse()
                .map_err(|_| ConfigError(format!("PHONE_MFA_IP_SENDS_PER_5_MIN is not a number: {n}")))?;
        }
        if let Some(n) = var("PHONE_MFA_IP_PASSWORD_FAILURES") {
            config.password_failures_per_ip = n
                .parse()
                .map_err(|_| ConfigError(format!("PHONE_MFA_IP_PASSWORD_FAILURES is not a number: {n}")))?;
        }
        if let Some(n) = var("PHONE_MFA_IP_SIGN_UPS_PER_HOUR") {
            config.sign_up_emails_per_ip = n
                .parse()
                .map_err(|_| ConfigError(format!("PHONE_MFA_IP_SIGN_UPS_PER_HOUR is not a number: {n}")))?;
        }
        if let Some(n) = var("PHONE_MFA_PASSWORD_HASH_SLOTS") {
            config.password_hashing.permits = n.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                ConfigError(format!(
                    "PHONE_MFA_PASSWORD_HASH_SLOTS is not a positive number: {n}"
                ))
            })?;
        }
        Ok(config)
    }

    /// The start of every link the server sends (`https://host`): people open e-mailed
    /// links from anywhere, so in production they are HTTPS; the development server
    /// itself speaks plain HTTP.
    pub fn public_origin(&self) -> String {
        let scheme = if self.dev_mode { "http" } else { "https" };
        format!("{scheme}://{}", self.public_host)
    }

    /// Where people are sent for help: `PHONE_MFA_SUPPORT_EMAIL`, or `support@` the
    /// public host's name.
    pub fn support_email(&self) -> String {
        self.support_email.clone().unwrap_or_else(|| {
            let host = self
                .public_host
                .rsplit_once(':')
                .map_or(self.public_host.as_str(), |(h, _)| h);
            format!("support@{host}")
        })
    }

    pub fn country_allowed(&self, region: &str) -> bool {
        self.allowed_countries
            .iter()
            .any(|c| c.eq_ignore_ascii_case(region))
    }
}
