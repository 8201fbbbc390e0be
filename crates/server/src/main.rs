use phone_mfa_server::config::Config;
use phone_mfa_server::{http, seed, serve_until, Builder};
use tracing_subscriber::EnvFilter;

fn main() {
    // Before the runtime's threads exist (see the function's comment).
    phone_mfa_server::domain::passwords::return_hash_memory_to_the_os();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
        .block_on(serve_until_stopped());
}

async fn serve_until_stopped() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("migrate-to-postgres") {
        std::process::exit(migrate_to_postgres(&args[1..]).await);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")),
        )
        .json()
        .init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("phone-mfa-server: {e}");
            std::process::exit(2);
        }
    };
    let addr = config.addr;
    let dev = config.dev_mode;
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(dist = %config.dist_dir.display(), "no built app found: only the API is served (run `cargo xtask run`)");
    }
    let state = match Builder::new(config).build().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phone-mfa-server: {e}");
            std::process::exit(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("phone-mfa-server: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!("Phone MFA is running at http://{addr}");
    if dev {
        println!("Dev mode: texts, calls and e-mails go to http://{addr}/api/dev/outbox");
        println!("Demo accounts (password \"{}\"):", seed::DEMO_PASSWORD);
        for a in seed::DEMO_ACCOUNTS {
            println!("  {:<24} {}", a.email, a.about);
        }
        println!("Demo authenticator app secret: {}", seed::DEMO_TOTP_SECRET);
    }
    if let Some(metrics_addr) = state.config.metrics_addr {
        match tokio::net::TcpListener::bind(metrics_addr).await {
            Ok(l) => {
                println!("Metrics for Prometheus at http://{metrics_addr}/metrics");
                let metrics = http::metrics_router(state.clone());
                tokio::spawn(async move { axum::serve(l, metrics).await });
            }
            Err(e) => {
                eprintln!("phone-mfa-server: cannot listen on {metrics_addr} for metrics: {e}");
                std::process::exit(1);
            }
        }
    }
    if let Err(e) = serve_until(listener, state, stop_signal()).await {
        eprintln!("phone-mfa-server: {e}");
        std::process::exit(1);
    }
}

/// SIGTERM (what `docker stop`, systemd and Kubernetes send) or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// `phone-mfa-server migrate-to-postgres <sqlite file> <postgres url>`: copies every
/// table of the embedded database into an empty PostgreSQL database (README,
/// "Moving to PostgreSQL"). Run it with the server stopped.
async fn migrate_to_postgres(args: &[String]) -> i32 {
    use phone_mfa_server::store::{copy, Location, PoolSettings, Store};
    let [file, url] = args else {
        eprintln!("usage: phone-mfa-server migrate-to-postgres <sqlite file> <postgres url>");
        return 2;
    };
    let path = std::path::PathBuf::from(file);
    if !path.is_file() {
        eprintln!("phone-mfa-server: {file} is not an SQLite file");
        return 2;
    }
    let settings = PoolSettings::default();
    let from = match Store::open(&Location::SqliteFile(path), &settings).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phone-mfa-server: {e}");
            return 1;
        }
    };
    let to = match Store::open(&Location::Postgres(url.clone()), &settings).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phone-mfa-server: {e}");
            return 1;
        }
    };
    match copy::sqlite_to_postgres(&from, &to).await {
        Ok(counts) => {
            for (table, n) in counts {
                println!("{table:<20} {n:>10} rows copied and counted on both sides");
            }
            println!("Done. Start the server with PHONE_MFA_DATABASE_URL set to the PostgreSQL URL.");
            0
        }
        Err(e) => {
            eprintln!("phone-mfa-server: the copy failed: {e}");
            1
        }
    }
}
