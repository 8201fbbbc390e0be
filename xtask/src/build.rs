//! Building the app (trunk, then the wasm split and precompression) and the server.

use crate::*;

pub(crate) fn newest_mtime(path: &Path) -> SystemTime {
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
pub(crate) const APP_INPUTS: &[&str] = &[
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
    // How the release app is split, and the words its pages paint first.
    "xtask/src/split.rs",
    "xtask/src/first_paint.rs",
];

/// Written after each release build by xtask. `trunk serve` rebuilds dist/ in debug;
/// the stamp tells such a dist/ apart from the release build xtask made.
pub(crate) const RELEASE_STAMP: &str = "target/xtask-release-app.stamp";

pub(crate) fn app_is_fresh() -> bool {
    let stamp = newest_mtime(Path::new(RELEASE_STAMP));
    stamp > SystemTime::UNIX_EPOCH
        && newest_mtime(Path::new("dist/index.html")) <= stamp
        && APP_INPUTS.iter().all(|p| newest_mtime(Path::new(p)) <= stamp)
}

pub(crate) fn build_app(release: bool) -> Result {
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
pub(crate) fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "wasm" | "js" | "css" | "svg" | "webmanifest")
    )
}

pub(crate) fn precompress() -> Result {
    precompress_dir("dist")
}

/// Writes `file.br` (quality 11) and `file.gz` (level 9) beside every compressible
/// asset in `dir`, for the server to send as they are.
pub(crate) fn precompress_dir(dir: &str) -> Result {
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

pub(crate) fn build_server() -> Result {
    step("Building the server");
    status(cmd("cargo", &["build", "-p", "phone-mfa-server"]))
}
