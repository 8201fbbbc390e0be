//! `cargo xtask test`: every check, with a summary of each step's counts.

use crate::*;

/// Totals read from each runner's closing lines.
#[derive(Default)]
pub(crate) struct Tally {
    passed: u64,
    failed: u64,
    /// Each step's verdict and test counts.
    closing: BTreeMap<usize, (String, String)>,
}

/// Runs a step, echoing its output, and adds up the test counts its runner prints.
pub(crate) fn counted(tally: &mut Tally, index: usize, name: &str, c: Command) -> Result {
    counted_all(tally, index, name, vec![c])
}

/// A step of several commands, run one after the other (all of them, whatever each
/// answers); the step passes if every one does.
pub(crate) fn counted_all(tally: &mut Tally, index: usize, name: &str, commands: Vec<Command>) -> Result {
    step(name);
    let (passed_before, failed_before) = (tally.passed, tally.failed);
    let mut ok = true;
    for c in commands {
        ok &= run_counting(tally, c);
    }
    let verdict = if ok { "ok" } else { "FAILED" };
    let (passed, failed) = (tally.passed - passed_before, tally.failed - failed_before);
    let counts = if passed + failed > 0 {
        format!("{passed} passed, {failed} failed")
    } else {
        String::new()
    };
    tally
        .closing
        .insert(index, (format!("{name}: {verdict}"), counts));
    if ok {
        Ok(())
    } else {
        Err(format!("{name} failed"))
    }
}

/// Runs one command, echoing its output and counting the tests it reports; true if it
/// succeeded.
fn run_counting(tally: &mut Tally, mut c: Command) -> bool {
    let shown = format!("{c:?}");
    let mut child = match c.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn() {
        Ok(child) => child,
        Err(e) => {
            println!("cannot start {shown}: {e}");
            return false;
        }
    };
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
    child.wait().is_ok_and(|st| st.success())
}

/// The test executables `cargo test --workspace` built (building any that changed):
/// each with its package's directory, where cargo runs it, and its target's name.
fn built_tests() -> Result<Vec<(PathBuf, String, PathBuf)>> {
    let out = cmd(
        "cargo",
        &["test", "--workspace", "--no-run", "--message-format=json"],
    )
    .stderr(Stdio::inherit())
    .output()
    .map_err(|e| format!("cargo test --no-run: {e}"))?;
    if !out.status.success() {
        return Err("cargo test --workspace --no-run failed".into());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["profile"]["test"] == true)
        .filter_map(|m| {
            let exe = PathBuf::from(m["executable"].as_str()?);
            let dir = Path::new(m["manifest_path"].as_str()?).parent()?.to_owned();
            Some((dir, m["target"]["name"].as_str()?.to_owned(), exe))
        })
        .collect())
}

/// The integration-test binary `name`, to run as cargo would (from its package's directory).
fn built_test(built: &[(PathBuf, String, PathBuf)], name: &str) -> Result<Command> {
    let (dir, _, exe) = built
        .iter()
        .find(|(_, target, _)| target == name)
        .ok_or_else(|| format!("`cargo test --workspace` built no test named {name}"))?;
    let mut c = Command::new(exe);
    c.current_dir(dir).env("PATH", tool_path());
    Ok(c)
}

/// The server's integration-test binaries (crates/server/tests/): run again on
/// PostgreSQL. A test binary added there and not here fails `cargo xtask test`.
const SERVER_TEST_BINARIES: &[&str] = &["suite", "logs", "password_burst", "sign_up_timing"];

pub(crate) fn test() -> Result {
    let started = Instant::now();
    ensure_tools()?;
    ensure_test_tools()?;
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
        ("browser tests (wasm-bindgen-test in headless Chromium)", {
            let mut c = cmd("cargo", &["test", "--target", WASM_TARGET, "-p", "phone-mfa"]);
            c.env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", &wasm_timeout);
            c
        }),
    ];
    let mut steps = steps.into_iter();
    for (i, (name, c)) in steps.by_ref().take(4).enumerate() {
        if let Err(e) = counted(&mut tally, i, name, c) {
            failures.push(e);
        }
    }
    // The server suite on PostgreSQL and the differential test run the binaries the
    // step above built: another `cargo test` selecting fewer targets resolves features
    // apart and compiles much of the workspace again (0.8 GB of CI's disk).
    let built = built_tests();
    let again = built.as_ref().map_err(Clone::clone).and_then(|built| {
        SERVER_TEST_BINARIES
            .iter()
            .map(|name| {
                let mut c = built_test(built, name)?;
                c.env("PHONE_MFA_TEST_DATABASE_URL", &postgres);
                Ok(c)
            })
            .collect::<Result<Vec<_>>>()
    });
    let differential = built.as_ref().map_err(Clone::clone).and_then(|built| {
        // Needs node_modules (ensure_tools), so it is not part of plain `cargo test`.
        let mut c = built_test(built, "differential")?;
        c.args(["--ignored", "--nocapture"]);
        Ok(vec![c])
    });
    for (i, name, commands) in [
        (
            4,
            "server suite again, on PostgreSQL (a fresh schema per test)",
            again,
        ),
        (5, "phone rules vs libphonenumber-js (differential)", differential),
    ] {
        if let Err(e) = commands.and_then(|c| counted_all(&mut tally, i, name, c)) {
            failures.push(e);
        }
    }
    for (name, c) in steps {
        if let Err(e) = counted(&mut tally, 6, name, c) {
            failures.push(e);
        }
    }
    // End to end needs the release app and the server.
    // The server of the test build above (`cargo test` builds the binary too), not a
    // build of its own.
    let server = || status(cmd("cargo", &["test", "--workspace", "--no-run"]));
    let e2e = build_app(true).and_then(|_| server()).and_then(|_| {
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
    // Size guards (issue 21): the production build (no gallery), weighed.
    match crate::bench::size_guards() {
        Ok(()) => {
            tally.closing.insert(
                12,
                ("size guards (production build, brotli): ok".into(), String::new()),
            );
        }
        Err(e) => {
            tally
                .closing
                .insert(12, ("size guards (production build): FAILED".into(), e.clone()));
            failures.push(e);
        }
    }
    // The storyboard must not silently break: the setup flow in English and Spanish, every variant.
    step("storyboard (setup in English and Spanish, four variants)");
    match build_app(true)
        .and_then(|_| server())
        .and_then(|_| walk_storyboard(Some("setup,setup-es")))
    {
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
    // CI's disk is finite (a run once failed with "No space left on device"): show
    // what the builds of this run left, so growth is seen before it is a failure.
    println!(
        "target/ holds {:.1} GB",
        disk_use(Path::new("target")) as f64 / 1e9
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failures.len()))
    }
}

/// Bytes in the files under `dir`, each file once however many hard links it has
/// (cargo links every binary into two places), as `du` counts.
fn disk_use(dir: &Path) -> u64 {
    fn walk(dir: &Path, seen: &mut std::collections::HashSet<(u64, u64)>) -> u64 {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let mut bytes = 0;
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                bytes += walk(&e.path(), seen);
            } else if meta.is_file() {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    if !seen.insert((meta.dev(), meta.ino())) {
                        continue;
                    }
                }
                bytes += meta.len();
            }
        }
        bytes
    }
    walk(dir, &mut Default::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test binary of the server (a `tests/*.rs` file or `tests/*/main.rs`) runs
    /// again on PostgreSQL.
    #[test]
    fn every_server_test_binary_runs_on_postgres() {
        let mut found: Vec<String> = std::fs::read_dir("../crates/server/tests")
            .unwrap()
            .flatten()
            .filter_map(|e| {
                let path = e.path();
                let name = path.file_stem()?.to_str()?.to_owned();
                let binary = if path.is_dir() {
                    path.join("main.rs").exists()
                } else {
                    path.extension().is_some_and(|x| x == "rs")
                };
                binary.then_some(name)
            })
            .collect();
        found.sort();
        let mut listed: Vec<String> = SERVER_TEST_BINARIES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(found, listed);
    }
}
