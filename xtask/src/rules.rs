//! The rule-to-test check: every security rule in `docs/security-rules.md` has at least
//! one test that carries its id (in its name or its doc comment), so a rule cannot be
//! added, or a test deleted, without someone noticing.
//!
//! Runs as a unit test of xtask (`cargo test --workspace`, part of `cargo xtask test`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rule ids the document defines: the first cell of each table row (`| C4 | ...`).
pub fn rule_ids(doc: &str) -> BTreeSet<String> {
    doc.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|rest| rest.split(" |").next())
        .map(str::trim)
        .filter(|id| {
            id.len() >= 2
                && id.as_bytes()[0].is_ascii_uppercase()
                && id[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

/// Whether `text` names `id` as a word: `C4`, `c4_...`, `rule C4,` (not `C40`, `AC4`).
fn names(text: &str, id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    [id, lower.as_str()].iter().any(|needle| {
        text.match_indices(needle).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + needle.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    })
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules" | "dist" | "vendor" | ".git") {
                files(&path, out);
            }
        } else if name.ends_with(".rs") || name.ends_with(".ts") {
            out.push(path);
        }
    }
}

/// The test code of the repository: files under a `tests` directory, Playwright specs,
/// and the `#[cfg(test)]` part of source files.
pub fn test_texts(root: &Path) -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    files(root, &mut all);
    all.into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let in_tests_dir = path.components().any(|c| c.as_os_str() == "tests");
            let test_part = if in_tests_dir || path.to_string_lossy().ends_with(".spec.ts") {
                text
            } else {
                text.find("#[cfg(test)]").map(|at| text[at..].to_owned())?
            };
            Some((path, test_part))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn every_security_rule_has_a_test_that_carries_its_id() {
        let doc = std::fs::read_to_string(root().join("docs/security-rules.md")).unwrap();
        let ids = rule_ids(&doc);
        assert!(ids.len() >= 39, "the document's rules: {ids:?}");
        let tests = test_texts(&root());
        let untested: Vec<&String> = ids
            .iter()
            .filter(|id| !tests.iter().any(|(_, text)| names(text, id)))
            .collect();
        assert!(untested.is_empty(), "rules without a test: {untested:?}");
    }

    #[test]
    fn ids_are_found_as_words_only() {
        assert!(names("/// Rule C4: late texts", "C4"));
        assert!(names("fn c4_the_code_before_a_resend()", "C4"));
        assert!(names("rules A2, A7.", "A7"));
        assert!(!names("C40 and AC4 and C4x", "C4"));
        let ids = rule_ids("| C1 | format | x |\n| id | rule |\n|---|---|\n| G10 | y | z |\n");
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["C1", "G10"]);
    }
}
