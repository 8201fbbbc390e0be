//! Project automation (std, plus brotli and flate2 for precompressing assets):
//!
//! - `cargo xtask run [--port N]`: install what is missing, build the app, serve it.
//! - `cargo xtask test`: every check (format, lints, native tests, the server suite on
//!   SQLite and on PostgreSQL, browser tests, end to end).
//! - `cargo xtask build`: the release app (precompressed) and the server.
//! - `cargo xtask storyboard`: screenshots of every step of the real flows.
//! - `cargo xtask bench`: sizes, browser timings and budgets.
//!
//! Tools are installed only when missing or at the wrong version, so a second run
//! with nothing changed starts quickly.

// The translation check runs as a test (`cargo test -p xtask`).
#[cfg(test)]
mod locales;
mod phone_metadata;
mod postgres;
#[cfg(test)]
mod rules;
mod split;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime};

const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

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
        Some("phone-metadata") => match args.get(1) {
            Some(xml) => phone_metadata::update(xml),
            None => Err("usage: cargo xtask phone-metadata <PhoneNumberMetadata.xml>".into()),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <run [--port N] | test | build | storyboard | bench | phone-metadata <xml>>"
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

type Result<T = ()> = std::result::Result<T, String>;

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// PATH with the npm-installed tools (wasm-opt) first, so trunk finds them.
fn tool_path() -> String {
    let bin = project_root().join("node_modules/.bin");
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).env("PATH", tool_path());
    c
}

fn status(mut c: Command) -> Result {
    let shown = format!("{c:?}");
    let st = c.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({st})"))
    }
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn step(what: &str) {
    println!("\n==> {what}");
}

// ------------------------------------------------------------------ tools

/// The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn ensure_tools() -> Result {
    step("Checking tools");
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == WASM_TARGET) {
        println!("installing the {WASM_TARGET} target");
        status(cmd("rustup", &["target", "add", WASM_TARGET]))?;
    }
    let trunk = output("trunk", &["--version"]).unwrap_or_default();
    if !trunk.contains(TRUNK_VERSION) {
        println!("installing trunk {TRUNK_VERSION} (about 8 minutes on 2 cores)");
        status(cmd(
            "cargo",
            &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
        ))?;
    }
    let wanted = locked_wasm_bindgen()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if !have.split_whitespace().any(|w| w == wanted) {
        println!("installing wasm-bindgen-cli {wanted} (matches Cargo.lock)");
        // No --locked: its lockfile pins a webpki-roots the registry here does not have.
        status(cmd(
            "cargo",
            &["install", "wasm-bindgen-cli", "--version", &format!("={wanted}")],
        ))?;
    }
    if !Path::new("node_modules/.bin/wasm-opt").exists()
        || !Path::new("node_modules/.bin/playwright").exists()
    {
        println!("installing wasm-opt (npm binaryen) and Playwright from package-lock.json");
        status(cmd("npm", &["ci", "--no-audit", "--no-fund"]))?;
    }
    println!(
        "trunk {TRUNK_VERSION}, wasm-bindgen {wanted}, {}",
        output("node_modules/.bin/wasm-opt", &["--version"])
            .unwrap_or_default()
            .trim()
    );
    Ok(())
}

// ------------------------------------------------------------------ build

fn newest_mtime(path: &Path) -> SystemTime {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return SystemTime::UNIX_EPOCH,
    };
    if meta.is_dir() {
        std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| newest_mtime(&e.path()))
            .max()
            .unwrap_or(SystemTime::UNIX_EPOCH)
    } else {
        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// Everything the built SPA depends on.
const APP_INPUTS: &[&str] = &[
    "src",
    "style",
    "public",
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
    "locales",
    ".cargo/config.toml",
    "crates/contract",
    "vendor/phonenumber",
    // How the release app is split.
    "xtask/src/split.rs",
];

/// Written after each release build by xtask. `trunk serve` rebuilds dist/ in debug;
/// the stamp tells such a dist/ apart from the release build xtask made.
const RELEASE_STAMP: &str = "target/xtask-release-app.stamp";

fn app_is_fresh() -> bool {
    let stamp = newest_mtime(Path::new(RELEASE_STAMP));
    stamp > SystemTime::UNIX_EPOCH
        && newest_mtime(Path::new("dist/index.html")) <= stamp
        && APP_INPUTS.iter().all(|p| newest_mtime(Path::new(p)) <= stamp)
}

fn build_app(release: bool) -> Result {
    if app_is_fresh() {
        step("The app in dist/ is up to date");
        return precompress();
    }
    step("Building the app (trunk build --release --offline, then split)");
    let started = Instant::now();
    let mut args = vec!["build", "--offline"];
    let mut trunk = cmd("trunk", &[]);
    if release {
        args.push("--release");
        trunk.env("RUSTFLAGS", split::RUSTFLAGS);
    }
    trunk.args(&args);
    status(trunk)?;
    if release {
        split::split_app(Path::new("dist"))?;
    }
    println!("built in {:.0} s", started.elapsed().as_secs_f64());
    precompress()?;
    if release {
        std::fs::write(RELEASE_STAMP, "dist/ holds the release build xtask made\n")
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// What is worth compressing: text and wasm. (The server reads the plain index.html to
/// hash its inline script for the CSP, and sends the compressed copy.)
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "wasm" | "js" | "css" | "svg" | "webmanifest")
    )
}

fn precompress() -> Result {
    precompress_dir("dist")
}

/// Writes `file.br` (quality 11) and `file.gz` (level 9) beside every compressible
/// asset in `dir`, for the server to send as they are.
fn precompress_dir(dir: &str) -> Result {
    use std::io::Write;
    let mut written = 0;
    for entry in std::fs::read_dir(dir)
        .map_err(|e| format!("{dir}: {e}"))?
        .flatten()
    {
        let path = entry.path();
        if !compressible(&path) {
            continue;
        }
        let br = PathBuf::from(format!("{}.br", path.display()));
        if newest_mtime(&br) >= newest_mtime(&path) {
            continue;
        }
        let raw = std::fs::read(&path).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 1 << 16, 11, 22);
            w.write_all(&raw).map_err(|e| e.to_string())?;
        }
        std::fs::write(&br, &out).map_err(|e| e.to_string())?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        std::fs::write(format!("{}.gz", path.display()), gz).map_err(|e| e.to_string())?;
        written += 1;
    }
    if written > 0 {
        println!("precompressed {written} assets (brotli, gzip)");
    }
    Ok(())
}

fn build_server() -> Result {
    step("Building the server");
    status(cmd("cargo", &["build", "-p", "phone-mfa-server"]))
}

// ------------------------------------------------------------------ run

fn run(args: &[String]) -> Result {
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

// ------------------------------------------------------------------ storyboard

const STORYBOARD_DIR: &str = "target/storyboard";

/// Walks the real flows in headless Chromium (tests/storyboard), photographing each
/// step in four variants, then writes the contact sheet. `flows` limits which flows run.
fn storyboard(flows: Option<&str>) -> Result {
    build_app(true)?;
    build_server()?;
    let _ = std::fs::remove_dir_all(STORYBOARD_DIR);
    step("Storyboard: walking the flows (mobile 390 px, desktop 1280 px, light and dark)");
    let mut c = cmd(
        "node_modules/.bin/playwright",
        &["test", "-c", "tests/storyboard"],
    );
    c.env("CHROMIUM", CHROMIUM);
    if let Some(f) = flows {
        c.env("STORYBOARD_FLOWS", f);
    }
    status(c)?;
    let shots = write_contact_sheet()?;
    println!("{shots} screenshots; contact sheet: {STORYBOARD_DIR}/index.html");
    Ok(())
}

/// `target/storyboard/<flow>/<NN>-<step>.<variant>.png` -> one table per flow, a row per
/// step, a column per variant, in order.
fn write_contact_sheet() -> Result<usize> {
    const VARIANTS: [&str; 4] = ["mobile-light", "mobile-dark", "desktop-light", "desktop-dark"];
    let mut flows: Vec<PathBuf> = std::fs::read_dir(STORYBOARD_DIR)
        .map_err(|e| format!("{STORYBOARD_DIR}: {e}"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    flows.sort();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Phone MFA storyboard</title>\
         <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:.5rem;vertical-align:top}img{max-width:260px;display:block}</style>\
         </head><body><h1>Phone MFA storyboard</h1>",
    );
    let mut count = 0;
    for flow in &flows {
        let name = flow
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut steps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in std::fs::read_dir(flow).into_iter().flatten().flatten() {
            let file_name = file.file_name().to_string_lossy().into_owned();
            if let Some((step, _variant)) = file_name.strip_suffix(".png").and_then(|s| s.rsplit_once('.')) {
                steps.entry(step.to_owned()).or_default().push(file_name.clone());
                count += 1;
            }
        }
        html.push_str(&format!("<h2>{name}</h2><table><tr><th>step</th>"));
        for v in VARIANTS {
            html.push_str(&format!("<th>{v}</th>"));
        }
        html.push_str("</tr>");
        for (step, files) in &steps {
            html.push_str(&format!("<tr><th>{step}</th>"));
            for v in VARIANTS {
                match files.iter().find(|f| f.ends_with(&format!(".{v}.png"))) {
                    Some(f) => html.push_str(&format!(
                        "<td><a href=\"{name}/{f}\"><img src=\"{name}/{f}\" alt=\"{step}, {v}\" loading=\"lazy\"></a></td>"
                    )),
                    None => html.push_str("<td></td>"),
                }
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>\n");
    std::fs::write(format!("{STORYBOARD_DIR}/index.html"), html).map_err(|e| e.to_string())?;
    if count == 0 {
        return Err("the storyboard took no screenshots".into());
    }
    Ok(count)
}

// ------------------------------------------------------------------ bench

/// Budgets from the performance issue.
const BUDGET_CRITICAL_BR: u64 = 100 * 1024;
const BUDGET_PHONE_SCREEN_BR: u64 = 250 * 1024;
const BUDGET_LONG_TASK_MS: f64 = 50.0;
const BUDGET_KEYSTROKE_MEDIAN_MS: f64 = 1.0;
const BUDGET_VALIDATION_READY_MS: f64 = 1000.0;

struct Asset {
    name: String,
    raw: u64,
    gzip: u64,
    brotli: u64,
}

fn size(path: &str) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Reads one number out of the flat JSON the browser half writes (no JSON crate needed).
fn json_number(json: &str, key: &str) -> Option<f64> {
    let at = json.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = json[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn json_object<'a>(json: &'a str, key: &str) -> &'a str {
    json.find(&format!("\"{key}\""))
        .map(|at| &json[at..])
        .and_then(|s| s.split_once('}').map(|(o, _)| o))
        .unwrap_or("")
}

/// The production build the bench measures: release, without the design gallery.
const BENCH_DIST: &str = "target/bench/dist";

fn bench() -> Result {
    step("Building the server for load figures (profile server-release)");
    status(cmd(
        "cargo",
        &["build", "--profile", "server-release", "-p", "phone-mfa-server"],
    ))?;
    step("Building the production app (trunk build --release --offline --no-default-features)");
    let mut trunk = cmd(
        "trunk",
        &[
            "build",
            "--release",
            "--offline",
            "--no-default-features",
            "--dist",
            BENCH_DIST,
        ],
    );
    trunk.env("RUSTFLAGS", split::RUSTFLAGS);
    status(trunk)?;
    let split = split::split_app(Path::new(BENCH_DIST))?;
    precompress_dir(BENCH_DIST)?;
    step("Sizes of the served assets");
    let mut assets: Vec<Asset> = std::fs::read_dir(BENCH_DIST)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
        .map(|p| {
            let path = p.display().to_string();
            let raw = size(&path);
            let (gzip, brotli) = if compressible(&p) {
                (size(&format!("{path}.gz")), size(&format!("{path}.br")))
            } else {
                (raw, raw)
            };
            Asset {
                name: p.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                raw,
                gzip,
                brotli,
            }
        })
        .collect();
    assets.sort_by_key(|a| std::cmp::Reverse(a.raw));
    // The split screens' chunks are many small files: listed as one line, then per screen.
    let is_chunk = |a: &Asset| a.name.starts_with("split_") || a.name.starts_with("chunk_");
    println!("{:<44} {:>10} {:>10} {:>10}", "asset", "raw", "gzip", "brotli");
    for a in assets.iter().filter(|a| !is_chunk(a)) {
        println!("{:<44} {:>10} {:>10} {:>10}", a.name, a.raw, a.gzip, a.brotli);
    }
    let chunks: Vec<&Asset> = assets.iter().filter(|a| is_chunk(a)).collect();
    let sum = |f: fn(&Asset) -> u64| chunks.iter().map(|a| f(a)).sum::<u64>();
    println!(
        "{:<44} {:>10} {:>10} {:>10}",
        format!("{} chunks of the later screens", chunks.len()),
        sum(|a| a.raw),
        sum(|a| a.gzip),
        sum(|a| a.brotli)
    );
    let brotli_of = |files: &[String]| -> u64 {
        files
            .iter()
            .filter_map(|f| assets.iter().find(|a| &a.name == f))
            .map(|a| a.brotli)
            .sum()
    };
    for (screen, files) in &split.screens {
        println!("  {screen:<58} {:>10}", brotli_of(files));
    }
    // What the sign-in screen needs to paint and be used: the page, its CSS, the app's
    // main module, its glue and the chunk loader the glue imports.
    let critical: u64 = assets
        .iter()
        .filter(|a| {
            a.name == "index.html"
                || a.name.ends_with(".css")
                || a.name.starts_with("phone-mfa-")
                || a.name.starts_with("__wasm_split-")
        })
        .map(|a| a.brotli)
        .sum();
    let validator: u64 = assets
        .iter()
        .filter(|a| a.name.starts_with("validator"))
        .map(|a| a.brotli)
        .sum();
    // The phone screen: all of the above, its own chunks and the validator worker.
    let phone_chunks = split
        .screens
        .iter()
        .find(|(screen, _)| screen.contains("enter_phone"))
        .map(|(_, files)| brotli_of(files))
        .ok_or("the split has no chunk for the phone screen (EnterPhoneScreen)")?;
    let phone_screen = critical + phone_chunks + validator;
    println!("critical path (sign-in screen), brotli: {critical} bytes");
    println!("phone screen (app + its chunks + validator), brotli: {phone_screen} bytes");

    step("Browser timings (headless Chromium, release build)");
    let mut c = cmd("node_modules/.bin/playwright", &["test", "-c", "tests/bench"]);
    c.env("CHROMIUM", CHROMIUM)
        .env("BENCH_DIST", BENCH_DIST)
        .env("SERVER_BINARY", "target/server-release/phone-mfa-server");
    status(c)?;
    let browser = std::fs::read_to_string("target/bench/browser.json").map_err(|e| e.to_string())?;
    let n = |k: &str| json_number(&browser, k).unwrap_or(f64::NAN);
    let ours = json_object(&browser, "ours_per_keystroke");
    let theirs = json_object(&browser, "theirs_per_keystroke");
    let (ours_median, ours_p95) = (
        json_number(ours, "median_ms").unwrap_or(f64::NAN),
        json_number(ours, "p95_ms").unwrap_or(f64::NAN),
    );
    let (theirs_median, theirs_p95) = (
        json_number(theirs, "median_ms").unwrap_or(f64::NAN),
        json_number(theirs, "p95_ms").unwrap_or(f64::NAN),
    );
    let trip = json_object(&browser, "ours_round_trip");
    let trip_median = json_number(trip, "median_ms").unwrap_or(f64::NAN);
    let trip_p95 = json_number(trip, "p95_ms").unwrap_or(f64::NAN);
    let ratio = if theirs_median > 0.0 {
        format!("{:.1}", ours_median / theirs_median)
    } else {
        "n/a".into()
    };
    // The budget covers the phone screen loading and typing (the issue's wording).
    let phone_longest = n("phone_screen_load_longest_task_ms").max(n("typing_longest_task_ms"));
    let rows = [
        (
            "navigation to an interactive sign-in screen",
            format!("{:.0} ms", n("sign_in_interactive_ms")),
        ),
        (
            "phone screen open to first validated number",
            format!("{:.0} ms", n("phone_validation_ready_ms")),
        ),
        (
            "validator worker: start to ready",
            format!("{:.0} ms", n("worker_ready_after_start_ms")),
        ),
        (
            "first validation, ours (in the worker)",
            format!("{:.1} ms", n("ours_first_validation_ms")),
        ),
        (
            "per keystroke, ours (in the worker), median / p95",
            format!("{ours_median:.2} / {ours_p95:.2} ms"),
        ),
        (
            "per keystroke, ours, page -> worker -> page, median / p95",
            format!("{trip_median:.2} / {trip_p95:.2} ms"),
        ),
        (
            "first validation, libphonenumber-js (main thread)",
            format!("{:.1} ms", n("theirs_first_validation_ms")),
        ),
        (
            "per keystroke, libphonenumber-js, median / p95",
            format!("{theirs_median:.2} / {theirs_p95:.2} ms"),
        ),
        ("ratio ours / theirs (median per keystroke)", ratio),
        (
            "longest main-thread task: sign-in screen load",
            format!("{:.0} ms", n("sign_in_longest_task_ms")),
        ),
        (
            "longest main-thread task: phone screen load",
            format!("{:.0} ms", n("phone_screen_load_longest_task_ms")),
        ),
        (
            "longest main-thread task: typing numbers",
            format!("{:.0} ms", n("typing_longest_task_ms")),
        ),
    ];
    for (what, value) in rows {
        println!("{what:<60} {value:>14}");
    }
    step("Server under load (127.0.0.1, 16 connections, 5 s each, server-release build)");
    let server = std::fs::read_to_string("target/bench/server.json").map_err(|e| e.to_string())?;
    for (key, what) in [
        ("static_wasm_br", "GET the app wasm (brotli)"),
        (
            "verify_locked_account",
            "POST verify (wrong codes, account locked: 429)",
        ),
    ] {
        let o = json_object(&server, key);
        let f = |k: &str| json_number(o, k).unwrap_or(f64::NAN);
        println!(
            "{what:<52} {:>8.0} req/s   p50 {:>4.0} ms   p99 {:>4.0} ms",
            f("requests_per_s"),
            f("p50_ms"),
            f("p99_ms")
        );
    }

    step("Budgets");
    let budgets = [
        (
            "critical path <= 100 KB brotli",
            critical <= BUDGET_CRITICAL_BR,
            format!("{} KB", critical / 1024),
        ),
        (
            "phone screen <= 250 KB brotli",
            phone_screen <= BUDGET_PHONE_SCREEN_BR,
            format!("{} KB", phone_screen / 1024),
        ),
        (
            "no main-thread task over 50 ms (phone screen, typing)",
            phone_longest <= BUDGET_LONG_TASK_MS,
            format!("{phone_longest:.0} ms"),
        ),
        (
            "per-keystroke validation <= 1 ms median",
            ours_median <= BUDGET_KEYSTROKE_MEDIAN_MS,
            format!("{ours_median:.2} ms"),
        ),
        (
            "validation ready within 1 s",
            n("phone_validation_ready_ms") <= BUDGET_VALIDATION_READY_MS,
            format!("{:.0} ms", n("phone_validation_ready_ms")),
        ),
    ];
    for (what, ok, value) in &budgets {
        println!("{:<6} {what:<56} {value}", if *ok { "PASS" } else { "FAIL" });
    }
    let sizes: Vec<String> = assets
        .iter()
        .map(|a| {
            format!(
                "{{\"name\":\"{}\",\"raw\":{},\"gzip\":{},\"brotli\":{}}}",
                a.name, a.raw, a.gzip, a.brotli
            )
        })
        .collect();
    let report = format!(
        "{{\"assets\":[{}],\"critical_path_brotli\":{critical},\"phone_screen_brotli\":{phone_screen},\"browser\":{},\"server\":{}}}\n",
        sizes.join(","),
        browser.trim(),
        server.trim()
    );
    let stamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    std::fs::write(format!("target/bench/bench-{stamp}.json"), &report).map_err(|e| e.to_string())?;
    std::fs::write("target/bench/latest.json", &report).map_err(|e| e.to_string())?;
    println!("figures written to target/bench/latest.json");
    if budgets.iter().all(|(_, ok, _)| *ok) {
        Ok(())
    } else {
        Err("a budget is not met".into())
    }
}

// ------------------------------------------------------------------ test

/// Totals read from each runner's closing lines.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    /// Each step's verdict and test counts.
    closing: BTreeMap<usize, (String, String)>,
}

/// Runs a step, echoing its output, and adds up the test counts its runner prints.
fn counted(tally: &mut Tally, index: usize, name: &str, mut c: Command) -> Result {
    step(name);
    let shown = format!("{c:?}");
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let (passed_before, failed_before) = (tally.passed, tally.failed);
    for line in BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(|l| l.ok())
    {
        println!("{line}");
        let t = line.trim();
        // cargo test: "test result: ok. 12 passed; 0 failed; ..."
        if let Some(rest) = t.strip_prefix("test result: ") {
            let num = |word: &str| {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .trim_start_matches("ok. ")
                            .trim_start_matches("FAILED. ")
                            .strip_suffix(word)
                    })
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            tally.passed += num(" passed");
            tally.failed += num(" failed");
        // Playwright: "  12 passed (40.1s)" / "  1 failed"
        } else if let Some((n, _)) = t.split_once(" passed (") {
            tally.passed += n.trim().parse::<u64>().unwrap_or(0);
        } else if let Some(n) = t
            .strip_suffix(" failed")
            .filter(|n| n.trim().parse::<u64>().is_ok())
        {
            tally.failed += n.trim().parse::<u64>().unwrap_or(0);
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    let verdict = if st.success() { "ok" } else { "FAILED" };
    let (passed, failed) = (tally.passed - passed_before, tally.failed - failed_before);
    let counts = if passed + failed > 0 {
        format!("{passed} passed, {failed} failed")
    } else {
        String::new()
    };
    tally
        .closing
        .insert(index, (format!("{name}: {verdict}"), counts));
    if st.success() {
        Ok(())
    } else {
        Err(format!("{name} failed"))
    }
}

fn test() -> Result {
    let started = Instant::now();
    ensure_tools()?;
    for (tool, path) in [("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)] {
        if !Path::new(path).exists() {
            return Err(format!("{tool} is missing at {path}: `bash .ci/run` installs it (apt-get install chromium chromium-driver)"));
        }
    }
    let postgres = postgres::ensure()?;
    let mut tally = Tally::default();
    let mut failures = vec![];
    let wasm_timeout = std::env::var("WASM_BINDGEN_TEST_TIMEOUT").unwrap_or_else(|_| "120".into());
    let steps: Vec<(&str, Command)> = vec![
        (
            "format (cargo fmt --check)",
            cmd("cargo", &["fmt", "--all", "--check"]),
        ),
        (
            "lints, native (clippy -D warnings)",
            cmd(
                "cargo",
                &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
            ),
        ),
        (
            "lints, wasm32 (clippy -D warnings)",
            cmd(
                "cargo",
                &[
                    "clippy",
                    "--target",
                    WASM_TARGET,
                    "-p",
                    "phone-mfa",
                    "-p",
                    "phone-mfa-contract",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ),
        ),
        (
            "native tests (every crate)",
            cmd("cargo", &["test", "--workspace"]),
        ),
        ("server suite again, on PostgreSQL (a fresh schema per test)", {
            let mut c = cmd("cargo", &["test", "-p", "phone-mfa-server", "--tests"]);
            c.env("PHONE_MFA_TEST_DATABASE_URL", &postgres);
            c
        }),
        (
            // Needs node_modules (ensure_tools), so it is not part of plain `cargo test`.
            "phone rules vs libphonenumber-js (differential)",
            cmd(
                "cargo",
                &[
                    "test",
                    "-p",
                    "phone-mfa-contract",
                    "--test",
                    "differential",
                    "--",
                    "--ignored",
                    "--nocapture",
                ],
            ),
        ),
        ("browser tests (wasm-bindgen-test in headless Chromium)", {
            let mut c = cmd("cargo", &["test", "--target", WASM_TARGET, "-p", "phone-mfa"]);
            c.env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", &wasm_timeout);
            c
        }),
    ];
    for (i, (name, c)) in steps.into_iter().enumerate() {
        if let Err(e) = counted(&mut tally, i, name, c) {
            failures.push(e);
        }
    }
    // End to end needs the release app and the server.
    let e2e = build_app(true).and_then(|_| build_server()).and_then(|_| {
        let mut c = cmd("node_modules/.bin/playwright", &["test", "-c", "tests/e2e"]);
        c.env("CHROMIUM", CHROMIUM);
        counted(
            &mut tally,
            10,
            "end to end (Playwright + axe-core, real server)",
            c,
        )
    });
    if let Err(e) = e2e {
        failures.push(e);
    }
    // The storyboard must not silently break: the setup flow in English and Spanish, every variant.
    step("storyboard (setup in English and Spanish, four variants)");
    match storyboard(Some("setup,setup-es")) {
        Ok(()) => {
            tally
                .closing
                .insert(11, ("storyboard (setup flow, en + es): ok".into(), String::new()));
        }
        Err(e) => {
            tally
                .closing
                .insert(11, ("storyboard (setup flow): FAILED".into(), String::new()));
            failures.push(e);
        }
    }
    println!("\n==> Summary ({:.0} s)", started.elapsed().as_secs_f64());
    for (name, last) in tally.closing.values() {
        println!("{name:<60} {last}");
    }
    for f in &failures {
        println!("FAILED: {f}");
    }
    println!("tests: {} passed, {} failed", tally.passed, tally.failed);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failures.len()))
    }
}
