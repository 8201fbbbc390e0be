//! The tools the build needs, installed when missing or at the wrong version.

use crate::*;

/// The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly. Read from
/// `cargo metadata` (JSON) rather than by parsing the lock file.
pub(crate) fn locked_wasm_bindgen() -> Result<String> {
    let json = output(
        "cargo",
        &["metadata", "--format-version", "1", "--locked", "--offline"],
    )
    .or_else(|| output("cargo", &["metadata", "--format-version", "1", "--locked"]))
    .ok_or("cargo metadata failed")?;
    let metadata: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("cargo metadata: {e}"))?;
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "wasm-bindgen")
        .and_then(|p| p["version"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "wasm-bindgen is not in Cargo.lock".into())
}

/// The SMTP server the mail tests start.
const AIOSMTPD_VERSION: &str = "1.4.6";

/// Whether a command runs and succeeds, its output hidden.
fn status_quiet(mut c: Command) -> bool {
    c.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub(crate) fn ensure_tools() -> Result {
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

/// What only the tests need: aiosmtpd, the SMTP server the mail tests start
/// (crates/server/tests/smtp_sink.py).
pub(crate) fn ensure_test_tools() -> Result {
    if !status_quiet(cmd("python3", &["-c", "import aiosmtpd"])) {
        println!("installing aiosmtpd {AIOSMTPD_VERSION} from PyPI (the mail tests' SMTP server)");
        status(cmd(
            "python3",
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                &format!("aiosmtpd=={AIOSMTPD_VERSION}"),
            ],
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_locked_wasm_bindgen_version_is_read_from_cargo_metadata() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        let version = super::locked_wasm_bindgen().unwrap();
        assert!(
            lock.contains(&format!("name = \"wasm-bindgen\"\nversion = \"{version}\"")),
            "{version}"
        );
    }
}
