//! The translation check: English and Spanish have the same keys, every key is used
//! by the app, and each translation keeps the placeholders of its key. leptos_i18n
//! already fails the build on a key the code uses but the default locale lacks; this
//! catches the rest (a key left in one file only, or left behind after a screen changed).
//!
//! Runs as a unit test of xtask (`cargo test --workspace`, part of `cargo xtask test`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The macros that take a translation key after the context or locale argument.
const MACROS: &[&str] = &[
    "t!(",
    "td!(",
    "tu!(",
    "t_string!(",
    "td_string!(",
    "tu_string!(",
    "t_display!(",
];
/// Suffixes leptos_i18n gives plural forms ("attempts_left_one", "attempts_left_other").
const PLURAL_SUFFIXES: &[&str] = &["_zero", "_one", "_two", "_few", "_many", "_other"];

/// The key the code names for a (possibly plural) key.
fn base_key(key: &str) -> &str {
    PLURAL_SUFFIXES
        .iter()
        .find_map(|s| key.strip_suffix(s))
        .unwrap_or(key)
}

/// `{{ name }}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}").map(|(name, _)| name.trim().to_owned()))
        .collect()
}

/// The keys named in Rust sources: `t!(i18n, screen.key, …)` and its siblings.
pub fn keys_used_in(source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for mac in MACROS {
        let mut rest = source;
        while let Some(at) = rest.find(mac) {
            // `t!(` must not be the end of another name (`td_string!(` contains `string!(`).
            let before = rest[..at].chars().next_back();
            rest = &rest[at + mac.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            // Skip the context argument (balanced parentheses), then read the key.
            let mut depth = 0;
            let mut end = None;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => break,
                    ')' => depth -= 1,
                    ',' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { continue };
            let key: String = rest[end + 1..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if !key.is_empty() {
                used.insert(key);
            }
        }
    }
    used
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn bases(keys: &BTreeMap<String, String>) -> BTreeSet<String> {
    keys.keys().map(|k| base_key(k).to_owned()).collect()
}

/// The English and Spanish files of one catalogue (`locales` for the app,
/// `locales/server` for the server), flattened.
fn read_pair(root: &Path, dir: &str) -> [BTreeMap<String, String>; 2] {
    ["en", "es"].map(|lang| {
        let text = std::fs::read_to_string(root.join(format!("{dir}/{lang}.json"))).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        phone_mfa_contract::catalogue::flat_keys(&json)
    })
}

/// The same keys in both languages, none empty, each with the same placeholders.
fn pair_problems(dir: &str, en: &BTreeMap<String, String>, es: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = vec![];
    for key in bases(en).symmetric_difference(&bases(es)) {
        let has = if bases(en).contains(key) { "en" } else { "es" };
        problems.push(format!("key `{key}` is only in {dir}/{has}.json"));
    }
    for (key, text) in en.iter().chain(es.iter()) {
        if text.trim().is_empty() {
            problems.push(format!("{dir}: key `{key}` has no text"));
        }
    }
    for (key, en_text) in en {
        if let Some(es_text) = es.get(key) {
            if placeholders(en_text) != placeholders(es_text) {
                problems.push(format!(
                    "{dir}: key `{key}`: the placeholders differ between en and es"
                ));
            }
        }
    }
    problems
}

/// Every problem found, one line each (empty: all good). The server's catalogue is
/// checked for pairs here; which of its keys the server says is its own unit test's
/// job (crates/server/src/i18n.rs), as the server names keys by string.
pub fn problems(root: &Path) -> Vec<String> {
    let [server_en, server_es] = read_pair(root, "locales/server");
    let mut problems = pair_problems("locales/server", &server_en, &server_es);
    let [en, es] = read_pair(root, "locales");
    let (en, es) = (&en, &es);
    problems.extend(pair_problems("locales", en, es));
    let mut files = vec![];
    rust_files(&root.join("src"), &mut files);
    let mut used = BTreeSet::new();
    for file in files {
        used.extend(keys_used_in(&std::fs::read_to_string(file).unwrap()));
    }
    // `t!(i18n, gallery.states.$label)` inside a macro names a whole group of keys; each
    // of them is still checked by the compiler where the macro is used.
    let prefixes: Vec<&String> = used.iter().filter(|k| k.ends_with('.')).collect();
    for key in bases(en) {
        if !used.contains(&key) && !prefixes.iter().any(|p| key.starts_with(p.as_str())) {
            problems.push(format!("key `{key}` is not used by the app"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_spanish_have_the_same_keys_all_used_with_the_same_placeholders() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let problems = problems(root);
        assert!(
            problems.is_empty(),
            "translation problems:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_check_finds_keys_in_every_macro_form() {
        let used = keys_used_in(
            r#"{t!(i18n, a.b)} t_string!(i18n, c, n = f(x, y)) td_string!(locale(), d.e_f, status = 1)
               tu!(i18n, g) not_t!(x, h) t_string!(i18n, group.$name)"#,
        );
        let expected: BTreeSet<String> = ["a.b", "c", "d.e_f", "g", "group."].map(String::from).into();
        assert_eq!(used, expected);
        assert_eq!(base_key("code.attempts_left_one"), "code.attempts_left");
        assert_eq!(
            placeholders("In {{ time }} or {{count}}"),
            ["count".to_owned(), "time".to_owned()].into()
        );
    }
}
