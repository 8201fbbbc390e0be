//! Code splitting for release builds (issue 8): the app's wasm is cut so that the
//! sign-in screen downloads only what it needs, and every later screen (a `lazy` or
//! `preloaded` entry in src/screens.rs) loads its code when it is first opened.
//!
//! trunk cannot split wasm (trunk-rs/trunk#1022), so trunk still builds the page, the
//! CSS and the validator worker, and compiles the app with `--cfg phone_mfa_split` and
//! relocations kept. This step then does what cargo-leptos does for `--split`:
//! `wasm_split_cli_support` cuts the compiled wasm into a main module and chunks,
//! wasm-bindgen (keeping the exports the chunks link against) and wasm-opt process
//! them, and the results replace trunk's app files in dist/, named by content hash so
//! they can be cached for a year.

use crate::{cmd, first_paint, status, Result, WASM_TARGET};
use base64::Engine;
use phone_mfa_contract::ROUTE_PRELOADS_FILE;
use sha2::{Digest, Sha256, Sha384};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `RUSTFLAGS` for trunk's cargo build. The variable replaces `.cargo/config.toml`'s
/// rustflags for wasm32, so `erase_components` is restated here. With this cfg the
/// app's build.rs also links the app (not the validator) with `--emit-relocs`.
pub const RUSTFLAGS: &str = "--cfg erase_components --cfg phone_mfa_split";

/// Where the pieces are put together before they go to dist/.
const WORK_DIR: &str = "target/split";

/// Stands for the content hash in names that are written into other files before the
/// hash is known (the main wasm imports the loader by name). As long as a hash.
const HASH_PLACEHOLDER: &str = "________________";

/// Same flags as trunk's `data-wasm-opt="z"` in index.html.
const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
];

/// What the split produced, for `cargo xtask bench`: each chunk of src/screens.rs with
/// the files it fetches when first needed (its own and those it shares with others),
/// and each address of a split screen with those of its screen's chunk.
pub struct Split {
    pub chunks: Vec<(String, Vec<String>)>,
    pub addresses: BTreeMap<String, Vec<String>>,
}

/// Splits the app trunk compiled into `dist` (a release build with [`RUSTFLAGS`]).
pub fn split_app(dist: &Path) -> Result<Split> {
    let input = PathBuf::from(format!("target/{WASM_TARGET}/release/phone-mfa.wasm"));
    let wasm = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
    let work = Path::new(WORK_DIR);
    if work.exists() {
        std::fs::remove_dir_all(work).map_err(|e| e.to_string())?;
    }
    let chunks_dir = work.join("chunks");
    let main_wasm = work.join("main.wasm");
    let loader_name = format!("__wasm_split-{HASH_PLACEHOLDER}.js");
    let glue_name = format!("phone-mfa-{HASH_PLACEHOLDER}.js");
    let link_name = format!("./{loader_name}");
    let main_module = format!("./{glue_name}");

    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = &chunks_dir;
    opts.main_out_path = &main_wasm;
    opts.link_name = &link_name;
    opts.main_module = &main_module;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("wasm-split: {e:#}"))?;

    // The main module through wasm-bindgen: `--keep-lld-exports` keeps the memory,
    // table and stack pointer the chunks link against.
    let bindgen = work.join("bindgen");
    status(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-typescript",
            "--out-name",
            "phone-mfa",
            "--out-dir",
            &bindgen.display().to_string(),
            &main_wasm.display().to_string(),
        ],
    ))?;
    let main_bg = bindgen.join("phone-mfa_bg.wasm");
    wasm_opt(&main_bg)?;
    let mut chunk_files: Vec<PathBuf> = std::fs::read_dir(&chunks_dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    chunk_files.sort();
    for chunk in &chunk_files {
        wasm_opt(chunk)?;
    }

    // One hash of everything names every file: any change renames them all, so a
    // cached file never meets a newer neighbour.
    let glue = read_text(&bindgen.join("phone-mfa.js"))?;
    let main = std::fs::read(&main_bg).map_err(|e| e.to_string())?;
    let loader = read_text(&chunks_dir.join(&loader_name))?;
    let mut hasher = Sha256::new();
    hasher.update(glue.as_bytes());
    hasher.update(&main);
    hasher.update(loader.as_bytes());
    let mut chunks = Vec::new();
    for path in &chunk_files {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        hasher.update(&bytes);
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        chunks.push((stem, bytes));
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .take(HASH_PLACEHOLDER.len() / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    let named = |name: &str| name.replace(HASH_PLACEHOLDER, &hash);

    // The loader fetches each chunk by its file name: give them the hash too.
    let mut loader = named(&loader);
    for (stem, _) in &chunks {
        let old = format!("\"./{stem}.wasm\"");
        if !loader.contains(&old) {
            return Err(format!("wasm-split: the loader does not fetch {stem}.wasm"));
        }
        loader = loader.replace(&old, &format!("\"./{stem}-{hash}.wasm\""));
    }
    let glue = named(&glue);
    let main = replace_bytes(&main, link_name.as_bytes(), named(&link_name).as_bytes())?;

    // trunk's app files make way for the split ones; index.html points at the new names
    // with new integrity hashes.
    let index_path = dist.join("index.html");
    let mut index = read_text(&index_path)?;
    let old_glue = find_trunk_glue(dist)?;
    let old_stem = old_glue.trim_end_matches(".js").to_owned();
    let old_bg = format!("{old_stem}_bg.wasm");
    let new_stem = format!("phone-mfa-{hash}");
    for (old, new) in [
        (dist.join(&old_glue), glue.as_bytes()),
        (dist.join(&old_bg), main.as_slice()),
    ] {
        let before = std::fs::read(&old).map_err(|e| format!("{}: {e}", old.display()))?;
        index = index.replace(&sri(&before), &sri(new));
        for compressed in ["", ".br", ".gz"] {
            let _ = std::fs::remove_file(format!("{}{compressed}", old.display()));
        }
    }
    if !index.contains(&old_stem) {
        return Err(format!("index.html does not load {old_stem}"));
    }
    let index = index.replace(&old_stem, &new_stem);
    let write =
        |name: &str, bytes: &[u8]| std::fs::write(dist.join(name), bytes).map_err(|e| format!("{name}: {e}"));
    write(&format!("{new_stem}.js"), glue.as_bytes())?;
    write(&format!("{new_stem}_bg.wasm"), &main)?;
    write(&named(&loader_name), loader.as_bytes())?;
    for (stem, bytes) in &chunks {
        write(&format!("{stem}-{hash}.wasm"), bytes)?;
    }
    write("index.html", index.as_bytes())?;
    let _ = std::fs::remove_file(dist.join("index.html.br"));
    let _ = std::fs::remove_file(dist.join("index.html.gz"));

    let mut split_chunks: Vec<(String, Vec<String>)> = split
        .prefetch_map
        .into_iter()
        .map(|(chunk, files)| {
            let files = files.iter().map(|stem| format!("{stem}-{hash}.wasm")).collect();
            (chunk, files)
        })
        .collect();
    split_chunks.sort();
    // Per address of the app, index.html with its screen's first words (first_paint.rs)
    // and, for a split screen, preloads of its chunks.
    let table = read_text(Path::new(SCREENS_TABLE))?;
    let addresses = route_preloads(&table, &split_chunks)?;
    let words = first_paint::read_words(Path::new("."))?;
    let mut pages = BTreeMap::new();
    for (route, parts) in first_paint::addresses(&table)? {
        let mut page = match parts.is_empty() {
            true => index.clone(),
            false => first_paint::with_cards(&index, &first_paint::cards(&parts, &words)?)?,
        };
        match addresses.get(&route) {
            Some(files) => page = with_preloads(&page, files)?,
            None if parts.is_empty() => continue, // index.html as it is
            None => {}
        }
        let name = match route.as_str() {
            "/" => "index-start.html".to_owned(),
            _ => format!("index{}.html", route.replace('/', "-")),
        };
        write(&name, page.as_bytes())?;
        pages.insert(route, name);
    }
    let manifest = serde_json::to_string_pretty(&pages).map_err(|e| e.to_string())?;
    write(ROUTE_PRELOADS_FILE, manifest.as_bytes())?;
    println!(
        "split the app: main module, {} files for {} chunks",
        chunks.len(),
        split_chunks.len()
    );
    Ok(Split {
        chunks: split_chunks,
        addresses,
    })
}

/// The app's one list of screens, with each screen's addresses and chunk.
const SCREENS_TABLE: &str = "src/screens.rs";

/// For each address of a split screen (`Screen at ["/a", "/b"], (lazy chunk::screen),`
/// in [`SCREENS_TABLE`]), the files its chunk fetches when opened: what the server
/// preloads with index.html at that address. A chunk the split does not know fails the
/// build, so the table and the split cannot drift apart unnoticed.
fn route_preloads(table: &str, chunks: &[(String, Vec<String>)]) -> Result<BTreeMap<String, Vec<String>>> {
    let mut preloads = BTreeMap::new();
    for line in table.lines().map(str::trim) {
        let Some((addresses, load)) = line
            .split_once(" at [")
            .and_then(|(_, rest)| rest.split_once("], ("))
        else {
            continue;
        };
        let Some((chunk, _screen)) = load
            .split_once(')')
            .and_then(|(l, _)| l.split_once(' '))
            .and_then(|(_, path)| path.split_once("::"))
        else {
            continue; // (eager): in the main module
        };
        let files = chunks
            .iter()
            .find(|(name, _)| name == chunk)
            .map(|(_, files)| files.clone())
            .ok_or_else(|| {
                format!("{SCREENS_TABLE} splits out {chunk}, but the split made no such screen")
            })?;
        // A page per fixed address: one with a parameter (`/gallery/:state`) keeps
        // index.html.
        for address in addresses.split(',').map(|a| a.trim().trim_matches('"')) {
            if !address.contains([':', '*']) {
                preloads.insert(address.to_owned(), files.clone());
            }
        }
    }
    if preloads.is_empty() {
        return Err(format!("no split screen found in {SCREENS_TABLE}"));
    }
    Ok(preloads)
}

/// `index_html` with a preload link for each of `files` at the end of its head: after
/// the main module's own links, so the browser asks for those first.
fn with_preloads(index_html: &str, files: &[String]) -> Result<String> {
    let links: String = files
        .iter()
        .map(|f| {
            format!(r#"<link rel="preload" href="/{f}" as="fetch" type="application/wasm" crossorigin>"#)
        })
        .collect();
    match index_html.find("</head>") {
        Some(at) => Ok(format!("{}{links}{}", &index_html[..at], &index_html[at..])),
        None => Err("index.html has no </head>".into()),
    }
}

fn wasm_opt(path: &Path) -> Result {
    let p = path.display().to_string();
    let mut args = WASM_OPT_ARGS.to_vec();
    args.extend([p.as_str(), "-o", p.as_str()]);
    status(cmd("wasm-opt", &args))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// trunk's glue for the app: `phone-mfa-<hash>.js`.
fn find_trunk_glue(dist: &Path) -> Result<String> {
    std::fs::read_dir(dist)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("phone-mfa-") && n.ends_with(".js"))
        .ok_or_else(|| format!("no phone-mfa-*.js in {}", dist.display()))
}

/// The Subresource Integrity value trunk writes for a file.
fn sri(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Replaces every occurrence of `from` (exactly as long as `to`) in a binary.
fn replace_bytes(haystack: &[u8], from: &[u8], to: &[u8]) -> Result<Vec<u8>> {
    assert_eq!(from.len(), to.len(), "in-place replacement keeps the length");
    let mut out = haystack.to_vec();
    let mut found = 0;
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            found += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    if found == 0 {
        return Err(format!(
            "the main wasm does not import {}",
            String::from_utf8_lossy(from)
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_of_a_split_screen_preloads_that_screens_files() {
        let table = r#"
    SignIn at ["/", "/sign-in"], (eager),
        gallery sign_in: ["sign-in" => sign_in_empty];
    EnterPhone at ["/setup/phone"], (preloaded setup::enter_phone),
    EnterCode at ["/verify"], (preloaded setup::enter_code),
    Dashboard at ["/account", "/account/x", "/account/:id"], (lazy account::dashboard),
"#;
        let screens = vec![
            ("account".to_owned(), vec!["split_account-1.wasm".to_owned()]),
            (
                "setup".to_owned(),
                vec!["split_setup-1.wasm".to_owned(), "chunk_3-1.wasm".to_owned()],
            ),
        ];
        let preloads = route_preloads(table, &screens).unwrap();
        assert_eq!(
            preloads.keys().collect::<Vec<_>>(),
            ["/account", "/account/x", "/setup/phone", "/verify"],
            "a page per fixed address of a split screen"
        );
        assert_eq!(preloads["/setup/phone"], ["split_setup-1.wasm", "chunk_3-1.wasm"]);
        assert_eq!(
            preloads["/verify"], preloads["/setup/phone"],
            "one chunk, one set of files"
        );
        assert_eq!(preloads["/account/x"], ["split_account-1.wasm"]);
        let unknown = route_preloads(table, &screens[..1]).unwrap_err();
        assert!(unknown.contains("splits out setup,"), "{unknown}");
        assert!(route_preloads("", &screens).is_err());
    }

    #[test]
    fn the_screens_preloads_come_after_the_main_modules() {
        let index =
            r#"<html><head><link rel="preload" href="/phone-mfa-1_bg.wasm"></head><body></body></html>"#;
        let page = with_preloads(index, &["split_a-1.wasm".to_owned(), "chunk_2-1.wasm".to_owned()]).unwrap();
        assert_eq!(
            page,
            r#"<html><head><link rel="preload" href="/phone-mfa-1_bg.wasm"><link rel="preload" href="/split_a-1.wasm" as="fetch" type="application/wasm" crossorigin><link rel="preload" href="/chunk_2-1.wasm" as="fetch" type="application/wasm" crossorigin></head><body></body></html>"#
        );
        assert!(with_preloads("<html>", &[]).is_err());
    }

    /// The real table parses: every split screen in it has an address.
    #[test]
    fn the_apps_screen_table_names_its_split_screens() {
        let table = std::fs::read_to_string(Path::new("..").join(SCREENS_TABLE)).unwrap();
        let chunks: Vec<(String, Vec<String>)> = table
            .lines()
            .filter_map(|l| l.split_once("(lazy ").or_else(|| l.split_once("(preloaded ")))
            .map(|(_, rest)| {
                let (chunk, _screen) = rest.split(')').next().unwrap().split_once("::").unwrap();
                (chunk.to_owned(), vec!["f.wasm".to_owned()])
            })
            .collect();
        assert!(chunks.len() >= 10, "a screen per line: {chunks:?}");
        let preloads = route_preloads(&table, &chunks).unwrap();
        assert!(preloads.contains_key("/setup/phone") && preloads.contains_key("/account"));
        assert!(!preloads.contains_key("/"), "sign-in is in the main module");
    }
}
